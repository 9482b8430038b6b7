"""Start-up: settings come from the environment and a bad one stops the app with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from slack_app.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]
GOOD = {
    "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
    "SLACK_SIGNING_SECRET": "s3cret",
    "ESCALATION_CHANNEL": "C0123ENG",
}


def run_cli(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ESCALATION_", "PORT"))}
    return subprocess.run(
        [sys.executable, "-m", "slack_app", *args],
        env={**clean, **env, "PYTHONPATH": str(ROOT)},
        cwd=cwd, capture_output=True, text=True, timeout=30,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({k: v for k, v in GOOD.items() if k != "SLACK_BOT_TOKEN"}, "SLACK_BOT_TOKEN"),
        ({**GOOD, "SLACK_BOT_TOKEN": "not-a-token"}, "SLACK_BOT_TOKEN"),
        ({k: v for k, v in GOOD.items() if k != "ESCALATION_CHANNEL"}, "ESCALATION_CHANNEL"),
        ({**GOOD, "ESCALATION_CHANNEL": "#eng"}, "ESCALATION_CHANNEL"),
        ({**GOOD, "PORT": "http"}, "PORT"),
        ({k: v for k, v in GOOD.items() if k != "SLACK_SIGNING_SECRET"}, "SLACK_SIGNING_SECRET"),
        ({**GOOD, "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_and_exit_2(tmp_path, env, named):
    result = run_cli(env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0] and "Traceback" not in result.stderr
    assert "xoxb-1-2-abc" not in result.stderr and "s3cret" not in result.stderr


def test_settings_come_from_a_dotenv_file(tmp_path, monkeypatch):
    for key in list(os.environ):
        if key.startswith(("SLACK_", "ESCALATION_")):
            monkeypatch.delenv(key)
    (tmp_path / ".env").write_text("\n".join(f"{k}={v}" for k, v in GOOD.items()) + "\nSLACK_API_URL=http://127.0.0.1:9/api\n")
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.escalation_channel == "C0123ENG"
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"  # the missing slash is fixed
    assert settings.escalation_db == Path("./escalations.db") and settings.port == 3000


def test_socket_mode_needs_no_signing_secret_but_http_does():
    settings = Settings(slack_bot_token="xoxb-1", escalation_channel="C1ENG", slack_app_token="xapp-1", _env_file=None)
    assert settings.socket_mode
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        settings.require_http_mode()

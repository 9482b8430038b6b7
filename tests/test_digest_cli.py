"""`python -m slack_app digest [--force] [--dry-run]`: at most one digest per channel and local day."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from slack_app.__main__ import main
from storage.db import open_db
from storage.migrations import migrate
from tests.blockkit import check_message
from tests.conftest import BOT_TOKEN, ENG_CHANNEL
from tests.digest_support import add_escalation, readable
from tests.slack_standin import SlackStandin

ROOT = Path(__file__).resolve().parents[1]
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_10 = datetime(2025, 3, 10, 10, 0, tzinfo=BERLIN)


def digest_env(slack: SlackStandin, db_path: Path, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.base_url,
        "ESCALATION_CHANNEL": ENG_CHANNEL,
        "ESCALATION_DB": str(db_path),
        "DIGEST_TIME": "09:00",
        "DIGEST_TIMEZONE": "Europe/Berlin",
        "DIGEST_WEEKDAYS": "mon-fri",
        **extra,
    }


def clean_env() -> dict[str, str]:
    """This environment without any of the app's settings, for a subprocess."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ESCALATION_", "DIGEST_"))}
    return {**keep, "PYTHONPATH": str(ROOT)}


@pytest.fixture
def cli(tmp_path, slack, monkeypatch, capsys):
    """Run the CLI in this process with settings from the environment; returns (code, out, err)."""
    for key in list(os.environ):
        if key.startswith(("SLACK_", "ESCALATION_", "DIGEST_")):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env
    db_path = tmp_path / "escalations.db"
    for key, value in digest_env(slack, db_path).items():
        monkeypatch.setenv(key, value)

    def run(*args: str, **env: str) -> tuple[int, str, str]:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        code = main(["digest", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def history(tmp_path):
    db = open_db(tmp_path / "escalations.db")
    migrate(db)
    yield db
    db.close()


def posted(slack: SlackStandin, channel: str = ENG_CHANNEL) -> list[dict]:
    """The messages that reached the channel (failed calls left nothing)."""
    return slack.messages_in(channel)


def test_dry_run_prints_the_message_and_records_nothing(cli, slack, history):
    add_escalation(
        history, created_at=MONDAY_10 - timedelta(days=2), severity="blocked", summary="Checkout is down"
    )
    with time_machine.travel(MONDAY_10, tick=False):
        code, out, _ = cli("--dry-run")
    assert code == 0
    assert out.startswith("Dry run: nothing posted or recorded.")
    assert "text: Escalations digest, Mon 10 Mar 2025: 1 awaiting triage (1 Blocked), 0 need evidence" in out
    assert ":red_circle: *Blocked* · Checkout is down · 2 d old" in out
    assert slack.calls_to("chat.postMessage") == []
    assert history.execute("SELECT COUNT(*) FROM digests").fetchone() == (0,)


def test_posts_once_a_day_then_says_so_and_force_posts_again(cli, slack, history):
    add_escalation(history, created_at=MONDAY_10 - timedelta(hours=5), summary="Export times out")
    with time_machine.travel(MONDAY_10, tick=False):
        code, out, err = cli()
    assert (code, err) == (0, "")
    assert out.strip().startswith(f"Posted the digest for 2025-03-10 to {ENG_CHANNEL} (ts ")
    (message,) = posted(slack)
    assert check_message(message["text"], message["blocks"]) == []
    assert "Export times out · 5 h old" in readable(message)

    with time_machine.travel(MONDAY_10 + timedelta(hours=3), tick=False):
        code, out, _ = cli()
    assert code == 0
    assert out.strip() == (
        f"The digest for 2025-03-10 was already posted to {ENG_CHANNEL} at 10:00 Europe/Berlin;"
        " nothing posted (use --force to post it again)."
    )
    assert len(posted(slack)) == 1

    with time_machine.travel(MONDAY_10 + timedelta(hours=4), tick=False):
        code, out, _ = cli("--force")
    assert code == 0 and out.startswith("Posted the digest for 2025-03-10")
    assert len(posted(slack)) == 2
    assert "accepted since the last digest (Mon 10 Mar, 10:00)" in posted(slack)[1]["text"]

    # The next local day is a new day (23:30 UTC on Monday is already Tuesday in Berlin).
    with time_machine.travel(datetime(2025, 3, 10, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        code, out, _ = cli()
    assert code == 0 and out.startswith("Posted the digest for 2025-03-11")
    assert len(posted(slack)) == 3


def test_a_failed_post_says_why_in_one_line_exits_1_and_a_later_run_retries(cli, slack, history):
    slack.add_channel("CDIGEST01", "digest", is_member=False)
    with time_machine.travel(MONDAY_10, tick=False):
        code, out, err = cli(DIGEST_CHANNEL="CDIGEST01")
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert err == (
        "error: the digest was not posted to CDIGEST01: not_in_channel"
        " (invite the app to the channel with /invite @Escalations); a later run will try again.\n"
    )
    assert history.execute("SELECT status, error FROM digests").fetchall() == [("failed", "not_in_channel")]

    slack.channels["CDIGEST01"].is_member = True
    with time_machine.travel(MONDAY_10 + timedelta(minutes=5), tick=False):
        code, out, _ = cli(DIGEST_CHANNEL="CDIGEST01")
    assert code == 0 and out.startswith("Posted the digest for 2025-03-10 to CDIGEST01")
    assert len(posted(slack, "CDIGEST01")) == 1


def test_slack_unreachable_is_one_line_too(cli, slack):
    with time_machine.travel(MONDAY_10, tick=False):
        code, _, err = cli(SLACK_API_URL="http://127.0.0.1:9/api/")
    assert code == 1
    assert err.strip() == (
        f"error: the digest was not posted to {ENG_CHANNEL}: network_error"
        " (Slack could not be reached at SLACK_API_URL); a later run will try again."
    )


def test_two_processes_started_together_post_one_digest(tmp_path):
    # A stand-in of its own, slow enough that the second process arrives while the first posts.
    slack = SlackStandin(bot_token=BOT_TOKEN, latency=0.3).start()
    try:
        slack.add_channel(ENG_CHANNEL, "eng-escalations")
        env = {**clean_env(), **digest_env(slack, tmp_path / "shared.db", DIGEST_WEEKDAYS="mon-sun")}
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "slack_app", "digest"],
                env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for _ in range(2)
        ]
        results = [(run.wait(timeout=60), *run.communicate()) for run in runs]
        assert [code for code, _, _ in results] == [0, 0], results
        outs = sorted(out.strip() for _, out, _ in results)
        assert sum(out.startswith("Posted the digest") for out in outs) == 1, outs
        assert sum("nothing posted" in out for out in outs) == 1, outs
        assert len(slack.calls_to("chat.postMessage")) == 1
    finally:
        slack.stop()


def test_from_cron_a_refused_post_is_one_line_on_stderr_and_exit_1(tmp_path, slack):
    slack.add_channel("CDIGEST01", "digest", is_member=False)
    env = {**clean_env(), **digest_env(slack, tmp_path / "e.db", DIGEST_CHANNEL="CDIGEST01")}
    slack.fail_next("chat.postMessage", status=429, retry_after=0)  # slack_sdk retries once, quietly
    result = subprocess.run(
        [sys.executable, "-m", "slack_app", "digest"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: the digest was not posted to CDIGEST01: not_in_channel"
        " (invite the app to the channel with /invite @Escalations); a later run will try again."
    ]


def test_the_digest_command_needs_no_signing_secret(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "slack_app", "digest", "--dry-run"],
        env={**clean_env(), "SLACK_BOT_TOKEN": BOT_TOKEN, "ESCALATION_CHANNEL": ENG_CHANNEL,
             "ESCALATION_DB": str(tmp_path / "e.db")},
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Nothing waiting." in result.stdout

"""`python -m slack_app preview`: what the app shows, as Block Kit Slack accepts, with links that open it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from slack_app.preview import BUILDER_URL, Kind, pieces, preview_command
from tests.blockkit import check_message, check_view

ROOT = Path(__file__).resolve().parents[1]
HOME_BUILDER = ROOT / "slack_app" / "blocks" / "home.py"
CARD_STATES = {
    "card-awaiting-triage": "*Awaiting triage* · React",
    "card-accepted": "*Accepted* by <@U0ENGINEER1>",
    "card-needs-evidence": "*Needs evidence* by <@U0ENGINEER1>",
    "card-evidence-added": "*Awaiting triage* · evidence added by <@U0SUPPORT1>",
}


def run_preview(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # No token, no settings, no .env: an admin can run it before anything is set up.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ESCALATION_", "DIGEST_", "LOG_"))}
    return subprocess.run(
        [sys.executable, "-m", "slack_app", "preview", *args],
        check=False,
        env={**clean, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"},
        cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> list[dict]:
    result = run_preview(cwd=tmp_path_factory.mktemp("preview"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def decode(link: str) -> dict:
    assert link.startswith(BUILDER_URL)
    return json.loads(unquote(urlsplit(link).fragment))


def test_the_output_is_one_json_array_of_every_piece_without_any_setting(printed):
    names = [p["name"] for p in printed]
    expected = ["modal", *CARD_STATES, "dm-posted", "dm-needs-evidence", "digest"]
    if HOME_BUILDER.exists():
        expected.append("app-home")
    assert names == expected
    assert all(set(p) == {"name", "kind", "what", "payload", "block_kit_builder"} for p in printed)


def test_every_piece_is_block_kit_slack_accepts(printed):
    for piece in printed:
        payload = piece["payload"]
        if piece["kind"] == Kind.MESSAGE:
            problems = check_message(payload["text"], payload["blocks"])
        else:
            assert payload["type"] == piece["kind"]
            problems = check_view(payload)
        assert problems == [], (piece["name"], problems)


def test_every_link_opens_exactly_that_piece_in_block_kit_builder(printed):
    for piece in printed:
        document = decode(piece["block_kit_builder"])
        if piece["kind"] == Kind.MESSAGE:
            assert document == {"blocks": piece["payload"]["blocks"]}, piece["name"]
        else:
            assert document == piece["payload"], piece["name"]


def test_the_cards_show_each_state(printed):
    by_name = {p["name"]: p["payload"] for p in printed}
    for name, state in CARD_STATES.items():
        state_line = by_name[name]["blocks"][-1]["elements"][0]["text"]
        assert state in state_line, (name, state_line)
    dm = by_name["dm-needs-evidence"]["blocks"]
    assert dm[-1]["elements"][0]["text"]["text"] == "Add evidence"


def test_the_app_home_is_previewed_once_its_builder_exists(printed):
    homes = [p for p in printed if p["kind"] == Kind.HOME]
    assert len(homes) == (1 if HOME_BUILDER.exists() else 0)


def test_the_output_is_the_same_on_every_run(printed, tmp_path):
    again = run_preview(cwd=tmp_path)
    assert json.loads(again.stdout) == printed


def test_links_and_only(tmp_path):
    result = run_preview("--links", "--only", "modal", "--only", "digest", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == ["modal", "digest"]
    assert decode(lines[0].split(": ", 1)[1])["type"] == "modal"
    unknown = run_preview("--only", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and "no piece named nope; choose from modal," in unknown.stderr


def test_preview_command_in_process():
    out: list[str] = []
    assert preview_command(only=["card-accepted"], out=out.append) == 0
    [piece] = json.loads(out[0])
    assert piece["payload"] == next(p.payload for p in pieces() if p.name == "card-accepted")

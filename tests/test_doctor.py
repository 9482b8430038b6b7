"""`python -m slack_app doctor` against healthy and broken setups: the Slack stand-in and real SQLite files."""

from __future__ import annotations

import io
import os
import socket
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from slack_app.doctor import REQUIRED_BOT_SCOPES, Status, doctor_command, render, run_checks
from slack_app.settings import Settings
from storage.db import open_db
from storage.migrations import MIGRATIONS
from tests.conftest import BOT_TOKEN, ENG_CHANNEL, SIGNING_SECRET
from tests.slack_standin import SlackStandin

ROOT = Path(__file__).resolve().parents[1]
FRIDAY_MORNING = datetime(2025, 3, 7, 10, 0, tzinfo=UTC)


def clock() -> datetime:
    return FRIDAY_MORNING


@pytest.fixture
def slack():
    """Slack as a healthy install sees it: every scope of manifest.yml granted, the app in its channel."""
    standin = SlackStandin(bot_token=BOT_TOKEN, scopes=REQUIRED_BOT_SCOPES).start()
    standin.add_channel(ENG_CHANNEL, "eng-escalations")
    yield standin
    standin.stop()


@pytest.fixture
def settings(tmp_path, slack, db) -> Settings:  # `db`: the file exists and is migrated
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.base_url,
        escalation_channel=ENG_CHANNEL,
        escalation_db=tmp_path / "escalations.db",
        digest_timezone="Europe/Berlin",
        _env_file=None,
    )


def checks_of(settings: Settings, **kwargs) -> dict[str, tuple[Status, str, str | None]]:
    return {c.name: (c.status, c.detail, c.fix) for c in run_checks(settings, clock=clock, **kwargs)}


def failures(settings: Settings, **kwargs) -> dict[str, tuple[str, str | None]]:
    return {name: (detail, fix) for name, (status, detail, fix) in checks_of(settings, **kwargs).items()
            if status is Status.FAIL}


def report(settings: Settings) -> tuple[int, str]:
    out = io.StringIO()
    code = doctor_command(settings, clock=clock, stream=out)
    return code, out.getvalue()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the scopes' single source of truth ---------------------------------------------------------


def test_the_required_scopes_are_exactly_the_manifests_bot_scopes():
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert sorted(REQUIRED_BOT_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])
    assert len(set(REQUIRED_BOT_SCOPES)) == len(REQUIRED_BOT_SCOPES)


# -- healthy ------------------------------------------------------------------------------------


def test_a_healthy_setup_passes_every_check_and_exits_0(settings, slack):
    code, out = report(settings)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == f"Checking this installation against Slack at {slack.base_url}"
    assert [line.split()[1] for line in lines[1:-1]] == ["mode", "token", "scopes", "channel", "database", "digest"]
    assert all(line.startswith("OK ") for line in lines[1:-1]), out  # a StringIO is not known to show ✓
    assert "team Example (T0001), bot @escalation-bot (UBOT0001)" in out
    assert "all 7 bot scopes of manifest.yml granted" in out
    assert "#eng-escalations (CENG0001): exists, the app is a member, not archived; it also gets the digest" in out
    assert f"writable, all {len(MIGRATIONS)} migrations applied" in out
    assert "next digest Mon 10 Mar 2025 09:00 CET (Europe/Berlin; mon-fri at 09:00)" in out
    assert lines[-1] == "All 6 checks passed."


def test_doctor_changes_nothing_it_checks(settings, slack, tmp_path):
    missing_db = tmp_path / "data" / "fresh.db"
    checks = checks_of(settings.model_copy(update={"escalation_db": missing_db}))
    assert checks["database"][0] is Status.OK
    assert "does not exist yet: the app creates it (owner-only)" in checks["database"][1]
    assert not (tmp_path / "data").exists()
    assert {c.method for c in slack.calls} == {"auth.test", "conversations.info"}
    assert slack.messages_in(ENG_CHANNEL) == []


def test_a_separate_digest_channel_is_checked_on_its_own_line(settings, slack):
    slack.add_channel("CDIGEST01", "eng-digest", is_member=False)
    checks = checks_of(settings.model_copy(update={"digest_channel": "CDIGEST01"}))
    assert checks["channel"][0] is Status.OK and "digest" not in checks["channel"][1]
    status, detail, fix = checks["digest channel"]
    assert status is Status.FAIL
    assert detail == "#eng-digest (CDIGEST01): the app is not a member, so it cannot post the digest there"
    assert fix == "invite the app: /invite @escalation-bot in #eng-digest"


# -- broken Slack -------------------------------------------------------------------------------


def test_an_invalid_token_fails_and_skips_what_needs_it(settings):
    broken = settings.model_copy(update={"slack_bot_token": "xoxb-revoked-0000"})
    checks = checks_of(broken)
    status, detail, fix = checks["token"]
    assert (status, detail) == (Status.FAIL, "Slack refused SLACK_BOT_TOKEN: invalid_auth")
    assert "Bot User OAuth Token (xoxb-…)" in fix and "reinstall the app" in fix
    assert checks["scopes"][0] is Status.SKIP and checks["channel"][0] is Status.SKIP
    code, out = report(broken)
    assert code == 1
    assert out.splitlines()[-1] == (
        "1 of 6 checks failed, 2 not checked. Fix them, then run `python -m slack_app doctor` again."
    )
    assert "xoxb-revoked-0000" not in out


def test_a_missing_scope_is_named_with_how_to_grant_it(settings, slack):
    slack.scopes = [s for s in REQUIRED_BOT_SCOPES if s != "reactions:read"] + ["users:read"]
    [(name, (detail, fix))] = failures(settings).items()
    assert name == "scopes"
    assert detail.startswith("missing reactions:read (granted: ")
    assert "users:read" in detail
    assert "OAuth & Permissions → Bot Token Scopes" in fix and "reinstall the app" in fix


def test_without_channels_read_the_channel_cannot_be_looked_up(settings, slack):
    slack.scopes = [s for s in REQUIRED_BOT_SCOPES if s not in ("channels:read", "groups:read")]
    found = failures(settings)
    assert set(found) == {"scopes", "channel"}
    assert found["channel"][0] == "CENG0001: cannot look it up: missing_scope"
    assert "channels:read and groups:read" in found["channel"][1]


def test_extra_scopes_pass_but_are_mentioned(settings, slack):
    slack.scopes = [*REQUIRED_BOT_SCOPES, "chat:write.public"]
    status, detail, _ = checks_of(settings)["scopes"]
    assert status is Status.OK and detail.endswith("; also granted, not needed: chat:write.public")


def test_without_a_scope_header_the_scopes_are_not_checked_and_that_is_said(settings, slack):
    slack.scopes = None
    checks = checks_of(settings)
    assert checks["scopes"][0] is Status.SKIP and "no x-oauth-scopes header" in checks["scopes"][1]
    code, out = report(settings)
    assert code == 0 and out.splitlines()[-1] == "All 5 checks passed (1 could not be checked)."


def test_a_channel_that_does_not_exist(settings):
    [(name, (detail, fix))] = failures(settings.model_copy(update={"escalation_channel": "CNOPE0001"})).items()
    assert name == "channel"
    assert detail == "ESCALATION_CHANNEL=CNOPE0001: no such channel, or a private one the app is not in"
    assert fix.startswith("set ESCALATION_CHANNEL to the engineering channel's id (C…)")
    assert "/invite @escalation-bot" in fix


def test_a_channel_the_app_was_not_invited_to(settings, slack):
    slack.add_channel(ENG_CHANNEL, "eng-escalations", is_member=False)
    code, out = report(settings)
    assert code == 1
    [line] = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert line.split(None, 2)[:2] == ["FAIL", "channel"]
    assert line.endswith(
        "#eng-escalations (CENG0001): the app is not a member, so it cannot post cards or the digest there,"
        " nor see engineers' reactions. Fix: invite the app: /invite @escalation-bot in #eng-escalations"
    )


def test_an_archived_channel(settings, slack):
    slack.add_channel(ENG_CHANNEL, "eng-escalations", is_archived=True)
    [(name, (detail, fix))] = failures(settings).items()
    assert name == "channel"
    assert detail == "#eng-escalations (CENG0001) is archived, so nothing can be posted there"
    assert fix == "unarchive #eng-escalations (channel settings), or set ESCALATION_CHANNEL to a live channel's id"


def test_unreachable_slack(settings):
    gone = settings.model_copy(update={"slack_api_url": f"http://127.0.0.1:{closed_port()}/api/"})
    checks = checks_of(gone)
    status, detail, fix = checks["token"]
    assert status is Status.FAIL
    assert detail.startswith(f"cannot reach Slack at {gone.slack_api_url} (")
    assert "SLACK_API_URL" in fix and "proxy" in fix
    assert checks["channel"][0] is Status.SKIP
    assert checks["database"][0] is Status.OK and checks["digest schedule"][0] is Status.OK


def test_a_url_that_is_not_slacks_api(settings, slack):
    wrong = settings.model_copy(update={"slack_api_url": slack.root_url + "wrong/"})
    status, detail, fix = checks_of(wrong)["token"]
    assert status is Status.FAIL
    assert detail == f"{wrong.slack_api_url} does not answer like Slack's Web API (HTTP 404, not JSON)"
    assert fix.startswith("set SLACK_API_URL to https://slack.com/api/")


# -- mode ---------------------------------------------------------------------------------------


def test_http_mode_without_a_signing_secret_is_a_failed_check_not_a_settings_error(settings):
    [(name, (detail, fix))] = failures(settings.model_copy(update={"slack_signing_secret": None})).items()
    assert name == "mode" and "refuses to start" in detail and fix.startswith("set SLACK_SIGNING_SECRET")


def test_socket_mode_checks_the_app_token(settings, slack):
    good = settings.model_copy(update={"slack_app_token": slack.app_token, "slack_signing_secret": None})
    assert checks_of(good)["mode"][:2] == (
        Status.OK, "Socket Mode: the app-level token works (no public URL needed)"
    )
    bad = good.model_copy(update={"slack_app_token": "xapp-1-wrong"})
    status, detail, fix = checks_of(bad)["mode"]
    assert (status, detail) == (Status.FAIL, "Socket Mode: Slack refused SLACK_APP_TOKEN: invalid_auth")
    assert "connections:write" in fix


# -- the database -------------------------------------------------------------------------------


def test_a_database_that_takes_no_writes(settings):
    def read_only(path: str) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    [(name, (detail, fix))] = failures(settings, connect=read_only).items()
    assert name == "database"
    assert detail.endswith("does not take writes: attempt to write a readonly database")
    assert "writable by the user the app runs as" in fix


def test_a_database_path_that_cannot_be_created(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    [(name, (detail, _))] = failures(settings.model_copy(update={"escalation_db": blocker / "esc.db"})).items()
    assert name == "database" and detail.endswith("is not a writable directory")


def test_a_database_that_is_not_sqlite(settings, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    [(name, (detail, _))] = failures(settings.model_copy(update={"escalation_db": junk})).items()
    assert name == "database" and "file is not a database" in detail


def test_an_unmigrated_database(settings, tmp_path):
    path = tmp_path / "old.db"
    old = open_db(path)
    old.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, apply in MIGRATIONS[:2]:
        apply(old)
        old.execute("INSERT INTO _migrations VALUES (?, '2025-01-01')", [name])
    old.conn.commit()
    old.close()
    [(name, (detail, fix))] = failures(settings.model_copy(update={"escalation_db": path})).items()
    assert name == "database"
    pending = ", ".join(n for n, _ in MIGRATIONS[2:])
    assert detail.endswith(f"writable, but 2 of {len(MIGRATIONS)} migrations applied (pending: {pending})")
    assert "python -m slack_app serve" in fix


def test_an_empty_database_file_has_every_migration_pending(settings, tmp_path):
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    path.touch()
    detail, _ = failures(settings.model_copy(update={"escalation_db": path}))["database"]
    assert f"0 of {len(MIGRATIONS)} migrations applied" in detail


def test_a_database_from_a_newer_version(settings, db):
    db.execute("INSERT INTO _migrations VALUES ('m999_future', '2030-01-01')")
    db.conn.commit()
    detail, fix = failures(settings)["database"]
    assert "newer version of the app (m999_future unknown here)" in detail
    assert "restore a backup" in fix


# -- the report ---------------------------------------------------------------------------------


def test_marks_are_symbols_where_the_output_can_show_them():
    from slack_app.doctor import Check

    checks = [Check("token", Status.OK, "works"), Check("channel", Status.FAIL, "gone", "invite it"),
              Check("scopes", Status.SKIP, "not checked")]
    assert render(checks) == [
        "✓ token    works",
        "✗ channel  gone. Fix: invite it",
        "– scopes   not checked",
        "1 of 3 checks failed, 1 not checked. Fix them, then run `python -m slack_app doctor` again.",
    ]


# -- the command line ---------------------------------------------------------------------------


def run_doctor(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ESCALATION_", "DIGEST_", "LOG_"))}
    return subprocess.run(
        [sys.executable, "-m", "slack_app", "doctor"],
        check=False,
        env={**clean, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", **env},
        cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )


def test_the_command_reports_a_healthy_setup_with_ticks_and_migrates_nothing(slack, tmp_path):
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.base_url,
        "ESCALATION_CHANNEL": ENG_CHANNEL, "ESCALATION_DB": str(tmp_path / "fresh.db"),
    }
    result = run_doctor(env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line[0] for line in result.stdout.splitlines()[1:-1]] == ["✓"] * 6
    assert not (tmp_path / "fresh.db").exists()  # doctor never creates or migrates the database
    assert BOT_TOKEN not in result.stdout + result.stderr


def test_the_command_exits_1_on_a_failure_and_2_on_a_bad_setting(slack, tmp_path):
    env = {
        "SLACK_BOT_TOKEN": "xoxb-wrong", "SLACK_API_URL": slack.base_url, "ESCALATION_CHANNEL": ENG_CHANNEL,
        "ESCALATION_DB": str(tmp_path / "e.db"), "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    }
    failed = run_doctor(env, tmp_path)
    assert failed.returncode == 1
    assert "✗ token" in failed.stdout and "invalid_auth" in failed.stdout
    assert failed.stderr == ""  # slack_sdk's own error logs stay out of the report
    bad = run_doctor({**env, "ESCALATION_CHANNEL": "#eng"}, tmp_path)
    assert bad.returncode == 2
    assert bad.stdout == "" and len(bad.stderr.strip().splitlines()) == 1 and "ESCALATION_CHANNEL" in bad.stderr

"""Requests that are not what Slack sends: never a 5xx, never a trace, and the app stays healthy."""

from __future__ import annotations

import json
import logging
import time

import pytest

from slack_app.app import create_app
from slack_app.settings import Settings, SettingsError
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, RunningApp
from tests.slack_requests import sign, valid_values

FORM = "application/x-www-form-urlencoded"


def assert_harmless(reply) -> None:
    assert reply.status < 500, (reply.status, reply.text)
    assert "Traceback" not in reply.text and 'File "' not in reply.text


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"not json at all", "application/json"),
        (b"{\"type\": \"event_callback\", \"event\": ", "application/json"),  # truncated
        (b"payload=", FORM),  # missing payload
        (b"payload=%7Bnot-json", FORM),
        (b"payload=" + b"%5B1%2C2%5D", FORM),  # a JSON list, not an object
        (b"\xff\xfe\x00garbage", "application/octet-stream"),
        (b"", FORM),
        (b"command=%2Funknown&text=x", FORM),
        (json.dumps({"type": "block_actions", "actions": [{"action_id": "nope"}]}).encode(), "application/json"),
        (b"payload=" + json.dumps({"type": "view_submission", "view": {"callback_id": "unknown_modal"}}).encode(), FORM),
        (b"payload=" + json.dumps({"type": "view_submission"}).encode(), FORM),
        (b"payload=" + json.dumps({"type": "block_actions", "actions": []}).encode(), FORM),
        (json.dumps({"type": "event_callback", "event": {"type": "app_mention"}}).encode(), "application/json"),
        (json.dumps({"type": "url_verification", "challenge": "abc123"}).encode(), "application/json"),
    ],
)
def test_malformed_signed_requests_get_a_harmless_answer(running: RunningApp, body, content_type):
    reply = running.requests.post(body, content_type)
    assert_harmless(reply)
    assert running.requests.raw("GET", "/healthz").status == 200
    assert running.rows() == []


def test_url_verification_answers_the_challenge(running: RunningApp):
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"}).encode()
    reply = running.requests.post(body, "application/json")
    assert reply.status == 200 and "abc123" in reply.text


def test_a_submission_with_a_garbage_view_is_refused_as_field_errors_not_a_crash(running: RunningApp):
    payload = {"type": "view_submission", "user": {"id": "U1"}, "team": {"id": "T1"},
               "view": {"id": "V1", "type": "modal", "callback_id": "escalation_modal", "state": {"values": "garbage"}}}
    reply = running.requests.interactive(payload)
    assert_harmless(reply)
    assert reply.json()["response_action"] == "errors"
    assert running.rows() == []


def test_a_huge_body_is_refused_with_413(running: RunningApp):
    body = b"payload=" + b"A" * 2_000_000
    reply = running.requests.post(body, FORM)
    assert reply.status == 413
    assert running.requests.raw("GET", "/healthz").status == 200


def test_unsigned_and_badly_signed_requests_get_401(running: RunningApp):
    body = b"command=%2Fescalate&text=x"
    for headers in ({}, {"X-Slack-Signature": "v0=abc"}, {"X-Slack-Request-Timestamp": "not-a-number"}):
        reply = running.requests.raw("POST", "/slack/events", body, {"Content-Type": FORM, **headers})
        assert reply.status == 401, headers
    future = int(time.time()) + 10 * 60
    assert running.requests.post(body, FORM, timestamp=future).status == 401
    # A signature over another body does not carry over.
    ts = str(int(time.time()))
    reply = running.requests.post(body, FORM, signature=sign(SIGNING_SECRET, ts, b"other"), timestamp=int(ts))
    assert reply.status == 401
    assert running.slack.calls_to("views.open") == []


def test_other_paths_and_methods_get_404(running: RunningApp):
    assert running.requests.raw("GET", "/slack/events").status == 404
    assert running.requests.raw("POST", "/admin", b"x").status == 404
    assert running.requests.raw("GET", "/").status == 404


def test_signature_checks_cannot_be_turned_off_in_http_mode(settings: Settings, tmp_path):
    unsigned = settings.model_copy(update={"slack_signing_secret": None})
    from storage.db import Databases

    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        create_app(unsigned, Databases(tmp_path / "x.db"))
    assert not any("verification" in name for name in Settings.model_fields)


def test_logs_of_a_full_flow_carry_no_secrets_and_no_field_contents(running: RunningApp, caplog):
    caplog.set_level(logging.INFO)
    secret_words = "Zebracorn impact nobody else writes"
    running.requests.command("Quokka summary", trigger_id=running.slack.issue_trigger_id())
    running.requests.view_submission(valid_values(impact=secret_words, summary="Quokka summary"))
    running.requests.view_submission(valid_values(impact="unknown"))  # refused
    running.requests.event({"type": "app_mention", "user": "U1", "text": "Wombat text", "ts": "1.2", "channel": "C1"})
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not running.slack.messages_in("UREPORTER"):
        time.sleep(0.02)
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records if r.levelno >= logging.INFO)
    assert "ESC-1" in logged  # the flow was logged…
    for forbidden in (BOT_TOKEN, SIGNING_SECRET, "Zebracorn", "Quokka", "Wombat", "replay.example.com"):
        assert forbidden not in logged, forbidden


def test_health_says_503_when_the_database_cannot_be_written(running: RunningApp, tmp_path):
    import sqlite3

    from slack_app.web import health
    from storage.db import Databases

    readonly = Databases(running.settings.escalation_db)
    readonly._local.db = type(running.db)(  # a read-only connection to the same file
        sqlite3.connect(f"file:{running.settings.escalation_db}?mode=ro", uri=True, check_same_thread=False)
    )
    ok, body = health(readonly)
    assert not ok and body == {"ok": False, "database": "unavailable"}
    assert health(running.databases)[0]


def test_a_submission_that_cannot_be_saved_keeps_the_form_open_with_an_error_id(running: RunningApp, caplog):
    running.db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON escalations BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
    )
    reply = running.requests.view_submission(valid_values())
    assert_harmless(reply)
    body = reply.json()
    assert body["response_action"] == "errors"
    notice = body["errors"]["summary"]
    assert "Nothing you submitted is lost" in notice and "error id" in notice
    error_id = notice.split("`")[1]
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)  # the trace is in the log
    running.db.execute("DROP TRIGGER refuse")
    assert running.rows() == [] and running.rows("outbox") == []

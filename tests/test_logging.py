"""Logs: text or one JSON object per line, naming the escalation, and never a secret."""

from __future__ import annotations

import io
import json
import logging
import os

import pytest

from slack_app.logging_setup import (
    REDACTED,
    about,
    configure_logging,
    escalation_context,
    make_handler,
)
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.slack_requests import valid_values
from tests.test_serve_process import app_process, cards_in, wait_until  # noqa: F401 -- fixture

SECRETS = (BOT_TOKEN, "xapp-1-A0001-abcdef", SIGNING_SECRET)


@pytest.fixture
def logged():
    """A logger of its own, through the app's handler in JSON; returns (logger, lines)."""
    stream = io.StringIO()
    log = logging.getLogger("tests.logging.json")
    log.handlers = [make_handler("json", SECRETS, stream)]
    log.propagate = False
    log.setLevel(logging.DEBUG)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield log, lines
    log.handlers = []


def test_a_json_line_has_time_level_logger_message_and_the_escalation(logged):
    log, lines = logged
    log.info("card for %s posted", "ESC-12", extra=about(12))
    [line] = lines()
    assert line["level"] == "INFO" and line["logger"] == "tests.logging.json"
    assert line["message"] == "card for ESC-12 posted"
    assert line["escalation_id"] == "ESC-12"
    assert line["time"].endswith("Z") and len(line["time"]) == len("2025-03-07T09:00:00.000Z")
    assert isinstance(line["process"], int)


def test_the_escalation_comes_from_the_context_when_not_given(logged):
    log, lines = logged
    with escalation_context(7):
        log.warning("outbox item 3 (post_card) failed: not_in_channel")
        log.info("explicit wins", extra=about(9))
    log.info("outside")
    assert [line.get("escalation_id") for line in lines()] == ["ESC-7", "ESC-9", None]


def test_tokens_and_the_signing_secret_are_masked_everywhere(logged):
    log, lines = logged
    log.info("token %s and %s", BOT_TOKEN, "xoxp-1234-5678-abcd")
    log.info(f"secret {SIGNING_SECRET} app xapp-1-A0001-abcdef other xoxe.xoxb-1-zzz")
    try:
        raise RuntimeError(f"Slack refused xoxb-999-888-secretvalue ({SIGNING_SECRET})")
    except RuntimeError:
        log.exception("failed")
    text = json.dumps(lines())
    for secret in (*SECRETS, "xoxp-1234-5678-abcd", "xoxb-999-888-secretvalue", "secretvalue"):
        assert secret not in text
    first, second, third = lines()
    assert first["message"] == f"token xoxb-{REDACTED} and xoxp-{REDACTED}"
    assert second["message"] == f"secret {REDACTED} app xapp-{REDACTED} other xoxe.xoxb-{REDACTED}"
    assert third["exception"].startswith("Traceback") and f"xoxb-{REDACTED}" in third["exception"]


def test_a_record_with_a_bad_format_string_is_kept(logged):
    log, lines = logged
    log.info("%s and %s", "only one")  # noqa: PLE1206 -- the mistake under test
    [line] = lines()
    assert "only one" in line["message"]


def test_text_lines_name_the_escalation_when_the_message_does_not():
    stream = io.StringIO()
    log = logging.getLogger("tests.logging.text")
    log.handlers = [make_handler("text", SECRETS, stream)]
    log.propagate = False
    log.setLevel(logging.INFO)
    with escalation_context(5):
        log.info("outbox item 2 (notice) failed: ratelimited")
        log.info("card for ESC-5 posted")
    log.handlers = []
    first, second = stream.getvalue().splitlines()
    assert first.endswith("INFO tests.logging.text outbox item 2 (notice) failed: ratelimited [ESC-5]")
    assert second.endswith("card for ESC-5 posted")


def test_configure_logging_routes_every_logger_through_one_root_handler():
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    try:
        handler = configure_logging("WARNING", "json", SECRETS, stream)
        assert root.handlers == [handler]
        logging.getLogger("slack_bolt.App").info("not shown at WARNING")
        logging.getLogger("gunicorn.error").warning("worker timeout %s", BOT_TOKEN)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    [line] = [json.loads(x) for x in stream.getvalue().splitlines()]
    assert line["logger"] == "gunicorn.error" and line["message"] == f"worker timeout xoxb-{REDACTED}"


def test_an_unknown_log_format_is_a_settings_error(monkeypatch):
    from slack_app.settings import SettingsError, load_settings

    monkeypatch.setenv("LOG_FORMAT", "yaml")
    with pytest.raises(SettingsError, match="LOG_FORMAT is malformed"):
        load_settings(slack_bot_token="xoxb-1", escalation_channel="C1ENG", _env_file=None)


def test_the_served_app_logs_json_lines_gunicorn_included_with_escalation_ids(slack, app_process):  # noqa: F811
    app = app_process(LOG_FORMAT="json", LOG_LEVEL="INFO")
    app.start()
    assert app.requests.view_submission(valid_values()).status == 200
    wait_until(lambda: cards_in(slack))
    wait_until(lambda: app.requests.raw("GET", "/healthz").json()["pending_slack_writes"] == 0)
    assert app.terminate() == 0
    output = app.output()
    lines = [json.loads(line) for line in output.splitlines()]  # every line is one JSON object
    loggers = {line["logger"] for line in lines}
    assert "gunicorn.error" in loggers  # "Booting worker", "Listening at": gunicorn's own, same format
    by_message = {line["message"]: line for line in lines}
    assert by_message["ESC-1 stored"]["escalation_id"] == "ESC-1"
    assert by_message["card for ESC-1 posted"]["escalation_id"] == "ESC-1"
    assert any(m.startswith("worker ") and m.endswith("outbox worker and digest scheduler stopped")
               for m in by_message)
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output
    assert os.environ.get("LOG_FORMAT") is None  # the test set it for the app only

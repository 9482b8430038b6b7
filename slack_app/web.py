"""HTTP mode: one WSGI callable (Slack requests and health), served by gunicorn's threaded workers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from storage import outbox
from storage.db import Databases

logger = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's own payloads stay far below this; anything larger is not from Slack.
MAX_BODY_BYTES = 1_000_000

StartResponse = Callable[..., Any]


def _reply(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def health(databases: Databases) -> tuple[bool, dict[str, Any]]:
    """Whether the database answers and takes writes, and how many Slack writes are still owed.

    It never says anything secret.
    """
    try:
        db = databases()
        # BEGIN IMMEDIATE takes the write lock: proves the file is writable without writing.
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
        pending = outbox.pending_count(db)
    except Exception:  # any failure means unhealthy; the reason is logged, not shown
        logger.exception("health check failed")
        return False, {"ok": False, "database": "unavailable"}
    return True, {"ok": True, "database": "writable", "pending_slack_writes": pending}


class WsgiApp:
    """Routes POST /slack/events to Bolt and GET /healthz to the health check."""

    def __init__(self, app: App, databases: Databases) -> None:
        self._slack = SlackRequestHandler(app, path=SLACK_PATH)
        self._databases = databases

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            ok, body = health(self._databases)
            return _reply(start_response, "200 OK" if ok else "503 Service Unavailable", body)
        if path == SLACK_PATH and method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return _reply(start_response, "400 Bad Request", {"ok": False, "error": "bad_length"})
            if length > MAX_BODY_BYTES:
                return _reply(start_response, "413 Payload Too Large", {"ok": False, "error": "too_large"})
            return self._slack(environ, start_response)
        return _reply(start_response, "404 Not Found", {"ok": False, "error": "not_found"})

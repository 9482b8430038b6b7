"""HTTP mode: one WSGI callable (Slack requests and health), served by gunicorn's threaded workers."""

from __future__ import annotations

import json
import logging
import uuid
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
        # Rewriting user_version as it is, then rolling back, proves the file takes writes
        # (BEGIN IMMEDIATE alone succeeds on a read-only file) and changes nothing.
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            db.execute(f"PRAGMA user_version = {int(version)}")
        finally:
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
            return self._slack_request(environ, start_response)
        return _reply(start_response, "404 Not Found", {"ok": False, "error": "not_found"})

    def _slack_request(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Refuse what cannot be a Slack request, and turn anything Bolt cannot parse into a 400; never a 5xx.

        The body is not parsed here: Bolt parses it once, and raises on what is not JSON or a form.
        """
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _reply(start_response, "400 Bad Request", {"ok": False, "error": "bad_length"})
        if length > MAX_BODY_BYTES:
            _drain(environ["wsgi.input"], length)
            return _reply(start_response, "413 Payload Too Large", {"ok": False, "error": "too_large"})
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        if not timestamp.isdigit() or not environ.get("HTTP_X_SLACK_SIGNATURE"):
            return _reply(start_response, "401 Unauthorized", {"ok": False, "error": "invalid_request"})
        try:
            return self._slack(environ, start_response)
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            logger.exception("request failed before a listener ran (error id %s)", error_id)
            return _reply(start_response, "400 Bad Request", {"ok": False, "error": "bad_request", "error_id": error_id})


def _drain(stream: Any, length: int, limit: int = 16 * MAX_BODY_BYTES) -> None:
    """Read and drop a refused body, so the client gets to read our answer (up to a limit)."""
    remaining = min(length, limit)
    while remaining > 0:
        chunk = stream.read(min(remaining, 65536))
        if not chunk:
            break
        remaining -= len(chunk)

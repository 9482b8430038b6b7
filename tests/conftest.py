"""Shared fixtures: a real SQLite file, the local Slack stand-in, and the real app served over HTTP."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import sqlite_utils

from slack_app.app import create_app, make_client
from slack_app.clock import utcnow
from slack_app.delivery.worker import OutboxWorker
from slack_app.serve import reaction_names
from slack_app.settings import Settings
from slack_app.web import WsgiApp
from storage.db import Databases, open_db
from storage.migrations import migrate
from tests.slack_requests import SlackRequests
from tests.slack_standin import SlackStandin

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-token"
ENG_CHANNEL = "CENG0001"


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """The CLI's main() configures the root logger for the process; in a test, that stays in the test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    """A migrated database in a real SQLite file."""
    database = open_db(tmp_path / "escalations.db")
    migrate(database)
    yield database
    database.close()


@pytest.fixture
def slack() -> Iterator[SlackStandin]:
    standin = SlackStandin(bot_token=BOT_TOKEN).start()
    standin.add_channel(ENG_CHANNEL, "eng-escalations")
    yield standin
    standin.stop()


@pytest.fixture
def settings(tmp_path: Path, slack: SlackStandin) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.base_url,
        escalation_channel=ENG_CHANNEL,
        escalation_db=tmp_path / "escalations.db",
        _env_file=None,
    )


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@dataclass
class ShiftableClock:
    """Real time plus an offset a test can move forward, e.g. past a retry's backoff."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return utcnow() + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@dataclass
class RunningApp:
    """The real app behind a real HTTP port, with its database, outbox worker and the Slack stand-in."""

    requests: SlackRequests
    slack: SlackStandin
    databases: Databases
    settings: Settings
    worker: OutboxWorker
    clock: ShiftableClock

    def advance(self, **delta: float) -> None:
        """Move the app's clock forward and let the outbox worker look again."""
        self.clock.advance(**delta)
        self.worker.kick()

    @property
    def db(self) -> sqlite_utils.Database:
        return self.databases()

    def rows(self, table: str = "escalations") -> list[dict]:
        return list(self.db[table].rows)


def serve_wsgi(wsgi: object) -> tuple[_ThreadingWSGIServer, threading.Thread]:
    server = make_server("127.0.0.1", 0, wsgi, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def running(settings: Settings, slack: SlackStandin) -> Iterator[RunningApp]:
    databases = Databases(settings.escalation_db)
    migrate(databases())
    clock = ShiftableClock()
    client = make_client(settings)
    worker = OutboxWorker(
        databases, client, settings.escalation_channel, reaction_names(settings), clock=clock, poll_interval=0.05
    ).start()
    wsgi = WsgiApp(create_app(settings, databases, client, on_owed=worker.kick), databases)
    server, thread = serve_wsgi(wsgi)
    host, port = server.server_address[:2]
    requests = SlackRequests(str(host), int(port), SIGNING_SECRET, slack.base_url.removesuffix("api/"))
    yield RunningApp(requests, slack, databases, settings, worker, clock)
    worker.stop()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    databases.close()

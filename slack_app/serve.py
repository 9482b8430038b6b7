"""Running the app: Socket Mode for trying it, gunicorn-served HTTP for production.

Both stop gracefully on SIGTERM: requests in flight are answered, then each process stops its
digest scheduler and its outbox worker (which finishes the Slack write it is making and hands
back what it had claimed but not started). Work Bolt runs after an ack (counting a reaction,
opening a modal) finishes before the process exits: Python joins those threads at exit.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from slack_sdk import WebClient

from slack_app.app import create_app, make_client
from slack_app.blocks.card import ReactionNames
from slack_app.delivery.worker import OutboxWorker
from slack_app.logging_setup import hand_over_to_root
from slack_app.scheduling.digest_job import DigestScheduler, start_digest_scheduler
from slack_app.settings import Settings
from slack_app.web import WsgiApp
from storage.db import Databases

logger = logging.getLogger(__name__)

# How long a stopping process lets its outbox worker finish the Slack write it is making.
OUTBOX_STOP_SECONDS = 5.0


def reaction_names(settings: Settings) -> ReactionNames:
    return ReactionNames(settings.accept_reaction_names, settings.needs_evidence_reaction_names)


def start_delivery(settings: Settings, databases: Databases, client: WebClient) -> OutboxWorker:
    """The outbox worker for this process; it resumes whatever was left pending."""
    return OutboxWorker(
        databases,
        client,
        settings.escalation_channel,
        reaction_names(settings),
        lease=timedelta(seconds=settings.outbox_lease_seconds),
    ).start()


@dataclass
class Background:
    """What one process runs besides answering requests, so it can be stopped in order."""

    databases: Databases
    worker: OutboxWorker
    scheduler: DigestScheduler | None = None

    def stop(self) -> None:
        """Stop scheduling digests, then let the outbox finish its current write and stop.

        The database connections stay open: a listener Bolt runs after its ack (a reaction being
        counted) may still be writing, and is joined at exit; the connections close with the process.
        """
        if self.scheduler is not None:
            # A digest already posting finishes: its thread is joined when the process exits.
            self.scheduler.shutdown(wait=False)
        self.worker.stop(timeout=OUTBOX_STOP_SECONDS)


def build_wsgi(settings: Settings) -> tuple[WsgiApp, Background]:
    """The HTTP app for one worker process: its own connections, its own Bolt app and outbox worker,
    and those to stop when the process stops."""
    databases = Databases(settings.escalation_db)
    client = make_client(settings)
    worker = start_delivery(settings, databases, client)
    wsgi = WsgiApp(create_app(settings, databases, client, on_owed=worker.kick), databases)
    return wsgi, Background(databases, worker)


class GunicornLogger(glogging.Logger):  # type: ignore[misc]
    """gunicorn's own logs go through the app's handler: same format (LOG_FORMAT), same redaction."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        hand_over_to_root(self.error_log, self.access_log)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._background: Background | None = None  # set in each worker by load()
        super().__init__()

    def load_config(self) -> None:
        s = self._settings
        options: dict[str, Any] = {
            "bind": f"0.0.0.0:{s.port}",
            "workers": s.web_concurrency,
            "threads": s.web_threads,
            "worker_class": "gthread",
            # Slack gives each request 3 s; a worker stuck far longer is restarted.
            "timeout": 30,
            # On SIGTERM, requests in flight get this long to finish, then the outbox stops.
            "graceful_timeout": 20,
            "keepalive": 5,
            "accesslog": None,
            # gunicorn 27's control socket has one default path per user: two instances on a host
            # (the app and anything else served by gunicorn) would fight over it; we do not use it.
            "control_socket_disable": True,
            "loglevel": s.log_level.lower(),
            "logger_class": GunicornLogger,
            "worker_exit": self._worker_exit,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> WsgiApp:
        # Called in each worker after fork, so no SQLite connection crosses a fork.
        wsgi, background = build_wsgi(self._settings)
        # Every worker schedules the digest; the claim in SQLite lets only one post it.
        background.scheduler = start_digest_scheduler(self._settings)
        self._background = background
        return wsgi

    def _worker_exit(self, server: Any, worker: Any) -> None:
        """gunicorn calls this in the worker once its requests in flight are answered."""
        if self._background is not None:
            self._background.stop()
            logger.info("worker %s stopped: outbox worker and digest scheduler stopped", worker.pid)


def serve_http(settings: Settings) -> None:
    settings.require_http_mode()
    logger.info("serving HTTP on port %s (POST /slack/events, GET /healthz)", settings.port)
    _Gunicorn(settings).run()


def serve_socket_mode(settings: Settings, stop: threading.Event | None = None) -> None:
    """Connect to Slack over a WebSocket and serve until SIGTERM or SIGINT (or `stop` is set)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    stop = stop or threading.Event()
    databases = Databases(settings.escalation_db)
    client = make_client(settings)
    worker = start_delivery(settings, databases, client)
    app = create_app(settings, databases, client, on_owed=worker.kick, socket_mode=True)
    background = Background(databases, worker, start_digest_scheduler(settings, client))
    handler = SocketModeHandler(app, settings.slack_app_token, web_client=client)
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    logger.info("connecting to Slack in Socket Mode")
    try:
        handler.connect()
        stop.wait()
        logger.info("stopping: closing the Socket Mode connection")
    finally:
        handler.close()
        background.stop()
        logger.info("stopped")

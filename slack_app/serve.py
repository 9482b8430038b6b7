"""Running the app: Socket Mode for trying it, gunicorn-served HTTP for production."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_sdk import WebClient

from slack_app.app import create_app, make_client
from slack_app.blocks.card import ReactionNames
from slack_app.delivery.worker import OutboxWorker
from slack_app.scheduling.digest_job import start_digest_scheduler
from slack_app.settings import Settings
from slack_app.web import WsgiApp
from storage.db import Databases

logger = logging.getLogger(__name__)


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


def build_wsgi(settings: Settings) -> WsgiApp:
    """The HTTP app for one worker process: its own connections, its own Bolt app and outbox worker."""
    databases = Databases(settings.escalation_db)
    client = make_client(settings)
    worker = start_delivery(settings, databases, client)
    return WsgiApp(create_app(settings, databases, client, on_owed=worker.kick), databases)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
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
            "graceful_timeout": 20,
            "keepalive": 5,
            "accesslog": None,
            "loglevel": s.log_level.lower(),
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> WsgiApp:
        # Called in each worker after fork, so no SQLite connection crosses a fork.
        wsgi = build_wsgi(self._settings)
        # Every worker schedules the digest; the claim in SQLite lets only one post it.
        start_digest_scheduler(self._settings)
        return wsgi


def serve_http(settings: Settings) -> None:
    settings.require_http_mode()
    logger.info("serving HTTP on port %s (POST /slack/events, GET /healthz)", settings.port)
    _Gunicorn(settings).run()


def serve_socket_mode(settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    databases = Databases(settings.escalation_db)
    client = make_client(settings)
    worker = start_delivery(settings, databases, client)
    app = create_app(settings, databases, client, on_owed=worker.kick, socket_mode=True)
    start_digest_scheduler(settings, client)
    logger.info("connecting to Slack in Socket Mode")
    SocketModeHandler(app, settings.slack_app_token, web_client=client).start()

"""The baseline: a bare Bolt app behind the very same server and adapter as the real app.

    python bench/baseline_app.py      (reads the same settings from the environment as the app)

gunicorn with the app's own server settings (slack_app.serve._Gunicorn: gthread, WEB_CONCURRENCY
workers, WEB_THREADS threads, same timeouts and keep-alive) and slack_bolt's WSGI
SlackRequestHandler. Its listeners only acknowledge; /escalate also opens the same modal. No
database, no outbox, no digest scheduler: what is left is the cost of Bolt and the server, which
is what the app is compared against. GET /healthz answers 200 so the driver knows it is up.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from slack_bolt import Ack, App  # noqa: E402
from slack_bolt.adapter.wsgi import SlackRequestHandler  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from slack_app.blocks.modal import ModalMetadata, escalation_modal  # noqa: E402
from slack_app.domain import EscalationDraft  # noqa: E402
from slack_app.ids import CallbackId, Command  # noqa: E402
from slack_app.serve import _Gunicorn  # noqa: E402
from slack_app.settings import Settings, SettingsError, load_settings  # noqa: E402


def create_baseline(settings: Settings) -> App:
    """A Bolt app whose listeners do nothing but acknowledge (and open the modal)."""
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    app = App(client=client, signing_secret=settings.slack_signing_secret or "")

    @app.command(Command.ESCALATE.value)
    def escalate(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        ack()
        text = str(command.get("text") or "").strip()
        view = escalation_modal(ModalMetadata(channel_id=command.get("channel_id")), EscalationDraft(summary=text or None))
        client.views_open(trigger_id=command.get("trigger_id", ""), view=view)

    @app.view_submission(CallbackId.ESCALATION_MODAL.value)
    def submitted(ack: Ack) -> None:
        ack()

    # Events are acknowledged by Bolt before the listener runs.
    @app.event("reaction_added")
    def reaction_added() -> None:
        pass

    @app.event("reaction_removed")
    def reaction_removed() -> None:
        pass

    return app


class BaselineWsgi:
    """SlackRequestHandler at /slack/events, and a constant /healthz."""

    def __init__(self, app: App) -> None:
        self._slack = SlackRequestHandler(app, path="/slack/events")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "11")])
            return [b'{"ok":true}']
        return self._slack(environ, start_response)


class _BaselineGunicorn(_Gunicorn):
    """The app's gunicorn configuration, loading the baseline instead of the app."""

    def load(self) -> BaselineWsgi:
        return BaselineWsgi(create_baseline(self._settings))


def main() -> int:
    try:
        settings = load_settings()
        settings.require_http_mode()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    _BaselineGunicorn(settings).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())

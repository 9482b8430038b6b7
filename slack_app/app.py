"""The one factory that builds the Bolt app and wires listeners to services."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from slack_app.blocks.messages import error_notice
from slack_app.delivery.errors import SLACK_FAILURES
from slack_app.ids import Field
from slack_app.listeners import actions, commands, events, home, shortcuts, views
from slack_app.services.agent import AgentService
from slack_app.services.digest import DigestService
from slack_app.services.escalations import EscalationService
from slack_app.services.verdicts import VerdictReactions, VerdictService
from slack_app.settings import Settings
from storage.db import Databases

logger = logging.getLogger(__name__)

LISTENER_THREADS = 64


def make_client(settings: Settings) -> WebClient:
    """The Web API client every Slack call goes through, pointed at SLACK_API_URL.

    One quick in-call retry for rate limits, 5xx and dropped connections; anything longer is
    the outbox's job, with its own backoff.
    """
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)
    client.retry_handlers.extend(
        [RateLimitErrorRetryHandler(max_retry_count=1), ServerErrorRetryHandler(max_retry_count=1)]
    )
    return client


class BotIdentity:
    """Bolt's authorize function for a single-workspace app, without Slack on the request path.

    Bolt's default asks auth.test on the first request: that request then waits a Slack round
    trip, and fails when Slack is unreachable, and a submission must be stored even then. Here the
    identity is fetched in the background (at start, and again at most every 30 s after a
    failure) and requests meanwhile go on with the token alone; listeners that need the bot's
    user id before it is known read it from the event's `authorizations`.
    """

    RETRY_SECONDS = 30.0

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._known: AuthorizeResult | None = None
        self._lock = threading.Lock()
        self._fetching = False
        self._last_try = float("-inf")

    def authorize(self, enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        """Bolt calls this per request (by argument name, so it must be a plain callable)."""
        if self._known is not None:
            return self._known
        self.fetch_in_background()
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=self._client.token)

    def fetch_in_background(self) -> None:
        with self._lock:
            if self._known is not None or self._fetching or time.monotonic() - self._last_try < self.RETRY_SECONDS:
                return
            self._fetching, self._last_try = True, time.monotonic()
        threading.Thread(target=self._fetch, name="auth-test", daemon=True).start()

    def _fetch(self) -> None:
        try:
            response = self._client.auth_test()
            self._known = AuthorizeResult.from_auth_test_response(
                bot_token=self._client.token, auth_test_response=response
            )
        except SLACK_FAILURES:
            logger.warning("auth.test failed; going on without the bot's user id, retrying later")
        finally:
            with self._lock:
                self._fetching = False


def _authorize_function(identity: BotIdentity):
    # Bolt passes arguments by the names it finds on the callable, which a bound method confuses.
    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        return identity.authorize(enterprise_id, team_id)

    return authorize


def create_app(
    settings: Settings,
    databases: Databases,
    client: WebClient | None = None,
    *,
    on_owed: Callable[[], None] = lambda: None,
    socket_mode: bool = False,
) -> App:
    """Build a fresh App. In HTTP mode request signatures are always checked.

    `on_owed` is called after a listener recorded a Slack write in the outbox (wakes its worker).
    """
    if not socket_mode:
        settings.require_http_mode()
    client = client or make_client(settings)
    identity = BotIdentity(client)
    identity.fetch_in_background()
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        # Socket Mode connections are authenticated by the app token, not by request signatures.
        request_verification_enabled=not socket_mode,
        # auth.test runs lazily and never fails a request, so neither start-up nor a submission
        # depends on Slack being reachable.
        authorize=_authorize_function(identity),
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("slack_bolt"),
        # Bolt's default pool has 5 threads, and /escalate holds one for the whole views.open
        # round trip after its ack: a 6th command within one Slack round trip could not even be
        # acked (bench/: 957 ms acks with Slack at 1 s; 13 ms with this pool).
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="bolt-listener"),
    )
    escalations = EscalationService(databases)
    verdicts = VerdictService(
        databases,
        VerdictReactions.from_names(settings.accept_reaction_names, settings.needs_evidence_reaction_names),
    )
    # Reactions first: they are by far the most frequent requests (see listeners/events.py).
    events.register(app, verdicts, on_owed)
    events.register_membership(app, databases, on_owed)
    agent = AgentService(
        databases, DigestService(databases, channel_id=settings.digest_channel_id, zone=settings.digest_zone)
    )
    commands.register(app, agent)
    shortcuts.register(app)
    home.register(app, agent)
    views.register(app, escalations, on_owed)
    actions.register(app, escalations)
    app.error(_handle_error)
    return app


def _handle_error(error: Exception, request: BoltRequest, response: BoltResponse | None) -> BoltResponse | None:
    """Log an unexpected failure with an id, and give the person that id instead of a trace."""
    error_id = uuid.uuid4().hex[:8]
    logger.error("unexpected error %s: %s", error_id, type(error).__name__, exc_info=error)
    if response is None:  # already acknowledged: nothing more can go back in this response
        return None
    notice = error_notice(error_id)
    # Bolt has already parsed an interactivity payload into request.body.
    if isinstance(request.body, dict) and request.body.get("type") == "view_submission":
        body: dict[str, Any] = {"response_action": "errors", "errors": {Field.SUMMARY.value: notice}}
    else:
        body = {"response_type": "ephemeral", "text": notice}
    return BoltResponse(status=200, body=json.dumps(body), headers={"content-type": "application/json"})

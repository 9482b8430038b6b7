"""Events API listeners: engineers' reactions on cards, and the app joining a channel.

The app receives every reaction in every channel it is in, and almost none of them are verdicts.
So reactions are screened before Bolt hands them to a listener thread: `ReactionScreen` answers
the ones that cannot count at once (a reaction name check, then at most one indexed read, no
write, no Slack call), and only a reaction on a card by an engineer reaches `on_reaction`, which
Bolt runs after it has acknowledged the event.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest

from slack_app.clock import utcnow
from slack_app.domain import ReactionAction
from slack_app.logging_setup import about
from slack_app.services.outbox import retry_what_waits_for_a_person
from slack_app.services.verdicts import Countable, ReactionEvent, VerdictService
from storage.db import Databases

logger = logging.getLogger(__name__)

ACTIONS = {"reaction_added": ReactionAction.ADDED, "reaction_removed": ReactionAction.REMOVED}
REACTION_EVENTS = re.compile(r"^reaction_(added|removed)$")
# Where the screen leaves a reaction that passed, for the listener (the request's context).
SCREENED = "screened_reaction"


def bot_user_ids(body: dict[str, Any], known: str | None) -> frozenset[str]:
    """The app's own user id(s): from the event's authorizations, and the one Bolt knows, if any."""
    authorizations = body.get("authorizations") or []
    bots = {a.get("user_id") for a in authorizations if isinstance(a, dict) and a.get("is_bot")}
    bots.add(known)
    return frozenset(b for b in bots if isinstance(b, str) and b)


def read_reaction(body: dict[str, Any], bot_user_id: str | None) -> ReactionEvent | None:
    """A reaction event on a message as a typed model; None for anything else (files, odd shapes)."""
    event = body.get("event")
    if not isinstance(event, dict):
        return None
    item = event.get("item")
    action = ACTIONS.get(str(event.get("type")))
    if action is None or not isinstance(item, dict) or item.get("type") != "message":
        return None
    fields = (
        body.get("event_id"), event.get("user"), event.get("reaction"), item.get("channel"), item.get("ts")
    )
    if not all(isinstance(value, str) and value for value in fields):
        return None
    event_id, user, reaction, channel, ts = fields
    return ReactionEvent(
        event_id=event_id,
        action=action,
        user_id=user,
        reaction=reaction,
        channel_id=channel,
        message_ts=ts,
        event_ts=event.get("event_ts") if isinstance(event.get("event_ts"), str) else None,
        bot_user_ids=bot_user_ids(body, bot_user_id),
    )


class ReactionScreen(Middleware):
    """Acknowledges reactions that cannot be verdicts before any listener is scheduled."""

    def __init__(self, verdicts: VerdictService) -> None:
        self._verdicts = verdicts

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],  # noqa: A002 -- the name Bolt passes it by
    ) -> BoltResponse | None:
        event = req.body.get("event") if isinstance(req.body, dict) else None
        if not isinstance(event, dict) or str(event.get("type")) not in ACTIONS:
            return next()
        reaction = read_reaction(req.body, req.context.bot_user_id)
        screened = self._verdicts.screen(reaction) if reaction is not None else None
        if not isinstance(screened, Countable):
            return BoltResponse(status=200, body="")
        req.context[SCREENED] = screened
        return next()


def register(app: App, verdicts: VerdictService, owed: Callable[[], None]) -> None:
    def on_reaction(body: dict[str, Any], context: BoltContext) -> None:
        """A screened reaction on a card: counted after Bolt acknowledged it; nothing here calls Slack."""
        screened = context.get(SCREENED)
        if not isinstance(screened, Countable):  # the screen did not run (it always does in create_app)
            reaction = read_reaction(body, context.bot_user_id)
            screened = verdicts.screen(reaction) if reaction is not None else None
            if not isinstance(screened, Countable):
                return
        outcome = verdicts.count(screened)
        logger.info(
            "reaction %s on ESC-%s: %s", screened.event.event_id, screened.escalation_id, outcome,
            extra=about(screened.escalation_id),
        )
        if outcome.owes:
            owed()

    app.use(ReactionScreen(verdicts))
    # One listener for both event types, registered first: Bolt tries listeners in order.
    app.event(REACTION_EVENTS)(on_reaction)


def register_membership(app: App, databases: Databases, owed: Callable[[], None]) -> None:
    def on_member_joined(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        """The app was invited somewhere: retry at once what waited for that (e.g. not_in_channel)."""
        if event.get("user") not in bot_user_ids(body, context.bot_user_id):
            return
        woken = retry_what_waits_for_a_person(databases(), now=utcnow())
        logger.info("app joined %s; %d waiting Slack writes retried now", event.get("channel"), woken)
        if woken:
            owed()

    app.event("member_joined_channel")(on_member_joined)

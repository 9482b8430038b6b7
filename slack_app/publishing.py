"""Putting escalations in front of people in Slack: the card, and the reporter's receipt."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from slack_app.blocks.card import ReactionNames, escalation_card
from slack_app.blocks.messages import post_failed_notice, posted_confirmation
from slack_app.domain import Escalation
from slack_app.services.escalations import EscalationService

logger = logging.getLogger(__name__)

# What a Slack call can raise: Slack said no, the SDK failed, or the network did (URLError, timeouts).
SLACK_FAILURES = (SlackApiError, SlackClientError, OSError)


def slack_error_code(exc: Exception) -> str:
    """Slack's error code for a failed call, or a short name for a network failure."""
    if isinstance(exc, SlackApiError):
        response = exc.response
        if response.status_code == 429:
            return "ratelimited"
        error = response.get("error") if isinstance(response.data, dict) else None
        return str(error or f"http_{response.status_code}")
    return "network_error"


class CardPublisher:
    """Posts an escalation's card to the engineering channel and tells the reporter how it went."""

    def __init__(
        self,
        client: WebClient,
        escalations: EscalationService,
        channel_id: str,
        reactions: ReactionNames = ReactionNames(),
    ) -> None:
        self._client = client
        self._escalations = escalations
        self._channel = channel_id
        self._reactions = reactions

    def publish(self, escalation: Escalation) -> Escalation:
        """Post the card (once), store where it went, and send the reporter a receipt."""
        if escalation.is_posted:
            return escalation
        card = escalation_card(escalation, self._reactions)
        try:
            posted = self._client.chat_postMessage(channel=self._channel, **card)
        except SLACK_FAILURES as exc:
            code = slack_error_code(exc)
            logger.warning("card for %s not posted: %s", escalation.ref, code)
            self._escalations.record_post_failed(escalation.id, code)
            self.notify(escalation.reporter_id, post_failed_notice(escalation, code, self._channel))
            return escalation
        ts, channel = posted["ts"], posted["channel"]
        permalink = self._permalink(channel, ts)
        stored = self._escalations.record_posted(
            escalation.id, channel_id=channel, message_ts=ts, permalink=permalink
        )
        logger.info("card for %s posted", escalation.ref)
        self.notify(stored.reporter_id, posted_confirmation(stored))
        return stored

    def _permalink(self, channel: str, ts: str) -> str | None:
        try:
            return self._client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
        except SLACK_FAILURES as exc:
            logger.warning("no permalink for %s/%s: %s", channel, ts, slack_error_code(exc))
            return None

    def notify(self, user_id: str, message: dict) -> bool:
        """DM a person (the app's Messages tab); a failure is logged, never raised."""
        try:
            self._client.chat_postMessage(channel=user_id, **message)
            return True
        except SLACK_FAILURES as exc:
            logger.warning("could not message %s: %s", user_id, slack_error_code(exc))
            return False

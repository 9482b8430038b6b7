"""The message shortcut "Escalate this message": the escalation form, prefilled from the message.

The trigger id lasts 3 s, so the form opens at once with the Summary from the message; the
message's permalink (chat.getPermalink) follows by views.update. If Slack gives no permalink, or
the person already closed or sent the form, the form simply stays as it is: Evidence is left for
them to fill in, never a reason to fail.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from slack_app.agent_model import MessageSource
from slack_app.blocks.messages import SHORTCUT_NAME
from slack_app.blocks.modal import ModalMetadata
from slack_app.blocks.shortcut import message_escalation_modal, usable_permalink
from slack_app.delivery.errors import SLACK_FAILURES, slack_error_code
from slack_app.ids import CallbackId

logger = logging.getLogger(__name__)

# views.update answers these when the form changed or closed meanwhile: nothing to do then.
FORM_GONE = frozenset({"hash_conflict", "not_found", "view_not_found"})


def register(app: App) -> None:
    def escalate_message(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """Open the form prefilled from the message, then add the message's link to Evidence."""
        ack()
        source = MessageSource.from_shortcut(body)
        metadata = ModalMetadata(channel_id=source.channel_id)
        try:
            opened = client.views_open(
                trigger_id=str(body.get("trigger_id") or ""), view=message_escalation_modal(metadata, source)
            )
        except SLACK_FAILURES as exc:
            code = slack_error_code(exc)
            logger.warning("escalation modal from a message not opened: %s", code)
            respond(
                response_type="ephemeral",
                replace_original=False,
                text=":warning: Slack could not open the escalation form in time "
                f"({code}). Please choose *{SHORTCUT_NAME}* again.",
            )
            return
        view = opened.get("view") or {}
        if source.can_link and view.get("id"):
            add_permalink(client, source, metadata, view_id=str(view["id"]), view_hash=view.get("hash"))

    app.message_shortcut(CallbackId.ESCALATE_MESSAGE.value)(escalate_message)


def add_permalink(
    client: WebClient, source: MessageSource, metadata: ModalMetadata, *, view_id: str, view_hash: Any
) -> None:
    """Ask Slack for the message's permalink and put it in the open form; give up quietly on failure."""
    try:
        answer = client.chat_getPermalink(channel=source.channel_id, message_ts=source.message_ts)
    except SLACK_FAILURES as exc:
        logger.info("no permalink for an escalated message (%s); Evidence left empty", slack_error_code(exc))
        return
    given = answer.get("permalink")
    permalink = usable_permalink(given if isinstance(given, str) else None)
    if permalink is None:
        logger.info("chat.getPermalink gave no usable permalink; Evidence left empty")
        return
    view = message_escalation_modal(metadata, source.with_permalink(permalink))
    try:
        if isinstance(view_hash, str) and view_hash:
            client.views_update(view_id=view_id, hash=view_hash, view=view)
        else:
            client.views_update(view_id=view_id, view=view)
    except SLACK_FAILURES as exc:
        code = slack_error_code(exc)
        if code in FORM_GONE:
            logger.info("escalation form changed or closed before its permalink arrived (%s)", code)
        else:
            logger.warning("escalation form not updated with its permalink: %s", code)

"""Slash command listeners: ack at once, then open the modal while the trigger id is fresh."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from slack_app.blocks.messages import help_message
from slack_app.blocks.modal import ModalMetadata, escalation_modal
from slack_app.domain import EscalationDraft
from slack_app.ids import Command
from slack_app.delivery.errors import SLACK_FAILURES, slack_error_code

logger = logging.getLogger(__name__)

HELP_WORDS = {"help", "-h", "--help", "?"}


def register(app: App) -> None:
    app.command(Command.ESCALATE.value)(escalate)


def escalate(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
    """`/escalate [summary]` opens the modal; `/escalate help` explains the packet."""
    text = str(command.get("text") or "").strip()
    if text.lower() in HELP_WORDS:
        ack(**help_message())
        return
    ack()
    metadata = ModalMetadata(channel_id=command.get("channel_id"))
    view = escalation_modal(metadata, EscalationDraft(summary=text or None))
    try:
        client.views_open(trigger_id=command.get("trigger_id", ""), view=view)
    except SLACK_FAILURES as exc:
        code = slack_error_code(exc)
        logger.warning("escalation modal not opened: %s", code)
        respond(
            response_type="ephemeral",
            text=":warning: Slack could not open the escalation form in time "
            f"({code}). Please run `{Command.ESCALATE.value}` again.",
        )

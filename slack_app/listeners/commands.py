"""Slash command listeners: ack at once, then open the modal while the trigger id is fresh.

Lookups (`mine`, `status …`) are a few indexed reads, so they are answered in the ack itself.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from slack_app.blocks.lookup import (
    malformed_id,
    mine_message,
    no_such_escalation,
    status_message,
    status_needs_id,
    unknown_subcommand,
)
from slack_app.blocks.messages import help_message
from slack_app.blocks.modal import ModalMetadata, escalation_modal
from slack_app.delivery.errors import SLACK_FAILURES, slack_error_code
from slack_app.domain import EscalationDraft
from slack_app.ids import Command
from slack_app.services.agent import AgentService
from slack_app.services.subcommands import (
    ListMine,
    MalformedId,
    OpenForm,
    ShowHelp,
    ShowStatus,
    StatusNeedsId,
    UnknownSubcommand,
    parse_escalate_text,
)

logger = logging.getLogger(__name__)


def register(app: App, agent: AgentService) -> None:
    def escalate(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        """`/escalate [summary]` opens the modal; `help`, `mine` and `status <id>` answer privately."""
        request = parse_escalate_text(str(command.get("text") or ""))
        match request:
            case OpenForm(summary=summary):
                ack()
                open_form(command, client, respond, summary)
            case ShowHelp():
                ack(**help_message())
            case ListMine():
                ack(**mine_message(agent.open_escalations(str(command.get("user_id") or ""))))
            case ShowStatus(number=number):
                found = agent.status(number) if number is not None else None
                ack(**(status_message(found) if found is not None else no_such_escalation(request.ref)))
            case StatusNeedsId():
                ack(**status_needs_id())
            case MalformedId(written=written):
                ack(**malformed_id(written))
            case UnknownSubcommand(written=written, id_written=id_written):
                ack(**unknown_subcommand(written, id_written))

    app.command(Command.ESCALATE.value)(escalate)


def open_form(command: dict[str, Any], client: WebClient, respond: Respond, summary: str | None) -> None:
    metadata = ModalMetadata(channel_id=command.get("channel_id"))
    view = escalation_modal(metadata, EscalationDraft(summary=summary))
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

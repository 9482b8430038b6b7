"""The escalation modal as the message shortcut opens it: prefilled from the message, naming its author."""

from __future__ import annotations

from typing import Any

from slack_app.agent_model import MessageSource, summary_from_message
from slack_app.blocks.modal import ModalMetadata, escalation_modal
from slack_app.blocks.mrkdwn import link
from slack_app.domain import FIELD_SPECS, EscalationDraft
from slack_app.ids import Field, ModalBlock


def usable_permalink(permalink: str | None) -> str | None:
    """A permalink that can go into Evidence whole: https, and within the box's limit."""
    limit = FIELD_SPECS[Field.EVIDENCE].max_length
    return permalink if permalink and permalink.startswith("https://") and len(permalink) <= limit else None


def message_draft(source: MessageSource) -> EscalationDraft:
    """Summary from the message's first line; Evidence the message's link once it is known."""
    return EscalationDraft(
        summary=summary_from_message(source.text, FIELD_SPECS[Field.SUMMARY].max_length),
        evidence=usable_permalink(source.permalink),
    )


def source_note(source: MessageSource) -> str:
    """'From a message by <@U…>', linked to the message once its permalink is known."""
    permalink = usable_permalink(source.permalink)
    message = link(permalink, "a message") if permalink else "a message"
    if source.author_id:
        by = f" by <@{source.author_id}>"
    elif source.from_app:
        by = " from an app"
    else:
        by = ""
    what = "its first line is the Summary" if source.text.strip() else "it had no text to use as the Summary"
    if permalink:
        what += ", its link the Evidence"
    return f":speech_balloon: From {message}{by}: {what}. Edit anything before you send it."


def message_escalation_modal(metadata: ModalMetadata, source: MessageSource) -> dict[str, Any]:
    """The same six-fact modal as /escalate, prefilled from the message, with a line naming it.

    Built again with the permalink for views.update: the inputs keep their block and action ids,
    so what the person typed meanwhile is kept, and submission reads it like any other.
    """
    view = escalation_modal(metadata, message_draft(source))
    note = {
        "type": "context",
        "block_id": ModalBlock.SOURCE.value,
        "elements": [{"type": "mrkdwn", "text": source_note(source)}],
    }
    view["blocks"].insert(1, note)
    return view

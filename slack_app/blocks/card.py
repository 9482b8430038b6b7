"""The escalation card posted to the engineering channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_app.blocks.mrkdwn import SECTION_TEXT_LIMIT, escape, escape_within, link, truncate, utc_time
from slack_app.domain import Escalation, EscalationState
from slack_app.ids import CardBlock

HEADER_LIMIT = 150
SECTION_FIELD_LIMIT = 2000


@dataclass(frozen=True)
class ReactionNames:
    """The reaction names engineers use for a verdict; the first of each is shown on the card."""

    accept: tuple[str, ...] = ("+1", "thumbsup")
    needs_evidence: tuple[str, ...] = ("mag", "needs-evidence")


@dataclass(frozen=True)
class Verdict:
    """Who set the card's current state, and when."""

    user_id: str
    at: datetime


def _mrkdwn(title: str, body: str, limit: int) -> dict[str, str]:
    heading = f"*{title}*\n"
    return {"type": "mrkdwn", "text": heading + escape_within(body, limit - len(heading))}


def _section(title: str, body: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(title, body, SECTION_TEXT_LIMIT)}


def header_text(escalation: Escalation) -> str:
    return truncate(
        f"{escalation.severity.label} · {escalation.ref} · {escalation.summary}", HEADER_LIMIT
    )


def state_line(
    escalation: Escalation, reactions: ReactionNames, verdict: Verdict | None = None
) -> str:
    """One line that says where the escalation stands and what happens next."""
    accept, needs = f":{reactions.accept[0]}:", f":{reactions.needs_evidence[0]}:"
    by = ""
    if verdict is not None:
        by = f" by <@{verdict.user_id}> · {utc_time(verdict.at)}"
    match escalation.state:
        case EscalationState.ACCEPTED:
            return f":white_check_mark: *Accepted*{by}"
        case EscalationState.NEEDS_EVIDENCE:
            return (
                f":mag: *Needs evidence*{by} · waiting for <@{escalation.reporter_id}> to add it"
                f" · {accept} to accept anyway"
            )
        case _:
            if verdict is not None:
                # Back to awaiting: the reporter's own reactions never count, so a change by the
                # reporter is evidence they added; anyone else took their verdict back.
                if verdict.user_id == escalation.reporter_id:
                    by = f" · evidence added by <@{verdict.user_id}> · {utc_time(verdict.at)}"
                else:
                    by = f" · <@{verdict.user_id}> withdrew their verdict · {utc_time(verdict.at)}"
            return (
                f":hourglass_flowing_sand: *Awaiting triage*{by} · React {accept} to accept,"
                f" {needs} if it needs evidence"
            )


def card_text(escalation: Escalation) -> str:
    """The plain notification fallback for the card."""
    return escape(
        f"{escalation.ref} [{escalation.severity.label}] {escalation.summary}"
        f" (state: {escalation.state.label})"
    )


def escalation_card(
    escalation: Escalation,
    reactions: ReactionNames = ReactionNames(),
    verdict: Verdict | None = None,
) -> dict[str, Any]:
    """The card as chat.postMessage/chat.update arguments: `text` and `blocks`."""
    header = header_text(escalation)
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "block_id": CardBlock.HEADER.value,
            "text": {"type": "plain_text", "text": header, "emoji": True},
        }
    ]
    if header.endswith("…"):
        blocks.append(_section("Summary", escalation.summary))
    meta = [
        f"{escalation.severity.emoji} *{escalation.severity.label}*: {escalation.severity.definition}",
        f"Reported by <@{escalation.reporter_id}>",
    ]
    if escalation.ticket_url:
        meta.append(link(escalation.ticket_url, "Ticket"))
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(meta)}]}
    )
    blocks.append(_section("Impact", escalation.impact))
    blocks.append(
        {
            "type": "section",
            "fields": [
                _mrkdwn("Expected", escalation.expected, SECTION_FIELD_LIMIT),
                _mrkdwn("Actual", escalation.actual, SECTION_FIELD_LIMIT),
            ],
        }
    )
    blocks.append(_section("Evidence", escalation.evidence))
    blocks.append(_section("Suspected scope", escalation.scope))
    blocks.append(_section("First next step", escalation.next_step))
    if escalation.workaround:
        blocks.append(_section("Customer workaround", escalation.workaround))
    blocks.append({"type": "divider"})
    blocks.append(
        {
            "type": "context",
            "block_id": CardBlock.STATE.value,
            "elements": [{"type": "mrkdwn", "text": state_line(escalation, reactions, verdict)}],
        }
    )
    return {"text": card_text(escalation), "blocks": blocks}

"""Answers to `/escalate mine` and `/escalate status …`, and the list lines they share with App Home."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from slack_app.agent_model import EscalationStatus, HistoryEntry, HistoryKind, OwnEscalation, OwnEscalations
from slack_app.blocks.digest import format_age
from slack_app.blocks.messages import card_link, subcommand_lines
from slack_app.blocks.mrkdwn import (
    SECTION_TEXT_LIMIT,
    card_ref,
    escape,
    escape_within,
    fitted_list,
    link,
    mention,
    section,
    truncate,
    utc_time,
)
from slack_app.digest_model import Listing
from slack_app.domain import FIELD_SPECS, EscalationState, VerdictKind
from slack_app.ids import Command, Field, HomeBlock

MESSAGE_TEXT_LIMIT = 4000
SUMMARY_IN_LINE = 90  # a list line shows the start of a summary; the card has the rest
SUMMARY_IN_STATUS = 300
HISTORY_SHOWN = 12  # the latest entries; older ones are counted
ECHO_LIMIT = 40  # how much of what someone typed is quoted back to them
_SLACK_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")

STATE_EMOJI = {
    EscalationState.AWAITING_TRIAGE: ":hourglass_flowing_sand:",
    EscalationState.NEEDS_EVIDENCE: ":mag:",
    EscalationState.ACCEPTED: ":white_check_mark:",
}


def _echo(written: str) -> str:
    """What someone typed, quoted back inside `code` without breaking out of it."""
    return escape(truncate(written.replace("`", "'"), ECHO_LIMIT))


def _ref(row: OwnEscalation) -> str:
    return card_ref(row.ref, row.permalink, row.card_posted)


def own_line(row: OwnEscalation, now: datetime) -> str:
    """One escalation in a person's list: id linked to its card, severity, summary, state and since when."""
    summary = escape_within(" ".join(row.summary.split()), SUMMARY_IN_LINE)
    since = row.state_changed_at or row.created_at
    match row.state:
        case EscalationState.NEEDS_EVIDENCE:
            asked_by = mention(row.state_changed_by)
            state = f"needs evidence · asked by {asked_by} {format_age(now - since)} ago"
        case EscalationState.ACCEPTED:
            accepted = row.accepted_at or since
            state = f"accepted by {mention(row.state_changed_by)} {format_age(now - accepted)} ago"
        case _:
            state = f"awaiting triage for {format_age(now - since)}"
    return f"• {_ref(row)} {row.severity.emoji} {summary} · {STATE_EMOJI[row.state]} {state}"


def list_section(title: str, listing: Listing[OwnEscalation], now: datetime, block_id: str) -> dict[str, Any]:
    """A titled list with as many lines as fit in one section, then '…and N more'."""
    lines = [own_line(row, now) for row in listing.items]
    return section(fitted_list(title, lines, listing.total), block_id)


def open_sections(own: OwnEscalations) -> list[dict[str, Any]]:
    """The needs-evidence list, then the awaiting-triage list; either left out when empty."""
    now = own.as_of
    blocks = []
    if own.needs_evidence.total:
        title = (
            f":mag: *Needs your evidence ({own.needs_evidence.total})* · longest waiting first;"
            " press *Add evidence* in my message about it"
        )
        blocks.append(list_section(title, own.needs_evidence, now, HomeBlock.NEEDS_EVIDENCE.value))
    if own.awaiting.total:
        title = f":hourglass_flowing_sand: *Awaiting triage ({own.awaiting.total})* · newest first"
        blocks.append(list_section(title, own.awaiting, now, HomeBlock.AWAITING.value))
    return blocks


def _ephemeral(text: str, blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Arguments for ack()/respond(): an answer only the person who asked sees."""
    return {
        "response_type": "ephemeral",
        "text": truncate(text, MESSAGE_TEXT_LIMIT),
        "blocks": blocks if blocks is not None else [section(text)],
    }


# -- /escalate mine ---------------------------------------------------------------------------------


def mine_message(own: OwnEscalations) -> dict[str, Any]:
    """The caller's open escalations, or a kind word that there are none."""
    esc = Command.ESCALATE.value
    if own.open_total == 0:
        return _ephemeral(
            ":sunny: You have no open escalations: nothing is waiting on engineering or on you. "
            f"`{esc}` starts a new one; the ones engineering accepted are on my *Home* tab."
        )
    text = f"You have {own.open_total} open escalation{'s' if own.open_total != 1 else ''}."
    blocks = open_sections(own)
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"`{esc} status ESC-12` shows one escalation's history;"
                    " accepted ones and the team's figures are on my *Home* tab.",
                }
            ],
        }
    )
    return _ephemeral(text, blocks)


# -- /escalate status ---------------------------------------------------------------------------------


def _state_line(status: EscalationStatus) -> str:
    esc = status.escalation
    state = f"{STATE_EMOJI[esc.state]} *{esc.state.label}*"
    if esc.state_changed_at is None:
        return f"{state} since it was filed · {utc_time(esc.created_at)}"
    by, when = mention(esc.state_changed_by), utc_time(esc.state_changed_at)
    if esc.state is EscalationState.AWAITING_TRIAGE:
        return f"{state} again since {when}, by {by}"
    return f"{state} · set by {by} · {when}"


def _field_label(name: str) -> str:
    try:
        return FIELD_SPECS[Field(name)].label
    except (ValueError, KeyError):
        return escape(name)


def history_line(entry: HistoryEntry, channel_id: str | None) -> str:
    when = utc_time(entry.at)
    match entry.kind:
        case HistoryKind.FILED:
            what = f"filed by {mention(entry.user_id)}"
        case HistoryKind.POSTED:
            where = f" in <#{channel_id}>" if channel_id and _SLACK_CHANNEL_ID.match(channel_id) else ""
            what = f"card posted{where}"
        case HistoryKind.REACTION_ADDED | HistoryKind.REACTION_REMOVED:
            verb = "added" if entry.kind is HistoryKind.REACTION_ADDED else "removed"
            meaning = "accept" if entry.verdict is VerdictKind.ACCEPTED else "needs evidence"
            what = f"{mention(entry.user_id)} {verb} :{escape(entry.reaction or '')}: ({meaning})"
        case _:
            changed = ", ".join(_field_label(name) for name in entry.changed) or "nothing"
            what = f"{mention(entry.user_id)} amended it (changed: {changed})"
    return f"• {when} · {what}"


def status_message(status: EscalationStatus) -> dict[str, Any]:
    """One escalation for anyone who asks: state, who set it and when, history (latest last), card."""
    esc = status.escalation
    ref = link(esc.permalink, esc.ref) if esc.permalink else esc.ref
    summary = escape_within(" ".join(esc.summary.split()), SUMMARY_IN_STATUS)
    where = card_link(esc) if esc.permalink else ("card not posted yet" if not esc.is_posted else "the card")
    head = (
        f"*{ref}* {esc.severity.emoji} *{esc.severity.label}* · _{summary}_\n"
        f"{_state_line(status)}\n"
        f"Reported by {mention(esc.reporter_id)} · {where}"
    )
    shown = status.history[-HISTORY_SHOWN:]
    lines = [history_line(entry, esc.channel_id) for entry in shown]
    earlier = len(status.history) - len(shown)
    history = "*History*" + (f" (latest {len(shown)}; {earlier} earlier not shown)" if earlier else "")
    body = history
    for line in lines:
        if len(body) + 1 + len(line) > SECTION_TEXT_LIMIT:
            break
        body += "\n" + line
    text = f"{esc.ref}: {esc.state.label}"
    return _ephemeral(text, [section(head), section(body)])


# -- lookups that found nothing, and words we do not know ----------------------------------------------


def no_such_escalation(ref: str) -> dict[str, Any]:
    esc = Command.ESCALATE.value
    return _ephemeral(f":grey_question: No escalation {_echo(ref)}. Try `{esc} mine` to see yours.")


def malformed_id(written: str) -> dict[str, Any]:
    esc = Command.ESCALATE.value
    return _ephemeral(
        f":grey_question: `{_echo(written)}` is not an escalation id. Ids look like `ESC-12`"
        f" (`12`, `esc-12` and `#12` work too): `{esc} status ESC-12`. Try `{esc} mine` to see yours."
    )


def status_needs_id() -> dict[str, Any]:
    esc = Command.ESCALATE.value
    return _ephemeral(
        f":grey_question: Which escalation? `{esc} status ESC-12` shows one; `{esc} mine` lists yours."
    )


def unknown_subcommand(written: str, id_written: str | None = None) -> dict[str, Any]:
    """A command-like word that is not ours: what we do understand, and how to use it as a summary."""
    esc = Command.ESCALATE.value
    if id_written is not None:
        opening = (
            f":grey_question: I don't know `{esc} {_echo(written)}`."
            f" Did you mean `{esc} status {_echo(id_written)}`?"
        )
    else:
        opening = f":grey_question: I don't know `{esc} {_echo(written)}`."
    text = (
        f"{opening} To start a summary with that word, write the whole sentence after `{esc}`.\n"
        + "\n".join(f"• {line}" for line in subcommand_lines())
    )
    return _ephemeral(text)

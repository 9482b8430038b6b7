"""The daily digest message: where every escalation stands, and how often they land on first read."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from slack_app.blocks.mrkdwn import card_ref, escape_within, fitted_list, mention, section, truncate
from slack_app.digest_model import Digest, DigestRow, Listing, Quality

TITLE = "Escalations digest"
HEADER_LIMIT = 150
MESSAGE_TEXT_LIMIT = 4000
SUMMARY_LIMIT = 90  # a digest line shows the start of a summary; the card has the rest


# -- words ------------------------------------------------------------------------------------


def format_age(delta: timedelta) -> str:
    """How long, the way a person glances at it: '45 min', '5 h', '3 d'."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return "under 1 min"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def format_duration(delta: timedelta) -> str:
    """A median, a little finer than an age: '25 min', '4 h 20 min', '2 d 5 h'."""
    minutes = max(0, round(delta.total_seconds() / 60))
    if minutes < 1:
        return "under 1 min"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def format_day(moment: datetime) -> str:
    """'Mon 10 Mar 2025', without locale surprises."""
    return f"{moment:%a} {moment.day} {moment:%b %Y}"


def format_moment(moment: datetime) -> str:
    """'Fri 7 Mar, 09:00' in the digest's time zone."""
    return f"{moment:%a} {moment.day} {moment:%b}, {moment:%H:%M}"


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _ref(row: DigestRow) -> str:
    return card_ref(row.ref, row.permalink, row.card_posted)


def _summary(text: str) -> str:
    return escape_within(" ".join(text.split()), SUMMARY_LIMIT)


# -- counts -----------------------------------------------------------------------------------


def _awaiting_count(digest: Digest) -> str:
    blocked = f" ({digest.awaiting_blocked} Blocked)" if digest.awaiting_blocked else ""
    return f"{digest.awaiting.total} awaiting triage{blocked}"


def _needs_count(digest: Digest) -> str:
    n = digest.needs_evidence.total
    return f"{n} {_plural(n, 'needs', 'need')} evidence"


def _accepted_count(digest: Digest) -> str:
    return f"{digest.accepted.total} accepted {_since(digest)}"


def _since(digest: Digest) -> str:
    if digest.since_last_digest:
        return f"since the last digest ({format_moment(digest.since)})"
    return "in the last 24 h"


def digest_text(digest: Digest) -> str:
    """The notification line: what a person sees before opening the message."""
    day = format_day(digest.as_of)
    if digest.is_quiet:
        return f"{TITLE}, {day}: nothing waiting."
    return f"{TITLE}, {day}: {_awaiting_count(digest)}, {_needs_count(digest)}, {_accepted_count(digest)}."


# -- lists ------------------------------------------------------------------------------------


def _list_section(title: str, lines: list[str], listing: Listing[Any]) -> dict[str, Any]:
    """One section with as many lines as fit in Slack's 3000 characters, then '…and N more'."""
    return section(fitted_list(title, lines, listing.total))


def _awaiting_section(digest: Digest) -> dict[str, Any]:
    now = digest.as_of
    lines = [
        f"• {_ref(row)} {row.severity.emoji} *{row.severity.label}* · {_summary(row.summary)}"
        f" · {format_age(now - row.created_at)} old"
        for row in digest.awaiting.items
    ]
    title = (
        f":hourglass_flowing_sand: *Awaiting triage ({digest.awaiting.total})*"
        " · Blocked first, then oldest first"
    )
    return _list_section(title, lines, digest.awaiting)


def _needs_evidence_section(digest: Digest) -> dict[str, Any]:
    now = digest.as_of
    lines = [
        f"• {_ref(row)} {_summary(row.summary)} · {mention(row.reporter_id)}"
        f" · waiting {format_age(now - row.waiting_since)}"
        for row in digest.needs_evidence.items
    ]
    title = f":mag: *Needs evidence ({digest.needs_evidence.total})* · waiting on support, longest first"
    return _list_section(title, lines, digest.needs_evidence)


def _accepted_section(digest: Digest) -> dict[str, Any]:
    lines = []
    for row in digest.accepted.items:
        by = f" by {mention(row.accepted_by)}" if row.accepted_by else ""
        rounds = row.needs_evidence_rounds
        how = "first read" if rounds == 0 else f"after {rounds} evidence {_plural(rounds, 'round', 'rounds')}"
        lines.append(f"• {_ref(row)} {row.severity.emoji} {_summary(row.summary)} · accepted{by} · {how}")
    title = f":white_check_mark: *Accepted {_since(digest)} ({digest.accepted.total})*"
    return _list_section(title, lines, digest.accepted)


# -- quality ----------------------------------------------------------------------------------

FIRST_READ_DEFINITION = (
    "First read: accepted without ever being sent back for evidence, out of the escalations"
    " created in the last 7 days that an engineer has given a verdict (accepted or needs evidence)."
    " Time to acceptance: from the card being posted to its acceptance, for escalations accepted"
    " in the last 7 days."
)


def quality_lines(quality: Quality) -> list[str]:
    """The last-7-days figures, each saying 'no data yet' rather than dividing by zero."""
    share = quality.first_read_share
    if share is None:
        first_read = (
            "Accepted on first read: no data yet (no escalation created in the last 7 days has a verdict)"
        )
    else:
        first_read = (
            f"Accepted on first read: *{round(share * 100)}%* ({quality.first_read} of"
            f" {quality.with_verdict} with a verdict)"
        )
    if quality.median_to_accept is None:
        median = "Median time to acceptance: no data yet (none accepted in the last 7 days)"
    else:
        over = (
            f"the latest {quality.median_sample} of {quality.accepted} accepted"
            if quality.median_sample < quality.accepted
            else f"{quality.accepted} accepted"
        )
        median = f"Median time to acceptance: *{format_duration(quality.median_to_accept)}* (over {over})"
    if quality.created == 0:
        mix = "Severity mix: no data yet (no escalations created in the last 7 days)"
    else:
        parts = [
            f"{s.severity.emoji} {s.created} {s.severity.label}"
            for s in quality.by_severity
        ]
        mix = f"Severity mix of {quality.created} new: " + " · ".join(parts)
    return [first_read, median, mix]


def _quality_blocks(quality: Quality) -> list[dict[str, Any]]:
    body = "*Last 7 days*\n" + "\n".join(f"• {line}" for line in quality_lines(quality))
    return [
        section(body),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": FIRST_READ_DEFINITION}]},
    ]


# -- the message ------------------------------------------------------------------------------


def digest_message(digest: Digest) -> dict[str, Any]:
    """The digest as chat.postMessage arguments: `text` and `blocks`, within Slack's limits."""
    title = truncate(f"{TITLE} · {format_day(digest.as_of)}", HEADER_LIMIT)
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    if digest.is_quiet:
        blocks.append(
            section(
                ":sunny: *Nothing waiting.* No escalation is awaiting triage or evidence,"
                f" and none was accepted {_since(digest)}."
            )
        )
    else:
        counts = (_awaiting_count(digest), _needs_count(digest), _accepted_count(digest))
        blocks.append(section(" · ".join(f"*{count}*" for count in counts)))
        if digest.awaiting.total:
            blocks.append(_awaiting_section(digest))
        if digest.needs_evidence.total:
            blocks.append(_needs_evidence_section(digest))
        if digest.accepted.total:
            blocks.append(_accepted_section(digest))
    blocks.append({"type": "divider"})
    blocks.extend(_quality_blocks(digest.quality))
    return {"text": truncate(digest_text(digest), MESSAGE_TEXT_LIMIT), "blocks": blocks}


# -- a readable rendering, for --dry-run ----------------------------------------------------------


def preview(message: dict[str, Any]) -> str:
    """The message as a person would read it in a terminal: the text, then each block."""
    out = [f"text: {message['text']}", ""]
    for block in message.get("blocks", []):
        kind = block.get("type")
        if kind == "header":
            out.append(f"# {block['text']['text']}")
        elif kind == "section":
            out.append(block["text"]["text"])
        elif kind == "context":
            out.append("  " + " · ".join(e.get("text", "") for e in block["elements"]))
        elif kind == "divider":
            out.append("---")
        out.append("")
    return "\n".join(out).rstrip() + "\n"

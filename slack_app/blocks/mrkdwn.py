"""Making user text safe inside Slack mrkdwn, and fitting it into Slack's text limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control sequences.

    With them escaped, `<!channel>` or `<@U123>` typed by a person shows as text and pings no one.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """A mrkdwn link whose URL and label cannot break out of the `<url|label>` syntax."""
    safe_url = escape(url).replace("|", "%7C")
    safe_label = escape(label).replace("|", "¦")
    return f"<{safe_url}|{safe_label}>"


def truncate(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def escape_within(text: str, limit: int) -> str:
    """Escape text, then cut it to `limit` characters without splitting an entity like `&amp;`.

    Escaping can grow text up to fivefold, so a field within its input limit can still
    overflow a Block Kit limit once escaped.
    """
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + "…"


def utc_time(moment: datetime) -> str:
    """A moment as people read it on cards and in messages: '2026-12-03 14:02 UTC'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") + " UTC"


SECTION_TEXT_LIMIT = 3000


def fitted_list(title: str, lines: list[str], total: int, limit: int = SECTION_TEXT_LIMIT) -> str:
    """A title and as many lines as fit in `limit` characters, then '…and N more' of `total`."""
    reserve = len(f"\n…and {total} more")
    body, shown = title, 0
    for line in lines:
        if len(body) + 1 + len(line) + reserve > limit:
            break
        body += "\n" + line
        shown += 1
    if total - shown > 0:
        body += f"\n…and {total - shown} more"
    return body


PERMALINK_LIMIT = 500  # a longer "permalink" is not Slack's; show the id without a link
_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def mention(user_id: str | None, nobody: str = "someone") -> str:
    """A mention for a stored Slack user id; anything else is shown as plain, escaped text."""
    if not user_id:
        return nobody
    return f"<@{user_id}>" if _SLACK_USER_ID.match(user_id) else escape(user_id)


def card_ref(ref: str, permalink: str | None, card_posted: bool) -> str:
    """ESC-n, linked to its card when the card's permalink is known."""
    if permalink and permalink.startswith("https://") and len(permalink) <= PERMALINK_LIMIT:
        return link(permalink, ref)
    return ref if card_posted else f"{ref} (no card yet)"


def section(text: str, block_id: str | None = None) -> dict[str, Any]:
    """A section block of mrkdwn text the caller has already escaped."""
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block

"""What a support agent looks up: their own escalations, one escalation's status and history,
and the message an escalation starts from (the message shortcut)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from slack_app.digest_model import DigestRow, Listing, Quality
from slack_app.domain import Escalation, EscalationState, Severity, VerdictKind

# Accepted escalations stay on their reporter's Home tab this long after acceptance.
RECENTLY_ACCEPTED = timedelta(days=30)


class OwnEscalation(DigestRow):
    """One line of a person's own list (App Home, `/escalate mine`)."""

    severity: Severity
    state: EscalationState
    created_at: datetime
    state_changed_at: datetime | None = None
    state_changed_by: str | None = None
    accepted_at: datetime | None = None


class OwnEscalations(BaseModel):
    """A person's open escalations: those waiting on their evidence first, then those awaiting triage."""

    model_config = ConfigDict(frozen=True)

    reporter_id: str
    as_of: datetime  # ages in the lists are counted to this moment
    needs_evidence: Listing[OwnEscalation]  # longest waiting first
    awaiting: Listing[OwnEscalation]  # newest first

    @property
    def open_total(self) -> int:
        return self.needs_evidence.total + self.awaiting.total


class HomePage(BaseModel):
    """Everything one person's App Home tab shows, as of one moment."""

    model_config = ConfigDict(frozen=True)

    as_of: datetime
    own: OwnEscalations
    accepted: Listing[OwnEscalation]  # accepted within RECENTLY_ACCEPTED, latest first
    accepted_window: timedelta = RECENTLY_ACCEPTED
    quality: Quality  # the team's last-7-days figures, as in the digest


class HistoryKind(StrEnum):
    FILED = "filed"
    POSTED = "posted"
    REACTION_ADDED = "reaction_added"
    REACTION_REMOVED = "reaction_removed"
    EVIDENCE_ADDED = "evidence_added"


class HistoryEntry(BaseModel):
    """One moment in an escalation's life, for `/escalate status`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: datetime
    kind: HistoryKind
    user_id: str | None = None
    reaction: str | None = None  # as Slack sent it
    verdict: VerdictKind | None = None
    changed: tuple[str, ...] = ()  # field names, for EVIDENCE_ADDED


class EscalationStatus(BaseModel):
    """One escalation with its history, oldest first (filed, posted, reactions, the reporter's revisions)."""

    model_config = ConfigDict(frozen=True)

    escalation: Escalation
    history: list[HistoryEntry]


# -- the message shortcut ---------------------------------------------------------------------------

_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SLACK_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_SLACK_TS = re.compile(r"^\d{1,12}\.\d{1,9}$")
# Slack escapes these three in message text; the summary box shows text, not mrkdwn source.
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


class MessageSource(BaseModel):
    """The message someone escalated with the message shortcut, from Slack's payload.

    Untrusted: every field is checked for shape, and anything odd is left out rather than refused.
    """

    model_config = ConfigDict(frozen=True)

    channel_id: str | None = None
    message_ts: str | None = None
    author_id: str | None = None  # a person ("U…"/"W…"); None for apps and odd payloads
    from_app: bool = False
    text: str = ""
    permalink: str | None = None  # filled in once chat.getPermalink answered

    @classmethod
    def from_shortcut(cls, body: dict[str, Any]) -> MessageSource:
        """Read a message_action payload."""
        message = body.get("message") if isinstance(body.get("message"), dict) else {}
        channel = body.get("channel") if isinstance(body.get("channel"), dict) else {}
        channel_id = channel.get("id")
        ts = message.get("ts")
        user = message.get("user")
        text = message.get("text")
        return cls(
            channel_id=channel_id if _matches(_SLACK_CHANNEL_ID, channel_id) else None,
            message_ts=ts if _matches(_SLACK_TS, ts) else None,
            author_id=user if _matches(_SLACK_USER_ID, user) else None,
            from_app=bool(message.get("bot_id")) or message.get("subtype") == "bot_message",
            text=text if isinstance(text, str) else "",
        )

    @property
    def can_link(self) -> bool:
        """Whether chat.getPermalink can be asked about this message."""
        return self.channel_id is not None and self.message_ts is not None

    def with_permalink(self, permalink: str) -> MessageSource:
        return self.model_copy(update={"permalink": permalink})


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    return isinstance(value, str) and pattern.match(value) is not None


def summary_from_message(text: str, limit: int) -> str | None:
    """The message's first non-blank line as a Summary: Slack's &amp;/&lt;/&gt; decoded, whitespace
    collapsed, cut to `limit`. Mentions, links and mrkdwn stay as the plain text Slack sent
    (`<@U123>`, `*bold*`): the Summary box is plain text and the reporter edits it anyway."""
    for line in text.splitlines():
        words = line.split()
        if words:
            summary = " ".join(words)
            for entity, char in _ENTITIES:
                summary = summary.replace(entity, char)
            return summary if len(summary) <= limit else summary[: limit - 1].rstrip() + "…"
    return None

"""The daily digest as the domain speaks of it: what it lists, its figures, and its runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from slack_app.domain import Severity

QUALITY_WINDOW = timedelta(days=7)
# The first digest for a channel reports acceptances over this span instead of "since the last one".
FIRST_DIGEST_LOOKBACK = timedelta(hours=24)


class DigestRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    summary: str
    permalink: str | None = None
    card_posted: bool = True  # False: the card has not reached the channel yet

    @property
    def ref(self) -> str:
        return f"ESC-{self.id}"


class AwaitingTriage(DigestRow):
    """An escalation nobody has given a verdict on since it was filed or its evidence was added."""

    severity: Severity
    created_at: datetime


class WaitingOnEvidence(DigestRow):
    """An escalation engineering sent back to its reporter for evidence."""

    reporter_id: str
    waiting_since: datetime


class RecentlyAccepted(DigestRow):
    """An escalation accepted since the last digest."""

    severity: Severity
    accepted_at: datetime
    accepted_by: str | None = None
    needs_evidence_rounds: int = 0


T = TypeVar("T", bound=DigestRow)


class Listing(BaseModel, Generic[T]):
    """The first rows of a list, and how many there are in all."""

    model_config = ConfigDict(frozen=True)

    items: list[T]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))


class SeverityCounts(BaseModel):
    """Escalations created in the quality window with this severity, and what became of them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    severity: Severity
    created: int = 0
    with_verdict: int = 0
    first_read: int = 0


class Quality(BaseModel):
    """How often escalations are accepted on first read, over the last 7 days.

    - cohort: escalations created in the 7 days before the digest;
    - with a verdict: those of the cohort an engineer has judged (accepted or needs evidence),
      i.e. not awaiting triage with no verdict ever; this is the denominator;
    - first read: those of the cohort now accepted that were never sent back for evidence
      (needs_evidence_rounds = 0);
    - median to acceptance: over escalations accepted in the 7 days before the digest (and still
      accepted) whose card was posted, the median of accepted_at - posted_at; over the latest
      5000 of them when there are more.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    window: timedelta = QUALITY_WINDOW
    by_severity: list[SeverityCounts]
    accepted: int = 0  # accepted in the window with a posted card
    median_sample: int = 0  # how many of those the median is over (the latest, when there are many)
    median_to_accept: timedelta | None = None

    @property
    def created(self) -> int:
        return sum(s.created for s in self.by_severity)

    @property
    def with_verdict(self) -> int:
        return sum(s.with_verdict for s in self.by_severity)

    @property
    def first_read(self) -> int:
        return sum(s.first_read for s in self.by_severity)

    @property
    def first_read_share(self) -> float | None:
        """None rather than a division by zero when nothing had a verdict."""
        return self.first_read / self.with_verdict if self.with_verdict else None


class Digest(BaseModel):
    """Everything one digest message says, as of one moment."""

    model_config = ConfigDict(frozen=True)

    as_of: datetime  # aware, in the digest's time zone
    since: datetime  # acceptances are counted after this moment, up to as_of
    since_last_digest: bool  # False: the first digest for the channel, looking back 24 h
    awaiting: Listing[AwaitingTriage]
    awaiting_blocked: int
    needs_evidence: Listing[WaitingOnEvidence]
    accepted: Listing[RecentlyAccepted]
    quality: Quality

    @property
    def is_quiet(self) -> bool:
        """Nothing waiting on anyone and nothing new to celebrate."""
        return not (self.awaiting.total or self.needs_evidence.total or self.accepted.total)


class DigestStatus(StrEnum):
    POSTING = "posting"
    POSTED = "posted"
    FAILED = "failed"


class DigestRecord(BaseModel):
    """One digest run for a channel and local day, as recorded before and after posting."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    channel_id: str
    local_date: date
    forced: bool
    status: DigestStatus
    as_of: datetime
    claimed_at: datetime
    posted_at: datetime | None = None
    message_ts: str | None = None
    error: str | None = None

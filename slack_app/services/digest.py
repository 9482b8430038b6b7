"""Digest rules: what the daily digest reports, and that it is posted once a day per channel.

Knows nothing of Slack; the figures come from storage/digest.py.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlite_utils

from slack_app.clock import utcnow
from slack_app.digest_model import (
    FIRST_DIGEST_LOOKBACK,
    QUALITY_WINDOW,
    AwaitingTriage,
    Digest,
    DigestRecord,
    Listing,
    Quality,
    RecentlyAccepted,
    WaitingOnEvidence,
)
from slack_app.domain import EscalationState, Severity
from storage import digest as store

# How many rows each list shows; the rest is counted ("…and N more").
AWAITING_SHOWN = 15
NEEDS_EVIDENCE_SHOWN = 10
ACCEPTED_SHOWN = 10
# The median time to acceptance is taken over at most this many of the latest acceptances in the
# window: exact for any team's week, and bounded when a benchmark packs a million into it.
MEDIAN_SAMPLE = 5000
# A claim still 'posting' after this long belongs to a run that died before it could say how it went.
STALE_CLAIM = timedelta(minutes=10)


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a day's digest: `held` means this run must post it."""

    record: DigestRecord
    held: bool


class DigestService:
    """Builds the digest's figures for one channel and keeps its once-a-day record."""

    def __init__(
        self,
        databases: Callable[[], sqlite_utils.Database],
        *,
        channel_id: str,
        zone: ZoneInfo,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._db = databases
        self.channel_id = channel_id
        self.zone = zone
        self._clock = clock

    def now(self) -> datetime:
        return self._clock().astimezone(self.zone)

    def build(self, as_of: datetime) -> Digest:
        """Where every escalation stands at `as_of`, and what was accepted since the last digest."""
        db = self._db()
        as_of = as_of.astimezone(self.zone)
        last = store.last_posted_as_of(db, self.channel_id)
        since = last if last is not None and last < as_of else as_of - FIRST_DIGEST_LOOKBACK

        counts = store.open_counts(db)
        awaiting, needs = EscalationState.AWAITING_TRIAGE, EscalationState.NEEDS_EVIDENCE
        awaiting_total = sum(n for (state, _), n in counts.items() if state == awaiting)
        blocked = counts.get((awaiting, Severity.BLOCKED), 0)
        needs_total = sum(n for (state, _), n in counts.items() if state == needs)

        accepted, accepted_total = store.accepted_between(db, since, as_of, ACCEPTED_SHOWN)
        return Digest(
            as_of=as_of,
            since=since.astimezone(self.zone),
            since_last_digest=last is not None,
            awaiting=Listing[AwaitingTriage](items=self._awaiting_first(db), total=awaiting_total),
            awaiting_blocked=blocked,
            needs_evidence=Listing[WaitingOnEvidence](
                items=store.waiting_on_evidence(db, NEEDS_EVIDENCE_SHOWN), total=needs_total
            ),
            accepted=Listing[RecentlyAccepted](items=accepted, total=accepted_total),
            quality=self.quality(as_of),
        )

    def quality(self, as_of: datetime) -> Quality:
        """The last-7-days figures up to `as_of` (the digest's, also shown on each App Home tab)."""
        db = self._db()
        seconds, accepted_in_window = store.seconds_to_accept(
            db, as_of - QUALITY_WINDOW, as_of, MEDIAN_SAMPLE
        )
        return Quality(
            by_severity=store.verdicts_by_severity(db, as_of - QUALITY_WINDOW, as_of),
            accepted=accepted_in_window,
            median_sample=len(seconds),
            median_to_accept=timedelta(seconds=statistics.median(seconds)) if seconds else None,
        )

    def _awaiting_first(self, db: sqlite_utils.Database) -> list[AwaitingTriage]:
        """Blocked ones first (oldest first), then the others oldest first, whatever their severity.

        One indexed query per severity keeps each LIMITed instead of sorting every open row.
        """
        blocked = store.awaiting_triage(db, Severity.BLOCKED, AWAITING_SHOWN)
        others = [
            row
            for severity in Severity
            if severity != Severity.BLOCKED
            for row in store.awaiting_triage(db, severity, AWAITING_SHOWN)
        ]
        others.sort(key=lambda row: (row.created_at, row.id))
        return (blocked + others)[:AWAITING_SHOWN]

    # -- the once-a-day record ----------------------------------------------------------------

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def claim(self, now: datetime, *, force: bool = False) -> Claim:
        """Claim today's digest for the channel before posting it (see storage.digest.claim_digest)."""
        record, held = store.claim_digest(
            self._db(),
            self.channel_id,
            self.local_date(now),
            now=now,
            force=force,
            stale_after=STALE_CLAIM,
        )
        return Claim(record, held)

    def record_posted(self, claim: Claim, message_ts: str) -> DigestRecord:
        return store.mark_digest_posted(self._db(), claim.record.id, message_ts=message_ts, now=self._clock())

    def record_failed(self, claim: Claim, error: str) -> DigestRecord:
        return store.mark_digest_failed(self._db(), claim.record.id, error=error)

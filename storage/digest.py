"""The digest's queries and its once-a-day record, in SQLite.

Every query here is answered from an index (see m004_digests), selects only the columns the
digest shows, and LIMITs the rows it lists while counting the rest in SQL, so the digest stays
fast at a million escalations. tests/test_digest_storage.py checks the query plans.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from typing import Any

import sqlite_utils

from slack_app.digest_model import (
    AwaitingTriage,
    DigestRecord,
    DigestStatus,
    RecentlyAccepted,
    SeverityCounts,
    WaitingOnEvidence,
)
from slack_app.domain import EscalationState, Severity
from storage.db import to_db_time, write_transaction

AWAITING = EscalationState.AWAITING_TRIAGE.value
NEEDS_EVIDENCE = EscalationState.NEEDS_EVIDENCE.value
ACCEPTED = EscalationState.ACCEPTED.value


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# -- what is open -----------------------------------------------------------------------------


def open_counts(db: sqlite_utils.Database) -> dict[tuple[EscalationState, Severity], int]:
    """How many escalations await triage or evidence, per state and severity."""
    cursor = db.execute(
        "SELECT state, severity, COUNT(*) FROM escalations WHERE state IN (?, ?) GROUP BY state, severity",
        [AWAITING, NEEDS_EVIDENCE],
    )
    return {(EscalationState(s), Severity(v)): n for s, v, n in cursor.fetchall()}


def awaiting_triage(db: sqlite_utils.Database, severity: Severity, limit: int) -> list[AwaitingTriage]:
    """The oldest escalations of one severity awaiting triage, oldest first."""
    rows = _rows(
        db,
        "SELECT id, severity, summary, created_at, permalink, message_ts IS NOT NULL AS card_posted"
        " FROM escalations"
        " WHERE state = ? AND severity = ? ORDER BY created_at LIMIT ?",
        [AWAITING, severity.value, limit],
    )
    return [AwaitingTriage.model_validate(r) for r in rows]


def waiting_on_evidence(db: sqlite_utils.Database, limit: int) -> list[WaitingOnEvidence]:
    """Escalations sent back for evidence, the longest waiting first."""
    # A row with no state_changed_at (set before m002 kept it) sorts first and counts from creation.
    rows = _rows(
        db,
        "SELECT id, summary, reporter_id, COALESCE(state_changed_at, created_at) AS waiting_since,"
        " permalink FROM escalations WHERE state = ? ORDER BY state_changed_at, id LIMIT ?",
        [NEEDS_EVIDENCE, limit],
    )
    return [WaitingOnEvidence.model_validate(r) for r in rows]


# -- what was accepted ------------------------------------------------------------------------


def accepted_between(
    db: sqlite_utils.Database, since: datetime, until: datetime, limit: int
) -> tuple[list[RecentlyAccepted], int]:
    """Escalations now accepted with accepted_at in (since, until], earliest first; and how many."""
    params = [ACCEPTED, to_db_time(since), to_db_time(until)]
    where = "WHERE state = ? AND accepted_at > ? AND accepted_at <= ?"
    rows = _rows(
        db,
        "SELECT id, severity, summary, accepted_at, state_changed_by AS accepted_by,"
        f" needs_evidence_rounds, permalink FROM escalations {where} ORDER BY accepted_at LIMIT ?",
        [*params, limit],
    )
    (total,) = db.execute(f"SELECT COUNT(*) FROM escalations {where}", params).fetchone()
    return [RecentlyAccepted.model_validate(r) for r in rows], total


def seconds_to_accept(
    db: sqlite_utils.Database, since: datetime, until: datetime, limit: int
) -> tuple[list[float], int]:
    """accepted_at - posted_at, in seconds, for the latest `limit` escalations accepted in
    (since, until] whose card was posted; and how many such escalations there are in all."""
    params = [ACCEPTED, to_db_time(since), to_db_time(until)]
    where = "WHERE state = ? AND accepted_at > ? AND accepted_at <= ? AND posted_at IS NOT NULL"
    (total,) = db.execute(f"SELECT COUNT(*) FROM escalations {where}", params).fetchone()
    cursor = db.execute(
        "SELECT (julianday(accepted_at) - julianday(posted_at)) * 86400.0 FROM escalations"
        f" {where} ORDER BY accepted_at DESC LIMIT ?",
        [*params, limit],
    )
    return [row[0] for row in cursor.fetchall()], total


def verdicts_by_severity(
    db: sqlite_utils.Database, since: datetime, until: datetime
) -> list[SeverityCounts]:
    """For escalations created in [since, until], per severity: how many, how many had a verdict
    (not awaiting triage, or awaiting again after one), how many were accepted on first read
    (accepted and never sent back for evidence)."""
    states = [s.value for s in EscalationState]
    severities = [s.value for s in Severity]
    # Naming every state and severity lets SQLite seek the created_at range within each pair.
    cursor = db.execute(
        "SELECT state, severity, COUNT(*), SUM(first_verdict_at IS NOT NULL), SUM(needs_evidence_rounds = 0)"
        f" FROM escalations WHERE state IN ({', '.join('?' * len(states))})"
        f" AND severity IN ({', '.join('?' * len(severities))})"
        " AND created_at >= ? AND created_at <= ? GROUP BY state, severity",
        [*states, *severities, to_db_time(since), to_db_time(until)],
    )
    created = dict.fromkeys(Severity, 0)
    with_verdict = dict.fromkeys(Severity, 0)
    first_read = dict.fromkeys(Severity, 0)
    for state, severity, count, judged, never_bounced in cursor.fetchall():
        sev = Severity(severity)
        created[sev] += count
        if state == AWAITING:
            with_verdict[sev] += judged
        else:
            with_verdict[sev] += count
        if state == ACCEPTED:
            first_read[sev] += never_bounced
    return [
        SeverityCounts(severity=s, created=created[s], with_verdict=with_verdict[s], first_read=first_read[s])
        for s in Severity
    ]


# -- the once-a-day record ----------------------------------------------------------------------

_RECORD_COLUMNS = (
    "id, channel_id, local_date, forced, status, as_of, claimed_at, posted_at, message_ts, error"
)


def _record(db: sqlite_utils.Database, digest_id: int) -> DigestRecord:
    (row,) = _rows(db, f"SELECT {_RECORD_COLUMNS} FROM digests WHERE id = ?", [digest_id])
    return DigestRecord.model_validate(row)


def todays_digest(db: sqlite_utils.Database, channel_id: str, local_date: date) -> DigestRecord | None:
    """The digest that counts for (channel, local date): posting or posted, not forced."""
    rows = _rows(
        db,
        f"SELECT {_RECORD_COLUMNS} FROM digests WHERE channel_id = ? AND local_date = ?"
        " AND forced = 0 AND status <> 'failed'",
        [channel_id, local_date.isoformat()],
    )
    return DigestRecord.model_validate(rows[0]) if rows else None


def claim_digest(
    db: sqlite_utils.Database,
    channel_id: str,
    local_date: date,
    *,
    now: datetime,
    force: bool = False,
    stale_after: timedelta,
) -> tuple[DigestRecord, bool]:
    """Claim (channel, local date) before posting; return the record and whether this run holds it.

    Not claimed: another run posted, or is posting, that day's digest. With force a second,
    forced row is claimed instead. A claim left 'posting' longer than stale_after belongs to a
    run that died; it is marked failed and the day is claimed afresh.
    """
    stamp = to_db_time(now)
    day = local_date.isoformat()
    with write_transaction(db):
        db.execute(
            "UPDATE digests SET status = 'failed', error = 'abandoned' WHERE channel_id = ?"
            " AND local_date = ? AND forced = 0 AND status = 'posting' AND claimed_at < ?",
            [channel_id, day, to_db_time(now - stale_after)],
        )
        insert = (
            "INSERT INTO digests (channel_id, local_date, forced, status, as_of, claimed_at)"
            " VALUES (?, ?, ?, 'posting', ?, ?)"
        )
        try:
            cursor = db.execute(insert, [channel_id, day, 0, stamp, stamp])
        except sqlite3.IntegrityError:
            # The unique index says another run holds the day.
            if not force:
                existing = todays_digest(db, channel_id, local_date)
                assert existing is not None
                return existing, False
            cursor = db.execute(insert, [channel_id, day, 1, stamp, stamp])
        return _record(db, cursor.lastrowid), True


def mark_digest_posted(
    db: sqlite_utils.Database, digest_id: int, *, message_ts: str, now: datetime
) -> DigestRecord:
    with write_transaction(db):
        db.execute(
            "UPDATE digests SET status = 'posted', posted_at = ?, message_ts = ?, error = NULL WHERE id = ?",
            [to_db_time(now), message_ts, digest_id],
        )
        return _record(db, digest_id)


def mark_digest_failed(db: sqlite_utils.Database, digest_id: int, *, error: str) -> DigestRecord:
    """Release a claim whose post failed, so a later run can post that day's digest."""
    with write_transaction(db):
        db.execute(
            "UPDATE digests SET status = 'failed', error = ? WHERE id = ? AND status = ?",
            [error, digest_id, DigestStatus.POSTING.value],
        )
        return _record(db, digest_id)


def last_posted_as_of(db: sqlite_utils.Database, channel_id: str) -> datetime | None:
    """The moment the last posted digest for the channel described; None before the first."""
    (value,) = db.execute(
        "SELECT MAX(as_of) FROM digests WHERE channel_id = ? AND status = ?",
        [channel_id, DigestStatus.POSTED.value],
    ).fetchone()
    return datetime.fromisoformat(value) if value else None

"""The digest's storage: every query answered from an index, and the once-a-day claim."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from slack_app.digest_model import DigestStatus
from slack_app.services.digest import DigestService
from storage import digest as store
from tests.digest_support import add_escalation

NOW = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
DAY = date(2025, 3, 10)
STALE = timedelta(minutes=10)


def test_every_digest_query_uses_an_index(db):
    for i in range(300):
        add_escalation(
            db,
            created_at=NOW - timedelta(hours=i),
            severity=("blocked", "degraded", "annoying")[i % 3],
            state=("awaiting_triage", "needs_evidence", "accepted")[i % 3],
            accepted_at=NOW - timedelta(hours=i) if i % 3 == 2 else None,
            state_changed_at=NOW - timedelta(hours=i),
            first_verdict_at=NOW - timedelta(hours=i),
        )
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    service = DigestService(
        lambda: db, channel_id="CENG0001", zone=ZoneInfo("Europe/Berlin"), clock=lambda: NOW
    )
    claim = service.claim(NOW)
    service.record_failed(claim, "not_in_channel")
    claim = service.claim(NOW)
    service.build(claim.record.as_of)
    service.record_posted(claim, "1.2")
    service.claim(NOW)  # taken: reads the day's record
    service.claim(NOW, force=True)
    store.todays_digest(db, "CENG0001", DAY)
    db.conn.set_trace_callback(None)

    queries = [s for s in statements if re.match(r"\s*(SELECT|UPDATE|DELETE|INSERT)", s, re.I)]
    touched = {t for q in queries for t in ("escalations", "digests") if t in q}
    assert touched == {"escalations", "digests"} and len(queries) >= 15
    for query in queries:
        plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + query).fetchall()]
        for step in plan:
            assert not re.match(r"SCAN (escalations|digests)\b(?! USING)", step), (query, plan)
        if not query.lstrip().upper().startswith("INSERT"):
            uses_index = r"USING (COVERING INDEX|INDEX|INTEGER PRIMARY KEY)"
            assert any(re.search(uses_index, step) for step in plan), (query, plan)


def test_a_day_is_claimed_once(db):
    first, held = store.claim_digest(db, "C1", DAY, now=NOW, stale_after=STALE)
    assert held and first.status == DigestStatus.POSTING and not first.forced
    again, held = store.claim_digest(db, "C1", DAY, now=NOW + timedelta(seconds=1), stale_after=STALE)
    assert not held and again.id == first.id
    # Another channel, or the next day, is its own claim.
    assert store.claim_digest(db, "C2", DAY, now=NOW, stale_after=STALE)[1]
    assert store.claim_digest(db, "C1", DAY + timedelta(days=1), now=NOW, stale_after=STALE)[1]


def test_the_unique_index_itself_refuses_a_second_live_row_for_the_day(db):
    store.claim_digest(db, "C1", DAY, now=NOW, stale_after=STALE)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO digests (channel_id, local_date, status, as_of, claimed_at)"
            " VALUES ('C1', '2025-03-10', 'posted', 'x', 'x')"
        )


def test_a_failed_post_releases_the_day(db):
    claim, _ = store.claim_digest(db, "C1", DAY, now=NOW, stale_after=STALE)
    failed = store.mark_digest_failed(db, claim.id, error="not_in_channel")
    assert failed.status == DigestStatus.FAILED and failed.error == "not_in_channel"
    retry, held = store.claim_digest(db, "C1", DAY, now=NOW + timedelta(hours=1), stale_after=STALE)
    assert held and retry.id != claim.id


def test_force_adds_a_second_digest_for_the_day(db):
    claim, _ = store.claim_digest(db, "C1", DAY, now=NOW, stale_after=STALE)
    store.mark_digest_posted(db, claim.id, message_ts="1.1", now=NOW)
    later = NOW + timedelta(hours=2)
    forced, held = store.claim_digest(db, "C1", DAY, now=later, force=True, stale_after=STALE)
    assert held and forced.forced
    assert store.todays_digest(db, "C1", DAY).id == claim.id  # the day's digest is still the first


def test_a_claim_abandoned_by_a_dead_run_is_taken_over(db):
    dead, _ = store.claim_digest(db, "C1", DAY, now=NOW, stale_after=STALE)
    assert not store.claim_digest(db, "C1", DAY, now=NOW + timedelta(minutes=9), stale_after=STALE)[1]
    fresh, held = store.claim_digest(db, "C1", DAY, now=NOW + timedelta(minutes=11), stale_after=STALE)
    assert held and fresh.id != dead.id
    row = db.execute("SELECT status, error FROM digests WHERE id = ?", [dead.id]).fetchone()
    assert row == ("failed", "abandoned")


def test_since_is_the_moment_the_last_posted_digest_described(db):
    assert store.last_posted_as_of(db, "C1") is None
    claim, _ = store.claim_digest(db, "C1", DAY, now=NOW, stale_after=STALE)
    assert store.last_posted_as_of(db, "C1") is None  # still posting
    store.mark_digest_posted(db, claim.id, message_ts="1.1", now=NOW + timedelta(seconds=3))
    assert store.last_posted_as_of(db, "C1") == NOW
    assert store.last_posted_as_of(db, "C2") is None

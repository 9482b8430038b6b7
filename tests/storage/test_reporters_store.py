"""A person's own escalations: only theirs, in the promised order, every query from an index."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from slack_app.agent_model import RECENTLY_ACCEPTED
from slack_app.domain import EscalationState
from slack_app.services.agent import AgentService
from slack_app.services.digest import DigestService
from storage import reporters as store
from tests.digest_support import add_escalation

NOW = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
STATES = ("awaiting_triage", "needs_evidence", "accepted")


def seed(db, reporter: str = "UME", count: int = 30, start: int = 0) -> None:
    for i in range(start, start + count):
        state = STATES[i % 3]
        add_escalation(
            db, created_at=NOW - timedelta(hours=100 - i), reporter_id=reporter, state=state,
            summary=f"{reporter} problem {i}",
            state_changed_at=NOW - timedelta(hours=100 - i) if state != "awaiting_triage" else None,
            accepted_at=NOW - timedelta(days=i % 40) if state == "accepted" else None,
        )


def service(db) -> AgentService:
    digest = DigestService(lambda: db, channel_id="CENG0001", zone=ZoneInfo("UTC"), clock=lambda: NOW)
    return AgentService(lambda: db, digest, clock=lambda: NOW)


def test_every_query_for_a_person_uses_the_reporter_index(db):
    seed(db, "UME", 60)
    seed(db, "UOTHER", 300, start=60)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    agent = service(db)
    agent.home("UME")
    agent.open_escalations("UME")
    db.conn.set_trace_callback(None)
    mine = [s for s in statements if "reporter_id" in s]
    assert len(mine) >= 5
    for query in mine:
        plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + query).fetchall()]
        assert any("escalations_reporter" in step for step in plan), (query, plan)
        assert not any(re.match(r"SCAN escalations\b(?! USING)", step) for step in plan), (query, plan)


def test_only_the_persons_own_escalations_in_the_promised_order(db):
    seed(db, "UME", 30)
    seed(db, "UOTHER", 30, start=30)
    counts = store.counts_by_state(db, "UME")
    assert counts == {EscalationState.AWAITING_TRIAGE: 10, EscalationState.NEEDS_EVIDENCE: 10, EscalationState.ACCEPTED: 10}

    awaiting = store.newest_in_state(db, "UME", EscalationState.AWAITING_TRIAGE, 3)
    assert [r.summary for r in awaiting] == ["UME problem 27", "UME problem 24", "UME problem 21"]
    needs = store.longest_waiting_on_evidence(db, "UME", 3)
    assert [r.summary for r in needs] == ["UME problem 1", "UME problem 4", "UME problem 7"]
    assert all(r.state is EscalationState.NEEDS_EVIDENCE for r in needs)

    accepted, total = store.accepted_since(db, "UME", NOW - RECENTLY_ACCEPTED, 100)
    # accepted_at = NOW - (i % 40) days for i = 2, 5, …, 29: all within 30 days
    assert total == len(accepted) == 10
    assert [r.accepted_at for r in accepted] == sorted((r.accepted_at for r in accepted), reverse=True)
    assert all(r.summary.startswith("UME ") for r in accepted + needs + awaiting)


def test_home_counts_everything_and_lists_the_first(db):
    seed(db, "UME", 300)
    page = service(db).home("UME")
    assert page.own.needs_evidence.total == 100 and len(page.own.needs_evidence.items) == 15
    assert page.own.awaiting.total == 100 and len(page.own.awaiting.items) == 15
    assert page.accepted.total == len([i for i in range(2, 300, 3) if i % 40 < 30])
    assert len(page.accepted.items) == 10

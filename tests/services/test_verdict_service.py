"""Counting reactions against a real SQLite file: what is read and written for each kind of event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from slack_app.domain import EscalationFields, ReactionAction, Severity
from slack_app.listeners.events import read_reaction
from slack_app.services.verdicts import Outcome, ReactionEvent, VerdictReactions, VerdictService
from storage import escalations as store
from storage import outbox
from storage.db import Databases
from storage.migrations import migrate

NOW = datetime(2026, 12, 3, 14, 2, tzinfo=UTC)
FIELDS = EscalationFields(
    summary="Checkout fails", impact="All admins", expected="Paid", actual="Error 502",
    evidence="https://replay.example.com/s/1", scope="All browsers", next_step="Billing logs",
    severity=Severity.BLOCKED,
)
CARD = ("CENG0001", "1733241600.000100")


@pytest.fixture
def databases(tmp_path):
    dbs = Databases(tmp_path / "verdicts.db")
    migrate(dbs())
    db = dbs()
    esc, _ = store.insert_escalation(db, FIELDS, reporter_id="UREP", team_id=None, now=NOW)
    store.mark_posted(db, esc.id, channel_id=CARD[0], message_ts=CARD[1], permalink=None, now=NOW)
    yield dbs
    dbs.close()


@pytest.fixture
def service(databases):
    return VerdictService(databases, VerdictReactions.from_names(["+1", "thumbsup"], ["mag"]), clock=lambda: NOW)


def event(name="+1", *, user="UDANA", channel=CARD[0], ts=CARD[1], event_id="Ev1", removed=False, bots=("UBOT",)):
    return ReactionEvent(
        event_id=event_id, action=ReactionAction.REMOVED if removed else ReactionAction.ADDED, user_id=user,
        reaction=name, channel_id=channel, message_ts=ts, bot_user_ids=frozenset(bots),
    )


def traced(databases):
    """Every statement run on the app's connections from here on (the thread's own and the pooled reader)."""
    statements: list[str] = []
    databases().conn.set_trace_callback(statements.append)
    with databases.reader() as reader:
        reader.conn.set_trace_callback(statements.append)
    return statements


def test_an_unconfigured_reaction_touches_no_database(databases, service):
    statements = traced(databases)
    assert service.record(event("tada")) is Outcome.NOT_A_VERDICT
    assert service.record(event("+1", user="UBOT")) is Outcome.NOT_COUNTED
    assert statements == []


def test_a_reaction_on_no_card_costs_one_indexed_read_and_no_write(databases, service):
    db = databases()
    changes = db.conn.total_changes
    statements = traced(databases)
    assert service.record(event(ts="1733241600.999999")) is Outcome.NOT_A_CARD
    assert service.record(event(channel="COTHER")) is Outcome.NOT_A_CARD
    assert len(statements) == 2 and all(s.startswith("SELECT") for s in statements)
    db.conn.set_trace_callback(None)
    for statement in list(statements):
        plan = " ".join(str(r[-1]) for r in db.execute("EXPLAIN QUERY PLAN " + statement).fetchall())
        assert "INDEX escalations_card" in plan, plan
    assert db.conn.total_changes == changes


def test_the_reporters_own_reaction_is_not_written(databases, service):
    statements = traced(databases)
    assert service.record(event(user="UREP")) is Outcome.NOT_COUNTED
    assert len(statements) == 1 and statements[0].startswith("SELECT")


def test_a_counted_reaction_is_logged_once_with_its_state_change_and_what_it_owes(databases, service):
    assert service.record(event(event_id="Ev1")) is Outcome.STATE_CHANGED
    assert service.record(event(event_id="Ev1")) is Outcome.REDELIVERED
    assert service.record(event(user="USAM", event_id="Ev2")) is Outcome.COUNTED
    db = databases()
    esc = store.get_escalation(db, 1)
    assert (esc.state, esc.state_changed_by, esc.accepted_at) == ("accepted", "UDANA", NOW)
    kinds = [(i.kind, i.dedupe_key) for i in outbox.items(db, escalation_id=1)]
    assert kinds == [("update_card", "update:1:reaction:Ev1"), ("notice", "notice:verdict:reaction:Ev1")]
    assert len(list(db["reaction_events"].rows)) == 2


def test_the_event_is_read_into_a_typed_model_with_the_apps_own_ids():
    body = {
        "event_id": "Ev9",
        "authorizations": [{"user_id": "UBOTAUTH", "is_bot": True}, {"user_id": "UHUMAN", "is_bot": False}],
        "event": {
            "type": "reaction_removed", "user": "UDANA", "reaction": "+1::skin-tone-2", "item_user": "UBOT",
            "item": {"type": "message", "channel": "CENG", "ts": "1.2"}, "event_ts": "3.4",
        },
    }
    parsed = read_reaction(body, "UBOTCTX")
    assert parsed is not None and parsed.action is ReactionAction.REMOVED
    assert parsed.bot_user_ids == {"UBOTAUTH", "UBOTCTX"}
    assert (parsed.channel_id, parsed.message_ts, parsed.reaction) == ("CENG", "1.2", "+1::skin-tone-2")
    file_reaction = {**body, "event": {**body["event"], "item": {"type": "file", "file": "F1"}}}
    assert read_reaction(file_reaction, None) is None
    assert read_reaction({"event_id": "Ev9", "event": {"type": "reaction_added"}}, None) is None

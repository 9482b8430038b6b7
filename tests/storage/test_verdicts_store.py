"""The verdict log and revisions on a real SQLite file."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from slack_app.domain import EscalationFields, EvidenceAdded, ReactionAction, Severity, VerdictKind
from storage import escalations as store
from storage import revisions, verdicts
from storage.db import Databases
from storage.migrations import migrate

NOW = datetime(2026, 12, 3, 14, 2, tzinfo=UTC)
FIELDS = EscalationFields(
    summary="s", impact="i", expected="e", actual="a", evidence="https://x.example.com", scope="sc",
    next_step="n", severity=Severity.DEGRADED,
)


def test_cards_are_found_by_channel_and_ts_only(db):
    esc, _ = store.insert_escalation(db, FIELDS, reporter_id="UREP", team_id=None, now=NOW)
    store.mark_posted(db, esc.id, channel_id="CENG", message_ts="1.000100", permalink=None, now=NOW)
    assert verdicts.card_owner(db, "CENG", "1.000100") == verdicts.CardOwner(id=esc.id, reporter_id="UREP")
    assert verdicts.card_owner(db, "COTHER", "1.000100") is None
    assert verdicts.card_owner(db, "CENG", "1.000200") is None


def test_an_event_id_is_logged_once(db):
    esc, _ = store.insert_escalation(db, FIELDS, reporter_id="UREP", team_id=None, now=NOW)
    args = dict(event_id="Ev1", user_id="UDANA", reaction="+1::skin-tone-2", verdict=VerdictKind.ACCEPTED,
                action=ReactionAction.ADDED, event_ts="1.2", now=NOW)
    assert verdicts.append_reaction(db, esc.id, **args) is True
    assert verdicts.append_reaction(db, esc.id, **args) is False
    [logged] = verdicts.reaction_log(db, esc.id)
    assert (logged.user_id, logged.reaction, logged.verdict, logged.at) == ("UDANA", "+1::skin-tone-2", "accepted", NOW)


def test_revisions_keep_what_changed_who_and_when(db):
    esc, _ = store.insert_escalation(db, FIELDS, reporter_id="UREP", team_id=None, now=NOW)
    change = {"evidence": revisions.FieldChange(old="https://x.example.com", new="https://y.example.com")}
    revision_id = revisions.add_revision(db, esc.id, editor_id="UREP", changes=change, now=NOW)
    [revision] = revisions.revisions(db, esc.id)
    assert revision.id == revision_id and revision.changes == change and revision.edited_at == NOW
    assert revisions.evidence_log(db, esc.id) == [EvidenceAdded(editor_id="UREP", at=NOW)]


def test_readers_are_pooled_across_short_lived_threads(tmp_path):
    databases = Databases(tmp_path / "pool.db")
    migrate(databases())
    seen = []

    def read():
        with databases.reader() as db:
            seen.append(id(db))
            db.execute("SELECT 1").fetchall()

    for _ in range(20):
        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
    assert len(set(seen)) == 1  # one connection, lent in turn, not one per thread
    databases.close()

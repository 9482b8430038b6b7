"""Storage on a real SQLite file: migrations, ids, idempotency, permissions."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime

from slack_app.domain import EscalationFields, EscalationState, Severity
from storage import escalations as store
from storage import verdicts
from storage.db import open_db
from storage.migrations import MIGRATIONS, migrate

NOW = datetime(2026, 12, 3, 14, 2, tzinfo=UTC)
FIELDS = EscalationFields(
    summary="s", impact="i", expected="e", actual="a", evidence="https://x.example.com", scope="sc",
    next_step="n", severity=Severity.DEGRADED,
)


def test_migrations_apply_once(db):
    assert migrate(db) == []
    names = [r["name"] for r in db["_migrations"].rows]
    assert names == [name for name, _ in MIGRATIONS]
    assert all(name.startswith(f"m{i + 1:03d}_") for i, name in enumerate(names))


def test_wal_busy_timeout_and_foreign_keys(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_ids_are_sequential_and_new_escalations_await_triage(db):
    ids = [store.insert_escalation(db, FIELDS, reporter_id="U1", team_id="T1", now=NOW)[0].id for _ in range(3)]
    assert ids == [1, 2, 3]
    esc = store.get_escalation(db, 2)
    assert esc.ref == "ESC-2" and esc.state is EscalationState.AWAITING_TRIAGE
    assert esc.created_at == NOW and not esc.is_posted


def test_same_view_id_gives_back_the_first_escalation(db):
    first, new1 = store.insert_escalation(db, FIELDS, reporter_id="U1", team_id=None, now=NOW, source_view_id="V1")
    again, new2 = store.insert_escalation(db, FIELDS, reporter_id="U1", team_id=None, now=NOW, source_view_id="V1")
    assert (new1, new2) == (True, False) and first.id == again.id
    assert db["escalations"].count == 1


def test_posting_is_recorded_and_found_by_card(db):
    esc, _ = store.insert_escalation(db, FIELDS, reporter_id="U1", team_id=None, now=NOW)
    store.mark_post_failed(db, esc.id, error="not_in_channel", now=NOW)
    assert store.get_escalation(db, esc.id).post_error == "not_in_channel"
    assert not store.get_escalation(db, esc.id).is_posted
    store.mark_posted(db, esc.id, channel_id="C1", message_ts="1.000100", permalink="https://p", now=NOW)
    assert verdicts.card_owner(db, "C1", "1.000100").id == esc.id
    found = store.get_escalation(db, esc.id)
    assert found.is_posted and found.post_error is None and found.permalink == "https://p"
    assert verdicts.card_owner(db, "C2", "1.000100") is None


def test_database_files_are_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "open.db"
        database = open_db(path)
        migrate(database)
        store.insert_escalation(database, FIELDS, reporter_id="U1", team_id=None, now=NOW)
        for suffix in ("", "-wal", "-shm"):
            mode = stat.S_IMODE(os.stat(str(path) + suffix).st_mode)
            assert mode == 0o600, (suffix, oct(mode))
        database.close()
    finally:
        os.umask(old)

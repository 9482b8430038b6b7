"""Ordered schema migrations, applied at start-up. A landed migration is never edited: add a new one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

from storage.db import write_transaction

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_escalations(db: sqlite_utils.Database) -> None:
    # AUTOINCREMENT so an ESC-<n> id is never handed out twice, even after a row is removed.
    db.execute(
        """
        CREATE TABLE escalations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            reporter_id TEXT NOT NULL,
            team_id TEXT,
            summary TEXT NOT NULL,
            impact TEXT NOT NULL,
            expected TEXT NOT NULL,
            actual TEXT NOT NULL,
            evidence TEXT NOT NULL,
            scope TEXT NOT NULL,
            next_step TEXT NOT NULL,
            severity TEXT NOT NULL CHECK (severity IN ('blocked', 'degraded', 'annoying')),
            workaround TEXT,
            ticket_url TEXT,
            state TEXT NOT NULL DEFAULT 'awaiting_triage'
                CHECK (state IN ('awaiting_triage', 'accepted', 'needs_evidence')),
            source_view_id TEXT UNIQUE,
            channel_id TEXT,
            message_ts TEXT,
            permalink TEXT,
            posted_at TEXT,
            post_error TEXT
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX escalations_card ON escalations (channel_id, message_ts)")
    db.execute("CREATE INDEX escalations_state_created ON escalations (state, created_at)")
    db.execute("CREATE INDEX escalations_reporter ON escalations (reporter_id, state)")


@migration
def m002_acceptance(db: sqlite_utils.Database) -> None:
    # The verdict history: every counted reaction, from which the state is derived.
    db.execute(
        """
        CREATE TABLE reaction_events (
            id INTEGER PRIMARY KEY,
            escalation_id INTEGER NOT NULL REFERENCES escalations (id),
            event_id TEXT NOT NULL UNIQUE,
            user_id TEXT NOT NULL,
            reaction TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'needs_evidence')),
            action TEXT NOT NULL CHECK (action IN ('added', 'removed')),
            event_ts TEXT,
            received_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX reaction_events_escalation ON reaction_events (escalation_id, id)")
    # What changed when a reporter amended an escalation, who did it and when.
    db.execute(
        """
        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            escalation_id INTEGER NOT NULL REFERENCES escalations (id),
            editor_id TEXT NOT NULL,
            edited_at TEXT NOT NULL,
            changes TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX revisions_escalation ON revisions (escalation_id, id)")
    # Figures the digest needs, kept on the escalation so the digest never replays the log.
    for column in (
        "state_changed_at TEXT",
        "state_changed_by TEXT",
        "first_verdict_at TEXT",
        "accepted_at TEXT",
        "needs_evidence_rounds INTEGER NOT NULL DEFAULT 0",
    ):
        db.execute(f"ALTER TABLE escalations ADD COLUMN {column}")
    db.execute("CREATE INDEX escalations_accepted ON escalations (accepted_at)")


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply every migration not yet applied, each in its own transaction; return their names."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    applied: list[str] = []
    for name, fn in MIGRATIONS:
        with write_transaction(db):
            # Checked inside the write lock, so two processes starting together apply it once.
            done = db.execute("SELECT 1 FROM _migrations WHERE name = ?", [name]).fetchone()
            if done:
                continue
            fn(db)
            db.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                [name, datetime.now(UTC).isoformat()],
            )
            applied.append(name)
    return applied

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


@migration
def m003_outbox(db: sqlite_utils.Database) -> None:
    # Every Slack write the app owes, recorded in the transaction that caused it, until delivered.
    db.execute(
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            dedupe_key TEXT NOT NULL UNIQUE,
            escalation_id INTEGER REFERENCES escalations (id),
            payload TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            lease_until TEXT,
            last_error TEXT,
            needs_person INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            done_at TEXT,
            result TEXT
        )
        """
    )
    db.execute("CREATE INDEX outbox_due ON outbox (status, next_attempt_at)")
    db.execute("CREATE INDEX outbox_escalation ON outbox (escalation_id, kind)")


@migration
def m004_digests(db: sqlite_utils.Database) -> None:
    # One row per digest run. The partial unique index is the once-a-day guarantee: a run claims
    # (channel, local date) before posting; a failed claim stops counting; --force adds a row.
    db.execute(
        """
        CREATE TABLE digests (
            id INTEGER PRIMARY KEY,
            channel_id TEXT NOT NULL,
            local_date TEXT NOT NULL,
            forced INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'posting' CHECK (status IN ('posting', 'posted', 'failed')),
            as_of TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            posted_at TEXT,
            message_ts TEXT,
            error TEXT
        )
        """
    )
    db.execute(
        "CREATE UNIQUE INDEX digests_one_a_day ON digests (channel_id, local_date)"
        " WHERE forced = 0 AND status <> 'failed'"
    )
    db.execute("CREATE INDEX digests_channel_status ON digests (channel_id, status, as_of)")
    # The digest's lists and figures, each answered from an index at a million escalations;
    # the trailing columns let the 7-day figures be counted from the index alone.
    db.execute(
        "CREATE INDEX escalations_state_severity ON escalations"
        " (state, severity, created_at, first_verdict_at, needs_evidence_rounds)"
    )
    db.execute("CREATE INDEX escalations_state_changed ON escalations (state, state_changed_at)")
    db.execute("CREATE INDEX escalations_state_accepted ON escalations (state, accepted_at, posted_at)")


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

"""Escalations in SQLite: small functions that take the database and return models."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

import sqlite_utils

from slack_app.domain import Escalation, EscalationFields, EscalationState
from storage.db import to_db_time, write_transaction


def _row_to_escalation(row: dict[str, Any]) -> Escalation:
    data = {k: v for k, v in row.items() if k in Escalation.model_fields}
    return Escalation.model_validate(data)


def _select(db: sqlite_utils.Database, where: str, params: list[Any]) -> list[Escalation]:
    cursor = db.execute(f"SELECT * FROM escalations WHERE {where}", params)
    names = [d[0] for d in cursor.description]
    return [_row_to_escalation(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def insert_escalation(
    db: sqlite_utils.Database,
    fields: EscalationFields,
    *,
    reporter_id: str,
    team_id: str | None,
    now: datetime,
    source_view_id: str | None = None,
) -> tuple[Escalation, bool]:
    """Store a new escalation; return it and whether it was new.

    The same modal submitted twice (same view id) yields the first escalation again.
    """
    stamp = to_db_time(now)
    values = fields.model_dump(mode="json")
    with write_transaction(db):
        if source_view_id is not None:
            existing = _select(db, "source_view_id = ?", [source_view_id])
            if existing:
                return existing[0], False
        columns = [*values, "reporter_id", "team_id", "source_view_id", "created_at", "updated_at"]
        params = [*values.values(), reporter_id, team_id, source_view_id, stamp, stamp]
        try:
            cursor = db.execute(
                f"INSERT INTO escalations ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                params,
            )
        except sqlite3.IntegrityError:
            # Another process stored the same view id between our check and insert.
            existing = _select(db, "source_view_id = ?", [source_view_id])
            if existing:
                return existing[0], False
            raise
        escalation_id = cursor.lastrowid
    return get_escalation(db, escalation_id), True


def get_escalation(db: sqlite_utils.Database, escalation_id: int) -> Escalation | None:
    found = _select(db, "id = ?", [escalation_id])
    return found[0] if found else None



def mark_posted(
    db: sqlite_utils.Database,
    escalation_id: int,
    *,
    channel_id: str,
    message_ts: str,
    permalink: str | None,
    now: datetime,
) -> Escalation:
    """Record where the card was posted."""
    with write_transaction(db):
        db.execute(
            "UPDATE escalations SET channel_id = ?, message_ts = ?, permalink = ?, posted_at = ?,"
            " post_error = NULL, updated_at = ? WHERE id = ?",
            [channel_id, message_ts, permalink, to_db_time(now), to_db_time(now), escalation_id],
        )
    return get_escalation(db, escalation_id)


def set_permalink(db: sqlite_utils.Database, escalation_id: int, permalink: str) -> None:
    db.execute("UPDATE escalations SET permalink = ? WHERE id = ?", [permalink, escalation_id])


def mark_post_failed(db: sqlite_utils.Database, escalation_id: int, *, error: str, now: datetime) -> None:
    """Record why the card could not be posted; the escalation stays stored, not yet posted."""
    with write_transaction(db):
        db.execute(
            "UPDATE escalations SET post_error = ?, updated_at = ? WHERE id = ? AND message_ts IS NULL",
            [error, to_db_time(now), escalation_id],
        )



def set_state(
    db: sqlite_utils.Database,
    escalation_id: int,
    *,
    state: EscalationState,
    changed_by: str | None,
    changed_at: datetime | None,
    first_verdict_at: datetime | None,
    accepted_at: datetime | None,
    needs_evidence_rounds: int,
    now: datetime,
) -> None:
    """Store the state derived from the verdict log, with the figures the digest reads."""
    db.execute(
        "UPDATE escalations SET state = ?, state_changed_by = ?, state_changed_at = ?, first_verdict_at = ?,"
        " accepted_at = ?, needs_evidence_rounds = ?, updated_at = ? WHERE id = ?",
        [
            state.value,
            changed_by,
            _time_or_none(changed_at),
            _time_or_none(first_verdict_at),
            _time_or_none(accepted_at),
            needs_evidence_rounds,
            to_db_time(now),
            escalation_id,
        ],
    )


def update_fields(
    db: sqlite_utils.Database, escalation_id: int, fields: EscalationFields, *, now: datetime
) -> None:
    """Replace the packet's facts with an amended, validated version."""
    values = fields.model_dump(mode="json")
    assignments = ", ".join(f"{column} = ?" for column in values)
    db.execute(
        f"UPDATE escalations SET {assignments}, updated_at = ? WHERE id = ?",
        [*values.values(), to_db_time(now), escalation_id],
    )


def _time_or_none(moment: datetime | None) -> str | None:
    return to_db_time(moment) if moment is not None else None

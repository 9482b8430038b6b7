"""Revisions in SQLite: what a reporter changed when they amended an escalation."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlite_utils
from pydantic import BaseModel, ConfigDict

from slack_app.domain import EvidenceAdded
from storage.db import to_db_time


class FieldChange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    old: Any
    new: Any


class Revision(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    escalation_id: int
    editor_id: str
    edited_at: datetime
    changes: dict[str, FieldChange]


def add_revision(
    db: sqlite_utils.Database,
    escalation_id: int,
    *,
    editor_id: str,
    changes: dict[str, FieldChange],
    now: datetime,
) -> int:
    """Record one amendment (changed fields, old -> new); returns its id."""
    cursor = db.execute(
        "INSERT INTO revisions (escalation_id, editor_id, edited_at, changes) VALUES (?, ?, ?, ?)",
        [
            escalation_id,
            editor_id,
            to_db_time(now),
            json.dumps({name: change.model_dump() for name, change in changes.items()}),
        ],
    )
    return int(cursor.lastrowid)


def revisions(db: sqlite_utils.Database, escalation_id: int) -> list[Revision]:
    """Every amendment of one escalation, oldest first."""
    rows = db.execute(
        "SELECT id, escalation_id, editor_id, edited_at, changes FROM revisions"
        " WHERE escalation_id = ? ORDER BY id",
        [escalation_id],
    ).fetchall()
    return [
        Revision(id=i, escalation_id=e, editor_id=ed, edited_at=at, changes=json.loads(changes))
        for i, e, ed, at, changes in rows
    ]


def evidence_log(db: sqlite_utils.Database, escalation_id: int) -> list[EvidenceAdded]:
    """When the reporter resubmitted, for deriving the state; oldest first."""
    rows = db.execute(
        "SELECT editor_id, edited_at FROM revisions WHERE escalation_id = ? ORDER BY id", [escalation_id]
    ).fetchall()
    return [EvidenceAdded(editor_id=e, at=at) for e, at in rows]

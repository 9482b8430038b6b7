"""One person's own escalations, for their App Home tab and `/escalate mine`.

Every query seeks the escalations_reporter index (reporter_id, state), named with INDEXED BY:
left to itself SQLite may prefer a team-wide index (e.g. all acceptances of the last 30 days)
and read everyone's rows to find one person's. Only that person's rows are read, and the lists
are LIMITed. tests/storage/test_reporters_store.py checks the query plans.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

from slack_app.agent_model import OwnEscalation
from slack_app.domain import EscalationState
from storage.db import to_db_time

_MINE = "escalations INDEXED BY escalations_reporter"
_COLUMNS = (
    "id, summary, severity, state, permalink, message_ts IS NOT NULL AS card_posted, created_at,"
    " state_changed_at, state_changed_by, accepted_at"
)


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any]) -> list[OwnEscalation]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [OwnEscalation.model_validate(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def counts_by_state(db: sqlite_utils.Database, reporter_id: str) -> dict[EscalationState, int]:
    """How many escalations this person filed, per state (counted from the index alone)."""
    cursor = db.execute(
        f"SELECT state, COUNT(*) FROM {_MINE} WHERE reporter_id = ? GROUP BY state", [reporter_id]
    )
    counts = dict.fromkeys(EscalationState, 0)
    for state, count in cursor.fetchall():
        counts[EscalationState(state)] = count
    return counts


def newest_in_state(
    db: sqlite_utils.Database, reporter_id: str, state: EscalationState, limit: int
) -> list[OwnEscalation]:
    """This person's escalations in one state, newest first (ids grow with time, and the index
    ends in the rowid, so no sort is needed)."""
    return _rows(
        db,
        f"SELECT {_COLUMNS} FROM {_MINE} WHERE reporter_id = ? AND state = ? ORDER BY id DESC LIMIT ?",
        [reporter_id, state.value, limit],
    )


def longest_waiting_on_evidence(
    db: sqlite_utils.Database, reporter_id: str, limit: int
) -> list[OwnEscalation]:
    """This person's escalations that need evidence, the longest waiting first."""
    return _rows(
        db,
        f"SELECT {_COLUMNS} FROM {_MINE} WHERE reporter_id = ? AND state = ?"
        " ORDER BY state_changed_at, id LIMIT ?",
        [reporter_id, EscalationState.NEEDS_EVIDENCE.value, limit],
    )


def accepted_since(
    db: sqlite_utils.Database, reporter_id: str, since: datetime, limit: int
) -> tuple[list[OwnEscalation], int]:
    """This person's escalations accepted after `since`, latest acceptance first; and how many."""
    where = "WHERE reporter_id = ? AND state = ? AND accepted_at > ?"
    params: list[Any] = [reporter_id, EscalationState.ACCEPTED.value, to_db_time(since)]
    rows = _rows(db, f"SELECT {_COLUMNS} FROM {_MINE} {where} ORDER BY accepted_at DESC, id DESC LIMIT ?",
                 [*params, limit])
    (total,) = db.execute(f"SELECT COUNT(*) FROM {_MINE} {where}", params).fetchone()
    return rows, total

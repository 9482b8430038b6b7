"""The outbox: Slack writes the app owes, stored before they are attempted, claimed with a lease."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlite_utils
from pydantic import BaseModel

from storage.db import to_db_time, write_transaction


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    FAILED = "failed"


class OutboxItem(BaseModel):
    id: int
    kind: str
    dedupe_key: str
    escalation_id: int | None
    payload: dict[str, Any]
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    needs_person: bool
    created_at: datetime
    result: dict[str, Any] | None = None
    # Claimed from a sender whose lease ran out: it may have sent before it died.
    taken_over: bool = False


COLUMNS = (
    "id, kind, dedupe_key, escalation_id, payload, status, attempts, next_attempt_at, last_error,"
    " needs_person, created_at, result"
)


def _item(row: tuple) -> OutboxItem:
    names = [c.strip() for c in COLUMNS.split(",")]
    data = dict(zip(names, row, strict=True))
    data["payload"] = json.loads(data["payload"])
    data["result"] = json.loads(data["result"]) if data["result"] else None
    return OutboxItem.model_validate(data)


def enqueue(
    db: sqlite_utils.Database,
    kind: str,
    key: str,
    *,
    now: datetime,
    escalation_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Record a Slack write to make; the same key twice is one write. Call inside the causing transaction."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO outbox (kind, dedupe_key, escalation_id, payload, next_attempt_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [kind, key, escalation_id, json.dumps(payload or {}), to_db_time(now), to_db_time(now)],
    )
    return cursor.rowcount == 1


def exists(db: sqlite_utils.Database, key: str) -> bool:
    return db.execute("SELECT 1 FROM outbox WHERE dedupe_key = ?", [key]).fetchone() is not None


def claim_due(db: sqlite_utils.Database, *, now: datetime, lease: timedelta, limit: int = 20) -> list[OutboxItem]:
    """Take up to `limit` items that are due (or whose sender died holding them), oldest first."""
    stamp = to_db_time(now)
    with write_transaction(db):
        rows = db.execute(
            f"SELECT {COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
            " UNION ALL "
            f"SELECT {COLUMNS} FROM outbox WHERE status = 'sending' AND lease_until <= ?"
            " ORDER BY id LIMIT ?",
            [stamp, stamp, limit],
        ).fetchall()
        items = [_item(r) for r in rows]
        for item in items:
            db.execute(
                "UPDATE outbox SET status = 'sending', lease_until = ?, attempts = attempts + 1 WHERE id = ?",
                [to_db_time(now + lease), item.id],
            )
    return [
        i.model_copy(
            update={
                "attempts": i.attempts + 1,
                "status": OutboxStatus.SENDING,
                "taken_over": i.status is OutboxStatus.SENDING,
            }
        )
        for i in items
    ]


def complete(db: sqlite_utils.Database, item_id: int, *, now: datetime, result: dict[str, Any] | None = None) -> None:
    db.execute(
        "UPDATE outbox SET status = 'done', done_at = ?, lease_until = NULL, last_error = NULL,"
        " needs_person = 0, result = ? WHERE id = ?",
        [to_db_time(now), json.dumps(result) if result is not None else None, item_id],
    )


def retry_later(
    db: sqlite_utils.Database, item_id: int, *, error: str, at: datetime, needs_person: bool, count_attempt: bool = True
) -> None:
    db.execute(
        "UPDATE outbox SET status = 'pending', next_attempt_at = ?, lease_until = NULL, last_error = ?,"
        " needs_person = ?, attempts = attempts - ? WHERE id = ?",
        [to_db_time(at), error, int(needs_person), 0 if count_attempt else 1, item_id],
    )


def release(db: sqlite_utils.Database, item_id: int) -> None:
    """Hand back an item claimed but not attempted (the process is stopping): due as it was, attempt uncounted."""
    db.execute(
        "UPDATE outbox SET status = 'pending', lease_until = NULL, attempts = attempts - 1"
        " WHERE id = ? AND status = 'sending'",
        [item_id],
    )


def fail(db: sqlite_utils.Database, item_id: int, *, error: str, now: datetime) -> None:
    """Give up: Slack said this write can never succeed as it is."""
    db.execute(
        "UPDATE outbox SET status = 'failed', done_at = ?, lease_until = NULL, last_error = ? WHERE id = ?",
        [to_db_time(now), error, item_id],
    )


def wake_waiting_for_person(db: sqlite_utils.Database, *, now: datetime) -> int:
    """Make every item that was waiting on a person's fix due now (e.g. the app was invited)."""
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND needs_person = 1",
            [to_db_time(now)],
        )
    return cursor.rowcount


def pending_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()[0]



def items(db: sqlite_utils.Database, *, escalation_id: int | None = None) -> list[OutboxItem]:
    """Every item (for one escalation), in order: for tests, the admin and the health check."""
    if escalation_id is None:
        rows = db.execute(f"SELECT {COLUMNS} FROM outbox ORDER BY id").fetchall()
    else:
        rows = db.execute(f"SELECT {COLUMNS} FROM outbox WHERE escalation_id = ? ORDER BY id", [escalation_id]).fetchall()
    return [_item(r) for r in rows]

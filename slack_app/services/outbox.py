"""What the app owes Slack, in domain terms: services record these inside their own transactions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlite_utils

from slack_app.domain import Notice
from storage import outbox


class OutboxKind(StrEnum):
    POST_CARD = "post_card"
    UPDATE_CARD = "update_card"
    NOTICE = "notice"
    THREAD_REPLY = "thread_reply"


def owe_card(db: sqlite_utils.Database, escalation_id: int, *, now: datetime) -> None:
    """The card for a new escalation: one per escalation, ever."""
    outbox.enqueue(db, OutboxKind.POST_CARD, f"card:{escalation_id}", escalation_id=escalation_id, now=now)


def owe_card_update(db: sqlite_utils.Database, escalation_id: int, *, cause: str, now: datetime) -> None:
    """Redraw the card from the escalation's current state; `cause` makes one update per change."""
    outbox.enqueue(
        db, OutboxKind.UPDATE_CARD, f"update:{escalation_id}:{cause}", escalation_id=escalation_id, now=now
    )


def owe_notice(
    db: sqlite_utils.Database,
    escalation_id: int,
    notice: Notice,
    *,
    key: str,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> bool:
    """A DM to the escalation's reporter; the key makes it at most one message."""
    return outbox.enqueue(
        db,
        OutboxKind.NOTICE,
        f"notice:{notice}:{key}",
        escalation_id=escalation_id,
        payload={"notice": notice.value, **(details or {})},
        now=now,
    )


def notice_owed(db: sqlite_utils.Database, notice: Notice, key: str) -> bool:
    return outbox.exists(db, f"notice:{notice}:{key}")


def retry_what_waits_for_a_person(db: sqlite_utils.Database, *, now: datetime) -> int:
    """The app was just added to a channel: whatever waited on a person's fix is due now."""
    return outbox.wake_waiting_for_person(db, now=now)


def owe_thread_reply(
    db: sqlite_utils.Database, escalation_id: int, *, key: str, details: dict[str, Any], now: datetime
) -> None:
    """A short reply in the card's thread (sent once the card exists), drawn from `details` when sent."""
    outbox.enqueue(
        db,
        OutboxKind.THREAD_REPLY,
        f"reply:{escalation_id}:{key}",
        escalation_id=escalation_id,
        payload=details,
        now=now,
    )

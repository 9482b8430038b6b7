"""The verdict log in SQLite: counted reactions on cards, and finding a card by its message."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils
from pydantic import BaseModel, ConfigDict

from slack_app.domain import LoggedReaction, ReactionAction, VerdictKind
from storage.db import to_db_time


class CardOwner(BaseModel):
    """The least the reaction path needs to know about the escalation behind a card."""

    model_config = ConfigDict(frozen=True)

    id: int
    reporter_id: str


def card_owner(db: sqlite_utils.Database, channel_id: str, message_ts: str) -> CardOwner | None:
    """The escalation whose card is the message at (channel, ts): one read on escalations_card."""
    row = db.execute(
        "SELECT id, reporter_id FROM escalations WHERE channel_id = ? AND message_ts = ?",
        [channel_id, message_ts],
    ).fetchone()
    return CardOwner(id=row[0], reporter_id=row[1]) if row else None


def append_reaction(
    db: sqlite_utils.Database,
    escalation_id: int,
    *,
    event_id: str,
    user_id: str,
    reaction: str,
    verdict: VerdictKind,
    action: ReactionAction,
    event_ts: str | None,
    now: datetime,
) -> bool:
    """Append one counted reaction; False when this Slack event_id is already in the log."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO reaction_events"
        " (escalation_id, event_id, user_id, reaction, verdict, action, event_ts, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [escalation_id, event_id, user_id, reaction, verdict.value, action.value, event_ts, to_db_time(now)],
    )
    return cursor.rowcount == 1


def reaction_log(db: sqlite_utils.Database, escalation_id: int) -> list[LoggedReaction]:
    """Every counted reaction on one escalation's card, in the order they were counted."""
    rows = db.execute(
        "SELECT user_id, reaction, verdict, action, received_at FROM reaction_events"
        " WHERE escalation_id = ? ORDER BY id",
        [escalation_id],
    ).fetchall()
    return [
        LoggedReaction(user_id=u, reaction=r, verdict=VerdictKind(v), action=ReactionAction(a), at=at)
        for u, r, v, a, at in rows
    ]

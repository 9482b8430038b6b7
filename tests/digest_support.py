"""Helpers for the digest tests: escalations with a known history, and the message as read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

from storage.db import to_db_time


def add_escalation(
    db: sqlite_utils.Database,
    *,
    created_at: datetime,
    severity: str = "degraded",
    state: str = "awaiting_triage",
    summary: str = "Upgrade flow fails after payment step",
    reporter_id: str = "USUP0001",
    permalink: str | None = "auto",
    posted_at: datetime | None = None,
    accepted_at: datetime | None = None,
    state_changed_at: datetime | None = None,
    state_changed_by: str | None = None,
    first_verdict_at: datetime | None = None,
    needs_evidence_rounds: int = 0,
    card_posted: bool = True,
) -> int:
    """Insert one escalation with its history set directly, as the acceptance loop would leave it."""
    stamp = to_db_time(created_at)
    cursor = db.execute(
        "INSERT INTO escalations (created_at, updated_at, reporter_id, summary, impact, expected, actual,"
        " evidence, scope, next_step, severity, state, posted_at, accepted_at, state_changed_at,"
        " state_changed_by, first_verdict_at, needs_evidence_rounds)"
        " VALUES (?, ?, ?, ?, 'impact', 'expected', 'actual', 'https://replay.example.com/1', 'scope',"
        " 'next step', ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            stamp, stamp, reporter_id, summary, severity, state,
            to_db_time(posted_at or created_at) if card_posted else None,
            to_db_time(accepted_at) if accepted_at else None,
            to_db_time(state_changed_at) if state_changed_at else None,
            state_changed_by,
            to_db_time(first_verdict_at) if first_verdict_at else None,
            needs_evidence_rounds,
        ],
    )
    escalation_id = cursor.lastrowid
    if not card_posted:
        db.conn.commit()
        return escalation_id
    if permalink == "auto":
        permalink = f"https://example.slack.com/archives/CENG0001/p17332416000{escalation_id:05d}"
    db.execute(
        "UPDATE escalations SET channel_id = 'CENG0001', message_ts = ?, permalink = ? WHERE id = ?",
        [f"1733241600.{escalation_id:06d}", permalink, escalation_id],
    )
    db.conn.commit()
    return escalation_id


def readable(message: dict[str, Any]) -> str:
    """Every piece of text a person sees in the message, block after block."""
    parts = []
    for block in message["blocks"]:
        if "text" in block:
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            parts.append(element.get("text", ""))
        for field in block.get("fields", []):
            parts.append(field["text"])
    return "\n".join(parts)


def section_lines(message: dict[str, Any], title: str) -> list[str]:
    """The lines under a section's title (the block whose first line contains `title`)."""
    for block in message["blocks"]:
        text = block.get("text", {}).get("text", "")
        first, _, rest = text.partition("\n")
        if title in first:
            return rest.splitlines()
    raise AssertionError(f"no section titled {title!r} in {readable(message)}")

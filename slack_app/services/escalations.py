"""Escalation rules: what is accepted, and what is stored (and owed to Slack) when."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_app.clock import utcnow
from slack_app.domain import Escalation, EscalationDraft
from slack_app.services.outbox import owe_card
from slack_app.services.validation import validate_draft
from storage import escalations as store
from storage.db import Databases, write_transaction


@dataclass(frozen=True)
class Submitted:
    escalation: Escalation
    is_new: bool


class EscalationService:
    """Validates and stores escalations; knows nothing of Slack."""

    def __init__(self, databases: Databases, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = databases
        self._clock = clock

    def submit(
        self, draft: EscalationDraft, *, reporter_id: str, team_id: str | None, view_id: str | None
    ) -> Submitted:
        """Validate a draft (raising InvalidEscalation), then store it and owe its card, in one transaction."""
        fields = validate_draft(draft)
        db, now = self._db(), self._clock()
        with write_transaction(db):
            escalation, is_new = store.insert_escalation(
                db, fields, reporter_id=reporter_id, team_id=team_id, now=now, source_view_id=view_id
            )
            if is_new:
                owe_card(db, escalation.id, now=now)
        return Submitted(escalation, is_new)

    def get(self, escalation_id: int) -> Escalation | None:
        return store.get_escalation(self._db(), escalation_id)

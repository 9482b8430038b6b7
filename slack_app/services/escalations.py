"""Escalation rules: what is accepted, and what is stored when."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_app.clock import utcnow
from slack_app.domain import Escalation, EscalationDraft
from slack_app.services.validation import validate_draft
from storage import escalations as store
from storage.db import Databases


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
        """Validate a draft (raising InvalidEscalation) and store it before anything else happens."""
        fields = validate_draft(draft)
        escalation, is_new = store.insert_escalation(
            self._db(),
            fields,
            reporter_id=reporter_id,
            team_id=team_id,
            now=self._clock(),
            source_view_id=view_id,
        )
        return Submitted(escalation, is_new)

    def get(self, escalation_id: int) -> Escalation | None:
        return store.get_escalation(self._db(), escalation_id)

    def record_posted(
        self, escalation_id: int, *, channel_id: str, message_ts: str, permalink: str | None
    ) -> Escalation:
        return store.mark_posted(
            self._db(),
            escalation_id,
            channel_id=channel_id,
            message_ts=message_ts,
            permalink=permalink,
            now=self._clock(),
        )

    def record_post_failed(self, escalation_id: int, error: str) -> None:
        store.mark_post_failed(self._db(), escalation_id, error=error, now=self._clock())

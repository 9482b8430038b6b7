"""Escalation rules: what is accepted, and what is stored (and owed to Slack) when."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_app.clock import utcnow
from slack_app.domain import AmendmentReply, Escalation, EscalationDraft, EscalationFields, EscalationState
from slack_app.ids import Field
from slack_app.services.outbox import owe_card, owe_card_update, owe_thread_reply
from slack_app.services.validation import InvalidEscalation, validate_draft
from slack_app.services.verdicts import derive_state, store_derived, timeline
from storage import escalations as store
from storage import revisions as revision_store
from storage.db import Databases, write_transaction
from storage.revisions import FieldChange

NOT_THE_REPORTER_MESSAGE = "Only the person who reported {ref} can change it."
GONE_MESSAGE = "This escalation no longer exists."
NOTHING_CHANGED_MESSAGE = (
    "Nothing has changed yet: add what engineering asked for (e.g. a link to the moment it fails), then save"
)


class NotTheReporter(InvalidEscalation):
    """Someone other than the reporter tried to amend an escalation (or it does not exist)."""

    def __init__(self, escalation: Escalation | None) -> None:
        self.escalation = escalation
        message = NOT_THE_REPORTER_MESSAGE.format(ref=escalation.ref) if escalation else GONE_MESSAGE
        super().__init__({Field.SUMMARY: message})


@dataclass(frozen=True)
class Submitted:
    escalation: Escalation
    is_new: bool


@dataclass(frozen=True)
class Amended:
    escalation: Escalation
    back_to_triage: bool


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

    def amendable(self, escalation_id: int, user_id: str) -> Escalation:
        """The escalation, if this person may amend it: only its reporter may. Raises NotTheReporter."""
        escalation = store.get_escalation(self._db(), escalation_id)
        if escalation is None or escalation.reporter_id != user_id:
            raise NotTheReporter(escalation)
        return escalation

    def amend(self, escalation_id: int, draft: EscalationDraft, *, editor_id: str) -> Amended:
        """The reporter's resubmission: validated like a new escalation, then, in one transaction,
        the facts replaced, a revision recorded, the state re-derived (evidence added while it
        needs evidence sends it back to awaiting triage), the card update and a reply in the
        card's thread owed. Raises InvalidEscalation (NotTheReporter for anyone else)."""
        self.amendable(escalation_id, editor_id)
        fields = validate_draft(draft)
        db = self._db()
        with write_transaction(db):
            now = self._clock()
            escalation = store.get_escalation(db, escalation_id)
            assert escalation is not None  # escalations are never removed
            changes = _changes(escalation, fields)
            if not changes:
                raise InvalidEscalation({Field.EVIDENCE: NOTHING_CHANGED_MESSAGE})
            before = derive_state(timeline(db, escalation_id))
            store.update_fields(db, escalation_id, fields, now=now)
            revision_id = revision_store.add_revision(
                db, escalation_id, editor_id=editor_id, changes=changes, now=now
            )
            cause = f"revision:{revision_id}"
            derived = derive_state(timeline(db, escalation_id))
            store_derived(db, escalation, derived, cause=cause, now=now, tell_reporter=False)
            owe_card_update(db, escalation_id, cause=cause, now=now)  # the new facts, whatever the state
            back_to_triage = (
                escalation.state is EscalationState.NEEDS_EVIDENCE
                and derived.state is EscalationState.AWAITING_TRIAGE
            )
            amended = store.get_escalation(db, escalation_id)
            assert amended is not None
            owe_thread_reply(
                db,
                escalation_id,
                key=cause,
                details=AmendmentReply(
                    editor_id=editor_id,
                    mention=before.judges(),
                    changed=[Field(name) for name in changes],
                    back_to_triage=back_to_triage,
                ).model_dump(mode="json"),
                now=now,
            )
        return Amended(amended, back_to_triage)


def _changes(escalation: EscalationFields, fields: EscalationFields) -> dict[str, FieldChange]:
    """The facts that differ, old -> new, in the modal's field order."""
    old = EscalationFields.model_validate(escalation.model_dump(include=set(EscalationFields.model_fields)))
    before, after = old.model_dump(mode="json"), fields.model_dump(mode="json")
    return {
        f.value: FieldChange(old=before[f.value], new=after[f.value])
        for f in Field
        if before.get(f.value) != after.get(f.value)
    }

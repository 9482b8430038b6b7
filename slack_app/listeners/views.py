"""Modal submission listeners: validate and store before the ack, post after it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from slack_app.blocks.modal import ModalMetadata, read_submission
from slack_app.ids import CallbackId
from slack_app.logging_setup import about
from slack_app.services.escalations import EscalationService
from slack_app.services.validation import InvalidEscalation

logger = logging.getLogger(__name__)


def register(app: App, escalations: EscalationService, owed: Callable[[], None]) -> None:
    def submit_escalation(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        """A new escalation, or the reporter's amended one (metadata names it): refused with field
        errors, or stored, closed and posted."""
        draft = read_submission((view.get("state") or {}).get("values"))
        metadata = ModalMetadata.parse(view.get("private_metadata"))
        user = body.get("user") or {}
        user_id = str(user.get("id") or "")
        try:
            if metadata.escalation_id is not None:
                amended = escalations.amend(metadata.escalation_id, draft, editor_id=user_id)
            else:
                submitted = escalations.submit(
                    draft,
                    reporter_id=user_id,
                    team_id=(body.get("team") or {}).get("id") or user.get("team_id"),
                    view_id=view.get("id"),
                )
        except InvalidEscalation as invalid:
            ack(
                response_action="errors",
                errors={field.value: message for field, message in invalid.errors.items()},
            )
            return
        ack()
        if metadata.escalation_id is not None:
            logger.info("%s amended by its reporter", amended.escalation.ref, extra=about(amended.escalation.id))
            owed()
        elif submitted.is_new:
            logger.info("%s stored", submitted.escalation.ref, extra=about(submitted.escalation.id))
            owed()

    app.view_submission(CallbackId.ESCALATION_MODAL.value)(submit_escalation)

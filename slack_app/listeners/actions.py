"""Button listeners: ack at once, then open the modal while the trigger id is fresh."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from slack_app.blocks.messages import EvidenceButton, amend_modal_not_opened, not_the_reporter
from slack_app.blocks.modal import ModalMetadata, escalation_modal
from slack_app.delivery.errors import SLACK_FAILURES, slack_error_code
from slack_app.domain import draft_of
from slack_app.ids import ActionId
from slack_app.logging_setup import about
from slack_app.services.escalations import EscalationService, NotTheReporter

logger = logging.getLogger(__name__)


def register(app: App, escalations: EscalationService) -> None:
    def add_evidence(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        """The reporter's Add evidence button: the escalation's modal, prefilled, for them only."""
        ack()
        button = EvidenceButton.parse(action.get("value"))
        user_id = str((body.get("user") or {}).get("id") or "")
        try:
            if button is None:
                raise NotTheReporter(None)
            escalation = escalations.amendable(button.escalation_id, user_id)
        except NotTheReporter as refused:
            text = not_the_reporter(refused.escalation)
            respond(response_type="ephemeral", replace_original=False, text=text)
            return
        view = escalation_modal(
            ModalMetadata(escalation_id=escalation.id), draft_of(escalation), editing=escalation.ref
        )
        try:
            client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)
        except SLACK_FAILURES as exc:
            code = slack_error_code(exc)
            logger.warning("amend modal for %s not opened: %s", escalation.ref, code, extra=about(escalation.id))
            respond(response_type="ephemeral", replace_original=False, text=amend_modal_not_opened(code))

    app.action(ActionId.ADD_EVIDENCE.value)(add_evidence)

"""The escalation modal: building it, and reading a submission back into a draft."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from slack_app.blocks.mrkdwn import truncate
from slack_app.domain import FIELD_SPECS, EscalationDraft, EscalationId, Severity
from slack_app.ids import CallbackId, Field

TITLE = "Escalate to engineering"
SEVERITY_LABEL = "Severity"
SEVERITY_HINT = "Choose by impact, not urgency of tone."


class ModalMetadata(BaseModel):
    """What the modal carries in private_metadata between opening and submission."""

    model_config = ConfigDict(extra="forbid")

    channel_id: str | None = None
    escalation_id: EscalationId | None = None

    @classmethod
    def parse(cls, raw: str | None) -> ModalMetadata:
        """Read private_metadata; anything unreadable counts as empty rather than an error."""
        if not raw:
            return cls()
        try:
            return cls.model_validate_json(raw)
        except ValidationError:
            return cls()


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def severity_option(severity: Severity) -> dict[str, Any]:
    return {
        "text": _plain(severity.label),
        "description": _plain(severity.definition),
        "value": severity.value,
    }


def _text_input(field: Field, initial: str | None) -> dict[str, Any]:
    spec = FIELD_SPECS[field]
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": field.value,
        "multiline": spec.multiline,
        "max_length": spec.max_length,
        "placeholder": _plain(spec.placeholder),
    }
    if initial:
        element["initial_value"] = truncate(initial, spec.max_length)
    return {
        "type": "input",
        "block_id": field.value,
        "optional": not spec.required,
        "label": _plain(spec.label),
        "hint": _plain(spec.hint),
        "element": element,
    }


def _severity_input(initial: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": Field.SEVERITY.value,
        "placeholder": _plain("Blocked, Degraded or Annoying"),
        "options": [severity_option(s) for s in Severity],
    }
    if initial in {s.value for s in Severity}:
        element["initial_option"] = severity_option(Severity(initial))
    return {
        "type": "input",
        "block_id": Field.SEVERITY.value,
        "label": _plain(SEVERITY_LABEL),
        "hint": _plain(SEVERITY_HINT),
        "element": element,
    }


def escalation_modal(
    metadata: ModalMetadata, prefill: EscalationDraft | None = None, *, editing: str | None = None
) -> dict[str, Any]:
    """The six-fact modal, optionally prefilled; `editing` names the escalation being amended."""
    values = (prefill or EscalationDraft()).model_dump()
    intro = (
        f"Amending *{editing}*: add what engineering asked for, then resubmit."
        if editing
        else "Six facts engineering needs to act on the first read. "
        "'Unknown' is fine when you say how you checked."
    )
    blocks: list[dict[str, Any]] = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": intro}]},
    ]
    order = [
        Field.SUMMARY,
        Field.SEVERITY,
        Field.IMPACT,
        Field.EXPECTED,
        Field.ACTUAL,
        Field.EVIDENCE,
        Field.SCOPE,
        Field.NEXT_STEP,
        Field.WORKAROUND,
        Field.TICKET_URL,
    ]
    for field in order:
        if field is Field.SEVERITY:
            blocks.append(_severity_input(values.get("severity")))
        else:
            blocks.append(_text_input(field, values.get(field.value)))
    return {
        "type": "modal",
        "callback_id": CallbackId.ESCALATION_MODAL.value,
        "title": _plain(TITLE),
        "submit": _plain("Save changes" if editing else "Escalate"),
        "close": _plain("Cancel"),
        "private_metadata": metadata.model_dump_json(exclude_none=True),
        "blocks": blocks,
    }


def read_submission(state_values: Any) -> EscalationDraft:
    """Turn view.state.values into a draft; unexpected shapes become missing values, never errors."""
    values: dict[str, str | None] = {}
    if not isinstance(state_values, dict):
        return EscalationDraft()
    for field in Field:
        block = state_values.get(field.value)
        action = block.get(field.value) if isinstance(block, dict) else None
        if not isinstance(action, dict):
            continue
        if field is Field.SEVERITY:
            selected = action.get("selected_option")
            value = selected.get("value") if isinstance(selected, dict) else None
        else:
            value = action.get("value")
        values[field.value] = value if isinstance(value, str) else None
    return EscalationDraft(**values)

"""Every callback_id, block_id and action_id the app uses, grouped per flow.

Builders and listeners both import these; no id string is written twice.
"""

from enum import StrEnum


class Command(StrEnum):
    ESCALATE = "/escalate"


class CallbackId(StrEnum):
    ESCALATION_MODAL = "escalation_modal"


class Field(StrEnum):
    """Inputs of the escalation modal: each is both the input's block_id and its action_id."""

    SUMMARY = "summary"
    IMPACT = "impact"
    EXPECTED = "expected"
    ACTUAL = "actual"
    EVIDENCE = "evidence"
    SCOPE = "scope"
    NEXT_STEP = "next_step"
    SEVERITY = "severity"
    WORKAROUND = "workaround"
    TICKET_URL = "ticket_url"


class CardBlock(StrEnum):
    HEADER = "card_header"
    STATE = "card_state"


class ActionId(StrEnum):
    """Buttons in the app's messages."""

    ADD_EVIDENCE = "add_evidence"


class NoticeBlock(StrEnum):
    """Blocks of the direct messages to a reporter that a listener or test needs to find."""

    VERDICT = "verdict"
    VERDICT_ACTIONS = "verdict_actions"

"""Every callback_id, block_id and action_id the app uses, grouped per flow.

Builders and listeners both import these; no id string is written twice.
"""

from enum import StrEnum


class Command(StrEnum):
    ESCALATE = "/escalate"


class Subcommand(StrEnum):
    """Words after /escalate that ask for something other than the form (see services/subcommands.py)."""

    HELP = "help"
    MINE = "mine"
    STATUS = "status"


class CallbackId(StrEnum):
    ESCALATION_MODAL = "escalation_modal"
    # The message shortcut "Escalate this message" (manifest.yml features.shortcuts).
    ESCALATE_MESSAGE = "escalate_message"


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
    NEW_ESCALATION = "new_escalation"  # App Home: opens the escalation form


class NoticeBlock(StrEnum):
    """Blocks of the direct messages to a reporter that a listener or test needs to find."""

    VERDICT = "verdict"
    VERDICT_ACTIONS = "verdict_actions"


class ModalBlock(StrEnum):
    """Blocks of the escalation modal besides its inputs."""

    SOURCE = "message_source"  # "From a message by …" when opened from the message shortcut


class HomeBlock(StrEnum):
    """Blocks of the App Home tab."""

    ACTIONS = "home_actions"
    NEEDS_EVIDENCE = "home_needs_evidence"
    AWAITING = "home_awaiting"
    ACCEPTED = "home_accepted"
    NOTHING = "home_nothing"
    FIGURES = "home_figures"

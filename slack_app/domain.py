"""The escalation as the domain speaks of it: severities, states, fields and their limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField

from slack_app.ids import Field


class Severity(StrEnum):
    BLOCKED = "blocked"
    DEGRADED = "degraded"
    ANNOYING = "annoying"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def definition(self) -> str:
        return SEVERITY_DEFINITIONS[self]

    @property
    def emoji(self) -> str:
        return SEVERITY_EMOJI[self]


SEVERITY_DEFINITIONS = {
    Severity.BLOCKED: "Cannot complete a core job",
    Severity.DEGRADED: "Possible but error-prone, slow or confusing",
    Severity.ANNOYING: "Cosmetic or rare",
}
SEVERITY_EMOJI = {
    Severity.BLOCKED: ":red_circle:",
    Severity.DEGRADED: ":large_orange_circle:",
    Severity.ANNOYING: ":white_circle:",
}


# An ESC-<n> number as it may arrive from outside (button values, modal metadata): a SQLite rowid.
EscalationId = Annotated[int, PydanticField(ge=1, le=2**63 - 1)]


class EscalationState(StrEnum):
    AWAITING_TRIAGE = "awaiting_triage"
    ACCEPTED = "accepted"
    NEEDS_EVIDENCE = "needs_evidence"

    @property
    def label(self) -> str:
        return {
            EscalationState.AWAITING_TRIAGE: "Awaiting triage",
            EscalationState.ACCEPTED: "Accepted",
            EscalationState.NEEDS_EVIDENCE: "Needs evidence",
        }[self]


class VerdictKind(StrEnum):
    """What an engineer's reaction on a card says; stored as reaction_events.verdict."""

    ACCEPTED = "accepted"
    NEEDS_EVIDENCE = "needs_evidence"

    @property
    def state(self) -> EscalationState:
        return EscalationState(self.value)


class ReactionAction(StrEnum):
    """Whether a reaction was put on a card or taken off it; stored as reaction_events.action."""

    ADDED = "added"
    REMOVED = "removed"


class Notice(StrEnum):
    """Direct messages to a reporter about their escalation."""

    POSTED = "posted"
    POST_FAILED = "post_failed"
    POSTED_AFTER_ALL = "posted_after_all"
    VERDICT = "verdict"


@dataclass(frozen=True)
class FieldSpec:
    """How one modal input is labelled, explained and bounded."""

    label: str
    hint: str
    placeholder: str
    max_length: int
    required: bool = True
    multiline: bool = True


# The modal declares exactly these max_length values and the server enforces exactly them.
FIELD_SPECS: dict[Field, FieldSpec] = {
    Field.SUMMARY: FieldSpec(
        "Summary",
        "One sentence: what engineering should diagnose.",
        "e.g. Upgrade flow fails after payment step",
        150,
        multiline=False,
    ),
    Field.IMPACT: FieldSpec(
        "Impact",
        "Who is blocked, and where in the product.",
        "e.g. Admins on the Team plan cannot finish upgrading in Billing",
        1000,
    ),
    Field.EXPECTED: FieldSpec(
        "Expected",
        "What should have happened.",
        "e.g. After paying, the plan shows Business and the invoice is emailed",
        1000,
    ),
    Field.ACTUAL: FieldSpec(
        "Actual",
        "What happened instead, with any error text shown.",
        "e.g. Spinner for 30 s, then 'Something went wrong'; plan stays Team",
        1000,
    ),
    Field.EVIDENCE: FieldSpec(
        "Evidence",
        "Link to the moment it fails (session replay, log line); several links are fine. "
        "No customer emails, phone or card numbers: link to them instead.",
        "e.g. https://replay.example.com/s/123?t=84",
        2000,
    ),
    Field.SCOPE: FieldSpec(
        "Suspected scope",
        "Device/browser, role, plan, region, or 'only one report so far'.",
        "e.g. Safari 17 on macOS, admins only; two reports so far",
        500,
    ),
    Field.NEXT_STEP: FieldSpec(
        "First next step",
        "Where engineering should look first.",
        "e.g. Payment webhook handler logs around 14:02 UTC",
        1000,
    ),
    Field.WORKAROUND: FieldSpec(
        "Customer workaround",
        "What support tells the customer meanwhile (optional).",
        "e.g. Upgrade from the desktop app, which uses the old checkout",
        1000,
        required=False,
    ),
    Field.TICKET_URL: FieldSpec(
        "Ticket link",
        "Link to the support ticket (optional).",
        "e.g. https://support.example.com/tickets/4521",
        500,
        required=False,
        multiline=False,
    ),
}

TEXT_FIELDS: tuple[Field, ...] = tuple(FIELD_SPECS)
REQUIRED_TEXT_FIELDS: tuple[Field, ...] = tuple(f for f, s in FIELD_SPECS.items() if s.required)


class EscalationDraft(BaseModel):
    """What a modal submission carried, untrusted: any value may be missing or hostile."""

    model_config = ConfigDict(extra="forbid")

    summary: str | None = None
    impact: str | None = None
    expected: str | None = None
    actual: str | None = None
    evidence: str | None = None
    scope: str | None = None
    next_step: str | None = None
    severity: str | None = None
    workaround: str | None = None
    ticket_url: str | None = None


class EscalationFields(BaseModel):
    """A validated escalation packet: every required fact present, trimmed, and within limits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    summary: str
    impact: str
    expected: str
    actual: str
    evidence: str
    scope: str
    next_step: str
    severity: Severity
    workaround: str | None = None
    ticket_url: str | None = None


def draft_of(fields: EscalationFields) -> EscalationDraft:
    """The stored values as a draft, to prefill the modal when the reporter amends them."""
    values: dict[str, str | None] = {f.value: getattr(fields, f.value) for f in TEXT_FIELDS}
    values[Field.SEVERITY.value] = fields.severity.value
    return EscalationDraft.model_validate(values)


class VerdictNotice(BaseModel):
    """What a verdict direct message tells the reporter: the state it moved to, who, when."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    state: EscalationState
    by: str | None = None
    at: datetime | None = None


class Escalation(EscalationFields):
    """A stored escalation."""

    id: int
    reporter_id: str
    team_id: str | None = None
    state: EscalationState
    created_at: datetime
    updated_at: datetime
    channel_id: str | None = None
    message_ts: str | None = None
    permalink: str | None = None
    posted_at: datetime | None = None
    post_error: str | None = None
    state_changed_at: datetime | None = None
    state_changed_by: str | None = None
    first_verdict_at: datetime | None = None
    accepted_at: datetime | None = None
    needs_evidence_rounds: int = 0

    @property
    def ref(self) -> str:
        return f"ESC-{self.id}"

    @property
    def is_posted(self) -> bool:
        return self.message_ts is not None


class LoggedReaction(BaseModel):
    """One counted reaction_added / reaction_removed on a card, as kept in the verdict log."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user_id: str
    reaction: str  # as Slack sent it, skin tone included
    verdict: VerdictKind
    action: ReactionAction
    at: datetime  # the app's clock when it was counted


class EvidenceAdded(BaseModel):
    """The reporter resubmitted the escalation (a row in revisions)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    editor_id: str
    at: datetime


class AmendmentReply(BaseModel):
    """What the reply in the card's thread says when the reporter amends an escalation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    editor_id: str
    mention: list[str]
    changed: list[Field]
    back_to_triage: bool

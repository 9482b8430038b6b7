"""`python -m slack_app preview`: what the app shows people, as Block Kit JSON, from sample data.

Needs no token, settings or database: every piece is drawn by the same pure builders the app
uses (slack_app/blocks/), from the fixed sample below, so the output is the same on every run.
Each piece comes with a Block Kit Builder link that opens it for viewing and sharing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from slack_app.blocks.card import ReactionNames, Verdict, escalation_card
from slack_app.blocks.digest import digest_message
from slack_app.blocks.messages import posted_confirmation, verdict_notice
from slack_app.blocks.modal import ModalMetadata, escalation_modal
from slack_app.digest_model import (
    AwaitingTriage,
    Digest,
    Listing,
    Quality,
    RecentlyAccepted,
    SeverityCounts,
    WaitingOnEvidence,
)
from slack_app.domain import Escalation, EscalationDraft, EscalationState, Severity, VerdictNotice

BUILDER_URL = "https://app.slack.com/block-kit-builder/#"


class Kind(StrEnum):
    MODAL = "modal"  # a view, opened with views.open
    MESSAGE = "message"  # chat.postMessage / chat.update arguments: text and blocks
    HOME = "home"  # the App Home tab, published with views.publish


@dataclass(frozen=True)
class Piece:
    """One thing the app shows, drawn from sample data."""

    name: str
    kind: Kind
    what: str  # who sees it, and when
    payload: dict[str, Any]  # exactly what the app sends to Slack

    @property
    def builder_json(self) -> dict[str, Any]:
        """What Block Kit Builder takes: the view itself, or {"blocks": …} for a message."""
        if self.kind is Kind.MESSAGE:
            return {"blocks": self.payload["blocks"]}
        return self.payload

    @property
    def builder_link(self) -> str:
        return block_kit_builder_link(self.builder_json)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind.value,
            "what": self.what,
            "payload": self.payload,
            "block_kit_builder": self.builder_link,
        }


def block_kit_builder_link(document: dict[str, Any]) -> str:
    """A link that opens `document` in Block Kit Builder (the JSON, URL-encoded, after the #)."""
    return BUILDER_URL + quote(json.dumps(document, separators=(",", ":"), ensure_ascii=False), safe="")


# -- the sample -------------------------------------------------------------------------------

REPORTER = "U0SUPPORT1"
ENGINEER = "U0ENGINEER1"
ENG_CHANNEL = "C0ENGESC01"
SUPPORT_CHANNEL = "C0SUPPORT1"
FILED_AT = datetime(2025, 3, 6, 14, 12, tzinfo=UTC)
DIGEST_AT = datetime(2025, 3, 7, 9, 0, tzinfo=UTC)


def sample_escalation(**changes: Any) -> Escalation:
    """ESC-42, as filed from the six-fact form and posted to the engineering channel."""
    values: dict[str, Any] = {
        "id": 42,
        "reporter_id": REPORTER,
        "team_id": "T0EXAMPLE",
        "summary": "Upgrade flow fails after payment step",
        "impact": "Admins on the Team plan cannot finish upgrading in Billing; 3 accounts this morning",
        "expected": "After paying, the plan shows Business and the invoice is emailed",
        "actual": "Spinner for 30 s, then 'Something went wrong'; the plan stays Team",
        "evidence": "https://replay.example.com/s/abc123?t=84 (the failing moment at 1:24)",
        "scope": "Safari 17 on macOS, admins only; two reports so far",
        "next_step": "Payment webhook handler logs around 14:02 UTC",
        "severity": Severity.BLOCKED,
        "workaround": "Upgrade from the desktop app, which uses the old checkout",
        "ticket_url": "https://support.example.com/tickets/4521",
        "state": EscalationState.AWAITING_TRIAGE,
        "created_at": FILED_AT,
        "updated_at": FILED_AT,
        "channel_id": ENG_CHANNEL,
        "message_ts": "1741270320.000100",
        "permalink": f"https://example.slack.com/archives/{ENG_CHANNEL}/p1741270320000100",
        "posted_at": FILED_AT + timedelta(seconds=1),
    }
    values.update(changes)
    return Escalation.model_validate(values)


def _card(state: EscalationState, verdict: Verdict | None) -> dict[str, Any]:
    escalation = sample_escalation(state=state)
    return escalation_card(escalation, ReactionNames(), verdict)


def sample_digest() -> Digest:
    """A morning with something in every list, and last week's figures."""
    at = DIGEST_AT

    def ago(**delta: float) -> datetime:
        return at - timedelta(**delta)

    def link(n: int) -> str:
        return f"https://example.slack.com/archives/{ENG_CHANNEL}/p17412{n:05d}000100"

    awaiting = [
        AwaitingTriage(id=42, summary="Upgrade flow fails after payment step", permalink=link(42),
                       severity=Severity.BLOCKED, created_at=ago(hours=18, minutes=48)),
        AwaitingTriage(id=44, summary="CSV export drops rows with accented names", permalink=link(44),
                       severity=Severity.DEGRADED, created_at=ago(days=2, hours=3)),
        AwaitingTriage(id=45, summary="Dark mode: the date picker is unreadable", permalink=link(45),
                       severity=Severity.ANNOYING, created_at=ago(hours=5)),
    ]
    needs = [
        WaitingOnEvidence(id=39, summary="SSO login loops for one customer", permalink=link(39),
                          reporter_id=REPORTER, waiting_since=ago(days=1, hours=2)),
    ]
    accepted = [
        RecentlyAccepted(id=40, summary="Invoices show the wrong VAT rate for Austria", permalink=link(40),
                         severity=Severity.DEGRADED, accepted_at=ago(hours=16), accepted_by=ENGINEER),
        RecentlyAccepted(id=41, summary="Webhook retries stop after the first failure", permalink=link(41),
                         severity=Severity.BLOCKED, accepted_at=ago(hours=20), accepted_by=ENGINEER,
                         needs_evidence_rounds=1),
    ]
    quality = Quality(
        by_severity=[
            SeverityCounts(severity=Severity.BLOCKED, created=3, with_verdict=2, first_read=1),
            SeverityCounts(severity=Severity.DEGRADED, created=5, with_verdict=4, first_read=3),
            SeverityCounts(severity=Severity.ANNOYING, created=2, with_verdict=1, first_read=1),
        ],
        accepted=6,
        median_sample=6,
        median_to_accept=timedelta(hours=3, minutes=20),
    )
    return Digest(
        as_of=at,
        since=ago(days=1),
        since_last_digest=True,
        awaiting=Listing[AwaitingTriage](items=awaiting, total=len(awaiting)),
        awaiting_blocked=1,
        needs_evidence=Listing[WaitingOnEvidence](items=needs, total=len(needs)),
        accepted=Listing[RecentlyAccepted](items=accepted, total=len(accepted)),
        quality=quality,
    )


def sample_app_home() -> dict[str, Any] | None:
    """HOOK (App Home): the Home tab as the sample reporter sees it; None while there is no builder.

    Draws slack_app/blocks/home.py's `home_view` from sample data when that module exists.
    """
    try:
        from slack_app.agent_model import HomePage, OwnEscalation, OwnEscalations
        from slack_app.blocks.home import home_view
    except ModuleNotFoundError:
        return None
    digest = sample_digest()
    at = digest.as_of

    def own(row: Any, state: EscalationState, by: str | None) -> OwnEscalation:
        """A digest row as it appears in its reporter's own list."""
        since = getattr(row, "waiting_since", None) or getattr(row, "accepted_at", None) or row.created_at
        return OwnEscalation(
            id=row.id,
            summary=row.summary,
            permalink=row.permalink,
            severity=getattr(row, "severity", Severity.DEGRADED),
            state=state,
            created_at=since - timedelta(hours=2),
            state_changed_at=since if by else None,
            state_changed_by=by,
            accepted_at=since if state is EscalationState.ACCEPTED else None,
        )

    needs = [own(r, EscalationState.NEEDS_EVIDENCE, ENGINEER) for r in digest.needs_evidence.items]
    awaiting = [own(digest.awaiting.items[0], EscalationState.AWAITING_TRIAGE, None)]
    accepted = [own(digest.accepted.items[0], EscalationState.ACCEPTED, ENGINEER)]
    page = HomePage(
        as_of=at,
        own=OwnEscalations(
            reporter_id=REPORTER,
            as_of=at,
            needs_evidence=Listing[OwnEscalation](items=needs, total=len(needs)),
            awaiting=Listing[OwnEscalation](items=awaiting, total=len(awaiting)),
        ),
        accepted=Listing[OwnEscalation](items=accepted, total=len(accepted)),
        quality=digest.quality,
    )
    return home_view(page)


def pieces() -> list[Piece]:
    """Everything the app shows, in the order a person meets it."""
    accepted_at = FILED_AT + timedelta(hours=1, minutes=5)
    asked_at = FILED_AT + timedelta(minutes=40)
    added_at = FILED_AT + timedelta(hours=2)
    escalation = sample_escalation()
    found: list[Piece] = [
        Piece(
            "modal",
            Kind.MODAL,
            "the form a support agent gets from `/escalate Upgrade flow fails after payment step`",
            escalation_modal(
                ModalMetadata(channel_id=SUPPORT_CHANNEL),
                EscalationDraft(summary="Upgrade flow fails after payment step"),
            ),
        ),
        Piece("card-awaiting-triage", Kind.MESSAGE,
              "the card in the engineering channel, just posted", _card(EscalationState.AWAITING_TRIAGE, None)),
        Piece("card-accepted", Kind.MESSAGE,
              "the same card after an engineer reacted :+1:",
              _card(EscalationState.ACCEPTED, Verdict(ENGINEER, accepted_at))),
        Piece("card-needs-evidence", Kind.MESSAGE,
              "the same card after an engineer reacted :mag:",
              _card(EscalationState.NEEDS_EVIDENCE, Verdict(ENGINEER, asked_at))),
        Piece("card-evidence-added", Kind.MESSAGE,
              "the same card after the reporter added evidence: awaiting triage again",
              _card(EscalationState.AWAITING_TRIAGE, Verdict(REPORTER, added_at))),
        Piece("dm-posted", Kind.MESSAGE,
              "the reporter's direct message once the card is posted", posted_confirmation(escalation)),
        Piece("dm-needs-evidence", Kind.MESSAGE,
              "the reporter's direct message when engineering asks for evidence (with Add evidence)",
              verdict_notice(
                  sample_escalation(state=EscalationState.NEEDS_EVIDENCE),
                  VerdictNotice(state=EscalationState.NEEDS_EVIDENCE, by=ENGINEER, at=asked_at),
              )),
        Piece("digest", Kind.MESSAGE,
              "the daily digest in the engineering channel", digest_message(sample_digest())),
    ]
    home = sample_app_home()
    if home is not None:
        found.append(Piece("app-home", Kind.HOME, "a support agent's Home tab in the app", home))
    return found


def preview_command(
    *,
    only: list[str] | None = None,
    links: bool = False,
    out: Callable[[str], None] = print,
    err: Callable[[str], None] = print,
) -> int:
    """Print the pieces as one JSON array (or `name: link` lines with `links`); the exit code."""
    available = pieces()
    names = [p.name for p in available]
    unknown = [name for name in only or [] if name not in names]
    if unknown:
        err(f"error: no piece named {', '.join(unknown)}; choose from {', '.join(names)}")
        return 2
    chosen = [p for p in available if not only or p.name in only]
    if links:
        for piece in chosen:
            out(f"{piece.name}: {piece.builder_link}")
    else:
        out(json.dumps([p.as_json() for p in chosen], indent=2, ensure_ascii=False))
    return 0

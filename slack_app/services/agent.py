"""What a support agent can look up: their own escalations (App Home, `/escalate mine`) and any
escalation's status and history (`/escalate status ESC-12`). Reads only; knows nothing of Slack."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_app.agent_model import (
    RECENTLY_ACCEPTED,
    EscalationStatus,
    HistoryEntry,
    HistoryKind,
    HomePage,
    OwnEscalation,
    OwnEscalations,
)
from slack_app.clock import utcnow
from slack_app.digest_model import Listing
from slack_app.domain import EscalationState, ReactionAction
from slack_app.services.digest import DigestService
from storage import escalations as escalation_store
from storage import reporters as reporter_store
from storage import revisions as revision_store
from storage import verdicts as verdict_store
from storage.db import Databases

# How many rows each of a person's lists shows; the rest is counted ("…and N more").
NEEDS_EVIDENCE_SHOWN = 15
AWAITING_SHOWN = 15
ACCEPTED_SHOWN = 10


class AgentService:
    """Reads a person's escalations and an escalation's history; the team figures come from the digest."""

    def __init__(
        self, databases: Databases, digest: DigestService, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._db = databases
        self._digest = digest
        self._clock = clock

    def open_escalations(self, reporter_id: str) -> OwnEscalations:
        """The person's escalations that await triage or their evidence."""
        db = self._db()
        counts = reporter_store.counts_by_state(db, reporter_id)
        return self._open(reporter_id, counts, self._clock())

    def home(self, reporter_id: str) -> HomePage:
        """The person's App Home: their open escalations, those accepted lately, the team's figures."""
        db = self._db()
        now = self._clock()
        counts = reporter_store.counts_by_state(db, reporter_id)
        accepted: list[OwnEscalation] = []
        accepted_total = 0
        if counts[EscalationState.ACCEPTED]:
            accepted, accepted_total = reporter_store.accepted_since(
                db, reporter_id, now - RECENTLY_ACCEPTED, ACCEPTED_SHOWN
            )
        return HomePage(
            as_of=now,
            own=self._open(reporter_id, counts, now),
            accepted=Listing[OwnEscalation](items=accepted, total=accepted_total),
            quality=self._digest.quality(now),
        )

    def _open(self, reporter_id: str, counts: dict[EscalationState, int], now: datetime) -> OwnEscalations:
        db = self._db()
        needs, awaiting = EscalationState.NEEDS_EVIDENCE, EscalationState.AWAITING_TRIAGE
        return OwnEscalations(
            reporter_id=reporter_id,
            as_of=now,
            needs_evidence=Listing[OwnEscalation](
                items=reporter_store.longest_waiting_on_evidence(db, reporter_id, NEEDS_EVIDENCE_SHOWN)
                if counts[needs]
                else [],
                total=counts[needs],
            ),
            awaiting=Listing[OwnEscalation](
                items=reporter_store.newest_in_state(db, reporter_id, awaiting, AWAITING_SHOWN)
                if counts[awaiting]
                else [],
                total=counts[awaiting],
            ),
        )

    def status(self, escalation_id: int) -> EscalationStatus | None:
        """Any escalation's state and history; None when there is no such escalation.

        Anyone in the workspace may ask: the card is in a shared channel anyway.
        """
        db = self._db()
        escalation = escalation_store.get_escalation(db, escalation_id)
        if escalation is None:
            return None
        history = [
            HistoryEntry(at=escalation.created_at, kind=HistoryKind.FILED, user_id=escalation.reporter_id)
        ]
        if escalation.posted_at is not None:
            history.append(HistoryEntry(at=escalation.posted_at, kind=HistoryKind.POSTED))
        for reaction in verdict_store.reaction_log(db, escalation_id):
            kind = (
                HistoryKind.REACTION_ADDED
                if reaction.action is ReactionAction.ADDED
                else HistoryKind.REACTION_REMOVED
            )
            history.append(
                HistoryEntry(
                    at=reaction.at, kind=kind, user_id=reaction.user_id, reaction=reaction.reaction,
                    verdict=reaction.verdict,
                )
            )
        for revision in revision_store.revisions(db, escalation_id):
            history.append(
                HistoryEntry(
                    at=revision.edited_at, kind=HistoryKind.EVIDENCE_ADDED, user_id=revision.editor_id,
                    changed=tuple(revision.changes),
                )
            )
        # Stable: equal times keep filed, posted, reactions, revisions in that order.
        history.sort(key=lambda entry: entry.at)
        return EscalationStatus(escalation=escalation, history=history)

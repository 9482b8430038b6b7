"""Engineering's verdict on an escalation: which reactions count, and the state they add up to.

The state is never edited by hand: it is derived from the verdict log (every counted reaction
added or removed) and the reporter's resubmissions, by one pure function, `derive_state`.
What it derives is stored on the escalation row, with the Slack writes it owes, in the same
transaction that appends to the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

import sqlite_utils
from pydantic import BaseModel, ConfigDict

from slack_app.clock import utcnow
from slack_app.domain import (
    Escalation,
    EscalationState,
    EvidenceAdded,
    LoggedReaction,
    Notice,
    ReactionAction,
    VerdictKind,
    VerdictNotice,
)
from slack_app.services.outbox import owe_card_update, owe_notice
from storage import escalations as escalation_store
from storage import revisions as revision_store
from storage import verdicts as verdict_store
from storage.db import Databases, write_transaction

# Slack knows some emoji by two names and sends one of them; both mean the same reaction.
REACTION_ALIASES = {"thumbsup": "+1", "thumbsdown": "-1"}
SKIN_TONE_SEPARATOR = "::"


def canonical_reaction(name: str) -> str:
    """'+1::skin-tone-3' -> '+1'; 'thumbsup' -> '+1'; ':mag:' -> 'mag'."""
    base = name.strip(":").split(SKIN_TONE_SEPARATOR, 1)[0]
    return REACTION_ALIASES.get(base, base)


@dataclass(frozen=True)
class VerdictReactions:
    """Which reaction names give which verdict (ACCEPT_REACTIONS, NEEDS_EVIDENCE_REACTIONS).

    A name configured for both counts as acceptance.
    """

    accept: frozenset[str]
    needs_evidence: frozenset[str]

    @classmethod
    def from_names(cls, accept: Iterable[str], needs_evidence: Iterable[str]) -> VerdictReactions:
        return cls(
            frozenset(canonical_reaction(n) for n in accept),
            frozenset(canonical_reaction(n) for n in needs_evidence),
        )

    def verdict_of(self, name: str) -> VerdictKind | None:
        """The verdict a reaction name gives, or None for a reaction that is not a verdict."""
        base = canonical_reaction(name)
        if base in self.accept:
            return VerdictKind.ACCEPTED
        if base in self.needs_evidence:
            return VerdictKind.NEEDS_EVIDENCE
        return None


# --------------------------------------------------------------------------------------------
# The derivation: pure, deterministic, no I/O
# --------------------------------------------------------------------------------------------

Entry = LoggedReaction | EvidenceAdded


@dataclass(frozen=True)
class PresentVerdict:
    """A verdict reaction that is on the card now and still counts."""

    user_id: str
    verdict: VerdictKind
    since: datetime


@dataclass(frozen=True)
class DerivedState:
    """Where the log leaves an escalation, with the figures the card and the digest show.

    - by / at: who set the state and when it last changed. For accepted / needs evidence, `by` is
      the engineer whose reaction holds that state; back to awaiting triage, it is whoever took
      the last verdict away (the engineer removing a reaction, or the reporter adding evidence).
      None / None when nobody ever gave a verdict.
    - accepted_at: when it entered accepted, and only while it is accepted.
    - first_verdict_at: when it first entered accepted or needs evidence; never cleared.
    - needs_evidence_rounds: how many times it entered needs evidence.
    - present: the verdict reactions that count now, oldest first.
    """

    state: EscalationState = EscalationState.AWAITING_TRIAGE
    by: str | None = None
    at: datetime | None = None
    first_verdict_at: datetime | None = None
    accepted_at: datetime | None = None
    needs_evidence_rounds: int = 0
    present: tuple[PresentVerdict, ...] = ()

    def judges(self) -> list[str]:
        """Engineers whose verdict reactions count now: who set the state first, then the latest."""
        users = [self.by] if self.present and self.by else []
        users += [p.user_id for p in reversed(self.present)]
        return list(dict.fromkeys(users))


def derive_state(entries: Iterable[Entry]) -> DerivedState:
    """Replay the verdict log and the reporter's resubmissions into the current state.

    Entries are taken in time order (`at`; equal times keep the order given). The rule:
    1. A reaction is present per (user, reaction), skin tones and aliases folded: its last event
       says whether it is on the card. Adding one already present changes nothing.
    2. The verdict of the most recently added reaction still present is the state; with none
       present, the escalation awaits triage. So two engineers' 👍 keep it accepted until both
       are removed, and with a 👍 and a 🔍 present the later one wins.
    3. Evidence added while it needs evidence sends it back to awaiting triage, and every
       reaction counted before that moment stops counting (removing it later changes nothing;
       adding a reaction again counts). Evidence added in any other state changes nothing here.
    4. The state changes only when that verdict changes; who and when are recorded then. If the
       engineer who set it takes their reaction back while another reaction of the same verdict
       holds it, the state and its time stay and `by` names the engineer whose reaction holds it.
    """
    ordered = sorted(entries, key=lambda e: e.at)
    present: dict[tuple[str, str], PresentVerdict] = {}
    state = DerivedState()
    for entry in ordered:
        if isinstance(entry, EvidenceAdded):
            if state.state is EscalationState.NEEDS_EVIDENCE:
                present.clear()
                state = _moved(state, EscalationState.AWAITING_TRIAGE, entry.editor_id, entry.at)
            continue
        key = (entry.user_id, canonical_reaction(entry.reaction))
        if entry.action is ReactionAction.ADDED:
            present.setdefault(key, PresentVerdict(entry.user_id, entry.verdict, entry.at))
        else:
            present.pop(key, None)
        # The latest added wins; dict order breaks ties in time by arrival.
        winner = max(reversed(present.values()), key=lambda p: p.since, default=None)
        target = winner.verdict.state if winner else EscalationState.AWAITING_TRIAGE
        if target is not state.state:
            state = _moved(state, target, winner.user_id if winner else entry.user_id, entry.at)
        elif winner is not None and not any(
            p.user_id == state.by and p.verdict is winner.verdict for p in present.values()
        ):
            # The engineer who set the state took their reaction back but another one holds it:
            # the state and its time stay, the card names whose verdict it now rests on.
            state = replace(state, by=winner.user_id)
    return DerivedState(
        state=state.state,
        by=state.by,
        at=state.at,
        first_verdict_at=state.first_verdict_at,
        accepted_at=state.accepted_at,
        needs_evidence_rounds=state.needs_evidence_rounds,
        present=tuple(sorted(present.values(), key=lambda p: p.since)),
    )


def _moved(before: DerivedState, state: EscalationState, by: str, at: datetime) -> DerivedState:
    judged = state is not EscalationState.AWAITING_TRIAGE
    return DerivedState(
        state=state,
        by=by,
        at=at,
        first_verdict_at=before.first_verdict_at or (at if judged else None),
        accepted_at=at if state is EscalationState.ACCEPTED else None,
        needs_evidence_rounds=before.needs_evidence_rounds + (state is EscalationState.NEEDS_EVIDENCE),
    )


def timeline(db: sqlite_utils.Database, escalation_id: int) -> list[Entry]:
    """The verdict log and the resubmissions of one escalation, each in the order it was stored."""
    return [*verdict_store.reaction_log(db, escalation_id), *revision_store.evidence_log(db, escalation_id)]


def store_derived(
    db: sqlite_utils.Database,
    escalation: Escalation,
    derived: DerivedState,
    *,
    cause: str,
    now: datetime,
    tell_reporter: bool,
) -> bool:
    """Store what was derived, owing a card update when it shows differently and a DM when the
    state changed (if `tell_reporter`). Call inside the write transaction. Returns whether the
    state changed."""
    changed_state = derived.state is not escalation.state
    shown_differently = changed_state or (derived.by, derived.at) != (
        escalation.state_changed_by,
        escalation.state_changed_at,
    )
    stored = (
        escalation.state,
        escalation.state_changed_by,
        escalation.state_changed_at,
        escalation.first_verdict_at,
        escalation.accepted_at,
        escalation.needs_evidence_rounds,
    )
    derived_row = (
        derived.state,
        derived.by,
        derived.at,
        derived.first_verdict_at,
        derived.accepted_at,
        derived.needs_evidence_rounds,
    )
    if stored != derived_row:
        escalation_store.set_state(
            db,
            escalation.id,
            state=derived.state,
            changed_by=derived.by,
            changed_at=derived.at,
            first_verdict_at=derived.first_verdict_at,
            accepted_at=derived.accepted_at,
            needs_evidence_rounds=derived.needs_evidence_rounds,
            now=now,
        )
    if shown_differently:
        owe_card_update(db, escalation.id, cause=cause, now=now)
    if changed_state and tell_reporter:
        notice = VerdictNotice(state=derived.state, by=derived.by, at=derived.at)
        details = notice.model_dump(mode="json")
        owe_notice(db, escalation.id, Notice.VERDICT, key=cause, now=now, details=details)
    return changed_state


# --------------------------------------------------------------------------------------------
# Counting reactions
# --------------------------------------------------------------------------------------------


class ReactionEvent(BaseModel):
    """A reaction_added / reaction_removed event on a message, as the listener parsed it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: str
    action: ReactionAction
    user_id: str
    reaction: str
    channel_id: str
    message_ts: str
    event_ts: str | None = None
    # The app's own user ids (context and the event's authorizations): its reactions never count.
    bot_user_ids: frozenset[str] = frozenset()


class Outcome(StrEnum):
    NOT_A_VERDICT = "not_a_verdict"  # a reaction name that is not configured
    NOT_COUNTED = "not_counted"  # the app's own reaction, or the reporter's
    NOT_A_CARD = "not_a_card"  # on a message that is no card (a reply, another channel, …)
    REDELIVERED = "redelivered"  # the same event_id again
    COUNTED = "counted"  # appended to the log; the state stayed
    STATE_CHANGED = "state_changed"  # appended, and the state changed (card update and DM owed)

    @property
    def owes(self) -> bool:
        """Whether Slack writes may have been recorded in the outbox."""
        return self in (Outcome.COUNTED, Outcome.STATE_CHANGED)


@dataclass(frozen=True)
class Countable:
    """A reaction that passed screening: a verdict, by an engineer, on a card."""

    event: ReactionEvent
    verdict: VerdictKind
    escalation_id: int


class VerdictService:
    """Counts engineers' reactions on cards; knows nothing of Slack."""

    def __init__(
        self,
        databases: Databases,
        reactions: VerdictReactions,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._db = databases
        self._reactions = reactions
        self._clock = clock

    def record(self, event: ReactionEvent) -> Outcome:
        """Screen one reaction event, and count it if it passes."""
        screened = self.screen(event)
        return self.count(screened) if isinstance(screened, Countable) else screened

    def screen(self, event: ReactionEvent) -> Countable | Outcome:
        """Whether a reaction can count, without writing anything.

        The app gets every reaction in every channel it is in, so the checks go cheapest first:
        the name (no database), the app's own reactions, then one indexed read for the card (which
        also rules out replies in its thread and the same ts in another channel), then the reporter.
        """
        verdict = self._reactions.verdict_of(event.reaction)
        if verdict is None:
            return Outcome.NOT_A_VERDICT
        if not event.user_id or event.user_id in event.bot_user_ids:
            return Outcome.NOT_COUNTED
        with self._db.reader() as db:
            card = verdict_store.card_owner(db, event.channel_id, event.message_ts)
        if card is None:
            return Outcome.NOT_A_CARD
        if event.user_id == card.reporter_id:
            return Outcome.NOT_COUNTED
        return Countable(event, verdict, card.id)

    def count(self, reaction: Countable) -> Outcome:
        """Append a screened reaction to the log and store the state it leads to, with the card
        update and the reporter's DM it owes, in one transaction; a redelivered event is a no-op."""
        event, escalation_id = reaction.event, reaction.escalation_id
        db = self._db()
        with write_transaction(db):
            # Taken under the write lock, so log times follow the order writes commit in.
            now = self._clock()
            appended = verdict_store.append_reaction(
                db,
                escalation_id,
                event_id=event.event_id,
                user_id=event.user_id,
                reaction=event.reaction,
                verdict=reaction.verdict,
                action=event.action,
                event_ts=event.event_ts,
                now=now,
            )
            if not appended:
                return Outcome.REDELIVERED
            escalation = escalation_store.get_escalation(db, escalation_id)
            assert escalation is not None  # the card lookup found it, and escalations are never removed
            derived = derive_state(timeline(db, escalation_id))
            changed = store_derived(
                db, escalation, derived, cause=f"reaction:{event.event_id}", now=now, tell_reporter=True
            )
        return Outcome.STATE_CHANGED if changed else Outcome.COUNTED

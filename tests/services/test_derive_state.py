"""The verdict derivation as a pure function: a log in, a state (who, when, digest figures) out."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from slack_app.domain import EscalationState, EvidenceAdded, LoggedReaction, ReactionAction, VerdictKind
from slack_app.services.verdicts import VerdictReactions, canonical_reaction, derive_state

T0 = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
AWAITING, ACCEPTED, NEEDS = (
    EscalationState.AWAITING_TRIAGE,
    EscalationState.ACCEPTED,
    EscalationState.NEEDS_EVIDENCE,
)
KIND = {"+1": VerdictKind.ACCEPTED, "thumbsup": VerdictKind.ACCEPTED, "mag": VerdictKind.NEEDS_EVIDENCE}


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


def add(user: str, reaction: str, minute: int) -> LoggedReaction:
    kind = KIND[canonical_reaction(reaction)]
    return LoggedReaction(user_id=user, reaction=reaction, verdict=kind, action=ReactionAction.ADDED, at=at(minute))


def remove(user: str, reaction: str, minute: int) -> LoggedReaction:
    kind = KIND[canonical_reaction(reaction)]
    return LoggedReaction(user_id=user, reaction=reaction, verdict=kind, action=ReactionAction.REMOVED, at=at(minute))


def evidence(minute: int, editor: str = "UREP") -> EvidenceAdded:
    return EvidenceAdded(editor_id=editor, at=at(minute))


def test_an_empty_log_awaits_triage_with_no_verdict():
    derived = derive_state([])
    assert (derived.state, derived.by, derived.at) == (AWAITING, None, None)
    assert derived.first_verdict_at is None and derived.accepted_at is None and derived.needs_evidence_rounds == 0


def test_one_thumbs_up_accepts_and_records_who_and_when():
    derived = derive_state([add("UDANA", "+1", 2)])
    assert (derived.state, derived.by, derived.at) == (ACCEPTED, "UDANA", at(2))
    assert derived.accepted_at == at(2) and derived.first_verdict_at == at(2)


def test_removing_the_only_thumbs_up_puts_it_back_to_awaiting_triage():
    derived = derive_state([add("UDANA", "+1", 2), remove("UDANA", "+1", 5)])
    assert (derived.state, derived.by, derived.at) == (AWAITING, "UDANA", at(5))
    assert derived.accepted_at is None  # only set while accepted
    assert derived.first_verdict_at == at(2)  # never cleared


def test_skin_tones_and_aliases_are_one_reaction():
    log = [add("UDANA", "+1::skin-tone-3", 1), remove("UDANA", "thumbsup", 2)]
    assert derive_state(log).state is AWAITING
    log = [add("UDANA", "thumbsup::skin-tone-6", 1), add("UDANA", "+1", 2), remove("UDANA", "+1::skin-tone-2", 3)]
    assert derive_state(log).state is AWAITING


def test_two_users_accept_and_one_removes_theirs():
    log = [add("UDANA", "+1", 1), add("USAM", "+1", 2)]
    derived = derive_state(log)
    # The state did not change with Sam's reaction, so it is still Dana's acceptance from minute 1.
    assert (derived.state, derived.by, derived.at) == (ACCEPTED, "UDANA", at(1))
    # Dana takes hers back: still accepted since minute 1, now on Sam's word.
    derived = derive_state([*log, remove("UDANA", "+1", 3)])
    assert (derived.state, derived.by, derived.at) == (ACCEPTED, "USAM", at(1))
    assert derived.accepted_at == at(1)
    derived = derive_state([*log, remove("UDANA", "+1", 3), remove("USAM", "+1", 4)])
    assert (derived.state, derived.by, derived.at) == (AWAITING, "USAM", at(4))


def test_with_both_present_the_later_wins_and_removing_it_falls_back_to_the_earlier():
    log = [add("UDANA", "+1", 1), add("USAM", "mag", 2)]
    derived = derive_state(log)
    assert (derived.state, derived.by, derived.at) == (NEEDS, "USAM", at(2))
    assert derived.accepted_at is None and derived.needs_evidence_rounds == 1
    derived = derive_state([*log, remove("USAM", "mag", 3)])
    # Back to Dana's acceptance, which holds the state again from the moment Sam's was removed.
    assert (derived.state, derived.by, derived.at) == (ACCEPTED, "UDANA", at(3))
    assert derived.accepted_at == at(3) and derived.first_verdict_at == at(1)
    log = [add("USAM", "mag", 1), add("UDANA", "+1", 2), remove("UDANA", "+1", 3)]
    assert (derive_state(log).state, derive_state(log).by) == (NEEDS, "USAM")


def test_one_person_giving_both_verdicts_counts_the_later():
    derived = derive_state([add("UDANA", "mag", 1), add("UDANA", "+1", 2)])
    assert (derived.state, derived.by) == (ACCEPTED, "UDANA")


def test_adding_a_reaction_already_present_changes_nothing():
    log = [add("UDANA", "+1", 1), add("USAM", "mag", 2), add("UDANA", "+1", 3)]
    assert derive_state(log).state is NEEDS


def test_removing_a_reaction_never_counted_changes_nothing():
    derived = derive_state([remove("UDANA", "+1", 1)])
    assert (derived.state, derived.by) == (AWAITING, None)


def test_evidence_after_needs_evidence_resets_to_awaiting_and_older_reactions_stop_counting():
    log = [add("UDANA", "+1", 1), add("USAM", "mag", 2), evidence(3)]
    derived = derive_state(log)
    assert (derived.state, derived.by, derived.at) == (AWAITING, "UREP", at(3))
    assert derived.present == ()
    # Dana's 👍 from before the evidence does not come back, and removing Sam's 🔍 changes nothing.
    assert derive_state([*log, remove("USAM", "mag", 4)]).state is AWAITING
    # A reaction added after the evidence counts: a second round of needs evidence …
    derived = derive_state([*log, remove("USAM", "mag", 4), add("USAM", "mag", 5)])
    assert (derived.state, derived.by, derived.needs_evidence_rounds) == (NEEDS, "USAM", 2)
    # … or an acceptance.
    derived = derive_state([*log, add("UDANA", "thumbsup", 4)])
    assert (derived.state, derived.accepted_at, derived.needs_evidence_rounds) == (ACCEPTED, at(4), 1)


def test_evidence_while_accepted_or_awaiting_keeps_the_state():
    derived = derive_state([add("UDANA", "+1", 1), evidence(2)])
    assert (derived.state, derived.by, derived.at) == (ACCEPTED, "UDANA", at(1))
    derived = derive_state([evidence(2)])
    assert (derived.state, derived.by) == (AWAITING, None)


def test_needs_evidence_rounds_count_entries_not_reactions():
    log = [add("UDANA", "mag", 1), add("USAM", "mag", 2)]  # two reactions, one round
    assert derive_state(log).needs_evidence_rounds == 1
    log += [remove("UDANA", "mag", 3), remove("USAM", "mag", 4), add("USAM", "mag", 5)]
    assert derive_state(log).needs_evidence_rounds == 2


def test_entries_are_taken_in_time_order_whatever_order_they_are_given_in():
    log = [add("UDANA", "+1", 1), add("USAM", "mag", 2), evidence(3), add("UDANA", "+1", 4)]
    for _ in range(10):
        shuffled = log[:]
        random.shuffle(shuffled)
        assert derive_state(shuffled) == derive_state(log)


def test_the_judges_are_the_engineers_whose_verdict_counts_the_setter_first():
    derived = derive_state([add("UDANA", "mag", 1), add("USAM", "mag", 2), add("UAMY", "+1", 0)])
    assert derived.judges() == ["UDANA", "USAM", "UAMY"]
    assert derive_state([]).judges() == []


def test_reaction_names_are_classified_with_skin_tones_and_aliases_folded():
    reactions = VerdictReactions.from_names(["+1", "thumbsup"], ["mag", "needs-evidence"])
    assert reactions.verdict_of("+1::skin-tone-4") is VerdictKind.ACCEPTED
    assert reactions.verdict_of("thumbsup") is VerdictKind.ACCEPTED
    assert reactions.verdict_of("needs-evidence") is VerdictKind.NEEDS_EVIDENCE
    assert reactions.verdict_of("tada") is None
    only_alias = VerdictReactions.from_names(["thumbsup"], ["eyes"])
    assert only_alias.verdict_of("+1") is VerdictKind.ACCEPTED
    assert only_alias.verdict_of("mag") is None


events = st.lists(
    st.tuples(
        st.sampled_from(["UDANA", "USAM"]),
        st.sampled_from(["+1", "thumbsup", "mag", "+1::skin-tone-2"]),
        st.booleans(),
        st.booleans(),  # evidence instead of a reaction
    ),
    max_size=25,
)


@given(events)
def test_the_state_always_matches_the_latest_present_verdict(steps):
    log = []
    for minute, (user, reaction, added, is_evidence) in enumerate(steps):
        if is_evidence:
            log.append(evidence(minute))
        else:
            log.append((add if added else remove)(user, reaction, minute))
    derived = derive_state(log)
    if derived.present:
        assert derived.state is derived.present[-1].verdict.state
        # The card names an engineer whose reaction of that verdict is on the card now.
        assert any(p.user_id == derived.by and p.verdict.state is derived.state for p in derived.present)
    else:
        assert derived.state is AWAITING
    assert (derived.accepted_at is not None) == (derived.state is ACCEPTED)
    assert derived.needs_evidence_rounds <= sum(1 for e in log if isinstance(e, LoggedReaction))
    assert derive_state(log) == derived  # deterministic

"""Pure tests of the verdict builders: the reporter's DM, the card's state line, the thread reply."""

from __future__ import annotations

import json

import pytest

from slack_app.blocks.card import ReactionNames, Verdict, escalation_card, state_line
from slack_app.blocks.messages import (
    NOTICE_BUILDERS,
    EvidenceButton,
    evidence_added_reply,
    not_the_reporter,
    verdict_notice,
)
from slack_app.blocks.modal import ModalMetadata, escalation_modal
from slack_app.domain import FIELD_SPECS, AmendmentReply, EscalationState, Notice, VerdictNotice, draft_of
from slack_app.ids import ActionId, Field, NoticeBlock
from tests.blockkit import check_message, check_view
from tests.blocks.test_builders import NOW, make_escalation, maximal

PERMALINK = "https://example.slack.com/archives/CENG/p1733241600000100"


def posted(**overrides):
    return make_escalation(channel_id="CENG", message_ts="1733241600.000100", permalink=PERMALINK, **overrides)


def notice(state: EscalationState, by: str | None = "UDANA") -> VerdictNotice:
    return VerdictNotice(state=state, by=by, at=NOW)


@pytest.mark.parametrize("state", list(EscalationState))
def test_every_verdict_dm_names_the_escalation_state_who_when_and_links_the_card(state):
    message = verdict_notice(posted(), notice(state))
    assert check_message(message["text"], message["blocks"]) == []
    for text in ("ESC-12", "<@UDANA>", "2026-12-03 14:02 UTC", PERMALINK, state.label.lower()):
        assert text in message["text"], text
    assert message["blocks"][0]["block_id"] == NoticeBlock.VERDICT


def test_only_the_needs_evidence_dm_has_the_add_evidence_button():
    message = verdict_notice(posted(), notice(EscalationState.NEEDS_EVIDENCE))
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    assert actions["block_id"] == NoticeBlock.VERDICT_ACTIONS
    [button] = actions["elements"]
    assert button["action_id"] == ActionId.ADD_EVIDENCE and button["text"]["text"] == "Add evidence"
    assert EvidenceButton.parse(button["value"]) == EvidenceButton(escalation_id=12)
    for state in (EscalationState.ACCEPTED, EscalationState.AWAITING_TRIAGE):
        assert all(b["type"] != "actions" for b in verdict_notice(posted(), notice(state))["blocks"])


def test_the_verdict_dm_stays_within_limits_for_maximal_input_and_without_a_permalink():
    for char in ("&", "<", "é"):
        for state in EscalationState:
            message = verdict_notice(maximal(char), notice(state))
            assert check_message(message["text"], message["blocks"]) == [], (char, state)
    message = verdict_notice(make_escalation(), notice(EscalationState.ACCEPTED, by=None))
    assert "the card" in message["text"] and "engineering" in message["text"]


def test_the_notice_builders_cover_every_notice_and_read_verdict_details_from_the_outbox_payload():
    assert set(NOTICE_BUILDERS) == set(Notice)
    details = {"notice": "verdict", **notice(EscalationState.ACCEPTED).model_dump(mode="json")}
    message = NOTICE_BUILDERS[Notice.VERDICT](posted(), details, "CENG")
    assert "accepted" in message["text"] and "<@UDANA>" in message["text"]


def test_button_values_that_are_not_ours_read_as_none():
    assert EvidenceButton.parse(None) is None
    assert EvidenceButton.parse("12") is None
    assert EvidenceButton.parse('{"escalation_id": 1, "admin": true}') is None
    assert EvidenceButton.parse('{"escalation_id": "x"}') is None
    assert EvidenceButton.parse('{"escalation_id": 0}') is None
    assert EvidenceButton.parse('{"escalation_id": 99999999999999999999}') is None


def test_the_awaiting_state_line_tells_evidence_added_from_a_withdrawn_verdict():
    awaiting = make_escalation()
    evidence = state_line(awaiting, ReactionNames(), Verdict("UREPORTER", NOW))
    assert "evidence added by <@UREPORTER> · 2026-12-03 14:02 UTC" in evidence
    withdrawn = state_line(awaiting, ReactionNames(), Verdict("UDANA", NOW))
    assert "<@UDANA> withdrew their verdict" in withdrawn
    assert "React :+1: to accept" in state_line(awaiting, ReactionNames())


def test_the_accepted_card_looks_settled_and_needs_evidence_says_what_is_awaited():
    accepted = escalation_card(posted(state=EscalationState.ACCEPTED), verdict=Verdict("UDANA", NOW))
    line = accepted["blocks"][-1]["elements"][0]["text"]
    assert line.startswith(":white_check_mark: *Accepted* by <@UDANA> · 2026-12-03 14:02 UTC")
    assert "React" not in line
    needs = escalation_card(posted(state=EscalationState.NEEDS_EVIDENCE), verdict=Verdict("UDANA", NOW))
    assert "waiting for <@UREPORTER> to add it" in needs["blocks"][-1]["elements"][0]["text"]


def test_the_thread_reply_mentions_the_engineers_and_names_what_changed():
    text = evidence_added_reply(posted(), AmendmentReply(
        editor_id="UREPORTER", mention=["UDANA", "USAM"], changed=[Field.EVIDENCE, Field.SEVERITY],
        back_to_triage=True,
    ))
    assert text.startswith("<@UDANA> <@USAM> ")
    assert "<@UREPORTER> added evidence to *ESC-12*" in text and "Evidence, Severity" in text
    assert check_message(text, None) == []
    update = evidence_added_reply(posted(), AmendmentReply(
        editor_id="UREPORTER", mention=[], changed=[Field.SCOPE], back_to_triage=False,
    ))
    assert update.startswith(":pencil2:") and "Suspected scope" in update


def test_someone_else_is_told_who_may_add_evidence():
    assert "Only <@UREPORTER>" in not_the_reporter(posted()) and PERMALINK in not_the_reporter(posted())
    assert "no longer exists" in not_the_reporter(None)


def test_the_amend_modal_is_prefilled_with_every_stored_value_and_within_limits():
    esc = maximal("é")
    view = escalation_modal(ModalMetadata(escalation_id=esc.id), draft_of(esc), editing=esc.ref)
    assert check_view(view) == []
    assert json.loads(view["private_metadata"]) == {"escalation_id": 12}
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    for field in FIELD_SPECS:
        assert inputs[field.value]["initial_value"] == getattr(esc, field.value), field
    assert inputs[Field.SEVERITY.value]["initial_option"]["value"] == esc.severity.value
    assert view["submit"]["text"] == "Save changes"

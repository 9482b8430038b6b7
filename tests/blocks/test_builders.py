"""Pure tests of the Block Kit builders: what a person sees, within Slack's limits for any input."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slack_app.blocks.card import ReactionNames, Verdict, escalation_card
from slack_app.blocks.messages import help_message, post_failed_notice, posted_confirmation
from slack_app.blocks.modal import ModalMetadata, escalation_modal, read_submission
from slack_app.blocks.mrkdwn import escape, escape_within
from slack_app.domain import FIELD_SPECS, Escalation, EscalationDraft, EscalationState, Severity
from slack_app.ids import Field
from tests.blockkit import check_message, check_view
from tests.slack_requests import state_values

NOW = datetime(2026, 12, 3, 14, 2, tzinfo=UTC)


def make_escalation(**overrides) -> Escalation:
    data = dict(
        id=12, reporter_id="UREPORTER", state=EscalationState.AWAITING_TRIAGE, created_at=NOW, updated_at=NOW,
        summary="Upgrade flow fails after payment step", impact="Admins cannot upgrade",
        expected="Plan shows Business", actual="Spinner, then error", evidence="https://replay.example.com/s/1",
        scope="Safari only", next_step="Webhook logs", severity=Severity.BLOCKED,
    )
    data.update(overrides)
    return Escalation(**data)


def maximal(char: str = "&") -> Escalation:
    fields = {f.value: char * spec.max_length for f, spec in FIELD_SPECS.items()}
    fields["ticket_url"] = "https://t.example.com/" + "a" * 470
    return make_escalation(**fields)


def test_modal_is_within_limits_and_declares_the_server_limits():
    view = escalation_modal(ModalMetadata(channel_id="C1"))
    assert check_view(view) == []
    for block in view["blocks"]:
        if block["type"] == "input" and block["block_id"] != Field.SEVERITY:
            assert block["element"]["max_length"] == FIELD_SPECS[Field(block["block_id"])].max_length
            assert block["hint"]["text"] and block["element"]["placeholder"]["text"].startswith("e.g.")
    optional = {b["block_id"] for b in view["blocks"] if b.get("optional")}
    assert optional == {Field.WORKAROUND, Field.TICKET_URL}


def test_modal_prefilled_with_maximal_values_is_within_limits():
    draft = EscalationDraft(**{f.value: "é" * 5000 for f in FIELD_SPECS}, severity="degraded")
    view = escalation_modal(ModalMetadata(channel_id="C1", escalation_id=99), draft, editing="ESC-99")
    assert check_view(view) == []
    severity = next(b for b in view["blocks"] if b.get("block_id") == Field.SEVERITY)
    assert severity["element"]["initial_option"]["value"] == "degraded"


def test_read_submission_round_trips_state_values():
    values = {f: f"value of {f.value}" for f in Field if f is not Field.SEVERITY}
    values[Field.SEVERITY] = "annoying"
    draft = read_submission(state_values(values))
    assert draft.impact == "value of impact" and draft.severity == "annoying"


def test_read_submission_tolerates_garbage():
    assert read_submission(None) == EscalationDraft()
    assert read_submission({"summary": "x", "impact": {"impact": {"value": 5}}}) == EscalationDraft()


def test_metadata_that_is_not_ours_reads_as_empty():
    assert ModalMetadata.parse('{"channel_id": "C1", "evil": 1}') == ModalMetadata()
    assert ModalMetadata.parse("not json") == ModalMetadata()
    assert ModalMetadata.parse('{"channel_id": "C1"}').channel_id == "C1"


def test_card_shows_every_fact_and_the_state_line():
    card = escalation_card(make_escalation(workaround="Desktop app", ticket_url="https://t.example.com/1"))
    assert check_message(card["text"], card["blocks"]) == []
    assert card["blocks"][0]["text"]["text"] == "Blocked · ESC-12 · Upgrade flow fails after payment step"
    shown = json.dumps(card["blocks"])
    for text in ("Admins cannot upgrade", "Plan shows Business", "Spinner, then error", "Safari only",
                 "Webhook logs", "Desktop app", "<https://t.example.com/1|Ticket>", "<@UREPORTER>",
                 "Awaiting triage"):
        assert text in shown


def test_card_for_maximal_escaped_input_stays_within_limits():
    for char in ("&", "<", "é", "x"):
        card = escalation_card(maximal(char))
        assert check_message(card["text"], card["blocks"]) == [], char


def test_card_in_each_state_says_who_and_when():
    verdict = Verdict(user_id="UDANA", at=NOW)
    accepted = escalation_card(make_escalation(state=EscalationState.ACCEPTED), verdict=verdict)
    state = accepted["blocks"][-1]["elements"][0]["text"]
    assert "Accepted" in state and "<@UDANA>" in state and "2026-12-03 14:02 UTC" in state
    needs = escalation_card(make_escalation(state=EscalationState.NEEDS_EVIDENCE), verdict=verdict)
    assert "Needs evidence" in needs["blocks"][-1]["elements"][0]["text"]
    custom = escalation_card(make_escalation(), ReactionNames(accept=("white_check_mark",), needs_evidence=("eyes",)))
    assert ":white_check_mark:" in custom["blocks"][-1]["elements"][0]["text"]


text_strategy = st.text(max_size=3000)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(summary=st.text(min_size=1, max_size=150), body=text_strategy)
def test_card_is_within_limits_for_any_unicode(summary, body):
    esc = make_escalation(summary=summary, impact=body[:1000] or "x", evidence=body[:2000] or "x",
                          workaround=body[:1000] or None)
    card = escalation_card(esc)
    assert check_message(card["text"], card["blocks"]) == []


def test_escape_neutralises_mentions_and_escape_within_never_splits_an_entity():
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    for limit in range(2, 30):
        cut = escape_within("&" * 40, limit)
        assert len(cut) <= limit
        assert cut.removesuffix("…").replace("&amp;", "") == ""


def test_messages_are_within_limits():
    esc = make_escalation(channel_id="CENG", message_ts="1.2", permalink="https://x.slack.com/archives/C/p1")
    for message in (posted_confirmation(esc), post_failed_notice(esc, "not_in_channel", "CENG"),
                    post_failed_notice(esc, "weird_error", "CENG")):
        assert check_message(message["text"], message["blocks"]) == []
    help_ = help_message()
    assert check_message(help_["text"], help_["blocks"]) == []

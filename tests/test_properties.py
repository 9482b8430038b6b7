"""Any text in any field: a field error, or an escalation whose card, modal and digest Slack accepts."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from slack_app.blocks.card import Verdict, escalation_card
from slack_app.blocks.digest import digest_message
from slack_app.blocks.modal import ModalMetadata, escalation_modal
from slack_app.domain import EscalationDraft, EscalationState
from slack_app.ids import Field
from slack_app.services.digest import DigestService
from slack_app.services.escalations import EscalationService
from slack_app.services.validation import InvalidEscalation
from storage.db import Databases
from storage.migrations import migrate
from tests.blockkit import check_message, check_view

# Real-looking pieces mixed with anything at all, so valid packets come up often enough.
pieces = st.sampled_from([
    "https://replay.example.com/s/1?t=84", "unknown - checked the logs", "<!channel>", "&amp;", "<@U1>",
    "*bold*", "`code`", "ESC-12", "14:02 UTC", "é", "👍", "\u202e", "\x00", " ", "\n", "a" * 40,
])
texts = st.one_of(
    st.text(max_size=3000),
    st.lists(st.one_of(pieces, st.text(max_size=20)), min_size=1, max_size=60).map("".join),
)


def plausible(base: str, limit: int) -> st.SearchStrategy[str]:
    """A real answer with anything at all around it: often valid, sometimes at the length limit."""
    noise = st.text(max_size=limit)
    return st.one_of(
        st.tuples(noise, noise).map(lambda pair: (pair[0] + " " + base + " " + pair[1])[:limit].strip() or base),
        texts,
    )


drafts = st.builds(
    EscalationDraft,
    summary=st.one_of(st.none(), plausible("Checkout fails", 150)),
    impact=plausible("Admins blocked in Billing", 1000),
    expected=plausible("Plan upgraded", 1000),
    actual=plausible("Error page", 1000),
    evidence=plausible("https://replay.example.com/s/1?t=84", 2000),
    scope=plausible("Safari only", 500),
    next_step=plausible("Billing logs", 1000),
    severity=st.sampled_from([None, "blocked", "degraded", "annoying", "urgent"]),
    workaround=st.one_of(st.none(), plausible("Use the desktop app", 1000)),
    ticket_url=st.one_of(st.none(), st.just("https://support.example.com/t/1"), pieces),
)
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])
@given(draft=drafts)
def test_any_input_is_a_field_error_or_an_escalation_slack_accepts_everywhere(tmp_path_factory, draft):
    databases = Databases(tmp_path_factory.getbasetemp() / "properties.db")
    migrate(databases())
    service = EscalationService(databases, clock=lambda: NOW)
    try:
        submitted = service.submit(draft, reporter_id="UREPORTER", team_id="T1", view_id=None)
    except InvalidEscalation as invalid:
        event("refused with field errors")
        assert invalid.errors and all(isinstance(f, Field) and m.strip() for f, m in invalid.errors.items())
        return
    event("stored and drawn")
    escalation = submitted.escalation
    for state in EscalationState:
        shown = escalation.model_copy(update={"state": state})
        card = escalation_card(shown, verdict=Verdict("UENG", NOW))
        assert check_message(card["text"], card["blocks"]) == []
    prefill = EscalationDraft(**escalation.model_dump(include=set(EscalationDraft.model_fields)))
    view = escalation_modal(ModalMetadata(escalation_id=escalation.id), prefill, editing=escalation.ref)
    assert check_view(view) == []
    digest = DigestService(databases, channel_id="CENG", zone=ZoneInfo("UTC"), clock=lambda: NOW).build(NOW)
    message = digest_message(digest)
    assert check_message(message["text"], message["blocks"]) == []
    databases.close()

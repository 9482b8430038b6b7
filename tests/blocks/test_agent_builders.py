"""Pure tests of what a support agent sees: the Home tab, `/escalate mine` and `status`, the message
shortcut's form. Within Slack's limits for any input, and no user text can ping anyone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slack_app.agent_model import (
    EscalationStatus,
    HistoryEntry,
    HistoryKind,
    HomePage,
    MessageSource,
    OwnEscalation,
    OwnEscalations,
    summary_from_message,
)
from slack_app.blocks.home import home_view
from slack_app.blocks.lookup import (
    HISTORY_SHOWN,
    malformed_id,
    mine_message,
    no_such_escalation,
    status_message,
    status_needs_id,
    unknown_subcommand,
)
from slack_app.blocks.messages import help_message
from slack_app.blocks.modal import ModalMetadata, read_submission
from slack_app.blocks.shortcut import message_escalation_modal
from slack_app.digest_model import Listing, Quality, SeverityCounts
from slack_app.domain import Escalation, EscalationState, Severity, VerdictKind
from slack_app.ids import ActionId, Field, HomeBlock, ModalBlock
from tests.blockkit import check_message, check_view

NOW = datetime(2026, 12, 3, 14, 2, tzinfo=UTC)
HOSTILE = "<!channel> <@U999> & <https://evil.example.com|click> " * 20


def own(i: int, state: EscalationState = EscalationState.AWAITING_TRIAGE, summary: str = "Checkout fails", **kw):
    data = dict(
        id=i, summary=summary, severity=Severity.BLOCKED, state=state, created_at=NOW - timedelta(hours=i),
        permalink=f"https://example.slack.com/archives/CENG/p{i:016d}",
    )
    if state is not EscalationState.AWAITING_TRIAGE:
        data.update(state_changed_at=NOW - timedelta(minutes=i), state_changed_by="UDANA")
    if state is EscalationState.ACCEPTED:
        data["accepted_at"] = NOW - timedelta(minutes=i)
    data.update(kw)
    return OwnEscalation(**data)


def listing(rows, total=None):
    return Listing[OwnEscalation](items=rows, total=len(rows) if total is None else total)


def quality(with_data: bool = False) -> Quality:
    if not with_data:
        return Quality(by_severity=[SeverityCounts(severity=s) for s in Severity])
    return Quality(
        by_severity=[SeverityCounts(severity=s, created=4, with_verdict=4, first_read=3) for s in Severity],
        accepted=9, median_sample=9, median_to_accept=timedelta(hours=4, minutes=20),
    )


def page(needs=(), awaiting=(), accepted=(), totals=(None, None, None), with_data=False) -> HomePage:
    return HomePage(
        as_of=NOW,
        own=OwnEscalations(
            reporter_id="UREPORTER", as_of=NOW,
            needs_evidence=listing(list(needs), totals[0]), awaiting=listing(list(awaiting), totals[1]),
        ),
        accepted=listing(list(accepted), totals[2]),
        quality=quality(with_data),
    )


def block(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def shown(blocks: list) -> str:
    return json.dumps(blocks, ensure_ascii=False)


# ----- App Home


def test_home_with_nothing_says_so_and_offers_the_button_and_no_data_yet():
    view = home_view(page())
    assert check_view(view) == []
    assert view["type"] == "home"
    [button] = block(view, HomeBlock.ACTIONS)["elements"]
    assert button["action_id"] == ActionId.NEW_ESCALATION and button["text"]["text"] == "New escalation"
    assert "Nothing open" in block(view, HomeBlock.NOTHING)["text"]["text"]
    figures = block(view, HomeBlock.FIGURES)["text"]["text"]
    assert "Accepted on first read: no data yet" in figures
    assert "Median time to acceptance: no data yet" in figures


def test_home_lists_open_ones_first_then_accepted_with_state_and_card_links():
    view = home_view(page(
        needs=[own(3, EscalationState.NEEDS_EVIDENCE)], awaiting=[own(2), own(1)],
        accepted=[own(4, EscalationState.ACCEPTED)], with_data=True,
    ))
    assert check_view(view) == []
    ids = [b.get("block_id") for b in view["blocks"]]
    assert ids.index(HomeBlock.NEEDS_EVIDENCE) < ids.index(HomeBlock.AWAITING) < ids.index(HomeBlock.ACCEPTED)
    assert HomeBlock.NOTHING not in ids
    needs = block(view, HomeBlock.NEEDS_EVIDENCE)["text"]["text"]
    assert "<https://example.slack.com/archives/CENG/p0000000000000003|ESC-3>" in needs
    assert "needs evidence · asked by <@UDANA> 3 min ago" in needs
    assert "awaiting triage for 2 h" in block(view, HomeBlock.AWAITING)["text"]["text"]
    assert "accepted by <@UDANA>" in block(view, HomeBlock.ACCEPTED)["text"]["text"]
    figures = block(view, HomeBlock.FIGURES)["text"]["text"]
    assert "*75%*" in figures and "4 h 20 min" in figures


def test_home_with_only_accepted_ones_says_nothing_is_open_and_lists_them():
    view = home_view(page(accepted=[own(1, EscalationState.ACCEPTED)]))
    assert "Nothing open" in block(view, HomeBlock.NOTHING)["text"]["text"]
    assert "ESC-1" in block(view, HomeBlock.ACCEPTED)["text"]["text"]


def test_home_with_hundreds_of_long_hostile_escalations_stays_within_limits():
    def rows(state, start):
        return [
            own(i, state, summary="&<>" * 50, permalink="https://example.slack.com/" + "a" * 470)
            for i in range(start, start + 15)
        ]

    view = home_view(page(
        needs=rows(EscalationState.NEEDS_EVIDENCE, 1), awaiting=rows(EscalationState.AWAITING_TRIAGE, 100),
        accepted=rows(EscalationState.ACCEPTED, 200)[:10], totals=(120, 150, 30),
    ))
    assert check_view(view) == []
    assert len(view["blocks"]) <= 12 and len(json.dumps(view)) < 50_000
    for block_id, total in ((HomeBlock.NEEDS_EVIDENCE, 120), (HomeBlock.AWAITING, 150), (HomeBlock.ACCEPTED, 30)):
        text = block(view, block_id)["text"]["text"]
        listed = text.count("\n• ")
        assert f"…and {total - listed} more" in text


def test_home_escapes_what_people_wrote():
    view = home_view(page(awaiting=[own(1, summary=HOSTILE)]))
    text = shown(view["blocks"])
    assert "<!channel>" not in text and "<@U999>" not in text and "<https://evil" not in text
    assert "&lt;!channel&gt;" in text


def test_home_without_a_card_says_so():
    view = home_view(page(awaiting=[own(1, permalink=None, card_posted=False)]))
    assert "ESC-1 (no card yet)" in block(view, HomeBlock.AWAITING)["text"]["text"]


# ----- /escalate mine


def test_mine_with_none_is_kind_and_ephemeral():
    message = mine_message(page().own)
    assert message["response_type"] == "ephemeral"
    assert "no open escalations" in message["text"]
    assert check_message(message["text"], message["blocks"]) == []


def test_mine_lists_needs_evidence_then_awaiting_within_limits():
    rows = [own(i, summary=HOSTILE) for i in range(1, 16)]
    message = mine_message(page(needs=[own(99, EscalationState.NEEDS_EVIDENCE)], awaiting=rows, totals=(1, 300, 0)).own)
    assert check_message(message["text"], message["blocks"]) == []
    assert message["text"] == "You have 301 open escalations."
    text = shown(message["blocks"])
    assert text.index("|ESC-99>") < text.index("|ESC-1>") and "…and" in text and "<!channel>" not in text


# ----- /escalate status


def escalation(**overrides) -> Escalation:
    data = dict(
        id=12, reporter_id="UREPORTER", state=EscalationState.AWAITING_TRIAGE, created_at=NOW, updated_at=NOW,
        summary="Upgrade flow fails", impact="i", expected="e", actual="a", evidence="https://r.example.com/1",
        scope="s", next_step="n", severity=Severity.DEGRADED, channel_id="CENG", message_ts="1.2",
        permalink="https://example.slack.com/archives/CENG/p12", posted_at=NOW,
    )
    data.update(overrides)
    return Escalation(**data)


def test_status_names_state_who_when_history_and_card():
    esc = escalation(state=EscalationState.NEEDS_EVIDENCE, state_changed_at=NOW, state_changed_by="UDANA")
    history = [
        HistoryEntry(at=NOW, kind=HistoryKind.FILED, user_id="UREPORTER"),
        HistoryEntry(at=NOW, kind=HistoryKind.POSTED),
        HistoryEntry(at=NOW, kind=HistoryKind.REACTION_ADDED, user_id="UDANA", reaction="mag",
                     verdict=VerdictKind.NEEDS_EVIDENCE),
        HistoryEntry(at=NOW, kind=HistoryKind.EVIDENCE_ADDED, user_id="UREPORTER", changed=("evidence", "impact")),
    ]
    message = status_message(EscalationStatus(escalation=esc, history=history))
    assert message["response_type"] == "ephemeral"
    assert check_message(message["text"], message["blocks"]) == []
    text = shown(message["blocks"])
    assert "*Needs evidence* · set by <@UDANA> · 2026-12-03 14:02 UTC" in text
    assert "|see the card>" in text and "<#CENG>" in text
    assert "<@UDANA> added :mag: (needs evidence)" in text
    assert "amended it (changed: Evidence, Impact)" in text


def test_status_of_an_unposted_escalation_with_a_long_history_stays_within_limits():
    esc = escalation(channel_id=None, message_ts=None, permalink=None, posted_at=None, summary=HOSTILE[:150])
    history = [
        HistoryEntry(at=NOW, kind=HistoryKind.REACTION_REMOVED, user_id="W" + "X" * 30, reaction="+1::skin-tone-6",
                     verdict=VerdictKind.ACCEPTED)
        for _ in range(500)
    ]
    message = status_message(EscalationStatus(escalation=esc, history=history))
    assert check_message(message["text"], message["blocks"]) == []
    text = shown(message["blocks"])
    assert "card not posted yet" in text and f"latest {HISTORY_SHOWN}; 488 earlier not shown" in text
    assert "<!channel>" not in text


def test_answers_to_unknown_and_malformed_ids_echo_safely():
    for message in (
        no_such_escalation("ESC-999"), malformed_id("<!channel>`x" * 30), status_needs_id(),
        unknown_subcommand("list"), unknown_subcommand("<@U1>", "#<!here>"),
    ):
        assert message["response_type"] == "ephemeral"
        assert check_message(message["text"], message["blocks"]) == []
        text = shown(message["blocks"])
        assert "<!channel>" not in text and "<@U1>" not in text and "<!here>" not in text
    assert "No escalation ESC-999. Try `/escalate mine`" in no_such_escalation("ESC-999")["text"]


def test_help_lists_the_subcommands():
    help_ = help_message()
    assert check_message(help_["text"], help_["blocks"]) == []
    text = shown(help_["blocks"])
    for word in ("/escalate mine", "/escalate status ESC-12", "Escalate this message", "Home"):
        assert word in text


# ----- the message shortcut's form


def test_the_summary_is_the_first_line_as_plain_text():
    assert summary_from_message("\n\n  Checkout   fails &amp; &lt;b&gt; for <@U123>  \nmore", 150) == (
        "Checkout fails & <b> for <@U123>"
    )
    assert summary_from_message("x" * 400, 150) == "x" * 149 + "…"
    assert summary_from_message("  \n ", 150) is None


def test_the_form_opens_with_the_summary_and_the_author_then_gains_the_permalink():
    body = {
        "channel": {"id": "CSUPPORT"},
        "message": {"ts": "1733241600.000100", "user": "UCUSTOMER", "text": "*Login* loops <!here>\nsecond"},
    }
    source = MessageSource.from_shortcut(body)
    first = message_escalation_modal(ModalMetadata(channel_id="CSUPPORT"), source)
    assert check_view(first) == []
    note = block(first, ModalBlock.SOURCE)["elements"][0]["text"]
    assert "From a message by <@UCUSTOMER>" in note
    assert block(first, Field.SUMMARY)["element"]["initial_value"] == "*Login* loops <!here>"
    assert "initial_value" not in block(first, Field.EVIDENCE)["element"]

    permalink = "https://example.slack.com/archives/CSUPPORT/p1733241600000100"
    second = message_escalation_modal(ModalMetadata(channel_id="CSUPPORT"), source.with_permalink(permalink))
    assert check_view(second) == []
    assert block(second, Field.EVIDENCE)["element"]["initial_value"] == permalink
    assert f"<{permalink}|a message>" in block(second, ModalBlock.SOURCE)["elements"][0]["text"]
    # Same inputs, same ids: what the person typed meanwhile is kept, and submission reads it as usual.
    def inputs(view: dict) -> list[tuple[str, str]]:
        return [(b["block_id"], b["element"]["action_id"]) for b in view["blocks"] if b["type"] == "input"]

    assert inputs(first) == inputs(second)
    assert second["callback_id"] == first["callback_id"]


def test_an_odd_payload_still_opens_a_form():
    for body in ({}, {"message": "x", "channel": None}, {"message": {"user": "<!channel>", "ts": "x", "text": 5}},
                 {"message": {"bot_id": "B1", "text": "deploy failed"}, "channel": {"id": "C1X"}}):
        source = MessageSource.from_shortcut(body)
        view = message_escalation_modal(ModalMetadata(), source)
        assert check_view(view) == []
        assert "<!channel>" not in shown(view["blocks"])
    assert "from an app" in shown(message_escalation_modal(ModalMetadata(), source)["blocks"])
    assert not MessageSource.from_shortcut({"message": {"ts": "1.2"}}).can_link


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=5000))
def test_any_message_text_gives_a_form_slack_accepts(text):
    source = MessageSource.from_shortcut({"channel": {"id": "C1"}, "message": {"ts": "1.2", "user": "U1X", "text": text}})
    view = message_escalation_modal(ModalMetadata(channel_id="C1"), source)
    assert check_view(view) == []
    summary = read_submission({Field.SUMMARY.value: {Field.SUMMARY.value: {
        "value": block(view, Field.SUMMARY)["element"].get("initial_value")}}}).summary
    assert summary is None or (0 < len(summary) <= 150 and "\n" not in summary)

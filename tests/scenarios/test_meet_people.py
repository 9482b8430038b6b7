"""Meeting support agents where they work, end to end through signed requests and the Slack stand-in:
the message shortcut, the App Home tab, `/escalate mine` and `/escalate status`."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest

from slack_app.ids import ActionId, CallbackId, Field, HomeBlock, ModalBlock
from tests.blockkit import check_message, check_view
from tests.conftest import ENG_CHANNEL, RunningApp
from tests.digest_support import add_escalation
from tests.slack_requests import valid_values
from tests.waiting import wait_until

SUPPORT = "CSUPPORT"


def block(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def block_ids(view: dict) -> list[str | None]:
    return [b.get("block_id") for b in view["blocks"]]


def file_escalation(running: RunningApp, user: str = "UREPORTER", **overrides: str | None) -> dict:
    """Submit a valid escalation and wait until its card is posted; its row."""
    running.requests.view_submission(valid_values(**overrides), user=user)
    return wait_until(lambda: (rows := running.rows()) and rows[-1]["permalink"] and rows[-1])


def settle(running: RunningApp) -> None:
    time.sleep(0.2)
    wait_until(lambda: running.requests.raw("GET", "/healthz").json()["pending_slack_writes"] == 0)


# ----- the message shortcut


def post_customer_message(running: RunningApp, text: str) -> str:
    running.slack.add_channel(SUPPORT, "support")
    return running.slack.add_message(SUPPORT, text, user="UCUSTOMER")


def test_the_shortcut_opens_a_prefilled_form_and_the_permalink_follows_by_update(running: RunningApp):
    text = "Checkout fails for <@U0AGENT> &amp; team *since* 9:00\nStack trace below"
    ts = post_customer_message(running, text)
    trigger = running.slack.issue_trigger_id()
    reply = running.requests.message_shortcut({"ts": ts, "user": "UCUSTOMER", "text": text}, trigger_id=trigger)
    assert reply.status == 200

    [opened] = running.slack.wait_for("views.open")
    assert opened.params["trigger_id"] == trigger
    first = opened.params["view"]
    assert first["callback_id"] == CallbackId.ESCALATION_MODAL
    assert block(first, Field.SUMMARY)["element"]["initial_value"] == (
        "Checkout fails for <@U0AGENT> & team *since* 9:00"
    )
    assert "initial_value" not in block(first, Field.EVIDENCE)["element"]
    assert "From a message by <@UCUSTOMER>" in block(first, ModalBlock.SOURCE)["elements"][0]["text"]

    [permalink_call] = running.slack.wait_for("chat.getPermalink")
    assert permalink_call.params["channel"] == SUPPORT and permalink_call.params["message_ts"] == ts
    [update] = running.slack.wait_for("views.update")
    permalink = f"https://example.slack.com/archives/{SUPPORT}/p{ts.replace('.', '')}"
    # The form views.open opened is the one updated (the only view there is), guarded by its hash.
    assert list(running.slack.views) == [update.params["view_id"]]
    assert update.params["hash"]
    second = update.params["view"]
    assert check_view(second) == []
    assert block(second, Field.EVIDENCE)["element"]["initial_value"] == permalink
    assert block(second, Field.SUMMARY)["element"]["initial_value"] == block(first, Field.SUMMARY)["element"]["initial_value"]
    assert f"<{permalink}|a message>" in block(second, ModalBlock.SOURCE)["elements"][0]["text"]
    assert second["callback_id"] == CallbackId.ESCALATION_MODAL

    # Submitted like any other form: it becomes an escalation whose Evidence is the message's link.
    running.requests.view_submission(
        valid_values(summary="Checkout fails for a team since 9:00", evidence=permalink),
        private_metadata=second["private_metadata"],
    )
    row = wait_until(lambda: (rows := running.rows()) and rows[0])
    assert row["evidence"] == permalink


def test_a_shortcut_whose_permalink_call_fails_still_opens_the_form(running: RunningApp):
    ts = post_customer_message(running, "Login loops on SSO")
    running.slack.fail_next("chat.getPermalink", "channel_not_found")
    running.requests.message_shortcut(
        {"ts": ts, "user": "UCUSTOMER", "text": "Login loops on SSO"}, trigger_id=running.slack.issue_trigger_id()
    )
    [opened] = running.slack.wait_for("views.open")
    assert block(opened.params["view"], Field.SUMMARY)["element"]["initial_value"] == "Login loops on SSO"
    running.slack.wait_for("chat.getPermalink")
    time.sleep(0.2)
    assert running.slack.calls_to("views.update") == []
    assert running.slack.calls_to("response_url") == []  # nothing to apologise for: the form is open


@pytest.mark.parametrize("error", ["not_found", "hash_conflict"])
def test_a_form_closed_or_changed_before_its_permalink_arrives_is_left_alone(running: RunningApp, error: str):
    ts = post_customer_message(running, "Invoices are empty")
    running.slack.fail_next("views.update", error)
    running.requests.message_shortcut(
        {"ts": ts, "user": "UCUSTOMER", "text": "Invoices are empty"}, trigger_id=running.slack.issue_trigger_id()
    )
    running.slack.wait_for("views.update")
    time.sleep(0.2)
    assert running.slack.calls_to("response_url") == []
    # The app is fine: the next shortcut works as usual.
    running.requests.message_shortcut(
        {"ts": ts, "user": "UCUSTOMER", "text": "Invoices are empty"}, trigger_id=running.slack.issue_trigger_id()
    )
    running.slack.wait_for("views.update", count=2)


def test_a_shortcut_with_an_expired_trigger_says_to_try_again(running: RunningApp):
    running.requests.message_shortcut({"ts": "1733241600.000100", "user": "UCUSTOMER", "text": "x"},
                                      trigger_id="expired-or-unknown")
    [response] = running.slack.wait_for("response_url")
    assert response.params["response_type"] == "ephemeral"
    assert "Escalate this message" in response.params["text"]
    assert running.slack.calls_to("chat.getPermalink") == []


# ----- App Home


def published_home(running: RunningApp, user: str = "UREPORTER", count: int = 1) -> dict:
    calls = running.slack.wait_for("views.publish", count=count)
    call = calls[-1]
    assert call.params["user_id"] == user
    view = call.params["view"]
    assert check_view(view) == []
    return view


def test_home_with_no_escalations_says_so(running: RunningApp):
    assert running.requests.app_home_opened("UREPORTER").status == 200
    view = published_home(running)
    assert HomeBlock.NOTHING in block_ids(view)
    figures = block(view, HomeBlock.FIGURES)["text"]["text"]
    assert "Accepted on first read: no data yet" in figures and "Median time to acceptance: no data yet" in figures


def test_home_lists_a_few_of_the_viewers_own_escalations_with_state_and_card(running: RunningApp):
    mine = file_escalation(running, summary="Mine: export button is missing")
    file_escalation(running, user="USOMEONE", summary="Theirs: search is slow")
    accepted = file_escalation(running, summary="Mine: invoices show the wrong VAT")
    running.requests.reaction("+1", channel=ENG_CHANNEL, ts=accepted["message_ts"], user="UDANA")
    wait_until(lambda: running.db.execute("SELECT state FROM escalations WHERE id = ?", [accepted["id"]])
               .fetchone()[0] == "accepted")

    running.requests.app_home_opened("UREPORTER")
    view = published_home(running)
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "Theirs" not in shown
    awaiting = block(view, HomeBlock.AWAITING)["text"]["text"]
    assert f"|ESC-{mine['id']}>" in awaiting and mine["permalink"] in awaiting and "awaiting triage" in awaiting
    done = block(view, HomeBlock.ACCEPTED)["text"]["text"]
    assert f"|ESC-{accepted['id']}>" in done and "accepted by <@UDANA>" in done
    assert block_ids(view).index(HomeBlock.AWAITING) < block_ids(view).index(HomeBlock.ACCEPTED)
    assert "Accepted on first read: *100%* (1 of 1 with a verdict)" in block(view, HomeBlock.FIGURES)["text"]["text"]

    # It is drawn afresh each time it is opened.
    running.requests.reaction("mag", channel=ENG_CHANNEL, ts=mine["message_ts"], user="UDANA")
    wait_until(lambda: running.db.execute("SELECT state FROM escalations WHERE id = ?", [mine["id"]])
               .fetchone()[0] == "needs_evidence")
    running.requests.app_home_opened("UREPORTER")
    view = published_home(running, count=2)
    assert f"|ESC-{mine['id']}>" in block(view, HomeBlock.NEEDS_EVIDENCE)["text"]["text"]
    assert HomeBlock.AWAITING not in block_ids(view)


def test_home_with_300_escalations_stays_within_slacks_limits(running: RunningApp):
    now = running.clock()
    for i in range(300):
        add_escalation(
            running.db, created_at=now - timedelta(hours=i), reporter_id="UREPORTER",
            state=("awaiting_triage", "needs_evidence", "accepted")[i % 3],
            summary=f"Problem {i} " + "&<>" * 40,
            state_changed_at=now - timedelta(hours=i), state_changed_by="UDANA",
            accepted_at=now - timedelta(hours=i) if i % 3 == 2 else None,
        )
    add_escalation(running.db, created_at=now, reporter_id="USOMEONE", summary="Someone else's")
    running.requests.app_home_opened("UREPORTER")
    view = published_home(running)
    assert len(view["blocks"]) <= 100 and len(json.dumps(view, ensure_ascii=False)) < 250_000
    assert "Someone else" not in json.dumps(view, ensure_ascii=False)
    for block_id, total in ((HomeBlock.NEEDS_EVIDENCE, 100), (HomeBlock.AWAITING, 100)):
        text = block(view, block_id)["text"]["text"]
        assert f"({total})" in text and f"…and {total - text.count(chr(10) + '• ')} more" in text
    assert "…and" in block(view, HomeBlock.ACCEPTED)["text"]["text"]


def test_the_messages_tab_publishes_nothing(running: RunningApp):
    assert running.requests.app_home_opened("UREPORTER", tab="messages").status == 200
    time.sleep(0.3)
    assert running.slack.calls_to("views.publish") == []


def test_the_new_escalation_button_opens_the_form(running: RunningApp):
    trigger = running.slack.issue_trigger_id()
    assert running.requests.home_button(ActionId.NEW_ESCALATION.value, trigger_id=trigger).status == 200
    [opened] = running.slack.wait_for("views.open")
    assert opened.params["trigger_id"] == trigger
    view = opened.params["view"]
    assert view["callback_id"] == CallbackId.ESCALATION_MODAL
    assert "initial_value" not in block(view, Field.SUMMARY)["element"]


# ----- /escalate status, mine, and summaries that start with a subcommand word


def ephemeral(reply) -> dict:
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert check_message(body["text"], body["blocks"]) == []
    return body


def test_status_of_your_own_escalation_shows_state_who_when_history_and_card(running: RunningApp):
    row = file_escalation(running)
    ts = row["message_ts"]
    running.requests.reaction("mag", channel=ENG_CHANNEL, ts=ts, user="UDANA")
    running.requests.reaction("+1", channel=ENG_CHANNEL, ts=ts, user="UERIN")
    wait_until(lambda: running.db.execute("SELECT state FROM escalations").fetchone()[0] == "accepted")
    settle(running)
    for written in (f"ESC-{row['id']}", f"esc-{row['id']}", str(row["id"]), f"#{row['id']}"):
        body = ephemeral(running.requests.command(f"status {written}", trigger_id=running.slack.issue_trigger_id()))
        shown = json.dumps(body["blocks"], ensure_ascii=False)
        assert "*Accepted* · set by <@UERIN>" in shown
        assert "filed by <@UREPORTER>" in shown and "card posted in <#CENG0001>" in shown
        assert "<@UDANA> added :mag: (needs evidence)" in shown and "<@UERIN> added :+1: (accept)" in shown
        assert f"{row['permalink']}|see the card>" in shown
    assert running.slack.calls_to("views.open") == []


def test_anyone_may_see_the_status_of_someone_elses_escalation(running: RunningApp):
    row = file_escalation(running, user="UREPORTER")
    body = ephemeral(running.requests.command(f"status ESC-{row['id']}", user="UNOSY"))
    shown = json.dumps(body["blocks"], ensure_ascii=False)
    assert "*Awaiting triage* since it was filed" in shown and "Reported by <@UREPORTER>" in shown


def test_status_of_an_unknown_or_malformed_id_is_answered_helpfully(running: RunningApp):
    body = ephemeral(running.requests.command("status ESC-999"))
    assert "No escalation ESC-999. Try `/escalate mine`" in body["text"]
    body = ephemeral(running.requests.command("status ESC-abc"))
    assert "`ESC-abc` is not an escalation id" in body["text"]
    body = ephemeral(running.requests.command("status"))
    assert "Which escalation?" in body["text"]
    body = ephemeral(running.requests.command("list"))
    assert "I don't know `/escalate list`" in body["text"] and "/escalate mine" in body["text"]
    time.sleep(0.1)
    assert running.slack.calls_to("views.open") == []


def test_mine_with_none_and_with_some(running: RunningApp):
    body = ephemeral(running.requests.command("mine"))
    assert "You have no open escalations" in body["text"]
    first = file_escalation(running, summary="Mine: export button is missing")
    file_escalation(running, user="USOMEONE", summary="Theirs: search is slow")
    second = file_escalation(running, summary="Mine: invoices show the wrong VAT")
    body = ephemeral(running.requests.command("mine"))
    shown = json.dumps(body["blocks"], ensure_ascii=False)
    assert body["text"] == "You have 2 open escalations."
    assert shown.index(f"|ESC-{second['id']}>") < shown.index(f"|ESC-{first['id']}>")
    assert "Theirs" not in shown


def test_a_summary_starting_with_status_still_opens_the_form(running: RunningApp):
    trigger = running.slack.issue_trigger_id()
    reply = running.requests.command("Status page is down", trigger_id=trigger)
    assert reply.status == 200 and not reply.body
    [opened] = running.slack.wait_for("views.open")
    assert block(opened.params["view"], Field.SUMMARY)["element"]["initial_value"] == "Status page is down"


def test_help_lists_the_subcommands(running: RunningApp):
    body = ephemeral(running.requests.command("help"))
    shown = json.dumps(body["blocks"], ensure_ascii=False)
    assert "/escalate mine" in shown and "/escalate status ESC-12" in shown and "Escalate this message" in shown

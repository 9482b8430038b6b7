"""The acceptance loop end to end: reactions on the card in, what Slack receives and SQLite holds out."""

from __future__ import annotations

import json
import time

import pytest

from slack_app.ids import ActionId, Field, NoticeBlock
from tests.conftest import ENG_CHANNEL, RunningApp
from tests.slack_requests import valid_values
from tests.waiting import wait_until

RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}



def row(running: RunningApp) -> dict:
    [only] = running.rows()
    return only


def card_posts(running: RunningApp):
    return [
        c for c in running.slack.calls_to("chat.postMessage")
        if c.params.get("channel") == ENG_CHANNEL and not c.params.get("thread_ts")
    ]


def card_updates(running: RunningApp):
    return running.slack.calls_to("chat.update")


def verdict_dms(running: RunningApp, user: str = "UREPORTER"):
    return [
        c for c in running.slack.calls_to("chat.postMessage")
        if c.params.get("channel") == user and (c.params.get("blocks") or [{}])[0].get("block_id") == NoticeBlock.VERDICT
    ]


def thread_replies(running: RunningApp, ts: str):
    return [
        c for c in running.slack.calls_to("chat.postMessage")
        if c.params.get("channel") == ENG_CHANNEL and c.params.get("thread_ts") == ts
    ]


def state_line(message: dict) -> str:
    return message["blocks"][-1]["elements"][0]["text"]


def card_message(running: RunningApp, ts: str) -> dict:
    return running.slack.messages[(ENG_CHANNEL, ts)]


def file_escalation(running: RunningApp, **overrides: str | None) -> str:
    """Submit a valid escalation, wait until its card and the reporter's receipt are out; the card ts."""
    running.requests.view_submission(valid_values(**overrides))
    stored = wait_until(lambda: (rows := running.rows()) and rows[-1]["permalink"] and rows[-1])
    wait_until(lambda: [c for c in running.slack.calls_to("chat.postMessage") if c.params.get("channel") == "UREPORTER"])
    return stored["message_ts"]


def react(running: RunningApp, name: str, ts: str, *, user: str = "UDANA", removed: bool = False, **kwargs):
    reply = running.requests.reaction(name, channel=kwargs.pop("channel", ENG_CHANNEL), ts=ts, user=user,
                                      removed=removed, **kwargs)
    assert reply.status == 200
    return reply


def settle(running: RunningApp, seconds: float = 0.3) -> None:
    """Let the listener threads and the outbox worker finish what they were given."""
    time.sleep(seconds)
    wait_until(lambda: running.requests.raw("GET", "/healthz").json()["pending_slack_writes"] == 0)


# ----- a verdict


@pytest.mark.parametrize("name", ["+1", "thumbsup", "+1::skin-tone-3", "thumbsup::skin-tone-6"])
def test_a_thumbs_up_in_any_skin_tone_or_alias_accepts_and_the_card_and_reporter_are_told(running, name):
    ts = file_escalation(running)
    react(running, name, ts)
    wait_until(lambda: row(running)["state"] == "accepted")
    stored = row(running)
    assert stored["state_changed_by"] == "UDANA" and stored["accepted_at"] == stored["state_changed_at"]
    assert stored["first_verdict_at"] == stored["accepted_at"] and stored["needs_evidence_rounds"] == 0

    [update] = wait_until(lambda: card_updates(running))
    assert (update.params["channel"], update.params["ts"]) == (ENG_CHANNEL, ts)
    line = state_line(card_message(running, ts))
    assert "*Accepted*" in line and "<@UDANA>" in line and " UTC" in line and "React" not in line
    assert len(card_posts(running)) == 1

    [dm] = wait_until(lambda: verdict_dms(running))
    text = dm.params["text"]
    assert "ESC-1" in text and "accepted" in text and "<@UDANA>" in text and stored["permalink"] in text
    assert "UTC" in text
    assert all(b["type"] != "actions" for b in dm.params["blocks"])
    [logged] = running.rows("reaction_events")
    assert (logged["user_id"], logged["reaction"], logged["verdict"], logged["action"]) == (
        "UDANA", name, "accepted", "added")


def test_a_needs_evidence_reaction_tells_the_reporter_with_an_add_evidence_button(running):
    ts = file_escalation(running)
    react(running, "needs-evidence", ts)
    wait_until(lambda: row(running)["state"] == "needs_evidence")
    assert row(running)["needs_evidence_rounds"] == 1
    [dm] = wait_until(lambda: verdict_dms(running))
    assert "needs evidence" in dm.params["text"] and "<@UDANA>" in dm.params["text"]
    [button] = [b for b in dm.params["blocks"] if b["type"] == "actions"][0]["elements"]
    assert button["action_id"] == ActionId.ADD_EVIDENCE and button["text"]["text"] == "Add evidence"
    assert json.loads(button["value"]) == {"escalation_id": 1}
    wait_until(lambda: card_updates(running))
    line = state_line(card_message(running, ts))
    assert "*Needs evidence*" in line and "<@UDANA>" in line and "waiting for <@UREPORTER>" in line


def test_reactions_that_do_not_count_change_nothing(running):
    ts = file_escalation(running)
    slack = running.slack
    reply_ts = slack.add_message(ENG_CHANNEL, "is this the payment thing?", user="USAM", thread_ts=ts)
    other_ts = slack.add_message(ENG_CHANNEL, "lunch?", user="USAM")
    react(running, "+1", ts, user="UREPORTER")  # the reporter on their own escalation
    react(running, "+1", ts, user="UBOT0001")  # the app itself
    react(running, "+1", reply_ts)  # a reply in the card's thread
    react(running, "+1", ts, channel="COTHER")  # the same ts in another channel
    react(running, "tada", ts)  # not a verdict
    react(running, "mag", other_ts)  # a message that is no card
    react(running, "+1", ts, user="UREPORTER", removed=True)
    settle(running)
    assert running.rows("reaction_events") == []
    assert row(running)["state"] == "awaiting_triage" and row(running)["state_changed_at"] is None
    assert card_updates(running) == [] and verdict_dms(running) == []
    # The card still counts afterwards.
    react(running, "+1", ts)
    wait_until(lambda: row(running)["state"] == "accepted")


def test_reactions_elsewhere_are_answered_without_writing_or_opening_a_connection_each(running):
    ts = file_escalation(running)
    connections = len(running.databases._all)
    for i in range(40):
        reply = react(running, "+1" if i % 2 else "tada", f"{ts[:-3]}{i:03d}" if i % 4 else ts, user="USAM",
                      channel=ENG_CHANNEL if i % 4 else "COTHER")
        assert reply.body in (b"", b"{}")
    # Each request comes on a thread of its own here; the card lookups share pooled connections.
    assert len(running.databases._all) - connections <= 3
    settle(running)
    assert running.rows("reaction_events") == [] and row(running)["state"] == "awaiting_triage"


def test_a_redelivered_event_changes_nothing_twice(running):
    ts = file_escalation(running)
    react(running, "+1", ts, event_id="Ev0REDELIVER")
    react(running, "+1", ts, event_id="Ev0REDELIVER", headers=RETRY)
    wait_until(lambda: verdict_dms(running))
    settle(running)
    react(running, "+1", ts, event_id="Ev0REDELIVER", headers={**RETRY, "X-Slack-Retry-Num": "2"})
    settle(running)
    assert len(running.rows("reaction_events")) == 1
    assert len(card_updates(running)) == 1
    assert len(verdict_dms(running)) == 1
    assert len([i for i in running.rows("outbox") if i["kind"] == "notice"]) == 2  # receipt + verdict


# ----- removal and recompute


def test_removing_the_only_thumbs_up_puts_it_back_to_awaiting_triage(running):
    ts = file_escalation(running)
    react(running, "+1", ts)
    wait_until(lambda: row(running)["state"] == "accepted")
    react(running, "thumbsup::skin-tone-2", ts, removed=True)  # alias and skin tone: the same reaction
    wait_until(lambda: row(running)["state"] == "awaiting_triage")
    stored = row(running)
    assert stored["accepted_at"] is None and stored["first_verdict_at"] is not None
    assert stored["state_changed_by"] == "UDANA"
    dms = wait_until(lambda: len(verdict_dms(running)) == 2 and verdict_dms(running))
    assert "awaiting triage" in dms[1].params["text"] and "withdrew" in dms[1].params["text"]
    settle(running)
    line = state_line(card_message(running, ts))
    assert "Awaiting triage" in line and "<@UDANA> withdrew their verdict" in line


def test_two_thumbs_up_and_one_removed_stays_accepted(running):
    ts = file_escalation(running)
    react(running, "+1", ts, user="UDANA")
    wait_until(lambda: row(running)["state"] == "accepted")
    react(running, "+1", ts, user="USAM")
    wait_until(lambda: len(running.rows("reaction_events")) == 2)
    react(running, "+1", ts, user="UDANA", removed=True)
    wait_until(lambda: row(running)["state_changed_by"] == "USAM")
    assert row(running)["state"] == "accepted"
    settle(running)
    assert "<@USAM>" in state_line(card_message(running, ts))
    assert len(verdict_dms(running)) == 1  # the state never changed after the first
    react(running, "+1", ts, user="USAM", removed=True)
    wait_until(lambda: row(running)["state"] == "awaiting_triage")


def test_with_both_verdicts_present_the_later_wins_and_removing_it_falls_back(running):
    ts = file_escalation(running)
    react(running, "+1", ts, user="UDANA")
    wait_until(lambda: row(running)["state"] == "accepted")
    react(running, "mag", ts, user="USAM")
    wait_until(lambda: row(running)["state"] == "needs_evidence")
    assert row(running)["accepted_at"] is None and row(running)["state_changed_by"] == "USAM"
    react(running, "mag", ts, user="USAM", removed=True)
    wait_until(lambda: row(running)["state"] == "accepted")
    stored = row(running)
    assert stored["state_changed_by"] == "UDANA" and stored["needs_evidence_rounds"] == 1
    dms = wait_until(lambda: len(verdict_dms(running)) == 3 and verdict_dms(running))
    assert ["accepted" in dms[0].params["text"], "needs evidence" in dms[1].params["text"],
            "accepted" in dms[2].params["text"]] == [True, True, True]
    settle(running)
    assert "*Accepted* by <@UDANA>" in state_line(card_message(running, ts))


# ----- adding evidence


def dm_with_button(running: RunningApp) -> dict:
    messages = wait_until(lambda: [
        m for m in running.slack.messages_in("UREPORTER") if any(b["type"] == "actions" for b in m.get("blocks", []))
    ])
    return messages[-1]


def press_add_evidence(running: RunningApp, user: str = "UREPORTER"):
    message = dm_with_button(running)
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    [button] = actions["elements"]
    trigger = running.slack.issue_trigger_id(user_id=user)
    reply = running.requests.block_actions(
        button["action_id"], button["value"], user=user, trigger_id=trigger,
        channel=running.slack.dm_channel("UREPORTER"), message=message, block_id=actions["block_id"],
    )
    assert reply.status == 200
    return trigger


def test_add_evidence_round_trip(running):
    ts = file_escalation(running, workaround="Use the desktop app", ticket_url="https://support.example.com/t/4521")
    react(running, "mag", ts, user="UDANA")
    wait_until(lambda: row(running)["state"] == "needs_evidence")

    trigger = press_add_evidence(running)
    [opened] = running.slack.wait_for("views.open")
    assert opened.params["trigger_id"] == trigger
    view = opened.params["view"]
    assert json.loads(view["private_metadata"]) == {"escalation_id": 1}
    assert "ESC-1" in view["blocks"][0]["elements"][0]["text"]
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    stored = row(running)
    for fld in (Field.SUMMARY, Field.IMPACT, Field.EXPECTED, Field.ACTUAL, Field.EVIDENCE, Field.SCOPE,
                Field.NEXT_STEP, Field.WORKAROUND, Field.TICKET_URL):
        assert inputs[fld.value]["initial_value"] == stored[fld.value], fld
    assert inputs[Field.SEVERITY.value]["initial_option"]["value"] == "blocked"

    # The resubmission is checked like a new escalation: refused, nothing changes.
    metadata = view["private_metadata"]
    refused = running.requests.view_submission(
        valid_values(evidence="the customer said it broke", workaround="Use the desktop app",
                     ticket_url="https://support.example.com/t/4521"),
        private_metadata=metadata,
    )
    assert refused.json()["response_action"] == "errors"
    assert Field.EVIDENCE.value in refused.json()["errors"]
    assert row(running)["state"] == "needs_evidence" and running.rows("revisions") == []

    new_evidence = "https://replay.example.com/s/abc123?t=84 and https://logs.example.com/q/77"
    reply = running.requests.view_submission(
        valid_values(evidence=new_evidence, workaround="Use the desktop app",
                     ticket_url="https://support.example.com/t/4521"),
        private_metadata=metadata,
    )
    assert reply.status == 200 and reply.json() in (None, {})
    stored = row(running)
    assert stored["state"] == "awaiting_triage" and stored["evidence"] == new_evidence
    assert stored["state_changed_by"] == "UREPORTER" and stored["needs_evidence_rounds"] == 1
    [revision] = running.rows("revisions")
    assert revision["editor_id"] == "UREPORTER"
    assert json.loads(revision["changes"]) == {
        "evidence": {"old": "https://replay.example.com/s/abc123?t=84", "new": new_evidence}
    }

    [reply_call] = wait_until(lambda: thread_replies(running, ts))
    assert "<@UDANA>" in reply_call.params["text"] and "ESC-1" in reply_call.params["text"]
    assert "added evidence" in reply_call.params["text"]
    settle(running)
    card = card_message(running, ts)
    assert "logs.example.com/q/77" in json.dumps(card["blocks"])
    assert "evidence added by <@UREPORTER>" in state_line(card)
    assert all(u.params["ts"] == ts for u in card_updates(running))
    assert len(card_posts(running)) == 1  # the same card, updated in place

    # Old needs-evidence reactions no longer count; a new one starts a second round.
    react(running, "mag", ts, user="UDANA", removed=True)
    settle(running)
    assert row(running)["state"] == "awaiting_triage"
    react(running, "mag", ts, user="UDANA")
    wait_until(lambda: row(running)["state"] == "needs_evidence")
    assert row(running)["needs_evidence_rounds"] == 2


def test_someone_else_pressing_add_evidence_gets_an_ephemeral_answer_and_no_modal(running):
    ts = file_escalation(running)
    react(running, "mag", ts)
    wait_until(lambda: row(running)["state"] == "needs_evidence")
    press_add_evidence(running, user="UOTHER")
    [answer] = running.slack.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert "Only <@UREPORTER>" in answer.params["text"] and "ESC-1" in answer.params["text"]
    time.sleep(0.1)
    assert running.slack.calls_to("views.open") == []


def test_a_forged_resubmission_by_someone_else_is_refused_and_changes_nothing(running):
    ts = file_escalation(running)
    react(running, "mag", ts)
    wait_until(lambda: row(running)["state"] == "needs_evidence")
    before = row(running)
    reply = running.requests.view_submission(
        valid_values(evidence="https://evil.example.com/x"), user="UOTHER", private_metadata='{"escalation_id": 1}'
    )
    body = reply.json()
    assert body["response_action"] == "errors" and "ESC-1" in body["errors"][Field.SUMMARY.value]
    settle(running)
    assert row(running) == before and running.rows("revisions") == []
    assert thread_replies(running, ts) == []


def test_an_unchanged_resubmission_is_refused(running):
    ts = file_escalation(running)
    react(running, "mag", ts)
    wait_until(lambda: row(running)["state"] == "needs_evidence")
    reply = running.requests.view_submission(valid_values(), private_metadata='{"escalation_id": 1}')
    assert Field.EVIDENCE.value in reply.json()["errors"]
    assert row(running)["state"] == "needs_evidence" and running.rows("revisions") == []


def test_amending_an_accepted_escalation_keeps_it_accepted_and_tells_the_accepter(running):
    ts = file_escalation(running)
    react(running, "+1", ts)
    wait_until(lambda: row(running)["state"] == "accepted")
    accepted_at = row(running)["accepted_at"]
    reply = running.requests.view_submission(
        valid_values(scope="All browsers; five reports so far"), private_metadata='{"escalation_id": 1}'
    )
    assert reply.json() in (None, {})
    stored = row(running)
    assert stored["state"] == "accepted" and stored["accepted_at"] == accepted_at
    [reply_call] = wait_until(lambda: thread_replies(running, ts))
    assert reply_call.params["text"].startswith("<@UDANA>") and "updated" in reply_call.params["text"]
    settle(running)
    assert "five reports so far" in json.dumps(card_message(running, ts)["blocks"])
    assert "*Accepted* by <@UDANA>" in state_line(card_message(running, ts))
    assert len(verdict_dms(running)) == 1


# ----- Slack failing


def test_a_rate_limited_card_update_keeps_the_state_and_arrives_after_a_retry(running):
    ts = file_escalation(running)
    # Two 429s: one answered inside the SDK's single quick retry, the other left to the outbox.
    running.slack.fail_next("chat.update", status=429, retry_after=1, times=2)
    react(running, "+1", ts)
    wait_until(lambda: row(running)["state"] == "accepted")
    [item] = wait_until(lambda: [i for i in running.rows("outbox")
                                 if i["kind"] == "update_card" and i["last_error"] == "ratelimited"])
    assert item["status"] == "pending"
    assert "Awaiting triage" in state_line(card_message(running, ts))
    wait_until(lambda: verdict_dms(running))  # the DM does not wait for the card
    running.advance(seconds=30)
    wait_until(lambda: "*Accepted*" in state_line(card_message(running, ts)))
    assert all(u.params["ts"] == ts for u in card_updates(running)) and len(card_posts(running)) == 1


def test_a_card_update_lost_to_the_network_arrives_when_slack_is_back(running):
    ts = file_escalation(running)
    port = running.slack.port
    running.slack.stop()
    react(running, "mag", ts)
    wait_until(lambda: row(running)["state"] == "needs_evidence")
    wait_until(lambda: [i for i in running.rows("outbox")
                        if i["kind"] == "update_card" and i["last_error"] == "network_error"])
    running.slack.start(port=port)
    running.advance(minutes=1)
    wait_until(lambda: "*Needs evidence*" in state_line(card_message(running, ts)))
    wait_until(lambda: verdict_dms(running))
    settle(running)
    assert len(verdict_dms(running)) == 1

"""The core flow end to end: signed requests in, what Slack receives and what SQLite holds out."""

from __future__ import annotations

import json
import time

import pytest

from slack_app.ids import CallbackId, Field
from storage import outbox
from tests.conftest import ENG_CHANNEL, RunningApp
from tests.slack_requests import valid_values
from tests.waiting import wait_until


def card_calls(running: RunningApp):
    return [c for c in running.slack.calls_to("chat.postMessage") if c.params.get("channel") == ENG_CHANNEL]


def wait_card(running: RunningApp):
    """The one card posted to the engineering channel."""
    cards = wait_until(lambda: card_calls(running))
    assert len(cards) == 1
    return cards[0]


def dm_calls(running: RunningApp, user: str = "UREPORTER"):
    return [c for c in running.slack.calls_to("chat.postMessage") if c.params.get("channel") == user]


# ----- /escalate


def test_escalate_opens_the_modal_with_the_summary_prefilled(running: RunningApp):
    trigger = running.slack.issue_trigger_id()
    reply = running.requests.command("Upgrade flow fails after payment step", trigger_id=trigger)
    assert reply.status == 200
    [call] = running.slack.wait_for("views.open")
    assert call.params["trigger_id"] == trigger
    view = call.params["view"]
    assert view["callback_id"] == CallbackId.ESCALATION_MODAL
    assert len(view["title"]["text"]) <= 24
    summary = next(b for b in view["blocks"] if b.get("block_id") == Field.SUMMARY)
    assert summary["element"]["initial_value"] == "Upgrade flow fails after payment step"
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels == [
        "Summary", "Severity", "Impact", "Expected", "Actual", "Evidence",
        "Suspected scope", "First next step", "Customer workaround", "Ticket link",
    ]
    severity = next(b for b in view["blocks"] if b.get("block_id") == Field.SEVERITY)
    assert [o["text"]["text"] for o in severity["element"]["options"]] == ["Blocked", "Degraded", "Annoying"]
    assert json.loads(view["private_metadata"])["channel_id"] == "CSUPPORT"


def test_escalate_without_text_opens_an_empty_modal(running: RunningApp):
    running.requests.command("", trigger_id=running.slack.issue_trigger_id())
    [call] = running.slack.wait_for("views.open")
    summary = next(b for b in call.params["view"]["blocks"] if b.get("block_id") == Field.SUMMARY)
    assert "initial_value" not in summary["element"]


def test_escalate_help_answers_ephemerally_without_a_modal(running: RunningApp):
    reply = running.requests.command("help", trigger_id=running.slack.issue_trigger_id())
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    shown = json.dumps(body["blocks"])
    for word in ("Summary", "Impact", "Expected", "Actual", "Evidence", "Suspected scope", "First next step",
                 "Blocked", "Degraded", "Annoying", "Cannot complete a core job"):
        assert word in shown
    time.sleep(0.1)
    assert running.slack.calls_to("views.open") == []


def test_an_expired_trigger_tells_the_person_to_try_again(running: RunningApp):
    running.requests.command("x", trigger_id="expired-or-unknown")
    [response] = running.slack.wait_for("response_url")
    assert response.params["response_type"] == "ephemeral"
    assert "run `/escalate` again" in response.params["text"]


# ----- a valid submission


def test_a_valid_submission_is_stored_then_posted_as_a_card(running: RunningApp):
    values = valid_values(workaround="Use the desktop app meanwhile", ticket_url="https://support.example.com/t/4521")
    reply = running.requests.view_submission(values, view_id="V123")
    assert reply.status == 200
    assert reply.body in (b"", b"{}") or reply.json() in (None, {})

    card = wait_card(running)
    assert card.params["channel"] == ENG_CHANNEL
    blocks = card.params["blocks"]
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == "Blocked · ESC-1 · Upgrade flow fails after payment step"
    shown = json.dumps(blocks)
    for text in ("Admins on the Team plan", "After paying", "Spinner for 30 s", "replay.example.com/s/abc123",
                 "Safari 17", "Payment webhook handler", "Use the desktop app meanwhile", "<@UREPORTER>",
                 "support.example.com/t/4521", "Awaiting triage", ":+1:", ":mag:"):
        assert text in shown
    assert "ESC-1" in card.params["text"] and "Upgrade flow fails" in card.params["text"]

    row = wait_until(lambda: (r := running.rows()[0])["permalink"] and r)
    assert row["state"] == "awaiting_triage"
    assert row["channel_id"] == ENG_CHANNEL
    assert row["permalink"].startswith("https://")
    assert row["reporter_id"] == "UREPORTER"
    assert row["workaround"] == "Use the desktop app meanwhile"
    assert row["created_at"].endswith("+00:00")

    dm = wait_until(lambda: dm_calls(running))
    assert "ESC-1" in dm[0].params["text"]
    assert row["permalink"] in dm[0].params["text"]


def test_ids_are_sequential(running: RunningApp):
    for i in range(3):
        running.requests.view_submission(valid_values(summary=f"Problem number {i}"))
    wait_until(lambda: len(card_calls(running)) == 3)
    headers = sorted(c.params["blocks"][0]["text"]["text"] for c in card_calls(running))
    assert [h.split(" · ")[1] for h in headers] == ["ESC-1", "ESC-2", "ESC-3"]


def test_user_text_cannot_ping_anyone(running: RunningApp):
    values = valid_values(
        impact="<!channel> everyone on <@U999> & <!here> is blocked",
        scope="<https://evil.example.com|click me> only one report so far",
    )
    running.requests.view_submission(values)
    card = wait_card(running)
    shown = json.dumps(card.params["blocks"]) + card.params["text"]
    assert "<!channel>" not in shown and "<@U999>" not in shown and "<!here>" not in shown
    assert "&lt;!channel&gt;" in shown and "&amp;" in shown
    assert "<https://evil.example.com|click me>" not in shown


def test_the_same_view_submitted_twice_makes_one_escalation(running: RunningApp):
    running.requests.view_submission(valid_values(), view_id="VDOUBLE")
    running.requests.view_submission(valid_values(), view_id="VDOUBLE")
    wait_card(running)
    time.sleep(0.2)
    assert len(running.rows()) == 1
    assert len(card_calls(running)) == 1


# ----- refused submissions


def _errors(reply) -> dict[str, str]:
    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "errors"
    return body["errors"]


@pytest.mark.parametrize(
    ("overrides", "block", "says"),
    [
        ({"summary": "   "}, Field.SUMMARY, ""),
        ({"summary": None}, Field.SUMMARY, ""),
        ({"impact": "Unknown."}, Field.IMPACT, "say how you tried to verify it"),
        ({"evidence": "the customer said it broke"}, Field.EVIDENCE, "link"),
        ({"evidence": "see https://exa mple.com"}, Field.EVIDENCE, ""),
        ({"severity": None}, Field.SEVERITY, "Blocked"),
        ({"severity": "urgent"}, Field.SEVERITY, "Blocked"),
        ({"scope": "jane.doe@example.com only"}, Field.SCOPE, "email"),
        ({"actual": "she called from 415-555-0123"}, Field.ACTUAL, "phone"),
        ({"evidence": "card 4111 1111 1111 1111 https://x.example.com"}, Field.EVIDENCE, "card"),
        ({"summary": "x" * 151}, Field.SUMMARY, "150"),
        ({"ticket_url": "not a link"}, Field.TICKET_URL, ""),
    ],
)
def test_invalid_submissions_get_field_errors_and_nothing_is_stored(running: RunningApp, overrides, block, says):
    errors = _errors(running.requests.view_submission(valid_values(**overrides)))
    assert block.value in errors
    assert says.lower() in errors[block.value].lower()
    time.sleep(0.05)
    assert running.rows() == []
    assert running.slack.calls_to("chat.postMessage") == []


def test_every_problem_is_reported_at_once(running: RunningApp):
    errors = _errors(running.requests.view_submission(valid_values(summary="", impact="unknown", severity=None)))
    assert set(errors) == {Field.SUMMARY.value, Field.IMPACT.value, Field.SEVERITY.value}


def test_a_forged_100kb_value_is_refused_quickly_and_not_stored(running: RunningApp):
    huge = "A" * 100_000
    errors = _errors(running.requests.view_submission(valid_values(impact=huge, evidence=huge)))
    assert set(errors) == {Field.IMPACT.value, Field.EVIDENCE.value}
    assert running.rows() == []


def test_unknown_with_how_it_was_checked_is_accepted(running: RunningApp):
    values = valid_values(
        scope="unknown - checked the error logs for that route, nothing",
        evidence="Unknown: searched Sentry for the account id, no events",
    )
    reply = running.requests.view_submission(values)
    assert reply.json() in (None, {})
    wait_card(running)
    assert len(running.rows()) == 1


def test_real_escalation_text_is_not_mistaken_for_customer_data(running: RunningApp):
    values = valid_values(
        actual="At 14:02:11 UTC on 2026-12-03, 45% of requests failed with HTTP 502 on v2.14.3",
        evidence="https://app.datadoghq.com/logs?query=service%3Abilling&from_ts=1733241600000&to_ts=1733245200000",
        scope="Chrome 131.0.6778.86, order 48213377, account 1733241600",
    )
    assert running.requests.view_submission(values).json() in (None, {})
    wait_card(running)


# ----- posting failures


BROKEN_CHANNEL = {
    "not_in_channel": dict(is_member=False),
    "is_archived": dict(is_archived=True),
}


@pytest.mark.parametrize(("error", "advice"), [
    ("not_in_channel", "/invite"),
    ("channel_not_found", "ESCALATION_CHANNEL"),
    ("is_archived", "unarchive"),
])
def test_a_post_that_needs_a_person_keeps_the_escalation_and_tells_the_reporter_once(running, error, advice):
    if error == "channel_not_found":
        running.slack.channels.pop(ENG_CHANNEL)
    else:
        running.slack.add_channel(ENG_CHANNEL, "eng-escalations", **BROKEN_CHANNEL[error])
    reply = running.requests.view_submission(valid_values())
    assert reply.status == 200 and reply.json() in (None, {})
    dm = wait_until(lambda: dm_calls(running))
    text = dm[0].params["text"]
    assert "ESC-1" in text and "nothing is lost" in text and advice in text
    [row] = running.rows()
    assert row["message_ts"] is None and row["post_error"] == error

    attempts = len(card_calls(running))
    running.advance(seconds=31)  # the next retry fails the same way, and nobody is told twice
    wait_until(lambda: len(card_calls(running)) > attempts)
    # …and wait until the worker has recorded that failure, so its next retry is timed from now.
    wait_until(lambda: any(i.kind == "post_card" and i.attempts == 2 and i.status == "pending"
                           for i in outbox.items(running.db)))
    assert len(dm_calls(running)) == 1 and running.slack.messages_in(ENG_CHANNEL) == []

    running.slack.add_channel(ENG_CHANNEL, "eng-escalations")  # an admin fixed it
    running.advance(seconds=31)
    [card] = wait_until(lambda: running.slack.messages_in(ENG_CHANNEL))
    assert card["blocks"][0]["text"]["text"].startswith("Blocked · ESC-1")
    dms = wait_until(lambda: len(dm_calls(running)) == 2 and dm_calls(running))
    assert "posted after all" in dms[1].params["text"]
    assert wait_until(lambda: running.rows()[0]["message_ts"]) == card["ts"]


def card_ts(running: RunningApp) -> str:
    [message] = [m for m in running.slack.messages_in(ENG_CHANNEL)]
    return message["ts"]


def test_a_network_failure_keeps_the_escalation_and_it_is_posted_when_slack_is_back(running: RunningApp):
    port = running.slack.port
    running.slack.stop()  # Slack unreachable
    reply = running.requests.view_submission(valid_values())
    assert reply.status == 200
    row = wait_until(lambda: (rows := running.rows()) and rows[0]["post_error"] and rows[0])
    assert row["post_error"] == "network_error" and row["message_ts"] is None
    running.slack.start(port=port)
    running.slack.add_channel(ENG_CHANNEL, "eng-escalations")
    running.advance(minutes=1)
    wait_card(running)
    assert wait_until(lambda: running.rows()[0]["message_ts"])


# ----- requests that are not from Slack


def test_a_forged_signature_is_refused_and_changes_nothing(running: RunningApp):
    reply = running.requests.view_submission(valid_values(), signature="v0=" + "0" * 64)
    assert reply.status == 401
    assert running.rows() == []


def test_a_stale_timestamp_is_refused(running: RunningApp):
    reply = running.requests.view_submission(valid_values(), timestamp=int(time.time()) - 6 * 60)
    assert reply.status == 401
    assert running.rows() == []


def test_health_answers_when_the_database_is_reachable(running: RunningApp):
    reply = running.requests.raw("GET", "/healthz")
    assert reply.status == 200
    assert reply.json() == {"ok": True, "database": "writable", "pending_slack_writes": 0}
    assert "xoxb" not in reply.text and "secret" not in reply.text


def test_inviting_the_app_posts_waiting_cards_at_once(running: RunningApp):
    running.slack.add_channel(ENG_CHANNEL, "eng-escalations", is_member=False)
    running.requests.view_submission(valid_values())
    wait_until(lambda: dm_calls(running))  # told: invite me
    running.slack.add_channel(ENG_CHANNEL, "eng-escalations")
    # Someone else joining changes nothing; the app joining retries now, not 30 s later.
    running.requests.event({"type": "member_joined_channel", "user": "UOTHER", "channel": ENG_CHANNEL,
                            "channel_type": "C", "team": "T0001"})
    time.sleep(0.3)
    assert running.slack.messages_in(ENG_CHANNEL) == []
    running.requests.event({"type": "member_joined_channel", "user": "UBOT0001", "channel": ENG_CHANNEL,
                            "channel_type": "C", "team": "T0001", "inviter": "UADMIN"})
    [card] = wait_until(lambda: running.slack.messages_in(ENG_CHANNEL))
    assert "ESC-1" in card["blocks"][0]["text"]["text"]

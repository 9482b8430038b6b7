"""The Slack stand-in, driven through a real slack_sdk WebClient, answers as Slack does."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from tests.slack_standin import SlackStandin

TOKEN = "xoxb-stand-in-test"
CHANNEL = "C0ESCALATE"
SECTION = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Escalation* #42"}}]
MODAL = {
    "type": "modal",
    "callback_id": "escalate",
    "private_metadata": '{"channel": "C0ESCALATE"}',
    "title": {"type": "plain_text", "text": "Escalate"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "summary",
            "label": {"type": "plain_text", "text": "Summary"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}
HOME = {"type": "home", "blocks": SECTION}


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def standin(clock: FakeClock) -> Iterator[SlackStandin]:
    with SlackStandin(bot_token=TOKEN, clock=clock) as server:
        server.add_channel(CHANNEL, "eng-escalations")
        yield server


@pytest.fixture
def client(standin: SlackStandin) -> WebClient:
    return WebClient(token=TOKEN, base_url=standin.base_url)


def slack_error(call, *args, **kwargs) -> SlackApiError:
    """Run a WebClient call that must fail and return Slack's error."""
    with pytest.raises(SlackApiError) as info:
        call(*args, **kwargs)
    return info.value


def error_of(call, *args, **kwargs) -> str:
    err = slack_error(call, *args, **kwargs)
    assert err.response.status_code == 200
    return err.response["error"]


# --- the server ---------------------------------------------------------------------------------


def test_base_url_is_local_and_ends_with_a_slash(standin):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/", standin.base_url)


def test_stop_closes_the_port():
    server = SlackStandin().start()
    url = server.base_url
    server.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "auth.test", data=b"", timeout=1)
    with pytest.raises(RuntimeError):
        server.base_url  # noqa: B018 -- the property raises once stopped


def test_auth_test_answers_as_the_bot(client, standin):
    response = client.auth_test()
    assert response.status_code == 200
    assert response.data == {
        "ok": True,
        "url": "https://example.slack.com/",
        "team": "Example",
        "user": "escalation-bot",
        "team_id": standin.team_id,
        "user_id": "UBOT0001",
        "bot_id": "BBOT0001",
        "is_enterprise_install": False,
    }


def test_missing_token_is_not_authed(standin):
    assert error_of(WebClient(base_url=standin.base_url).auth_test) == "not_authed"


def test_wrong_token_is_invalid_auth(standin):
    assert error_of(WebClient(token="xoxb-wrong", base_url=standin.base_url).auth_test) == "invalid_auth"


def test_token_may_arrive_as_a_form_field(standin):
    anonymous = WebClient(base_url=standin.base_url)
    assert anonymous.api_call("auth.test", data={"token": TOKEN})["user_id"] == "UBOT0001"
    assert standin.calls[-1].token == TOKEN
    assert "token" not in standin.calls[-1].params


def test_unknown_method_is_unknown_method_with_http_200(client):
    err = slack_error(client.api_call, "escalations.frobnicate")
    assert err.response.status_code == 200
    assert err.response["error"] == "unknown_method"


def test_requests_are_not_logged_to_stderr(client, capfd):
    client.auth_test()
    slack_error(client.api_call, "nope.nope")
    assert capfd.readouterr().err == ""


def test_every_call_is_recorded_in_order(client, standin):
    before = time.monotonic()
    client.auth_test()
    client.chat_postMessage(channel=CHANNEL, text="hello")
    assert [c.method for c in standin.calls] == ["auth.test", "chat.postMessage"]
    call = standin.calls_to("chat.postMessage")[0]
    assert call.params == {"channel": CHANNEL, "text": "hello"}
    assert call.token == TOKEN
    assert before <= standin.calls[0].at <= call.at <= time.monotonic()


def test_form_bodies_are_decoded_including_json_string_fields(client, standin):
    client.api_call(
        "chat.postMessage", data={"channel": CHANNEL, "text": "t", "blocks": json.dumps(SECTION)}
    )
    assert standin.calls[-1].params["blocks"] == SECTION
    assert standin.messages_in(CHANNEL)[0]["blocks"][0]["text"] == SECTION[0]["text"]


def test_get_requests_with_a_query_string_work(standin):
    request = urllib.request.Request(
        standin.base_url + "users.info?user=U0123", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=2) as response:
        assert json.load(response)["user"]["id"] == "U0123"


# --- waiting and latency ------------------------------------------------------------------------


def test_wait_for_blocks_until_calls_arrive(client, standin):
    threading.Timer(0.05, lambda: client.chat_postMessage(channel=CHANNEL, text="later")).start()
    started = time.monotonic()
    calls = standin.wait_for("chat.postMessage", timeout=3)
    assert [c.params["text"] for c in calls] == ["later"]
    assert time.monotonic() - started < 1.0  # woken by the call, not by the timeout


def test_wait_for_times_out_with_the_calls_it_saw(client, standin):
    client.auth_test()
    with pytest.raises(AssertionError, match=r"chat.postMessage.*got 0.*\['auth.test'\]"):
        standin.wait_for("chat.postMessage", timeout=0.05)


def test_latency_delays_each_answer(client, standin):
    standin.latency = 0.1
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.1


def test_latency_does_not_serialise_concurrent_calls(standin):
    standin.latency = 0.2
    clients = [WebClient(token=TOKEN, base_url=standin.base_url) for _ in range(10)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda c: c.auth_test()["ok"], clients))
    elapsed = time.monotonic() - started
    assert results == [True] * 10
    assert 0.2 <= elapsed < 1.0  # one after another would take 2 s


# --- injected failures --------------------------------------------------------------------------


def test_fail_next_answers_ok_false_for_that_many_calls(client, standin):
    standin.fail_next("chat.postMessage", "fatal_error", times=2)
    assert error_of(client.chat_postMessage, channel=CHANNEL, text="a") == "fatal_error"
    assert error_of(client.chat_postMessage, channel=CHANNEL, text="b") == "fatal_error"
    assert client.chat_postMessage(channel=CHANNEL, text="c")["ok"] is True
    assert client.auth_test()["ok"] is True  # other methods are untouched
    assert [m["text"] for m in standin.messages_in(CHANNEL)] == ["c"]


def test_fail_next_with_429_is_a_rate_limit_with_retry_after(client, standin):
    standin.fail_next("chat.postMessage", status=429, retry_after=30)
    err = slack_error(client.chat_postMessage, channel=CHANNEL, text="a")
    assert err.response.status_code == 429
    assert err.response.headers["Retry-After"] == "30"
    assert err.response["error"] == "ratelimited"


def test_rate_limit_is_retried_by_slack_sdks_retry_handler(standin):
    retrying = WebClient(token=TOKEN, base_url=standin.base_url)
    retrying.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    standin.fail_next("chat.postMessage", status=429, retry_after=0)
    assert retrying.chat_postMessage(channel=CHANNEL, text="a")["ok"] is True
    assert len(standin.calls_to("chat.postMessage")) == 2


def test_fail_next_with_5xx_answers_that_status(client, standin):
    standin.fail_next("chat.update", "service_unavailable", status=503)
    err = slack_error(client.chat_update, channel=CHANNEL, ts="1.1", text="x")
    assert err.response.status_code == 503
    assert err.response["error"] == "service_unavailable"


# --- chat.postMessage ---------------------------------------------------------------------------


def test_post_message_answers_with_slacks_shape(client, standin):
    response = client.chat_postMessage(channel=CHANNEL, text="Escalation #42", blocks=SECTION)
    message = response["message"]
    assert response["channel"] == CHANNEL
    assert response["ts"] == message["ts"] == "1733241600.000100"
    assert message["type"] == "message"
    assert message["user"] == standin.bot_user_id
    assert message["bot_id"] == standin.bot_id
    assert message["text"] == "Escalation #42"
    assert message["blocks"][0]["text"] == SECTION[0]["text"]
    assert standin.messages[(CHANNEL, response["ts"])] == message


def test_slack_gives_blocks_without_block_id_one(client):
    message = client.chat_postMessage(channel=CHANNEL, text="t", blocks=SECTION + [{"type": "divider", "block_id": "mine"}])
    ids = [b["block_id"] for b in message["message"]["blocks"]]
    assert re.fullmatch(r"[A-Za-z0-9]+", ids[0])
    assert ids[1] == "mine"


def test_ts_values_strictly_increase(client):
    stamps = [client.chat_postMessage(channel=CHANNEL, text=str(i))["ts"] for i in range(5)]
    assert all(re.fullmatch(r"\d{10}\.\d{6}", ts) for ts in stamps)
    assert [float(ts) for ts in stamps] == sorted({float(ts) for ts in stamps})


def test_post_to_unknown_channel_is_channel_not_found(client):
    assert error_of(client.chat_postMessage, channel="C0NOWHERE", text="x") == "channel_not_found"


def test_post_where_the_bot_is_not_a_member_is_not_in_channel(client, standin):
    standin.add_channel("C0OUTSIDE", "general", is_member=False)
    assert error_of(client.chat_postMessage, channel="C0OUTSIDE", text="x") == "not_in_channel"


def test_chat_write_public_allows_posting_to_public_channels_without_joining():
    with SlackStandin(bot_token=TOKEN, chat_write_public=True) as server:
        server.add_channel("C0OUTSIDE", "general", is_member=False)
        server.add_channel("G0SECRET", "secret", is_member=False, is_private=True)
        web = WebClient(token=TOKEN, base_url=server.base_url)
        assert web.chat_postMessage(channel="C0OUTSIDE", text="x")["ok"] is True
        assert error_of(web.chat_postMessage, channel="G0SECRET", text="x") == "channel_not_found"


def test_post_to_archived_channel_is_is_archived(client, standin):
    standin.add_channel("C0OLD", "old", is_archived=True)
    assert error_of(client.chat_postMessage, channel="C0OLD", text="x") == "is_archived"


def test_private_channel_without_the_bot_is_invisible(client, standin):
    standin.add_channel("G0SECRET", "secret", is_member=False, is_private=True)
    assert error_of(client.chat_postMessage, channel="G0SECRET", text="x") == "channel_not_found"
    assert error_of(client.conversations_info, channel="G0SECRET") == "channel_not_found"


def test_post_to_a_user_id_is_a_dm(client, standin):
    response = client.chat_postMessage(channel="U0AGENT", text="your escalation was accepted")
    assert response["channel"].startswith("D")
    assert response["channel"] == client.conversations_open(users="U0AGENT")["channel"]["id"]
    assert [m["text"] for m in standin.messages_in("U0AGENT")] == ["your escalation was accepted"]
    assert standin.messages_in(response["channel"]) == standin.messages_in("U0AGENT")


def test_post_by_channel_name_resolves_to_the_id(client):
    assert client.chat_postMessage(channel="#eng-escalations", text="x")["channel"] == CHANNEL


def test_thread_replies_are_stored_with_thread_ts(client, standin):
    parent = client.chat_postMessage(channel=CHANNEL, text="parent")["ts"]
    reply = client.chat_postMessage(channel=CHANNEL, text="reply", thread_ts=parent)
    assert reply["message"]["thread_ts"] == parent
    assert standin.messages[(CHANNEL, reply["ts"])]["thread_ts"] == parent
    stored_parent = standin.messages[(CHANNEL, parent)]
    assert (stored_parent["reply_count"], stored_parent["latest_reply"]) == (1, reply["ts"])
    assert [m["text"] for m in standin.messages_in(CHANNEL)] == ["parent", "reply"]


def test_invalid_blocks_carry_slacks_errors_and_messages(client):
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    err = slack_error(client.chat_postMessage, channel=CHANNEL, text="t", blocks=blocks)
    assert err.response.status_code == 200
    assert err.response["error"] == "invalid_blocks"
    assert err.response["errors"] == ["3001 chars > 3000 [json-pointer:/blocks/0/text/text]"]
    assert err.response["response_metadata"]["messages"] == [
        "[ERROR] 3001 chars > 3000 [json-pointer:/blocks/0/text/text]"
    ]


def test_more_than_50_blocks_in_a_message_is_invalid_blocks(client):
    blocks = [{"type": "divider"}] * 51
    assert error_of(client.chat_postMessage, channel=CHANNEL, text="t", blocks=blocks) == "invalid_blocks"


def test_text_over_4000_chars_is_msg_too_long(client):
    assert error_of(client.chat_postMessage, channel=CHANNEL, text="x" * 4001) == "msg_too_long"
    assert client.chat_postMessage(channel=CHANNEL, text="x" * 4000)["ok"] is True


def test_neither_text_nor_blocks_is_no_text(client):
    assert error_of(client.api_call, "chat.postMessage", json={"channel": CHANNEL}) == "no_text"


def test_a_failed_post_stores_nothing(client, standin):
    slack_error(client.chat_postMessage, channel=CHANNEL, text="x" * 4001)
    assert standin.messages == {}


# --- chat.update --------------------------------------------------------------------------------


def test_update_replaces_text_and_blocks(client, standin):
    ts = client.chat_postMessage(channel=CHANNEL, text="open", blocks=SECTION)["ts"]
    new_blocks = [{"type": "section", "block_id": "state", "text": {"type": "mrkdwn", "text": "accepted"}}]
    response = client.chat_update(channel=CHANNEL, ts=ts, text="accepted", blocks=new_blocks)
    assert (response["channel"], response["ts"], response["text"]) == (CHANNEL, ts, "accepted")
    stored = standin.messages[(CHANNEL, ts)]
    assert stored["text"] == "accepted"
    assert stored["blocks"] == new_blocks
    assert stored["edited"]["user"] == standin.bot_user_id


def test_update_without_blocks_keeps_the_old_blocks(client, standin):
    ts = client.chat_postMessage(channel=CHANNEL, text="open", blocks=SECTION)["ts"]
    client.chat_update(channel=CHANNEL, ts=ts, text="new fallback")
    assert standin.messages[(CHANNEL, ts)]["blocks"][0]["text"] == SECTION[0]["text"]
    client.chat_update(channel=CHANNEL, ts=ts, text="plain now", blocks=[])
    assert "blocks" not in standin.messages[(CHANNEL, ts)]


def test_update_of_unknown_message_is_message_not_found(client):
    assert error_of(client.chat_update, channel=CHANNEL, ts="1733241600.999999", text="x") == "message_not_found"


def test_update_of_someone_elses_message_is_cant_update_message(client, standin):
    ts = standin.add_message(CHANNEL, "a person wrote this", user="U0AGENT")
    assert error_of(client.chat_update, channel=CHANNEL, ts=ts, text="x") == "cant_update_message"


def test_update_checks_blocks_and_length(client):
    ts = client.chat_postMessage(channel=CHANNEL, text="open")["ts"]
    assert error_of(client.chat_update, channel=CHANNEL, ts=ts, text="x" * 4001) == "msg_too_long"
    bad = [{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}]
    assert error_of(client.chat_update, channel=CHANNEL, ts=ts, text="t", blocks=bad) == "invalid_blocks"


# --- chat.postEphemeral, chat.getPermalink, reactions.add ----------------------------------------


def test_post_ephemeral_returns_message_ts_and_is_not_a_channel_message(client, standin):
    response = client.chat_postEphemeral(channel=CHANNEL, user="U0AGENT", text="only you can see this")
    assert set(response.data) == {"ok", "message_ts"}
    assert standin.ephemerals[0]["user"] == "U0AGENT"
    assert standin.ephemerals[0]["text"] == "only you can see this"
    assert standin.messages_in(CHANNEL) == []


def test_permalink_points_at_the_message(client):
    ts = client.chat_postMessage(channel=CHANNEL, text="x")["ts"]
    response = client.chat_getPermalink(channel=CHANNEL, message_ts=ts)
    assert response["permalink"] == f"https://example.slack.com/archives/{CHANNEL}/p{ts.replace('.', '')}"


def test_permalink_of_a_thread_reply_names_its_thread(client):
    parent = client.chat_postMessage(channel=CHANNEL, text="p")["ts"]
    reply = client.chat_postMessage(channel=CHANNEL, text="r", thread_ts=parent)["ts"]
    link = client.chat_getPermalink(channel=CHANNEL, message_ts=reply)["permalink"]
    assert link.endswith(f"/p{reply.replace('.', '')}?thread_ts={parent}&cid={CHANNEL}")


def test_permalink_of_unknown_message_is_message_not_found(client):
    assert error_of(client.chat_getPermalink, channel=CHANNEL, message_ts="1.000001") == "message_not_found"


def test_reactions_add_marks_the_message_once(client, standin):
    ts = client.chat_postMessage(channel=CHANNEL, text="x")["ts"]
    assert client.reactions_add(channel=CHANNEL, timestamp=ts, name="thumbsup")["ok"] is True
    assert standin.messages[(CHANNEL, ts)]["reactions"] == [{"name": "+1", "users": ["UBOT0001"], "count": 1}]
    assert error_of(client.reactions_add, channel=CHANNEL, timestamp=ts, name="+1") == "already_reacted"
    assert error_of(client.reactions_add, channel=CHANNEL, timestamp="1.000001", name="eyes") == "message_not_found"


# --- views --------------------------------------------------------------------------------------


def test_views_open_returns_the_view_with_id_and_hash(client, standin):
    view = client.views_open(trigger_id=standin.issue_trigger_id(), view=MODAL)["view"]
    assert re.fullmatch(r"V[A-Z0-9]+", view["id"])
    assert view["hash"]
    assert view["callback_id"] == "escalate"
    assert view["private_metadata"] == MODAL["private_metadata"]
    assert view["root_view_id"] == view["id"]
    assert view["state"] == {"values": {}}
    assert standin.views[view["id"]] == view


def test_trigger_id_expires_after_3_seconds(client, standin, clock):
    fresh = standin.issue_trigger_id()
    stale = standin.issue_trigger_id()
    clock.now += 2.9
    assert client.views_open(trigger_id=fresh, view=MODAL)["ok"] is True
    clock.now += 0.2
    assert error_of(client.views_open, trigger_id=stale, view=MODAL) == "expired_trigger_id"


def test_trigger_id_is_single_use(client, standin):
    trigger = standin.issue_trigger_id()
    client.views_open(trigger_id=trigger, view=MODAL)
    assert error_of(client.views_open, trigger_id=trigger, view=MODAL) == "exchanged_trigger_id"


def test_unknown_trigger_id_is_invalid_trigger_id(client):
    assert error_of(client.views_open, trigger_id="123.456.abc", view=MODAL) == "invalid_trigger_id"


def test_invalid_view_is_invalid_arguments_with_pointers(client, standin):
    view = MODAL | {"title": {"type": "plain_text", "text": "An escalation title far too long"}}
    err = slack_error(client.views_open, trigger_id=standin.issue_trigger_id(), view=view)
    assert err.response["error"] == "invalid_arguments"
    assert err.response["response_metadata"]["messages"] == [
        "[ERROR] 32 chars > 24 [json-pointer:/view/title/text]"
    ]


def test_an_invalid_view_does_not_use_up_the_trigger(client, standin):
    trigger = standin.issue_trigger_id()
    slack_error(client.views_open, trigger_id=trigger, view=MODAL | {"title": {"type": "plain_text", "text": ""}})
    assert client.views_open(trigger_id=trigger, view=MODAL)["ok"] is True


def test_view_over_250_kb_is_view_too_large(client, standin):
    big = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2990}}
    view = MODAL | {"blocks": [big] * 90}
    assert error_of(client.views_open, trigger_id=standin.issue_trigger_id(), view=view) == "view_too_large"


def test_views_open_takes_only_modals(client, standin):
    assert error_of(client.views_open, trigger_id=standin.issue_trigger_id(), view=HOME) == "invalid_arguments"


def test_views_update_by_id_or_external_id(client, standin):
    opened = client.views_open(trigger_id=standin.issue_trigger_id(), view=MODAL | {"external_id": "esc-42"})["view"]
    changed = MODAL | {"callback_id": "escalate_v2", "external_id": "esc-42"}
    updated = client.views_update(view_id=opened["id"], view=changed)["view"]
    assert (updated["id"], updated["callback_id"]) == (opened["id"], "escalate_v2")
    assert updated["hash"] != opened["hash"]
    again = client.views_update(external_id="esc-42", view=MODAL | {"external_id": "esc-42"})["view"]
    assert again["id"] == opened["id"]
    assert standin.views[opened["id"]] == again


def test_views_update_of_unknown_view_is_not_found(client):
    assert error_of(client.views_update, view_id="V0NOPE", view=MODAL) == "not_found"


def test_views_update_with_a_stale_hash_is_hash_conflict(client, standin):
    opened = client.views_open(trigger_id=standin.issue_trigger_id(), view=MODAL)["view"]
    client.views_update(view_id=opened["id"], view=MODAL, hash=opened["hash"])
    assert error_of(client.views_update, view_id=opened["id"], view=MODAL, hash=opened["hash"]) == "hash_conflict"


def test_views_push_stacks_at_most_three_views(client, standin):
    root = client.views_open(trigger_id=standin.issue_trigger_id(), view=MODAL)["view"]
    second = client.views_push(trigger_id=standin.issue_trigger_id(view_id=root["id"]), view=MODAL)["view"]
    assert (second["previous_view_id"], second["root_view_id"]) == (root["id"], root["id"])
    third = client.views_push(trigger_id=standin.issue_trigger_id(view_id=second["id"]), view=MODAL)["view"]
    assert third["previous_view_id"] == second["id"]
    trigger = standin.issue_trigger_id(view_id=third["id"])
    assert error_of(client.views_push, trigger_id=trigger, view=MODAL) == "push_limit_reached"


def test_views_push_follows_the_trigger_rules(client, standin, clock):
    trigger = standin.issue_trigger_id()
    clock.now += 3.5
    assert error_of(client.views_push, trigger_id=trigger, view=MODAL) == "expired_trigger_id"


def test_views_publish_keeps_one_home_view_per_user(client, standin):
    first = client.views_publish(user_id="U0AGENT", view=HOME)["view"]
    second = client.views_publish(user_id="U0AGENT", view=HOME | {"callback_id": "home_v2"})["view"]
    assert first["type"] == "home"
    assert second["id"] == first["id"] == standin.home_views["U0AGENT"]
    assert standin.views[first["id"]]["callback_id"] == "home_v2"


def test_views_publish_with_a_stale_hash_is_hash_conflict(client):
    first = client.views_publish(user_id="U0AGENT", view=HOME)["view"]
    client.views_publish(user_id="U0AGENT", view=HOME, hash=first["hash"])
    assert error_of(client.views_publish, user_id="U0AGENT", view=HOME, hash=first["hash"]) == "hash_conflict"


def test_views_publish_takes_only_home_views(client):
    assert error_of(client.views_publish, user_id="U0AGENT", view=MODAL) == "invalid_arguments"


# --- conversations, users, apps -----------------------------------------------------------------


def test_conversations_open_gives_the_same_dm_each_time(client):
    first = client.conversations_open(users="U0AGENT")
    second = client.conversations_open(users="U0AGENT")
    assert re.fullmatch(r"D[A-Z0-9]+", first["channel"]["id"])
    assert second["channel"]["id"] == first["channel"]["id"]
    assert "already_open" not in first.data and second["already_open"] is True


def test_conversations_info_describes_the_channel(client, standin):
    channel = client.conversations_info(channel=CHANNEL)["channel"]
    assert (channel["id"], channel["name"], channel["is_member"], channel["is_archived"]) == (
        CHANNEL, "eng-escalations", True, False,
    )
    assert error_of(client.conversations_info, channel="C0NOWHERE") == "channel_not_found"


def test_conversations_join_makes_the_bot_a_member_of_public_channels(client, standin):
    standin.add_channel("C0OUTSIDE", "general", is_member=False)
    assert client.conversations_join(channel="C0OUTSIDE")["channel"]["is_member"] is True
    assert client.chat_postMessage(channel="C0OUTSIDE", text="hello")["ok"] is True


def test_conversations_join_refuses_private_channels(client, standin):
    standin.add_channel("G0SECRET", "secret", is_private=True)
    assert error_of(client.conversations_join, channel="G0SECRET") == "method_not_supported_for_channel_type"


def test_users_info_returns_a_user_in_berlin(client):
    user = client.users_info(user="U0AGENT")["user"]
    assert (user["id"], user["tz"]) == ("U0AGENT", "Europe/Berlin")
    assert user["name"] and user["real_name"]


def test_users_info_returns_registered_users(client, standin):
    standin.add_user("U0LEAD", "lead", real_name="Team Lead", tz="America/New_York", tz_offset=-18000)
    user = client.users_info(user="U0LEAD")["user"]
    assert (user["name"], user["real_name"], user["tz"]) == ("lead", "Team Lead", "America/New_York")


def test_users_info_of_a_malformed_id_is_user_not_found(client):
    assert error_of(client.users_info, user="not-a-user") == "user_not_found"


def test_apps_connections_open_needs_an_app_token(standin, client):
    assert error_of(client.apps_connections_open, app_token=TOKEN) == "not_allowed_token_type"
    url = client.apps_connections_open(app_token=standin.app_token)["url"]
    assert url.startswith("wss://")
    app_client = WebClient(token=standin.app_token, base_url=standin.base_url)
    assert error_of(app_client.chat_postMessage, channel=CHANNEL, text="x") == "not_allowed_token_type"


# --- response_url -------------------------------------------------------------------------------


def test_response_urls_answer_ok_and_are_recorded(standin):
    url = standin.root_url + "commands/T0001/1/abc"
    response = WebhookClient(url).send(text="only you", response_type="ephemeral")
    assert (response.status_code, response.body) == (200, "ok")
    assert standin.responses == [{"path": "/commands/T0001/1/abc", "text": "only you", "response_type": "ephemeral"}]
    assert standin.wait_for("response_url")[0].path == "/commands/T0001/1/abc"


def test_response_urls_check_blocks(standin):
    bad = [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]
    response = WebhookClient(standin.root_url + "actions/T0001/1/abc").send(text="t", blocks=bad)
    assert (response.status_code, response.body) == (400, "invalid_blocks")


def test_response_urls_work_five_times(standin):
    webhook = WebhookClient(standin.root_url + "commands/T0001/1/abc")
    assert [webhook.send(text=str(i)).status_code for i in range(6)] == [200] * 5 + [404]


# --- scopes and per-method latency (modelled only when asked for) --------------------------------


def _header(response, name: str) -> str | None:
    return {k.lower(): v for k, v in response.headers.items()}.get(name)


def test_without_scopes_no_scope_header_is_sent_and_nothing_is_refused_for_scope(client, standin):
    response = client.auth_test()
    assert _header(response, "x-oauth-scopes") is None
    assert client.conversations_info(channel=CHANNEL)["ok"] is True


def test_with_scopes_every_answer_to_the_bot_token_reports_them(client, standin):
    standin.scopes = ["chat:write", "commands"]
    response = client.auth_test()
    assert _header(response, "x-oauth-scopes") == "chat:write,commands"
    assert _header(client.chat_postMessage(channel=CHANNEL, text="hi"), "x-accepted-oauth-scopes") == "chat:write"
    err = slack_error(client.conversations_info, channel=CHANNEL)
    assert err.response["error"] == "missing_scope"
    assert err.response["needed"] == "channels:read,groups:read,im:read,mpim:read"
    assert err.response["provided"] == "chat:write,commands"
    assert _header(err.response, "x-oauth-scopes") == "chat:write,commands"  # failures carry it too
    assert _header(slack_error(WebClient(token="xoxb-other", base_url=standin.base_url).auth_test).response,
                   "x-oauth-scopes") is None  # not for a token Slack does not know


def test_scopes_can_be_given_to_the_constructor():
    with SlackStandin(bot_token=TOKEN, scopes=("reactions:read",)) as server:
        response = WebClient(token=TOKEN, base_url=server.base_url).auth_test()
        assert _header(response, "x-oauth-scopes") == "reactions:read"


def test_method_latency_delays_only_that_method(client, standin):
    standin.method_latency = {"auth.test": 0.3}
    started = time.monotonic()
    client.chat_postMessage(channel=CHANNEL, text="quick")
    assert time.monotonic() - started < 0.25
    client.auth_test()
    assert time.monotonic() - started >= 0.3

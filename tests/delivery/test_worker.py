"""The outbox worker, driven pass by pass with a hand-moved clock against the Slack stand-in."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from slack_app.app import make_client
from slack_app.delivery.worker import OutboxWorker, backoff, person_backoff
from slack_app.domain import EscalationFields, Severity
from slack_app.services.outbox import owe_card
from storage import escalations as store
from storage import outbox
from storage.db import Databases, write_transaction
from storage.migrations import migrate
from tests.conftest import ENG_CHANNEL

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
FIELDS = EscalationFields(
    summary="Checkout fails", impact="All admins", expected="Paid", actual="Error 502",
    evidence="https://replay.example.com/s/1", scope="All browsers", next_step="Billing logs",
    severity=Severity.BLOCKED,
)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def databases(tmp_path):
    dbs = Databases(tmp_path / "outbox.db")
    migrate(dbs())
    yield dbs
    dbs.close()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def worker(databases, settings, clock):
    return OutboxWorker(databases, make_client(settings), ENG_CHANNEL, clock=clock)


def new_escalation(databases, clock) -> int:
    db = databases()
    with write_transaction(db):
        esc, _ = store.insert_escalation(db, FIELDS, reporter_id="UREP", team_id=None, now=clock())
        owe_card(db, esc.id, now=clock())
    return esc.id


def cards(slack):
    return slack.messages_in(ENG_CHANNEL)


def test_a_card_and_its_receipt_are_delivered_exactly_once(databases, worker, clock, slack):
    esc_id = new_escalation(databases, clock)
    while worker.deliver_due():
        pass
    assert len(cards(slack)) == 1
    assert len(slack.messages_in("UREP")) == 1
    assert worker.deliver_due() == 0
    owe_card(databases(), esc_id, now=clock())  # owed again by mistake: same key, no second card
    worker.deliver_due()
    assert len(cards(slack)) == 1
    assert outbox.pending_count(databases()) == 0


def test_rate_limits_honour_retry_after_then_succeed(databases, worker, clock, slack):
    new_escalation(databases, clock)
    # Two 429s: one answered inside the SDK's own single retry, the second left to the outbox.
    slack.fail_next("chat.postMessage", status=429, retry_after=1, times=2)
    assert worker.deliver_due() == 1
    [item] = outbox.items(databases())
    assert item.status == "pending" and item.last_error == "ratelimited"
    assert item.next_attempt_at >= clock() + timedelta(seconds=1)
    assert cards(slack) == []
    clock.advance(seconds=30)
    while worker.deliver_due():
        pass
    assert len(cards(slack)) == 1
    # A passing rate limit is not worth a message: the reporter hears only that it was posted.
    [receipt] = slack.messages_in("UREP")
    assert "is in" in receipt["text"]


def test_server_errors_are_retried_with_growing_backoff_and_the_reporter_told_on_the_third(databases, worker, clock, slack):
    new_escalation(databases, clock)
    slack.fail_next("chat.postMessage", "internal_error", times=3)
    delays = []
    for _ in range(3):
        worker.deliver_due()
        [item, *_] = outbox.items(databases())
        delays.append(item.next_attempt_at - clock())
        clock.advance(minutes=20)
    assert delays[0] < delays[1] < delays[2]
    worker.deliver_due()
    while worker.deliver_due():
        pass
    texts = [m["text"] for m in slack.messages_in("UREP")]
    assert len(texts) == 2 and "not in" in texts[0] and "posted after all" in texts[1]


def test_a_permanent_failure_stops_retrying_and_tells_the_reporter(databases, worker, clock, slack):
    new_escalation(databases, clock)
    slack.fail_next("chat.postMessage", "invalid_blocks")
    while worker.deliver_due():
        pass
    [card_item, notice] = outbox.items(databases())
    assert card_item.status == "failed" and card_item.last_error == "invalid_blocks"
    assert notice.status == "done"
    clock.advance(hours=1)
    assert worker.deliver_due() == 0
    assert "not in" in slack.messages_in("UREP")[0]["text"]


def test_an_item_held_by_a_dead_sender_is_taken_over_after_its_lease(databases, worker, clock, slack):
    new_escalation(databases, clock)
    claimed = outbox.claim_due(databases(), now=clock(), lease=timedelta(seconds=60))
    assert len(claimed) == 1  # a process claimed it, then died before sending
    assert worker.deliver_due() == 0
    clock.advance(seconds=61)
    while worker.deliver_due():
        pass
    assert len(cards(slack)) == 1


def test_two_workers_never_send_the_same_item(databases, settings, clock, slack):
    for _ in range(20):
        new_escalation(databases, clock)
    slack.latency = 0.01
    workers = [OutboxWorker(databases, make_client(settings), ENG_CHANNEL, clock=clock) for _ in range(2)]

    def drain(w):
        while w.deliver_due(limit=3):
            pass

    threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    headers = sorted(m["blocks"][0]["text"]["text"] for m in cards(slack))
    assert len(headers) == 20 and len(set(headers)) == 20


def test_backoff_grows_with_jitter_and_is_capped():
    assert timedelta(seconds=1) <= backoff(1) <= timedelta(seconds=2)
    assert backoff(5, jitter=lambda: 1.0) == timedelta(seconds=32)
    assert backoff(50, jitter=lambda: 1.0) == timedelta(minutes=15)
    assert backoff(3, jitter=lambda: 0.0) == timedelta(seconds=4)


def test_waiting_on_a_person_retries_every_30_s_for_an_hour_then_backs_off_to_15_min():
    assert person_backoff(timedelta(minutes=59), 100) == timedelta(seconds=30)
    later = person_backoff(timedelta(hours=1, minutes=1), 121)
    assert timedelta(seconds=30) < later <= timedelta(minutes=15)
    assert person_backoff(timedelta(hours=5), 500) == timedelta(minutes=15)


def test_a_card_posted_by_a_sender_that_died_is_found_not_posted_again(databases, worker, clock, slack):
    esc_id = new_escalation(databases, clock)
    # A sender claims the card and posts it; Slack has it, then the sender dies before recording it.
    outbox.claim_due(databases(), now=clock(), lease=timedelta(seconds=30))
    slack_client = make_client_for(slack)
    posted = slack_client.chat_postMessage(
        channel=ENG_CHANNEL, text="ESC card",
        metadata={"event_type": "escalation_card", "event_payload": {"escalation_id": esc_id}},
    )
    clock.advance(seconds=31)
    while worker.deliver_due():
        pass
    assert len(cards(slack)) == 1
    assert store.get_escalation(databases(), esc_id).message_ts == posted["ts"]
    assert len(slack.messages_in("UREP")) == 1  # the receipt still goes out


def test_without_a_card_to_find_a_takeover_posts_it(databases, worker, clock, slack):
    new_escalation(databases, clock)
    outbox.claim_due(databases(), now=clock(), lease=timedelta(seconds=30))  # died before sending
    clock.advance(seconds=31)
    while worker.deliver_due():
        pass
    assert len(cards(slack)) == 1
    assert [c.method for c in slack.calls][:2] == ["conversations.history", "chat.postMessage"]


def make_client_for(slack):
    from slack_sdk import WebClient

    return WebClient(token="xoxb-test-token", base_url=slack.base_url)

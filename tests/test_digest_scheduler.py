"""The digest while the app serves: on schedule, once, and caught up after downtime."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from slack_app import serve
from slack_app.app import make_client
from slack_app.scheduling.digest_job import (
    RETRY_JOB_ID,
    DigestScheduler,
    Outcome,
    make_poster,
    start_digest_scheduler,
)
from slack_app.scheduling.schedule import next_digest_time
from storage.db import Databases
from tests.conftest import ENG_CHANNEL
from tests.digest_support import add_escalation, readable

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def digest_settings(settings):
    return settings.model_copy(update={"digest_time": "09:00", "digest_timezone": "Europe/Berlin",
                                       "digest_weekdays": "mon-fri"})


@pytest.fixture
def scheduler(digest_settings, db):
    """A scheduler that is never started: its job is called by hand with a frozen clock."""
    databases = Databases(digest_settings.escalation_db)
    poster = make_poster(digest_settings, databases, make_client(digest_settings))
    yield DigestScheduler(digest_settings, poster)
    databases.close()


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def test_started_after_the_digest_time_it_posts_the_missed_digest_once(scheduler, slack):
    with time_machine.travel(at(2025, 3, 10, 14, 0), tick=False):  # Monday, the app was down at 09:00
        run = scheduler.post_if_due()
        assert run is not None and run.outcome == Outcome.POSTED
        again = scheduler.post_if_due()  # another worker starting, or the 09:00 job firing late
        assert again is not None and again.outcome == Outcome.ALREADY_POSTED
    assert len(slack.messages_in(ENG_CHANNEL)) == 1


def test_nothing_before_the_digest_time_or_on_a_day_off(scheduler, slack):
    with time_machine.travel(at(2025, 3, 10, 8, 59), tick=False):
        assert scheduler.post_if_due() is None
    with time_machine.travel(at(2025, 3, 15, 12, 0), tick=False):  # Saturday
        assert scheduler.post_if_due() is None
    assert slack.calls_to("chat.postMessage") == []


def test_catching_up_reports_what_was_accepted_since_yesterdays_digest(scheduler, slack, db):
    with time_machine.travel(at(2025, 3, 10, 9, 0), tick=False):
        assert scheduler.post_if_due().outcome == Outcome.POSTED
    add_escalation(
        db, created_at=at(2025, 3, 10, 8), state="accepted", summary="Invoices not emailed",
        posted_at=at(2025, 3, 10, 8), accepted_at=at(2025, 3, 10, 16), first_verdict_at=at(2025, 3, 10, 16),
        state_changed_by="UENG0001",
    )
    # Down all Tuesday morning; started at 13:00.
    with time_machine.travel(at(2025, 3, 11, 13, 0), tick=False):
        assert scheduler.post_if_due().outcome == Outcome.POSTED
    latest = slack.messages_in(ENG_CHANNEL)[-1]
    assert "*Accepted since the last digest (Mon 10 Mar, 09:00) (1)*" in readable(latest)
    assert "Invoices not emailed · accepted by <@UENG0001> · first read" in readable(latest)


def test_a_scheduled_run_that_failed_is_retried_by_the_next_start(scheduler, slack):
    slack.fail_next("chat.postMessage", "not_in_channel")
    with time_machine.travel(at(2025, 3, 10, 9, 0), tick=False):
        assert scheduler.post_if_due().outcome == Outcome.FAILED
    with time_machine.travel(at(2025, 3, 10, 11, 0), tick=False):
        assert scheduler.post_if_due().outcome == Outcome.POSTED
    assert len(slack.messages_in(ENG_CHANNEL)) == 1


def test_the_running_scheduler_catches_up_at_start_and_schedules_the_next_digest(settings, slack, db):
    every_day_at_midnight = settings.model_copy(
        update={"digest_time": "00:00", "digest_timezone": "Pacific/Auckland", "digest_weekdays": "mon-sun"}
    )
    started = datetime.now(UTC)
    scheduler = start_digest_scheduler(every_day_at_midnight)
    try:
        slack.wait_for("chat.postMessage", timeout=10)  # today's 00:00 has passed: posted at once
        assert scheduler.next_run_time() == next_digest_time(started, every_day_at_midnight)
    finally:
        scheduler.shutdown(wait=True)
    assert len(slack.messages_in(ENG_CHANNEL)) == 1


def test_each_http_worker_starts_the_digest_scheduler(settings, monkeypatch):
    started = []
    monkeypatch.setattr(serve, "build_wsgi", lambda s: ("wsgi app", SimpleNamespace()))
    monkeypatch.setattr(serve, "start_digest_scheduler", lambda s: started.append(s))
    assert serve._Gunicorn(settings).load() == "wsgi app"
    assert started == [settings]


def _pending_retry(scheduler: DigestScheduler, timeout: float = 5.0):
    """The scheduled retry job, once the failed run has scheduled it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = scheduler._scheduler.get_job(RETRY_JOB_ID)
        if job is not None and job.next_run_time > datetime.now(UTC) + timedelta(seconds=30):
            return job
        time.sleep(0.01)
    raise AssertionError("no retry was scheduled")


def test_a_failed_digest_is_retried_the_same_day_with_backoff(settings, slack, db):
    every_day_at_midnight = settings.model_copy(
        update={"digest_time": "00:00", "digest_timezone": "UTC", "digest_weekdays": "mon-sun"}
    )
    slack.fail_next("chat.postMessage", "not_in_channel", times=2)
    databases = Databases(every_day_at_midnight.escalation_db)
    poster = make_poster(every_day_at_midnight, databases, make_client(every_day_at_midnight))
    scheduler = DigestScheduler(every_day_at_midnight, poster).start()
    try:
        slack.wait_for("chat.postMessage", timeout=10)  # the catch-up run fails…
        retry = _pending_retry(scheduler)  # …and is tried again in about a minute, not tomorrow
        assert (retry.next_run_time - datetime.now(UTC)).total_seconds() <= 61
        assert scheduler.retry_delay() == timedelta(minutes=2)  # the next wait doubles
        retry.modify(next_run_time=datetime.now(UTC))  # let the minute pass
        slack.wait_for("chat.postMessage", count=2, timeout=10)  # fails again
        retry = _pending_retry(scheduler)
        assert (retry.next_run_time - datetime.now(UTC)).total_seconds() > 61
        retry.modify(next_run_time=datetime.now(UTC))
        slack.wait_for("chat.postMessage", count=3, timeout=10)
    finally:
        scheduler.shutdown(wait=True)
        databases.close()
    assert len(slack.messages_in(ENG_CHANNEL)) == 1

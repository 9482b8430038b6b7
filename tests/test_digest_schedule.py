"""When the digest is due: DIGEST_TIME in DIGEST_TIMEZONE on DIGEST_WEEKDAYS, across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from slack_app.scheduling.schedule import digest_trigger, due_today, next_digest_time
from slack_app.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def schedule(time: str = "09:00", zone: str = "Europe/Berlin", days: str = "mon-fri") -> Settings:
    return Settings(
        slack_bot_token="xoxb-1",
        escalation_channel="CENG0001",
        digest_time=time,
        digest_timezone=zone,
        digest_weekdays=days,
        _env_file=None,
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_later_the_same_day_when_the_time_has_not_come():
    # Tuesday 4 March 2025, 07:00 UTC = 08:00 in Berlin (CET, UTC+1).
    assert next_digest_time(utc(2025, 3, 4, 7, 0), schedule()) == datetime(2025, 3, 4, 9, 0, tzinfo=BERLIN)


def test_the_next_day_once_the_time_has_passed_and_exactly_at_the_time():
    assert next_digest_time(utc(2025, 3, 4, 8, 0, 1), schedule()) == datetime(2025, 3, 5, 9, 0, tzinfo=BERLIN)
    assert next_digest_time(utc(2025, 3, 4, 8, 0), schedule()) == datetime(2025, 3, 5, 9, 0, tzinfo=BERLIN)


def test_berlin_in_spring_09_00_is_08_00_utc_before_the_switch_and_07_00_utc_after():
    every_day = schedule(days="mon-sun")
    saturday = next_digest_time(utc(2025, 3, 28, 12), every_day)
    assert saturday.astimezone(UTC) == utc(2025, 3, 29, 8, 0)  # CET
    sunday = next_digest_time(saturday, every_day)  # clocks go forward at 02:00 that night
    assert sunday == datetime(2025, 3, 30, 9, 0, tzinfo=BERLIN)
    assert sunday.astimezone(UTC) == utc(2025, 3, 30, 7, 0)  # CEST
    assert sunday.astimezone(UTC) - saturday.astimezone(UTC) == timedelta(hours=23)


def test_berlin_in_autumn_the_day_is_25_hours_long():
    every_day = schedule(days="mon-sun")
    saturday = next_digest_time(utc(2025, 10, 25, 3), every_day)
    assert saturday.astimezone(UTC) == utc(2025, 10, 25, 7, 0)  # CEST
    sunday = next_digest_time(saturday, every_day)
    assert sunday.astimezone(UTC) == utc(2025, 10, 26, 8, 0)  # CET
    assert sunday.astimezone(UTC) - saturday.astimezone(UTC) == timedelta(hours=25)


def test_weekdays_skip_the_weekend_even_across_the_switch():
    # Friday 28 March after the digest -> Monday 31 March, now in summer time.
    monday = next_digest_time(utc(2025, 3, 28, 9, 30), schedule())
    assert monday == datetime(2025, 3, 31, 9, 0, tzinfo=BERLIN)
    assert monday.astimezone(UTC) == utc(2025, 3, 31, 7, 0)


def test_new_york_before_and_after_its_own_switch():
    ny = schedule(time="08:30", zone="America/New_York")
    # Friday 7 March 2025 (EST, UTC-5), after 08:30 -> Monday 10 March, after the switch (EDT, UTC-4).
    monday = next_digest_time(utc(2025, 3, 7, 14, 0), ny)
    assert monday == datetime(2025, 3, 10, 8, 30, tzinfo=NEW_YORK)
    assert monday.astimezone(UTC) == utc(2025, 3, 10, 12, 30)
    # In November the offset goes back to UTC-5: Monday 3 November 08:30 is 13:30 UTC.
    assert next_digest_time(utc(2025, 10, 31, 13, 0), ny).astimezone(UTC) == utc(2025, 11, 3, 13, 30)


def test_a_utc_instant_late_in_the_evening_is_already_tomorrow_east_of_greenwich():
    # 23:30 UTC on Sunday is 00:30 on Monday in Berlin: Monday's digest is still ahead.
    assert next_digest_time(utc(2025, 1, 5, 23, 30), schedule()) == datetime(2025, 1, 6, 9, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("days", "now", "expected_day"),
    [
        ("tue,thu", utc(2025, 3, 5, 12), 6),  # Wednesday -> Thursday
        ("tue,thu", utc(2025, 3, 6, 12), 11),  # Thursday after 09:00 -> next Tuesday
        ("mon", utc(2025, 3, 3, 12), 10),  # only Mondays: a week later
        ("sat-mon", utc(2025, 3, 4, 12), 8),  # a range that wraps: Tuesday -> Saturday
        ("sun", utc(2025, 3, 8, 12), 9),
    ],
)
def test_a_custom_list_of_days(days, now, expected_day):
    found = next_digest_time(now, schedule(days=days))
    assert found == datetime(2025, 3, expected_day, 9, 0, tzinfo=BERLIN)


def test_a_time_inside_the_spring_gap_happens_when_the_gap_ends():
    # 02:30 does not exist in Berlin on 30 March 2025; the digest comes at 03:30 CEST (01:30 UTC).
    found = next_digest_time(utc(2025, 3, 29, 12), schedule(time="02:30", days="mon-sun"))
    assert found.astimezone(UTC) == utc(2025, 3, 30, 1, 30)


def test_a_time_that_happens_twice_in_autumn_happens_the_first_time():
    found = next_digest_time(utc(2025, 10, 25, 12), schedule(time="02:30", days="mon-sun"))
    assert found.astimezone(UTC) == utc(2025, 10, 26, 0, 30)  # 02:30 CEST, not 02:30 CET


@pytest.mark.parametrize(
    "settings",
    [
        schedule(),
        schedule(time="02:30", days="mon-sun"),
        schedule(time="08:30", zone="America/New_York", days="tue,thu,sat"),
        schedule(time="23:45", zone="Pacific/Auckland", days="sun"),
        schedule(time="00:00", zone="UTC"),
    ],
)
def test_apscheduler_fires_exactly_when_next_digest_time_says(settings):
    trigger = digest_trigger(settings)
    now = utc(2025, 3, 1)
    for _ in range(60):  # a couple of months of digests, both DST switches of 2025 in spring
        ours = next_digest_time(now, settings)
        theirs = trigger.get_next_fire_time(None, now + timedelta(microseconds=1))
        assert theirs == ours, (now, ours, theirs)
        now = ours


def test_due_today_once_the_time_has_come_on_a_digest_day():
    settings = schedule()
    assert due_today(utc(2025, 3, 4, 8, 0), settings)  # Tuesday 09:00 Berlin exactly
    assert due_today(utc(2025, 3, 4, 22, 59), settings)  # 23:59 the same evening
    assert not due_today(utc(2025, 3, 4, 7, 59), settings)  # 08:59
    assert not due_today(utc(2025, 3, 4, 23, 0), settings)  # already Wednesday 00:00 in Berlin
    assert not due_today(utc(2025, 3, 8, 12, 0), settings)  # Saturday

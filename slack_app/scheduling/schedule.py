"""When the digest is due: pure functions of a moment and the DIGEST_* settings.

A local time that does not exist on a spring-forward day (02:30 in Berlin on the last Sunday
of March) is taken as the same instant APScheduler uses: the wall-clock time read with the
offset before the change (02:30+01:00, which is 03:30 CEST). A local time that happens twice
in autumn is taken at its first occurrence.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from slack_app.settings import Settings


def local_day(now: datetime, settings: Settings) -> date:
    """The calendar day it is at `now` in DIGEST_TIMEZONE."""
    return now.astimezone(settings.digest_zone).date()


def digest_moment(day: date, settings: Settings) -> datetime:
    """The instant of DIGEST_TIME on a local day, as an aware datetime in DIGEST_TIMEZONE."""
    zone = settings.digest_zone
    wall = datetime.combine(day, settings.digest_local_time, tzinfo=zone)
    # A round trip through UTC turns a wall time in a spring-forward gap into a real one.
    return wall.astimezone(zone)


def is_digest_day(day: date, settings: Settings) -> bool:
    return day.weekday() in settings.digest_weekday_numbers


def next_digest_time(now: datetime, settings: Settings) -> datetime:
    """The first digest moment strictly after `now` (aware), in DIGEST_TIMEZONE."""
    today = local_day(now, settings)
    for offset in range(8):  # a week ahead always holds one of the chosen weekdays
        day = today + timedelta(days=offset)
        if is_digest_day(day, settings):
            moment = digest_moment(day, settings)
            if moment > now:
                return moment
    raise AssertionError("no digest day within a week")  # DIGEST_WEEKDAYS is never empty


def due_today(now: datetime, settings: Settings) -> bool:
    """Whether today's digest should exist by now: a digest day, and its time has come."""
    today = local_day(now, settings)
    return is_digest_day(today, settings) and now >= digest_moment(today, settings)


def digest_trigger(settings: Settings) -> CronTrigger:
    """APScheduler's trigger for the same schedule next_digest_time describes."""
    at = settings.digest_local_time
    return CronTrigger(
        day_of_week=",".join(str(d) for d in settings.digest_weekday_numbers),
        hour=at.hour,
        minute=at.minute,
        timezone=settings.digest_zone,
    )

"""The daily digest job: claim the day, build the message, post it; on a schedule or from the CLI.

Several processes may run the scheduler (each gunicorn worker, Socket Mode, cron): the
once-a-day guarantee is the claim in SQLite, taken before posting, never the scheduler.
"""

from __future__ import annotations

import atexit
import logging
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from slack_app.app import make_client
from slack_app.blocks.digest import digest_message, preview
from slack_app.clock import utcnow
from slack_app.delivery.errors import SLACK_FAILURES, slack_error_code
from slack_app.digest_model import DigestRecord
from slack_app.scheduling.schedule import digest_trigger, due_today
from slack_app.services.digest import DigestService
from slack_app.settings import Settings
from storage.db import Databases

logger = logging.getLogger(__name__)

DIGEST_JOB_ID = "daily-digest"
CATCH_UP_JOB_ID = "digest-catch-up"
RETRY_JOB_ID = "digest-retry"
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(minutes=15)


class Outcome(StrEnum):
    POSTED = "posted"
    ALREADY_POSTED = "already_posted"  # this day's digest exists (or another run is posting it)
    FAILED = "failed"
    PREVIEW = "preview"  # --dry-run: built, not posted, nothing recorded


@dataclass(frozen=True)
class DigestRun:
    outcome: Outcome
    channel_id: str
    message: dict[str, Any] | None = None
    record: DigestRecord | None = None  # this run's claim, or the one that beat it
    error: str | None = None


class DigestPoster:
    """Posts one channel's digest at most once per local day (unless forced)."""

    def __init__(self, service: DigestService, client: WebClient) -> None:
        self._service = service
        self._client = client

    @property
    def channel_id(self) -> str:
        return self._service.channel_id

    def preview(self) -> DigestRun:
        """The message as it would be posted now; records nothing."""
        message = digest_message(self._service.build(self._service.now()))
        return DigestRun(Outcome.PREVIEW, self.channel_id, message=message)

    def run(self, *, force: bool = False) -> DigestRun:
        """Claim today's digest, then build and post it; release the claim if the post fails."""
        claim = self._service.claim(self._service.now(), force=force)
        if not claim.held:
            return DigestRun(Outcome.ALREADY_POSTED, self.channel_id, record=claim.record)
        try:
            message = digest_message(self._service.build(claim.record.as_of))
            posted = self._client.chat_postMessage(
                channel=self.channel_id, unfurl_links=False, unfurl_media=False, **message
            )
        except SLACK_FAILURES as exc:
            code = slack_error_code(exc)
            record = self._service.record_failed(claim, code)
            return DigestRun(Outcome.FAILED, self.channel_id, record=record, error=code)
        except BaseException:
            # A bug, or the process being stopped: never leave the day claimed by a run that gave up.
            self._service.record_failed(claim, "unexpected_error")
            raise
        record = self._service.record_posted(claim, str(posted["ts"]))
        return DigestRun(Outcome.POSTED, self.channel_id, message=message, record=record)


def make_poster(
    settings: Settings, databases: Databases, client: WebClient, clock: Callable[[], datetime] = utcnow
) -> DigestPoster:
    service = DigestService(
        databases, channel_id=settings.digest_channel_id, zone=settings.digest_zone, clock=clock
    )
    return DigestPoster(service, client)


class DigestScheduler:
    """Posts the digest at DIGEST_TIME on DIGEST_WEEKDAYS while the app serves, and catches up
    on start-up when today's digest time has passed without one."""

    def __init__(
        self, settings: Settings, poster: DigestPoster, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._settings = settings
        self._poster = poster
        self._clock = clock
        self._scheduler = BackgroundScheduler(timezone=settings.digest_zone, daemon=True)
        self._retry_delay = FIRST_RETRY

    def start(self) -> DigestScheduler:
        self._scheduler.add_job(
            self.post_if_due,
            trigger=digest_trigger(self._settings),
            id=DIGEST_JOB_ID,
            coalesce=True,
            max_instances=1,
            # However late a run fires (a suspended machine), post_if_due decides whether it is still due.
            misfire_grace_time=None,
        )
        # Runs at once in the scheduler's thread, so start-up never waits on Slack.
        self._scheduler.add_job(self.post_if_due, id=CATCH_UP_JOB_ID)
        self._scheduler.start()
        logger.info(
            "daily digest to %s at %s %s on %s",
            self._poster.channel_id,
            self._settings.digest_time,
            self._settings.digest_timezone,
            self._settings.digest_weekdays,
        )
        return self

    def next_run_time(self) -> datetime | None:
        job = self._scheduler.get_job(DIGEST_JOB_ID)
        return job.next_run_time if job else None

    def shutdown(self, wait: bool = False) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=wait)

    def post_if_due(self) -> DigestRun | None:
        """Post today's digest if today is a digest day, its time has come and no run has posted it."""
        if not due_today(self._clock(), self._settings):
            return None
        try:
            run = self._poster.run()
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            logger.exception("digest failed unexpectedly (error %s)", error_id)
            self._retry_later()
            return None
        log_run(run)
        if run.outcome == Outcome.FAILED:
            self._retry_later()
        else:
            self._retry_delay = FIRST_RETRY
        return run

    def retry_delay(self) -> timedelta:
        return self._retry_delay

    def _retry_later(self) -> None:
        """A failed digest is tried again the same day, backing off from 1 to 15 minutes.

        The claim was released, so whichever process retries first posts it; the next day's
        digest does not wait for this one.
        """
        run_at = self._clock() + self._retry_delay
        self._retry_delay = min(self._retry_delay * 2, MAX_RETRY)
        if self._scheduler.running:
            self._scheduler.add_job(
                self.post_if_due, trigger="date", run_date=run_at, id=RETRY_JOB_ID, replace_existing=True
            )


def log_run(run: DigestRun) -> None:
    if run.outcome == Outcome.POSTED:
        logger.info("digest posted to %s", run.channel_id)
    elif run.outcome == Outcome.ALREADY_POSTED:
        logger.info("digest for %s already %s", run.channel_id, run.record.status if run.record else "posted")
    elif run.outcome == Outcome.FAILED:
        logger.warning("digest not posted to %s: %s", run.channel_id, run.error)


def start_digest_scheduler(settings: Settings, client: WebClient | None = None) -> DigestScheduler:
    """Start this process's digest scheduler, with its own connections; stopped at exit."""
    poster = make_poster(settings, Databases(settings.escalation_db), client or make_client(settings))
    scheduler = DigestScheduler(settings, poster).start()
    atexit.register(scheduler.shutdown)
    return scheduler


# -- `python -m slack_app digest` -------------------------------------------------------------

_HINTS = {
    "not_in_channel": "invite the app to the channel with /invite @Escalations",
    "channel_not_found": "check DIGEST_CHANNEL (or ESCALATION_CHANNEL)",
    "is_archived": "the channel is archived; set DIGEST_CHANNEL to another one",
    "invalid_auth": "check SLACK_BOT_TOKEN",
    "not_authed": "check SLACK_BOT_TOKEN",
    "token_revoked": "check SLACK_BOT_TOKEN",
    "network_error": "Slack could not be reached at SLACK_API_URL",
    "ratelimited": "Slack asked to slow down",
}


def digest_command(
    settings: Settings,
    *,
    force: bool = False,
    dry_run: bool = False,
    client: WebClient | None = None,
    out: Callable[[str], None] = print,
    err: Callable[[str], None] | None = None,
) -> int:
    """Post the digest now (once per local day unless forced) and say what happened; the exit code."""
    err = err or (lambda line: print(line, file=sys.stderr))
    if settings.log_level != "DEBUG":
        # The command answers in one plain line; slack_sdk's retry and failure logs are for DEBUG.
        logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)
    databases = Databases(settings.escalation_db)
    try:
        poster = make_poster(settings, databases, client or make_client(settings))
        if dry_run:
            run = poster.preview()
            assert run.message is not None
            out(f"Dry run: nothing posted or recorded. The digest for {run.channel_id} would read:\n")
            out(preview(run.message))
            return 0
        run = poster.run(force=force)
    finally:
        databases.close()
    record = run.record
    assert record is not None
    day = record.local_date.isoformat()
    if run.outcome == Outcome.POSTED:
        out(f"Posted the digest for {day} to {run.channel_id} (ts {record.message_ts}).")
        return 0
    if run.outcome == Outcome.ALREADY_POSTED:
        if record.posted_at is not None:
            at = record.posted_at.astimezone(settings.digest_zone).strftime("%H:%M")
            out(
                f"The digest for {day} was already posted to {run.channel_id} at {at}"
                f" {settings.digest_timezone}; nothing posted (use --force to post it again)."
            )
        else:
            out(f"Another run is posting the digest for {day} to {run.channel_id} right now; nothing posted.")
        return 0
    hint = _HINTS.get(run.error or "")
    err(
        f"error: the digest was not posted to {run.channel_id}: {run.error}"
        + (f" ({hint})" if hint else "")
        + "; a later run will try again."
    )
    return 1

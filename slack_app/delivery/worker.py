"""The outbox worker: delivers owed Slack writes, retrying with backoff until they succeed or cannot."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from slack_app.blocks.card import ReactionNames, Verdict, escalation_card
from slack_app.blocks.messages import NOTICE_BUILDERS, evidence_added_reply
from slack_app.clock import utcnow
from slack_app.delivery.errors import SLACK_FAILURES, Failure, classify, retry_after, slack_error_code
from slack_app.domain import AmendmentReply, Escalation, Notice
from slack_app.logging_setup import escalation_context
from slack_app.services.outbox import OutboxKind, notice_owed, owe_notice
from storage import escalations as escalation_store
from storage import outbox
from storage.db import Databases, write_transaction
from storage.outbox import OutboxItem

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
HISTORY_PAGES = 5
CARD_EVENT = "escalation_card"
MAX_BACKOFF = timedelta(minutes=15)
PERSON_RETRY = timedelta(seconds=30)
PERSON_FAST_PERIOD = timedelta(hours=1)
# A transient failure is told to the reporter only when it has lasted this many attempts.
TELL_AFTER_TRANSIENT_ATTEMPTS = 3


class _Skip(Exception):
    """The item cannot be sent yet (its card is not posted); try again shortly, not a failure."""


def backoff(attempts: int, *, base: float = 2.0, jitter: Callable[[], float] = random.random) -> timedelta:
    """Exponential backoff with jitter: about 2 s, 4 s, 8 s … capped at 15 minutes."""
    seconds = min(MAX_BACKOFF.total_seconds(), base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=seconds * (0.5 + jitter() / 2))


def person_backoff(waited: timedelta, attempts: int) -> timedelta:
    """Every 30 s for the first hour of waiting on a person, then backing off up to 15 minutes."""
    if waited < PERSON_FAST_PERIOD:
        return PERSON_RETRY
    extra = attempts - int(PERSON_FAST_PERIOD / PERSON_RETRY)
    return min(MAX_BACKOFF, PERSON_RETRY * 2 ** max(min(extra, 10), 1))


def verdict_of(escalation: Escalation) -> Verdict | None:
    if escalation.state_changed_by and escalation.state_changed_at:
        return Verdict(escalation.state_changed_by, escalation.state_changed_at)
    return None


class OutboxWorker:
    """Sends what the outbox holds. One per process; several processes share the work by leases."""

    def __init__(
        self,
        databases: Databases,
        client: WebClient,
        channel_id: str,
        reactions: ReactionNames = ReactionNames(),
        *,
        clock: Callable[[], datetime] = utcnow,
        poll_interval: float = 1.0,
        lease: timedelta = LEASE,
    ) -> None:
        self._db = databases
        self._client = client
        self._channel = channel_id
        self._reactions = reactions
        self._clock = clock
        self._poll = poll_interval
        self._lease = lease
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # ----- running

    def start(self) -> OutboxWorker:
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the write in progress, hand back what was claimed but not started, and end."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def kick(self) -> None:
        """Something was just recorded: deliver it now rather than at the next poll."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                handled = self.deliver_due()
            except Exception:
                logger.exception("outbox pass failed; retrying at the next poll")
                handled = 0
            if not handled:
                self._wake.wait(self._poll)

    def deliver_due(self, limit: int = 20) -> int:
        """One pass: claim what is due and deliver it. Returns how many items were handled."""
        db = self._db()
        items = outbox.claim_due(db, now=self._clock(), lease=self._lease, limit=limit)
        for index, item in enumerate(items):
            if self._stopping.is_set():
                # Stopping: what this process claimed but did not start is due again at once for
                # the next process, instead of waiting out the lease as if this one had died.
                with write_transaction(db):
                    for unstarted in items[index:]:
                        outbox.release(db, unstarted.id)
                break
            with escalation_context(item.escalation_id):
                self._deliver(item)
        return len(items)

    # ----- one item

    def _deliver(self, item: OutboxItem) -> None:
        db = self._db()
        try:
            result = self._send(item)
        except _Skip:
            with write_transaction(db):
                outbox.retry_later(
                    db, item.id, error="waiting_for_card", at=self._clock() + timedelta(seconds=5),
                    needs_person=False, count_attempt=False,
                )
            return
        except SLACK_FAILURES as exc:
            self._failed(item, exc)
            return
        if item.kind == OutboxKind.POST_CARD:
            return  # completed by _post_card, in the transaction that records the card
        with write_transaction(db):
            outbox.complete(db, item.id, now=self._clock(), result=result)

    def _send(self, item: OutboxItem) -> dict[str, Any] | None:
        escalation = self._escalation(item)
        match item.kind:
            case OutboxKind.POST_CARD:
                return self._post_card(item, escalation)
            case OutboxKind.UPDATE_CARD:
                if not escalation.is_posted:
                    return {"skipped": "card not posted; it will be drawn in its current state"}
                card = escalation_card(escalation, self._reactions, verdict_of(escalation))
                self._client.chat_update(channel=escalation.channel_id, ts=escalation.message_ts, **card)
                return None
            case OutboxKind.NOTICE:
                escalation = self._with_permalink(escalation)
                build = NOTICE_BUILDERS[Notice(item.payload["notice"])]
                message = build(escalation, item.payload, self._channel)
                sent = self._client.chat_postMessage(channel=escalation.reporter_id, **message)
                return {"channel": sent["channel"], "ts": sent["ts"]}
            case OutboxKind.THREAD_REPLY:
                if not escalation.is_posted:
                    raise _Skip
                text = evidence_added_reply(escalation, AmendmentReply.model_validate(item.payload))
                sent = self._client.chat_postMessage(
                    channel=escalation.channel_id, thread_ts=escalation.message_ts, text=text
                )
                return {"ts": sent["ts"]}
        raise ValueError(f"unknown outbox kind {item.kind!r}")

    def _escalation(self, item: OutboxItem) -> Escalation:
        found = escalation_store.get_escalation(self._db(), item.escalation_id) if item.escalation_id else None
        if found is None:
            raise ValueError(f"outbox item {item.id} names no escalation")
        return found

    def _post_card(self, item: OutboxItem, escalation: Escalation) -> dict[str, Any]:
        if escalation.is_posted:
            result = {"channel": escalation.channel_id, "ts": escalation.message_ts}
            with write_transaction(self._db()):
                outbox.complete(self._db(), item.id, now=self._clock(), result=result)
            return result
        found = self._find_card(escalation, item) if item.taken_over else None
        if found is not None:
            channel, ts = found
            logger.info("card for %s was already posted by a sender that died; not posting again", escalation.ref)
        else:
            card = escalation_card(escalation, self._reactions, verdict_of(escalation))
            posted = self._client.chat_postMessage(
                channel=self._channel,
                metadata={"event_type": CARD_EVENT, "event_payload": {"escalation_id": escalation.id}},
                **card,
            )
            channel, ts = posted["channel"], posted["ts"]
        # Recorded at once, with the receipt it makes owed, so a crash cannot post it twice and
        # "nothing pending" is never seen between the two.
        db = self._db()
        now = self._clock()
        with write_transaction(db):
            escalation_store.mark_posted(db, escalation.id, channel_id=channel, message_ts=ts, permalink=None, now=now)
            outbox.complete(db, item.id, now=now, result={"channel": channel, "ts": ts})
            told_of_failure = notice_owed(db, Notice.POST_FAILED, str(escalation.id))
            owe_notice(
                db,
                escalation.id,
                Notice.POSTED_AFTER_ALL if told_of_failure else Notice.POSTED,
                key=str(escalation.id),
                now=now,
            )
        logger.info("card for %s posted", escalation.ref)
        self.kick()
        return {"channel": channel, "ts": ts}

    def _find_card(self, escalation: Escalation, item: OutboxItem) -> tuple[str, str] | None:
        """Look for a card a dead sender may have posted, by the metadata every card carries.

        Only after a takeover: Slack has no idempotency key, so this is how a crash between
        Slack's answer and our commit still yields one card. Without the history scope
        (missing_scope), it falls back to posting, at least once.
        """
        # The newest messages first; a card posted moments before a crash is among them.
        cursor = None
        try:
            for _ in range(HISTORY_PAGES):
                page = self._client.conversations_history(
                    channel=self._channel, include_all_metadata=True, limit=200, cursor=cursor
                )
                for message in page.get("messages", []):
                    metadata = message.get("metadata") or {}
                    payload = metadata.get("event_payload") or {}
                    if metadata.get("event_type") == CARD_EVENT and payload.get("escalation_id") == escalation.id:
                        return page.get("channel") or self._channel, message["ts"]
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except SLACK_FAILURES as exc:
            logger.warning("could not look for an earlier card for %s: %s", escalation.ref, slack_error_code(exc))
        return None

    def _with_permalink(self, escalation: Escalation) -> Escalation:
        """Messages to people link to the card; its permalink is asked for once and kept."""
        if not escalation.is_posted or escalation.permalink:
            return escalation
        permalink = self._permalink(escalation.channel_id, escalation.message_ts)
        if permalink is None:
            return escalation
        escalation_store.set_permalink(self._db(), escalation.id, permalink)
        return escalation.model_copy(update={"permalink": permalink})

    def _permalink(self, channel: str, ts: str) -> str | None:
        try:
            return self._client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
        except SLACK_FAILURES as exc:
            logger.warning("no permalink for a card: %s", slack_error_code(exc))
            return None

    def _failed(self, item: OutboxItem, exc: BaseException) -> None:
        code = slack_error_code(exc)
        kind = classify(code)
        now = self._clock()
        db = self._db()
        logger.warning("outbox item %s (%s) failed: %s (%s)", item.id, item.kind, code, kind)
        with write_transaction(db):
            if kind is Failure.PERMANENT:
                outbox.fail(db, item.id, error=code, now=now)
            else:
                if kind is Failure.NEEDS_PERSON:
                    delay = person_backoff(now - item.created_at, item.attempts)
                else:
                    delay = backoff(item.attempts)
                    asked = retry_after(exc)
                    if asked is not None:
                        delay = max(delay, timedelta(seconds=asked))
                outbox.retry_later(
                    db, item.id, error=code, at=now + delay, needs_person=kind is Failure.NEEDS_PERSON
                )
            if item.kind == OutboxKind.POST_CARD and item.escalation_id is not None:
                escalation_store.mark_post_failed(db, item.escalation_id, error=code, now=now)
                worth_telling = kind is not Failure.TRANSIENT or item.attempts >= TELL_AFTER_TRANSIENT_ATTEMPTS
                if worth_telling:
                    owe_notice(
                        db, item.escalation_id, Notice.POST_FAILED, key=str(item.escalation_id), now=now,
                        details={"error": code},
                    )
        self.kick()

"""The digest message: calm when there is nothing, within Slack's limits when there is a lot."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from slack_app.blocks.digest import digest_message, format_age, format_duration, preview
from slack_app.digest_model import (
    AwaitingTriage,
    Digest,
    Listing,
    Quality,
    RecentlyAccepted,
    SeverityCounts,
    WaitingOnEvidence,
)
from slack_app.domain import Severity
from slack_app.services.digest import DigestService
from tests.blockkit import check_message
from tests.digest_support import add_escalation, readable, section_lines

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=BERLIN)


def empty_quality() -> Quality:
    return Quality(by_severity=[SeverityCounts(severity=s) for s in Severity])


def test_nothing_waiting_reads_calm(db):
    service = DigestService(lambda: db, channel_id="CENG0001", zone=BERLIN)
    message = digest_message(service.build(NOW))
    text = readable(message)
    assert message["text"] == "Escalations digest, Mon 10 Mar 2025: nothing waiting."
    assert (
        ":sunny: *Nothing waiting.* No escalation is awaiting triage or evidence, and none was accepted"
        " in the last 24 h."
    ) in text
    assert "Awaiting triage" not in text and "…and" not in text
    assert "Accepted on first read: no data yet" in text
    assert check_message(message["text"], message["blocks"]) == []


def test_500_open_escalations_stay_within_slacks_limits(db):
    service = DigestService(lambda: db, channel_id="CENG0001", zone=BERLIN)
    # Long summaries full of characters that grow when escaped, and every state.
    hostile = ("<&> " * 40)[:150]
    for i in range(500):
        add_escalation(
            db,
            created_at=NOW - timedelta(hours=i + 1),
            severity=("blocked", "degraded", "annoying")[i % 3],
            state=("awaiting_triage", "needs_evidence", "accepted")[i % 3],
            summary=hostile,
            accepted_at=NOW - timedelta(minutes=i + 1) if i % 3 == 2 else None,
            state_changed_at=NOW - timedelta(hours=i),
            state_changed_by="UENG0001",
            first_verdict_at=NOW - timedelta(hours=i) if i % 3 else None,
        )
    message = digest_message(service.build(NOW))
    assert check_message(message["text"], message["blocks"]) == []
    assert len(message["blocks"]) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in message["blocks"] if b["type"] == "section")

    awaiting = section_lines(message, "Awaiting triage (167)")
    shown = [line for line in awaiting if line.startswith("• ")]
    assert awaiting[-1] == f"…and {167 - len(shown)} more"
    accepted = section_lines(message, "Accepted in the last 24 h")
    assert accepted[-1].startswith("…and ") and accepted[-1].endswith(" more")


def rows(n: int) -> Listing[AwaitingTriage]:
    items = [
        AwaitingTriage(
            id=i, severity=Severity.DEGRADED, summary="&" * 150, created_at=NOW - timedelta(days=1),
            permalink="https://example.slack.com/archives/C1/p" + "9" * 400,
        )
        for i in range(n)
    ]
    return Listing[AwaitingTriage](items=items, total=n * 10)


def test_the_builder_cuts_any_list_to_fit_and_counts_the_rest():
    digest = Digest(
        as_of=NOW,
        since=NOW - timedelta(hours=24),
        since_last_digest=False,
        awaiting=rows(200),
        awaiting_blocked=0,
        needs_evidence=Listing[WaitingOnEvidence](items=[], total=0),
        accepted=Listing[RecentlyAccepted](items=[], total=0),
        quality=empty_quality(),
    )
    message = digest_message(digest)
    assert check_message(message["text"], message["blocks"]) == []
    lines = section_lines(message, "Awaiting triage (2000)")
    shown = len(lines) - 1
    assert 0 < shown < 200
    assert lines[-1] == f"…and {2000 - shown} more"


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=20), "under 1 min"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=5, minutes=59), "5 h"),
        (timedelta(days=3, hours=23), "3 d"),
        (timedelta(seconds=-5), "under 1 min"),
    ],
)
def test_ages_read_at_a_glance(delta, expected):
    assert format_age(delta) == expected


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(minutes=25), "25 min"),
        (timedelta(hours=4, minutes=20), "4 h 20 min"),
        (timedelta(hours=3), "3 h"),
        (timedelta(days=2, hours=5, minutes=10), "2 d 5 h"),
    ],
)
def test_durations_are_a_little_finer(delta, expected):
    assert format_duration(delta) == expected


def test_the_preview_shows_the_text_and_every_block():
    digest = Digest(
        as_of=NOW, since=NOW - timedelta(hours=24), since_last_digest=False, awaiting=rows(1),
        awaiting_blocked=0, needs_evidence=Listing[WaitingOnEvidence](items=[], total=0),
        accepted=Listing[RecentlyAccepted](items=[], total=0), quality=empty_quality(),
    )
    shown = preview(digest_message(digest))
    assert shown.startswith("text: Escalations digest, Mon 10 Mar 2025: 10 awaiting triage")
    assert "# Escalations digest · Mon 10 Mar 2025" in shown
    assert "…and 9 more" in shown and "---" in shown and "First read: accepted without" in shown

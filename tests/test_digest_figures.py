"""The digest's figures, from escalations with a known history, read the way a person reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from slack_app.blocks.digest import digest_message, digest_text
from slack_app.services.digest import DigestService
from storage import digest as digest_store
from tests.digest_support import add_escalation, readable, section_lines

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=BERLIN)  # Monday, 08:00 UTC
CHANNEL = "CENG0001"


@pytest.fixture
def service(db):
    return DigestService(lambda: db, channel_id=CHANNEL, zone=BERLIN, clock=lambda: NOW.astimezone(UTC))


def ago(**kwargs) -> datetime:
    return NOW - timedelta(**kwargs)


def accepted(db, *, created: timedelta, took: timedelta, rounds: int = 0, **kwargs) -> int:
    """An escalation posted when created and accepted `took` later."""
    created_at = NOW - created
    return add_escalation(
        db,
        created_at=created_at,
        state="accepted",
        posted_at=created_at,
        accepted_at=created_at + took,
        first_verdict_at=created_at + took / 2,
        state_changed_at=created_at + took,
        state_changed_by="UENG0001",
        needs_evidence_rounds=rounds,
        **kwargs,
    )


def quality_text(service) -> str:
    return readable(digest_message(service.build(NOW))).split("*Last 7 days*")[1]


def test_first_read_counts_accepted_never_bounced_among_those_with_a_verdict(db, service):
    accepted(db, created=timedelta(days=1), took=timedelta(hours=2))  # first read
    accepted(db, created=timedelta(days=2), took=timedelta(hours=3))  # first read
    accepted(db, created=timedelta(days=3), took=timedelta(hours=4))  # first read
    accepted(db, created=timedelta(days=4), took=timedelta(days=1), rounds=1)  # bounced once, then accepted
    add_escalation(  # sent back for evidence, still waiting
        db, created_at=ago(days=2), state="needs_evidence", needs_evidence_rounds=1,
        first_verdict_at=ago(days=1), state_changed_at=ago(days=1),
    )
    add_escalation(  # evidence added, awaiting triage again: it had a verdict
        db, created_at=ago(days=5), needs_evidence_rounds=1, first_verdict_at=ago(days=4),
        state_changed_at=ago(days=3),
    )
    add_escalation(db, created_at=ago(hours=5))  # no verdict yet: not counted either way
    accepted(db, created=timedelta(days=8), took=timedelta(hours=1))  # created before the window

    digest = service.build(NOW)
    assert (digest.quality.first_read, digest.quality.with_verdict, digest.quality.created) == (3, 6, 7)
    assert "Accepted on first read: *50%* (3 of 6 with a verdict)" in quality_text(service)


def test_the_median_time_to_acceptance_over_an_odd_and_an_even_number(db, service):
    accepted(db, created=timedelta(days=1), took=timedelta(hours=1))
    accepted(db, created=timedelta(days=2), took=timedelta(hours=5))
    accepted(db, created=timedelta(days=3), took=timedelta(days=2))
    assert "Median time to acceptance: *5 h* (over 3 accepted)" in quality_text(service)

    accepted(db, created=timedelta(days=2), took=timedelta(hours=6, minutes=40))
    # (5 h + 6 h 40 min) / 2
    assert "Median time to acceptance: *5 h 50 min* (over 4 accepted)" in quality_text(service)


def test_the_median_leaves_out_acceptances_before_the_window_and_cards_never_posted(db, service):
    accepted(db, created=timedelta(days=10), took=timedelta(hours=1))  # accepted 10 days ago
    add_escalation(
        db, created_at=ago(days=1), state="accepted", accepted_at=ago(hours=1), card_posted=False,
        first_verdict_at=ago(hours=1),
    )
    accepted(db, created=timedelta(days=1), took=timedelta(minutes=25))
    assert "Median time to acceptance: *25 min* (over 1 accepted)" in quality_text(service)


def test_no_data_yet_rather_than_a_division_by_zero(db, service):
    add_escalation(db, created_at=ago(hours=3))  # created this week, no verdict yet
    text = quality_text(service)
    assert "Accepted on first read: no data yet" in text
    assert "Median time to acceptance: no data yet" in text
    assert "Severity mix of 1 new:" in text
    assert "%" not in text


def test_the_severity_mix_of_the_week(db, service):
    for severity, count in (("blocked", 2), ("degraded", 5), ("annoying", 3)):
        for _ in range(count):
            add_escalation(db, created_at=ago(days=2), severity=severity)
    add_escalation(db, created_at=ago(days=9), severity="blocked")  # last week
    assert (
        "Severity mix of 10 new: :red_circle: 2 Blocked · :large_orange_circle: 5 Degraded"
        " · :white_circle: 3 Annoying"
    ) in quality_text(service)


def test_awaiting_triage_lists_blocked_first_then_oldest_first_with_age_and_card_link(db, service):
    old = add_escalation(db, created_at=ago(days=3, hours=2), severity="annoying", summary="Old and annoying")
    mid = add_escalation(db, created_at=ago(days=1), severity="degraded", summary="Export times out")
    new_blocked = add_escalation(db, created_at=ago(hours=5), severity="blocked", summary="Checkout is down")
    unposted = add_escalation(
        db, created_at=ago(minutes=40), severity="degraded", summary="No card", card_posted=False
    )
    no_link = add_escalation(  # posted, but Slack gave no permalink
        db, created_at=ago(minutes=20), severity="degraded", summary="No link", permalink=None
    )

    message = digest_message(service.build(NOW))
    lines = section_lines(message, "Awaiting triage (5)")
    assert [line.split("|")[1].split(">")[0] if "|" in line else line.split()[1] for line in lines] == [
        f"ESC-{new_blocked}", f"ESC-{old}", f"ESC-{mid}", f"ESC-{unposted}", f"ESC-{no_link}",
    ]
    assert lines[0] == (
        f"• <https://example.slack.com/archives/CENG0001/p17332416000{new_blocked:05d}|ESC-{new_blocked}>"
        " :red_circle: *Blocked* · Checkout is down · 5 h old"
    )
    assert lines[1].endswith("Old and annoying · 3 d old")
    assert lines[3] == (
        f"• ESC-{unposted} (no card yet) :large_orange_circle: *Degraded* · No card · 40 min old"
    )
    assert lines[4] == f"• ESC-{no_link} :large_orange_circle: *Degraded* · No link · 20 min old"
    assert "Awaiting triage (5)* · Blocked first, then oldest first" in readable(message)


def test_needs_evidence_names_the_reporter_and_how_long_they_have_had_it(db, service):
    add_escalation(
        db, created_at=ago(days=4), state="needs_evidence", reporter_id="USUP0002", summary="SSO loops",
        state_changed_at=ago(days=2, hours=1), first_verdict_at=ago(days=2, hours=1), needs_evidence_rounds=1,
    )
    add_escalation(
        db, created_at=ago(days=6), state="needs_evidence", reporter_id="USUP0003",
        summary="Search ignores accents",
        state_changed_at=ago(hours=3), first_verdict_at=ago(hours=3), needs_evidence_rounds=1,
    )
    message = digest_message(service.build(NOW))
    assert "*Needs evidence (2)* · waiting on support, longest first" in readable(message)
    first, second = section_lines(message, "Needs evidence (2)")
    assert first.endswith("SSO loops · <@USUP0002> · waiting 2 d")
    assert second.endswith("Search ignores accents · <@USUP0003> · waiting 3 h")


def test_accepted_since_the_last_digest_or_in_the_last_24_h_for_the_first(db, service):
    def accepted_ago(hours: int, **kwargs) -> None:
        created = timedelta(days=3)
        took = created - timedelta(hours=hours)
        accepted(db, created=created, took=took, summary=f"Accepted {hours} h ago", **kwargs)

    accepted_ago(30)
    accepted_ago(20)
    accepted_ago(2, rounds=2)

    first = service.build(NOW)
    text = readable(digest_message(first))
    assert "*Accepted in the last 24 h (2)*" in text
    assert "Accepted 20 h ago · accepted by <@UENG0001> · first read" in text
    assert "Accepted 2 h ago · accepted by <@UENG0001> · after 2 evidence rounds" in text
    assert "Accepted 30 h ago" not in text

    # A digest was posted 3 h ago (Monday 06:00 Berlin): only what was accepted after it counts.
    claimed, _ = digest_store.claim_digest(
        db, CHANNEL, NOW.date(), now=ago(hours=3), stale_after=timedelta(minutes=10)
    )
    digest_store.mark_digest_posted(db, claimed.id, message_ts="1.2", now=ago(hours=3))
    second = service.build(NOW)
    text = readable(digest_message(second))
    assert "*Accepted since the last digest (Mon 10 Mar, 06:00) (1)*" in text
    assert "Accepted 2 h ago" in text and "Accepted 20 h ago" not in text
    assert digest_text(second) == (
        "Escalations digest, Mon 10 Mar 2025: 0 awaiting triage, 0 need evidence,"
        " 1 accepted since the last digest (Mon 10 Mar, 06:00)."
    )


def test_the_headline_counts(db, service):
    add_escalation(db, created_at=ago(days=1), severity="blocked")
    add_escalation(db, created_at=ago(days=1), severity="degraded")
    add_escalation(db, created_at=ago(days=1), state="needs_evidence", state_changed_at=ago(hours=1))
    accepted(db, created=timedelta(days=1), took=timedelta(hours=20))
    message = digest_message(service.build(NOW))
    assert message["text"] == (
        "Escalations digest, Mon 10 Mar 2025: 2 awaiting triage (1 Blocked), 1 needs evidence,"
        " 1 accepted in the last 24 h."
    )
    assert message["blocks"][0]["text"]["text"] == "Escalations digest · Mon 10 Mar 2025"
    assert readable(message).splitlines()[1] == (
        "*2 awaiting triage (1 Blocked)* · *1 needs evidence* · *1 accepted in the last 24 h*"
    )


def test_what_people_typed_is_escaped(db, service):
    add_escalation(db, created_at=ago(hours=2), summary="Pinging <!channel> & <@U999> breaks <https://x|y>")
    text = readable(digest_message(service.build(NOW)))
    assert "Pinging &lt;!channel&gt; &amp; &lt;@U999&gt; breaks &lt;https://x|y&gt;" in text
    assert "<!channel>" not in text

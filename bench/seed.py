"""Escalations written straight into SQLite: a year of history, in one transaction.

The mix is what a busy year looks like: severities 15 % blocked / 50 % degraded / 35 % annoying;
most older escalations accepted (some after a round or two of "needs evidence"), recent ones
mostly awaiting triage; 0.5 % whose card never reached Slack. Every row has the six facts at
realistic lengths, a card (channel, ts, permalink), and the verdict columns the acceptance loop
keeps (state_changed_at/by, first_verdict_at, accepted_at, needs_evidence_rounds).
Only the escalations table is filled (no reaction log, outbox or revisions).
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.db import open_db, restrict_permissions
from storage.migrations import MIGRATIONS, migrate

# Bump when the generated data changes, so cached databases are regenerated.
GENERATOR_VERSION = 1
CHANNEL = "CENG0001"
YEAR = timedelta(days=365)

_AREAS = ["Checkout", "Billing", "Login", "SSO", "Export", "Search", "Dashboard", "Invoices", "Webhooks",
          "Mobile app", "Reports", "Permissions", "Onboarding", "Notifications", "Calendar sync"]
_SYMPTOMS = ["fails after payment step", "times out for large accounts", "shows a blank page",
             "returns 500 on save", "loses the selected filter", "double-charges on retry",
             "never sends the email", "is slow since the last release", "shows the wrong currency",
             "rejects valid addresses"]
_WHO = ["Admins on the Team plan", "All users in the EU region", "New trial accounts",
        "Enterprise customers with SSO", "Mobile users on Android 14", "Accountants exporting CSV"]
_ACTUAL = ["Spinner for 30 s, then 'Something went wrong'", "HTTP 500 with error id", "Blank page, console shows TypeError",
           "Request hangs until the gateway times out", "The change is saved but reverted on reload"]
_SCOPE = ["Safari 17 on macOS, admins only", "all browsers, EU accounts", "Android app 5.12 and later",
          "only one report so far", "Business plan, accounts with over 10k records"]
_NEXT = ["Payment webhook handler logs around {h:02d}:{m:02d} UTC", "Feature flag rollout for release {r}",
         "Query plan of the export job on shard {s}", "Session replay at the moment it fails, then the API logs"]
_WORKAROUND = [None, None, None, "Retry from the invoice page", "Use the desktop app", None]


def generated_now() -> datetime:
    """The moment a cached benchmark database describes (fixed, so a cached file stays valid)."""
    return datetime(2025, 6, 2, 9, 0, tzinfo=UTC)  # a Monday, at the digest's default time


def cache_name(count: int) -> str:
    """A file name that changes whenever the schema or the generator does."""
    schema = hashlib.sha256(",".join(name for name, _ in MIGRATIONS).encode()).hexdigest()[:8]
    return f"escalations-{count}-g{GENERATOR_VERSION}-{schema}.db"


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="microseconds")


def rows(count: int, now: datetime, seed: int = 1) -> Iterator[tuple]:
    """`count` escalation rows created over the year before `now`, oldest first."""
    rnd = random.Random(seed)
    end = now.timestamp()
    start = end - YEAR.total_seconds()
    created = sorted(rnd.uniform(start, end - 60) for _ in range(count))
    reporters = [f"USUP{n:04d}" for n in range(200)]
    engineers = [f"UENG{n:04d}" for n in range(80)]
    for i, made in enumerate(created, start=1):
        age_days = (end - made) / 86400
        sev_roll = rnd.random()
        severity = "blocked" if sev_roll < 0.15 else "degraded" if sev_roll < 0.65 else "annoying"
        roll = rnd.random()
        if age_days < 2:
            state = "awaiting_triage" if roll < 0.6 else "needs_evidence" if roll < 0.75 else "accepted"
        elif age_days < 14:
            state = "awaiting_triage" if roll < 0.13 else "needs_evidence" if roll < 0.25 else "accepted"
        else:
            state = "awaiting_triage" if roll < 0.04 else "needs_evidence" if roll < 0.08 else "accepted"
        posted = rnd.random() >= 0.005
        posted_at = made + rnd.uniform(0.3, 5) if posted else None
        base = posted_at or made
        rounds_roll = rnd.random()
        if state == "accepted":
            rounds = 0 if rounds_roll < 0.8 else 1 if rounds_roll < 0.95 else 2
        elif state == "needs_evidence":
            rounds = 1 if rounds_roll < 0.8 else 2
        else:
            rounds = 0 if rounds_roll < 0.9 else 1  # 1: evidence added, awaiting triage again
        first_verdict = base + rnd.uniform(300, 2 * 86400) if (state != "awaiting_triage" or rounds) else None
        if first_verdict is not None:
            first_verdict = min(first_verdict, end - 1)
        accepted_at = changed_at = None
        changed_by = None
        if first_verdict is not None:
            changed_at = first_verdict if rounds == 0 else min(first_verdict + rnd.uniform(3600, 3 * 86400), end - 1)
            changed_by = rnd.choice(engineers)
            if state == "accepted":
                accepted_at = changed_at
        area, symptom = rnd.choice(_AREAS), rnd.choice(_SYMPTOMS)
        sec = int(made)
        ts = f"{sec}.{i % 1_000_000:06d}"
        yield (
            _iso(made),  # created_at
            _iso(changed_at or posted_at or made),  # updated_at
            rnd.choice(reporters),
            "T0001",
            f"{area} {symptom}",
            f"{rnd.choice(_WHO)} cannot finish this in {area}; {rnd.randint(2, 400)} accounts affected",
            f"After saving, {area.lower()} shows the updated state",
            f"{rnd.choice(_ACTUAL)} (req {rnd.getrandbits(48):012x})",
            f"https://replay.example.com/s/{rnd.getrandbits(40):010x}?t={rnd.randint(1, 900)}",
            rnd.choice(_SCOPE),
            rnd.choice(_NEXT).format(h=rnd.randint(0, 23), m=rnd.randint(0, 59), r=rnd.randint(100, 999), s=rnd.randint(1, 64)),
            severity,
            rnd.choice(_WORKAROUND),
            f"https://tickets.example.com/{rnd.randint(10000, 99999)}" if rnd.random() < 0.3 else None,
            state,
            f"V{i:010d}",  # source_view_id
            CHANNEL if posted else None,
            ts if posted else None,
            f"https://example.slack.com/archives/{CHANNEL}/p{ts.replace('.', '')}" if posted else None,
            _iso(posted_at) if posted_at else None,
            None if posted else "not_in_channel",
            _iso(changed_at) if changed_at else None,
            changed_by,
            _iso(first_verdict) if first_verdict else None,
            _iso(accepted_at) if accepted_at else None,
            rounds,
        )


COLUMNS = (
    "created_at, updated_at, reporter_id, team_id, summary, impact, expected, actual, evidence, scope,"
    " next_step, severity, workaround, ticket_url, state, source_view_id, channel_id, message_ts, permalink,"
    " posted_at, post_error, state_changed_at, state_changed_by, first_verdict_at, accepted_at,"
    " needs_evidence_rounds"
)


def generate(path: Path, count: int, now: datetime, seed: int = 1) -> float:
    """Create `path` with the schema and `count` escalations; returns seconds taken."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    db = open_db(path)
    migrate(db)
    db.close()
    conn = sqlite3.connect(path)
    # A bulk load: no WAL copy, no fsync; the file is switched back to WAL when done.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    placeholders = ", ".join("?" * len(COLUMNS.split(",")))
    # Indexes are built after the load (a sort each) rather than row by row: the same schema, faster.
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'escalations' AND sql IS NOT NULL"
    ).fetchall()
    with conn:
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
        conn.executemany(f"INSERT INTO escalations ({COLUMNS}) VALUES ({placeholders})", rows(count, now, seed))
        for _, sql in indexes:
            conn.execute(sql)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    restrict_permissions(path)
    return time.perf_counter() - started


def cached(directory: Path, count: int, *, use_cache: bool = True) -> tuple[Path, float | None]:
    """The generated database for `count`, from the cache when it is there; (path, seconds generating)."""
    path = directory / cache_name(count)
    if use_cache and path.exists():
        return path, None
    tmp = path.with_suffix(".tmp.db")
    seconds = generate(tmp, count, generated_now())
    shutil.move(tmp, path)
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    return path, seconds

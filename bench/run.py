"""Benchmark: the app as it runs in production against a bare Bolt baseline, in one run.

    python bench/run.py [--quick] [--rounds N] [--digest-sizes 10000,100000,1000000] [--out FILE]

Starts the Slack stand-in (bench/standin_server.py, 50 ms per Web API call), the app
(`python -m slack_app`: gunicorn gthread, its real settings, a SQLite file in a temp dir seeded
with escalations) and the baseline (bench/baseline_app.py: same gunicorn settings, same Bolt
adapter, listeners that only ack), each in its own process; this process drives both with signed
requests over HTTP. Prints one table and writes every figure as JSON under bench/results/.

Noisy figures are medians over rounds; each round measures the app and the baseline back to back
(alternating which goes first), and ratios are taken within a round, then their median.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load, seed  # noqa: E402
from bench.load import Standin, Target, median, summary_ms  # noqa: E402
from bench.processes import Served, StandinProcess, app_command, baseline_command  # noqa: E402
from bench.standin_server import ENG_CHANNEL  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SLACK_LATENCY = 0.05
SLOW_LATENCY = 1.0


@dataclass(frozen=True)
class Plan:
    """How much of everything a run does."""

    rounds: int = 3
    warmup: int = 30
    commands_c1: int = 150
    commands_c10: int = 500
    submissions_c1: int = 100
    submissions_c10: int = 300
    storm: int = 5000
    cards: int = 20
    slow: int = 20  # requests of each kind at 1 s Slack latency
    starts: int = 5
    seed_rows: int = 10_000
    digest_sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    digest_runs: int = 7


QUICK = Plan(
    rounds=1, warmup=5, commands_c1=10, commands_c10=30, submissions_c1=10, submissions_c10=30, storm=200,
    cards=3, slow=3, starts=2, seed_rows=1000, digest_sizes=(1000, 5000), digest_runs=3,
)

# Every metric the JSON carries (tests/test_bench_smoke.py checks they are all there).
METRIC_KEYS = (
    "escalate_ack_c1", "escalate_ack_c10", "views_open_reached_c1", "views_open_reached_c10",
    "submission_ack_c1", "submission_ack_c10", "card_posted",
    "storm_events_per_s", "storm_ack", "storm_db_writes",
    "card_reaction_chat_update",
    "slow_slack_escalate_ack", "slow_slack_submission_ack", "slow_slack_storm_ack", "slow_slack_card_reaction_ack",
    "slow_slack_submission_after_escalate_ack",
    "digest_build", "peak_rss", "db_bytes_per_escalation", "startup",
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- the app's database, read from outside -------------------------------------------------------


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)


TABLES = ("escalations", "reaction_events", "revisions", "outbox", "digests")


def db_snapshot(conn: sqlite3.Connection, path: Path) -> dict[str, Any]:
    """What would show any write: data_version (changes when another connection commits), row
    counts and highest ids per table, and the file sizes."""
    snap: dict[str, Any] = {"data_version": conn.execute("PRAGMA data_version").fetchone()[0]}
    for table in TABLES:
        count, top = conn.execute(f"SELECT count(*), max(rowid) FROM {table}").fetchone()  # noqa: S608
        snap[table] = [count, top]
    changed = conn.execute("SELECT max(updated_at) FROM escalations").fetchone()[0]
    snap["escalations_max_updated_at"] = changed
    for suffix in ("", "-wal"):
        file = Path(str(path) + suffix)
        snap[f"bytes{suffix or '_db'}"] = file.stat().st_size if file.exists() else 0
    return snap


def used_bytes(conn: sqlite3.Connection) -> int:
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    return (pages - free) * page


# -- phases -------------------------------------------------------------------------------------


class Bench:
    def __init__(
        self, plan: Plan, work: Path, app_root: Path, cache_dir: Path, use_cache: bool,
        server_env: dict[str, str] | None = None,
    ) -> None:
        self.plan = plan
        self.server_env = server_env or {}
        self.work = work
        self.app_root = app_root
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self.raw: dict[str, Any] = {}
        self.rnd = random.Random(7)
        self.standin_log = open(work / "standin.log", "wb")  # noqa: SIM115 -- closed in close()
        self.standin_proc = StandinProcess(self.standin_log, SLACK_LATENCY)
        self.slack: Standin = self.standin_proc.control
        self.app_db = work / "app" / "escalations.db"
        self.app: Served | None = None
        self.baseline: Served | None = None
        self._cards: list[tuple[str, str]] = []  # (channel, ts) of cards the app posted in this run

    def close(self) -> None:
        for served in (self.app, self.baseline):
            if served is not None:
                served.stop()
        self.standin_proc.stop()
        self.standin_log.close()

    def served(self, name: str, db: Path) -> Served:
        command = app_command() if name == "app" else baseline_command()
        return Served(
            name, command, standin=self.slack, db_path=db, log_path=self.work / f"{name}.log",
            root=self.app_root if name == "app" else ROOT, extra_env=self.server_env,
        )

    # ----- helpers

    def calls_mark(self) -> int:
        return self.slack.count()

    def pending(self) -> int:
        assert self.app is not None
        return int(self.app.target.get_json("/healthz")["pending_slack_writes"])

    def drain(self, timeout: float = 120.0) -> float:
        """Let the app's outbox deliver everything it owes, fast: Slack answers at once meanwhile."""
        started = time.monotonic()
        self.slack.set_latency(0)
        try:
            while self.pending() and time.monotonic() - started < timeout:
                time.sleep(0.05)
        finally:
            self.slack.set_latency(SLACK_LATENCY)
        left = self.pending()
        if left:
            log(f"warning: {left} Slack write(s) still owed after {timeout} s")
        return time.monotonic() - started

    def wait_idle_outbox(self, timeout: float = 30.0) -> None:
        """Wait (at the current latency) until the app owes Slack nothing."""
        deadline = time.monotonic() + timeout
        while self.pending() and time.monotonic() < deadline:
            time.sleep(0.02)

    # ----- 7. start-up

    def startup(self) -> dict[str, Any]:
        times: dict[str, list[float]] = {"app": [], "baseline": []}
        for i in range(self.plan.starts):
            for name in ("app", "baseline") if i % 2 == 0 else ("baseline", "app"):
                served = self.served(name, self.app_db if name == "app" else self.work / "baseline.db")
                times[name].append(served.start())
                served.stop()
        log(f"start-up: app {times['app']}, baseline {times['baseline']}")
        return times

    # ----- 1, 2, 3: acks, app and baseline back to back

    def escalate(self, target: Target, count: int, concurrency: int) -> dict[str, Any]:
        mark = self.calls_mark()
        result = load.run(target, lambda i: load.command(target, self.slack), count, concurrency)
        sent = {t.tag: t.sent for t in result.timings}
        deadline = time.monotonic() + 10
        opened: dict[str, float] = {}
        while len(opened) < len(sent) and time.monotonic() < deadline:
            for call in self.slack.calls(mark):
                if call["method"] == "views.open" and call["trigger_id"] in sent:
                    opened[call["trigger_id"]] = call["at"] - sent[call["trigger_id"]]
            if len(opened) < len(sent):
                time.sleep(0.05)
        return {
            "ack": summary_ms(result.seconds),
            "views_open": summary_ms(list(opened.values())),
            "views_open_missing": len(sent) - len(opened),
            "statuses": result.statuses,
            "per_second": round(result.per_second, 1),
        }

    def submit(self, target: Target, count: int, concurrency: int) -> dict[str, Any]:
        result = load.run(target, lambda i: load.submission(target), count, concurrency)
        return {"ack": summary_ms(result.seconds), "statuses": result.statuses, "per_second": round(result.per_second, 1)}

    def storm(self, target: Target, count: int) -> dict[str, Any]:
        rnd = random.Random(self.rnd.random())
        result = load.run(target, lambda i: load.non_card_reaction(target, rnd), count, 10)
        return {
            "ack": summary_ms(result.seconds), "statuses": result.statuses,
            "events_per_second": round(result.per_second, 1), "wall_s": round(result.wall, 3),
        }

    def rounds(self) -> list[dict[str, Any]]:
        assert self.app is not None and self.baseline is not None
        plan = self.plan
        out = []
        for r in range(plan.rounds):
            order = [self.app, self.baseline] if r % 2 == 0 else [self.baseline, self.app]
            this: dict[str, Any] = {"order": [s.name for s in order]}
            for served in order:
                this.setdefault(served.name, {})["escalate_c1"] = self.escalate(served.target, plan.commands_c1, 1)
                this[served.name]["escalate_c10"] = self.escalate(served.target, plan.commands_c10, 10)
            for served in order:
                this[served.name]["submission_c1"] = self.submit(served.target, plan.submissions_c1, 1)
                this[served.name]["submission_c10"] = self.submit(served.target, plan.submissions_c10, 10)
                if served is self.app:
                    this["app"]["drain_s"] = round(self.drain(), 2)
            for served in order:
                if served is self.app:
                    conn = read_only(self.app_db)
                    before = db_snapshot(conn, self.app_db)
                    this["app"]["storm"] = self.storm(served.target, plan.storm)
                    time.sleep(1.5)  # longer than the outbox worker's poll: anything it would write, it has
                    after = db_snapshot(conn, self.app_db)
                    conn.close()
                    this["app"]["storm"]["db_before"] = before
                    this["app"]["storm"]["db_after"] = after
                    this["app"]["storm"]["db_written"] = before != after
                else:
                    this["baseline"]["storm"] = self.storm(served.target, plan.storm)
            out.append(this)
            log(
                f"round {r + 1}/{plan.rounds}: escalate c10 p50 app {this['app']['escalate_c10']['ack']['p50']} ms /"
                f" baseline {this['baseline']['escalate_c10']['ack']['p50']} ms; storm app"
                f" {this['app']['storm']['events_per_second']}/s / baseline {this['baseline']['storm']['events_per_second']}/s"
            )
        return out

    # ----- 2. the card, 4. a verdict on it (app only)

    def cards(self) -> dict[str, Any]:
        """Submit one at a time, each when the app owes Slack nothing: the time until its card is posted."""
        assert self.app is not None
        target = self.app.target
        self.drain()
        reached: list[float] = []
        cards: list[tuple[str, str]] = []
        conn = read_only(self.app_db)
        for _ in range(self.plan.cards):
            mark = self.calls_mark()
            timing = target.send(load.submission(target))
            (escalation_id,) = conn.execute(
                "SELECT id FROM escalations WHERE source_view_id = ?", [timing.tag]
            ).fetchone()
            call = self.slack.wait_for(
                lambda c, eid=escalation_id: c["method"] == "chat.postMessage"
                and c["event_type"] == "escalation_card" and c["escalation_id"] == eid,
                mark, timeout=15,
            )
            if call is None:
                raise RuntimeError(f"no card was posted for ESC-{escalation_id}")
            reached.append(call["at"] - timing.sent)
            self.wait_idle_outbox()
            channel, ts = conn.execute(
                "SELECT channel_id, message_ts FROM escalations WHERE id = ?", [escalation_id]
            ).fetchone()
            cards.append((channel, ts))
        conn.close()
        self._cards = cards
        return {"card_posted": summary_ms(reached)}

    def card_reactions(self) -> dict[str, Any]:
        """An engineer's +1 on a real card: the time until the card's chat.update reaches Slack."""
        assert self.app is not None
        target = self.app.target
        reached: list[float] = []
        acks: list[float] = []
        for channel, ts in self._cards:
            mark = self.calls_mark()
            timing = target.send(load.card_reaction(target, channel, ts, "+1"))
            acks.append(timing.seconds)
            call = self.slack.wait_for(lambda c, ts=ts: c["method"] == "chat.update" and c["ts"] == ts, mark, timeout=15)
            if call is None:
                raise RuntimeError(f"no chat.update for the card at {ts}")
            reached.append(call["at"] - timing.sent)
            self.wait_idle_outbox()
        return {"chat_update": summary_ms(reached), "ack": summary_ms(acks)}

    # ----- the same acks with Slack answering in 1 s

    def slow_slack(self) -> dict[str, Any]:
        """Every kind of request, one after another, while each Web API call takes 1 s.

        Each kind is measured on its own (the modals opened by /escalate are let finish first);
        then once more, submissions sent right after a burst of /escalate, while those modals are
        still opening: the acks that share Bolt's listener threads with the Slack calls.
        """
        assert self.app is not None and self.baseline is not None
        n = self.plan.slow
        out: dict[str, Any] = {}
        self.drain()
        self.slack.set_latency(SLOW_LATENCY)
        try:
            for served in (self.app, self.baseline):
                target = served.target
                rnd = random.Random(3)
                kinds: dict[str, Callable[[int], load.Prepared]] = {
                    "escalate": lambda i, t=target: load.command(t, self.slack),
                    "submission": lambda i, t=target: load.submission(t),
                    "storm": lambda i, t=target, r=rnd: load.non_card_reaction(t, r),
                    # :mag: on the cards the app posted: counted, a state change, Slack writes owed.
                    "card_reaction": lambda i, t=target: load.card_reaction(t, *self._cards[i % len(self._cards)], "mag"),
                }
                out[served.name] = {}
                for kind, make in kinds.items():
                    mark = self.calls_mark()
                    result = load.run(target, make, n, 1)
                    out[served.name][kind] = {"ack": summary_ms(result.seconds), "statuses": result.statuses}
                    if kind == "escalate":
                        self._modals_opened(mark, n)
                mark = self.calls_mark()
                load.run(target, kinds["escalate"], n, 1)
                result = load.run(target, kinds["submission"], n, 1)
                out[served.name]["submission_after_escalate"] = {
                    "ack": summary_ms(result.seconds), "statuses": result.statuses,
                }
                self._modals_opened(mark, n)
        finally:
            self.slack.set_latency(SLACK_LATENCY)
        self.drain()
        return out

    def _modals_opened(self, mark: int, count: int) -> None:
        """Wait until `count` views.open calls since `mark` reached Slack and were answered."""
        deadline = time.monotonic() + count * SLOW_LATENCY + 10
        while time.monotonic() < deadline:
            if sum(c["method"] == "views.open" for c in self.slack.calls(mark)) >= count:
                break
            time.sleep(0.05)
        time.sleep(SLOW_LATENCY + 0.3)

    # ----- 5. digest build time

    def digest(self) -> dict[str, Any]:
        from slack_app.blocks.digest import digest_message
        from slack_app.services.digest import DigestService
        from storage.db import Databases

        out: dict[str, Any] = {}
        for size in self.plan.digest_sizes:
            path, generated = seed.cached(self.cache_dir, size, use_cache=self.use_cache)
            databases = Databases(path)
            service = DigestService(databases, channel_id=ENG_CHANNEL, zone=ZoneInfo("UTC"))
            as_of = seed.generated_now()
            builds: list[float] = []
            renders: list[float] = []
            for _ in range(self.plan.digest_runs):
                started = time.perf_counter()
                built = service.build(as_of)
                builds.append(time.perf_counter() - started)
                started = time.perf_counter()
                digest_message(built)
                renders.append(time.perf_counter() - started)
            conn = read_only(path)
            bytes_per = used_bytes(conn) / size
            conn.close()
            databases.close()
            out[str(size)] = {
                "build_ms_median": round(median(builds) * 1000, 2),
                "build_ms_first": round(builds[0] * 1000, 2),
                "build_ms_all": [round(b * 1000, 2) for b in builds],
                "render_ms_median": round(median(renders) * 1000, 2),
                "generated_s": round(generated, 1) if generated is not None else "cached",
                "db_bytes_per_escalation": round(bytes_per),
                "awaiting": built.awaiting.total, "needs_evidence": built.needs_evidence.total,
                "accepted_since": built.accepted.total, "quality_accepted": built.quality.accepted,
            }
            log(f"digest over {size:,}: {out[str(size)]['build_ms_median']} ms (generated: {out[str(size)]['generated_s']})")
        return out

    # ----- the whole run

    def run(self) -> dict[str, Any]:
        plan = self.plan
        raw = self.raw
        seeded_s = seed.generate(self.app_db, plan.seed_rows, datetime.now(UTC))
        log(f"seeded the app's database with {plan.seed_rows:,} escalations in {seeded_s:.1f} s")
        raw["startup"] = self.startup()

        self.app = self.served("app", self.app_db)
        self.baseline = self.served("baseline", self.work / "baseline.db")
        self.app.start()
        self.baseline.start()
        conn = read_only(self.app_db)
        bytes_before = used_bytes(conn)
        rows_before = conn.execute("SELECT count(*) FROM escalations").fetchone()[0]
        conn.close()

        for served in (self.app, self.baseline):
            load.run(served.target, lambda i, t=served.target: load.command(t, self.slack), plan.warmup, 2)
            load.run(served.target, lambda i, t=served.target: load.submission(t), plan.warmup, 2)
            rnd = random.Random(1)
            load.run(served.target, lambda i, t=served.target, r=rnd: load.non_card_reaction(t, r), plan.warmup * 5, 5)
        self.drain()
        log("warmed up; measuring")

        raw["rounds"] = self.rounds()
        raw["cards"] = self.cards()
        raw["card_reactions"] = self.card_reactions()
        raw["slow_slack"] = self.slow_slack()

        raw["memory"] = {"app": self.app.memory(), "baseline": self.baseline.memory()}
        conn = read_only(self.app_db)
        rows_after = conn.execute("SELECT count(*) FROM escalations").fetchone()[0]
        bytes_after = used_bytes(conn)
        conn.close()
        raw["app_db"] = {
            "seeded_rows": plan.seed_rows, "rows_before": rows_before, "rows_after": rows_after,
            "used_bytes_before": bytes_before, "used_bytes_after": bytes_after,
            "requests_submitted": rows_after - rows_before,
        }
        raw["standin_outcomes"] = self.slack.outcomes()
        for served in (self.app, self.baseline):
            served.stop()
        self.app = self.baseline = None
        raw["digest"] = self.digest()
        return raw


# -- the table ---------------------------------------------------------------------------------


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def figures(raw: dict[str, Any], plan: Plan) -> dict[str, dict[str, Any]]:
    """The metrics, from the raw measurements: medians over rounds, ratios within a round."""
    rounds = raw["rounds"]
    metrics: dict[str, dict[str, Any]] = {}

    def over_rounds(kind: str, part: str) -> dict[str, Any]:
        fig: dict[str, Any] = {"unit": "ms"}
        for who in ("app", "baseline"):
            for p in ("p50", "p95", "p99"):
                fig[f"{who}_{p}"] = median([r[who][kind][part][p] for r in rounds])
        fig["ratio_p50"] = median([_ratio(r["app"][kind][part]["p50"], r["baseline"][kind][part]["p50"]) for r in rounds])
        fig["rounds"] = [{who: r[who][kind][part] for who in ("app", "baseline")} for r in rounds]
        return fig

    for c in ("c1", "c10"):
        fig = over_rounds(f"escalate_{c}", "ack")
        fig["target"] = "p50 ratio ≤ 1.2" + ("; p99 < 100 ms" if c == "c10" else "")
        fig["met"] = (fig["ratio_p50"] or 99) <= 1.2 and (c == "c1" or fig["app_p99"] < 100)
        metrics[f"escalate_ack_{c}"] = fig
        fig = over_rounds(f"escalate_{c}", "views_open")
        fig["missing"] = sum(r[who][f"escalate_{c}"]["views_open_missing"] for r in rounds for who in ("app", "baseline"))
        metrics[f"views_open_reached_{c}"] = fig
        fig = over_rounds(f"submission_{c}", "ack")
        fig["target"] = "p50 ratio ≤ 1.2" + ("; p99 < 100 ms" if c == "c10" else "")
        fig["met"] = (fig["ratio_p50"] or 99) <= 1.2 and (c == "c1" or fig["app_p99"] < 100)
        metrics[f"submission_ack_{c}"] = fig

    card = raw["cards"]["card_posted"]
    metrics["card_posted"] = {"unit": "ms", "app_p50": card["p50"], "app_p95": card["p95"], "app_max": card["max"], "n": card["n"]}

    eps = {who: median([r[who]["storm"]["events_per_second"] for r in rounds]) for who in ("app", "baseline")}
    share = median([_ratio(r["app"]["storm"]["events_per_second"], r["baseline"]["storm"]["events_per_second"]) for r in rounds])
    metrics["storm_events_per_s"] = {
        "unit": "events/s", "app": eps["app"], "baseline": eps["baseline"], "ratio": share,
        "target": "≥ 0.9 × baseline", "met": (share or 0) >= 0.9, "events": plan.storm, "concurrency": 10,
    }
    fig = over_rounds("storm", "ack")
    fig["target"] = "p50 ratio ≤ 1.2; p99 < 100 ms"
    fig["met"] = (fig["ratio_p50"] or 99) <= 1.2 and fig["app_p99"] < 100
    metrics["storm_ack"] = fig
    written = [r["app"]["storm"]["db_written"] for r in rounds]
    metrics["storm_db_writes"] = {
        "unit": "bool", "app": any(written), "target": "no write", "met": not any(written),
        "checked": "PRAGMA data_version, row counts and max rowid per table, max(updated_at), db and WAL bytes",
        "rounds": [{"before": r["app"]["storm"]["db_before"], "after": r["app"]["storm"]["db_after"]} for r in rounds],
    }

    upd = raw["card_reactions"]["chat_update"]
    metrics["card_reaction_chat_update"] = {
        "unit": "ms", "app_p50": upd["p50"], "app_p95": upd["p95"], "app_max": upd["max"], "n": upd["n"],
        "ack": raw["card_reactions"]["ack"],
    }

    slow = raw["slow_slack"]
    for kind in ("escalate", "submission", "storm", "card_reaction", "submission_after_escalate"):
        app, base = slow["app"][kind]["ack"], slow["baseline"][kind]["ack"]
        metrics[f"slow_slack_{kind}_ack"] = {
            "unit": "ms", "app_max": app["max"], "baseline_max": base["max"], "app_p50": app["p50"],
            "baseline_p50": base["p50"], "n": app["n"], "target": "every ack < 100 ms (max)",
            "met": app["max"] is not None and app["max"] < 100, "latency_s": SLOW_LATENCY, "concurrency": 1,
        }

    digest = raw["digest"]
    largest = str(max(plan.digest_sizes))
    metrics["digest_build"] = {
        "unit": "ms", "sizes": digest, "largest": int(largest), "app": digest[largest]["build_ms_median"],
        "target": "< 1000 ms at 1,000,000", "met": digest[largest]["build_ms_median"] < 1000,
    }

    mem = raw["memory"]
    metrics["peak_rss"] = {
        "unit": "MB", "app": mem["app"]["sum_peak_mb"], "baseline": mem["baseline"]["sum_peak_mb"],
        "app_worker": mem["app"]["workers_peak_mb"], "baseline_worker": mem["baseline"]["workers_peak_mb"],
        "app_pss_now": mem["app"]["sum_pss_mb"], "baseline_pss_now": mem["baseline"]["sum_pss_mb"],
        "ratio": _ratio(mem["app"]["sum_peak_mb"], mem["baseline"]["sum_peak_mb"]),
        "target": "< 150 MB (master + workers)", "met": mem["app"]["sum_peak_mb"] < 150,
        "how": f"VmHWM of the gunicorn master and its workers; database seeded with {plan.seed_rows:,}"
               " escalations directly, then every request of this run",
        "detail": mem,
    }

    app_db = raw["app_db"]
    added = app_db["requests_submitted"]
    real = (app_db["used_bytes_after"] - app_db["used_bytes_before"]) / added if added else None
    metrics["db_bytes_per_escalation"] = {
        "unit": "bytes", "app": round(real) if real else None,
        "generated": digest[largest]["db_bytes_per_escalation"],
        "how": f"app: growth of the live database over {added} escalations submitted over HTTP (with their"
               f" outbox rows and verdicts); generated: the {int(largest):,}-row database / rows (escalations only)",
    }

    starts = raw["startup"]
    metrics["startup"] = {
        "unit": "s", "app": round(median(starts["app"]), 3), "baseline": round(median(starts["baseline"]), 3),
        "ratio": _ratio(median(starts["app"]), median(starts["baseline"])),
        "target": "< 2 s", "met": median(starts["app"]) < 2, "all": starts,
    }
    return metrics


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(metrics: dict[str, dict[str, Any]], plan: Plan) -> str:
    rows: list[tuple[str, Any, Any, Any, str, Any]] = []

    def add(label: str, app: Any, base: Any = None, ratio: Any = None, target: str = "", met: Any = None) -> None:
        rows.append((label, app, base, ratio, target, met))

    for kind, label in (("escalate_ack", "/escalate ack"), ("submission_ack", "submission ack")):
        for c, n in (("c1", 1), ("c10", 10)):
            m = metrics[f"{kind}_{c}"]
            add(f"{label} p50, c={n} (ms)", m["app_p50"], m["baseline_p50"], m["ratio_p50"], "ratio ≤ 1.2",
                (m["ratio_p50"] or 99) <= 1.2)
            add(f"{label} p95, c={n} (ms)", m["app_p95"], m["baseline_p95"], _ratio(m["app_p95"], m["baseline_p95"]))
            add(f"{label} p99, c={n} (ms)", m["app_p99"], m["baseline_p99"], _ratio(m["app_p99"], m["baseline_p99"]),
                "< 100 ms" if n == 10 else "", m["app_p99"] < 100 if n == 10 else None)
        if kind == "escalate_ack":
            for c, n in (("c1", 1), ("c10", 10)):
                m = metrics[f"views_open_reached_{c}"]
                add(f"views.open reaches Slack p50, c={n} (ms)", m["app_p50"], m["baseline_p50"], m["ratio_p50"])
                add(f"views.open reaches Slack p99, c={n} (ms)", m["app_p99"], m["baseline_p99"],
                    _ratio(m["app_p99"], m["baseline_p99"]))
    m = metrics["card_posted"]
    add("card posted after submission p50 (ms)", m["app_p50"])
    add("card posted after submission p95 (ms)", m["app_p95"])
    m = metrics["storm_events_per_s"]
    add(f"non-card reactions, {plan.storm:,} at c=10 (events/s)", m["app"], m["baseline"], m["ratio"], "≥ 0.9×", m["met"])
    m = metrics["storm_ack"]
    add("non-card reaction ack p50 (ms)", m["app_p50"], m["baseline_p50"], m["ratio_p50"], "ratio ≤ 1.2",
        (m["ratio_p50"] or 99) <= 1.2)
    add("non-card reaction ack p99 (ms)", m["app_p99"], m["baseline_p99"], _ratio(m["app_p99"], m["baseline_p99"]),
        "< 100 ms", m["app_p99"] < 100)
    m = metrics["storm_db_writes"]
    add("database written during the storm", m["app"], None, None, "no", m["met"])
    m = metrics["card_reaction_chat_update"]
    add("+1 on a card → chat.update p50 (ms)", m["app_p50"])
    add("+1 on a card → chat.update p95 (ms)", m["app_p95"])
    for kind, label in (("escalate", "/escalate"), ("submission", "submission"), ("storm", "non-card reaction"),
                        ("card_reaction", "card reaction"),
                        ("submission_after_escalate", "submission while modals open")):
        m = metrics[f"slow_slack_{kind}_ack"]
        add(f"Slack at 1 s: {label} ack max (ms)", m["app_max"], m["baseline_max"],
            _ratio(m["app_max"], m["baseline_max"]), "< 100 ms", m["met"])
    digest = metrics["digest_build"]
    for size, d in digest["sizes"].items():
        big = int(size) == digest["largest"]
        add(f"digest build, {int(size):,} escalations (ms)", d["build_ms_median"], None, None,
            "< 1000 ms" if big and int(size) >= 1_000_000 else "", d["build_ms_median"] < 1000 if big and int(size) >= 1_000_000 else None)
    m = metrics["peak_rss"]
    add("peak RSS, master + workers (MB)", m["app"], m["baseline"], m["ratio"], "< 150 MB", m["met"])
    add("peak RSS, worker(s) (MB)", m["app_worker"], m["baseline_worker"], _ratio(m["app_worker"], m["baseline_worker"]))
    add("PSS at the end, master + workers (MB)", m["app_pss_now"], m["baseline_pss_now"],
        _ratio(m["app_pss_now"], m["baseline_pss_now"]))
    m = metrics["db_bytes_per_escalation"]
    add("database bytes per escalation (live app)", m["app"])
    add(f"database bytes per escalation (generated {digest['largest']:,})", m["generated"])
    m = metrics["startup"]
    add("start-up until /healthz (s)", m["app"], m["baseline"], m["ratio"], "< 2 s", m["met"])

    header = ("metric", "app", "baseline", "ratio", "target", "met?")
    cells = [header] + [(r[0], _fmt(r[1]), _fmt(r[2]), _fmt(r[3]), r[4] or "—", _fmt(r[5])) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = []
    for n, cell in enumerate(cells):
        lines.append("  ".join(
            c.ljust(widths[i]) if i in (0, 4) else c.rjust(widths[i]) for i, c in enumerate(cell)
        ).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# -- main --------------------------------------------------------------------------------------


def meta(plan: Plan, args: argparse.Namespace) -> dict[str, Any]:
    def version(package: str) -> str | None:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as v

        try:
            return v(package)
        except PackageNotFoundError:
            return None

    def git(*cmd: str) -> str | None:
        try:
            return subprocess.run(["git", *cmd], cwd=args.app_root, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    return {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "plan": {k: list(v) if isinstance(v, tuple) else v for k, v in plan.__dict__.items()},
        "quick": args.quick,
        "app_root": str(args.app_root),
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain")),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "versions": {p: version(p) for p in ("slack_bolt", "slack_sdk", "gunicorn", "pydantic", "sqlite-utils")},
        "slack_latency_s": SLACK_LATENCY,
        "web_concurrency": args.web_concurrency or "the app's default (WEB_CONCURRENCY unset)",
        "web_threads": args.web_threads or "the app's default (WEB_THREADS unset)",
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the app against a bare Bolt baseline.")
    parser.add_argument("--quick", action="store_true", help="tiny counts, one round: a fast check that it all works")
    parser.add_argument("--rounds", type=int, help="rounds of the app/baseline comparison (default 3)")
    parser.add_argument("--digest-sizes", help="comma-separated escalation counts (default 10000,100000,1000000)")
    parser.add_argument("--out", type=Path, help="the JSON file to write (default bench/results/bench-<time>.json)")
    parser.add_argument("--cache-dir", type=Path, default=RESULTS / "cache",
                        help="where generated digest databases are kept between runs (default bench/results/cache)")
    parser.add_argument("--no-cache", action="store_true", help="generate the digest databases afresh")
    parser.add_argument("--app-root", type=Path, default=ROOT,
                        help="run the app from this checkout instead (to compare a proposed change)")
    parser.add_argument("--web-concurrency", type=int,
                        help="WEB_CONCURRENCY for the app and the baseline alike (default: the app's default, 1)")
    parser.add_argument("--web-threads", type=int,
                        help="WEB_THREADS for the app and the baseline alike (default: the app's default, 8)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, the app's database)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.app_root = args.app_root.resolve()
    plan = QUICK if args.quick else Plan()
    if args.rounds:
        plan = Plan(**{**plan.__dict__, "rounds": args.rounds})
    if args.digest_sizes:
        sizes = tuple(int(s.replace("_", "")) for s in args.digest_sizes.split(",") if s.strip())
        plan = Plan(**{**plan.__dict__, "digest_sizes": sizes})
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="escalations-bench-"))
    server_env = {}
    if args.web_concurrency:
        server_env["WEB_CONCURRENCY"] = str(args.web_concurrency)
    if args.web_threads:
        server_env["WEB_THREADS"] = str(args.web_threads)
    bench = Bench(plan, work, args.app_root, args.cache_dir, use_cache=not args.no_cache, server_env=server_env)
    try:
        raw = bench.run()
    except BaseException:
        log(f"failed; logs kept in {work}")
        args.keep = True
        raise
    finally:
        bench.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    metrics = figures(raw, plan)
    report = {"meta": meta(plan, args), "metrics": metrics, "raw": raw}
    report["meta"]["duration_s"] = round(time.monotonic() - started, 1)
    out = args.out or RESULTS / f"bench-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
    print(table(metrics, plan))
    met = [m["met"] for m in metrics.values() if "met" in m]
    print(f"\n{sum(met)}/{len(met)} targets met · {report['meta']['duration_s']} s · figures in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The driver's side: signed requests built just before they are sent, timed, at a given concurrency."""

from __future__ import annotations

import http.client
import itertools
import json
import random
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tests.slack_requests import SlackRequests, valid_values

SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
REPORTER = "UREPORTER"
ENGINEER = "UENG9001"


@dataclass(frozen=True)
class Prepared:
    """A signed request, ready to send."""

    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    tag: str = ""  # what the driver matches the Slack call against (a trigger id, a view id, a card ts)


class _Builder(SlackRequests):
    """tests/slack_requests.SlackRequests, but returning the signed request instead of sending it."""

    def raw(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
        return Prepared(method, path, body, dict(headers or {}))


@dataclass
class Timing:
    tag: str
    sent: float  # time.monotonic() just before connecting
    done: float  # after the whole response was read
    status: int

    @property
    def seconds(self) -> float:
        return self.done - self.sent


class Target:
    """One served app (the real one or the baseline) as the driver sees it."""

    def __init__(self, name: str, port: int, standin_root: str) -> None:
        self.name = name
        self.port = port
        self.build = _Builder("127.0.0.1", port, SIGNING_SECRET, standin_root)

    def send(self, request: Prepared, timeout: float = 30.0) -> Timing:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        sent = time.monotonic()
        try:
            conn.request(request.method, request.path, body=request.body, headers=request.headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        finally:
            conn.close()
        return Timing(request.tag, sent, time.monotonic(), status)

    def get_json(self, path: str) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return json.loads(response.read() or b"null")
        finally:
            conn.close()


class Standin:
    """The control API of bench/standin_server.py."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.root_url = f"http://127.0.0.1:{port}/"
        self.base_url = self.root_url + "api/"
        self._pool: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def calls(self, since: int = 0) -> list[dict[str, Any]]:
        return self._call("GET", f"/_bench/calls?since={since}")["calls"]

    def count(self) -> int:
        """How many calls the stand-in has received: the index the next one will get."""
        return int(self._call("GET", f"/_bench/calls?since={2**62}")["count"])

    def outcomes(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for method, outcome, n in self._call("GET", f"/_bench/calls?since={2**62}")["outcomes"]:
            table.setdefault(method, {})[outcome] = n
        return table

    def set_latency(self, seconds: float) -> None:
        self._call("POST", "/_bench/latency", {"latency": seconds})

    def trigger(self) -> str:
        """A fresh trigger id (they live 3 s): taken from a small pool refilled in batches."""
        with self._lock:
            now = time.monotonic()
            self._pool = [(at, t) for at, t in self._pool if now - at < 1.0]
            if not self._pool:
                ids = self._call("POST", "/_bench/triggers", {"count": 20, "user_id": REPORTER})["trigger_ids"]
                self._pool = [(now, t) for t in ids]
            return self._pool.pop()[1]

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], since: int, timeout: float) -> dict[str, Any] | None:
        """The first call from index `since` on that matches, polling until `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            for call in self.calls(since):
                if predicate(call):
                    return call
            if time.monotonic() > deadline:
                return None
            time.sleep(0.005)


# -- the requests -------------------------------------------------------------------------------

_view_ids = itertools.count(1)
_summaries = itertools.count(1)


def command(target: Target, standin: Standin) -> Prepared:
    """/escalate with a summary, as Slack sends it, with a fresh trigger id."""
    trigger = standin.trigger()
    request = target.build.command("Upgrade flow fails after payment step", trigger_id=trigger, user=REPORTER)
    return Prepared(request.method, request.path, request.body, request.headers, tag=trigger)


def submission(target: Target) -> Prepared:
    """A valid escalation packet from a new modal (its own view id)."""
    view_id = f"VBENCH{target.name[:1].upper()}{next(_view_ids):07d}"
    values = valid_values(summary=f"Upgrade flow fails after payment step (bench {next(_summaries)})")
    request = target.build.view_submission(values, user=REPORTER, view_id=view_id)
    return Prepared(request.method, request.path, request.body, request.headers, tag=view_id)


# Reactions people leave on ordinary messages: many are verdict names (so the app has to look the
# message up), the rest are not (the app can tell from the name alone).
STORM_REACTIONS = ["+1", "+1", "thumbsup", "+1::skin-tone-3", "mag", "eyes", "tada", "white_check_mark", "pray", "joy"]
STORM_CHANNELS = ["CENG0001", "CGENERAL01", "CSUPPORT01", "CRANDOM001"]


def non_card_reaction(target: Target, rnd: random.Random) -> Prepared:
    """reaction_added on a message that is not a card: another channel's, or a plain one in eng."""
    ts = f"1600000000.{rnd.randrange(1_000_000):06d}"
    request = target.build.reaction(
        rnd.choice(STORM_REACTIONS), channel=rnd.choice(STORM_CHANNELS), ts=ts,
        user=f"U{rnd.randrange(10_000):07d}", item_user=f"U{rnd.randrange(10_000):07d}",
    )
    return Prepared(request.method, request.path, request.body, request.headers, tag=ts)


def card_reaction(target: Target, channel: str, ts: str, name: str = "+1", removed: bool = False) -> Prepared:
    """An engineer's verdict reaction on a card."""
    request = target.build.reaction(name, channel=channel, ts=ts, user=ENGINEER, removed=removed)
    return Prepared(request.method, request.path, request.body, request.headers, tag=ts)


# -- running them ------------------------------------------------------------------------------


@dataclass
class RunResult:
    timings: list[Timing]
    wall: float  # first send to last response

    @property
    def seconds(self) -> list[float]:
        return [t.seconds for t in self.timings]

    @property
    def per_second(self) -> float:
        return len(self.timings) / self.wall if self.wall > 0 else 0.0

    @property
    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for t in self.timings:
            counts[t.status] = counts.get(t.status, 0) + 1
        return counts


def run(target: Target, make: Callable[[int], Prepared], count: int, concurrency: int) -> RunResult:
    """Send `count` requests, `concurrency` at a time; each is built (and signed) just before it is sent."""
    counter = itertools.count()
    timings: list[Timing] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        while True:
            i = next(counter)
            if i >= count:
                return
            try:
                timing = target.send(make(i))
            except BaseException as exc:  # noqa: BLE001 -- reported after the run
                errors.append(exc)
                return
            with lock:
                timings.append(timing)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{target.name}: {len(errors)} request(s) failed: {errors[0]!r}")
    first = min((t.sent for t in timings), default=started)
    last = max((t.done for t in timings), default=started)
    return RunResult(timings, last - first)


# -- figures -------------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0-100), interpolated between ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(values: Sequence[float]) -> dict[str, float | int | None]:
    """p50/p95/p99/max in milliseconds, and how many."""

    def ms(x: float | None) -> float | None:
        return None if x is None else round(x * 1000, 2)

    return {
        "n": len(values),
        "p50": ms(percentile(values, 50)),
        "p95": ms(percentile(values, 95)),
        "p99": ms(percentile(values, 99)),
        "max": ms(max(values) if values else None),
    }


def median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None

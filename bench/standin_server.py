"""The Slack stand-in (tests/slack_standin.py) in a process of its own, with a small control API.

    python bench/standin_server.py [--port 0] [--latency 0.05]

Prints one line, ``PORT <n>``, once it listens on 127.0.0.1. Besides Slack's Web API it answers,
on the same port:

- ``GET  /_bench/calls?since=N``  the calls received from index N on, compactly (method, monotonic
  arrival time, channel, ts, trigger id, the card's escalation id), how many there are in all, and
  each method's outcomes ("ok" or the error) counted;
- ``POST /_bench/latency``        ``{"latency": seconds}``: the delay every Web API call gets;
- ``POST /_bench/triggers``       ``{"count": n, "user_id": "U…"}``: fresh trigger ids (3 s, single use);
- ``GET  /_bench/clock``          this process's ``time.monotonic()``.

Arrival times are ``time.monotonic()``, which on Linux is one clock (CLOCK_MONOTONIC) for every
process on the machine, so the driver compares them with its own send times directly.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.slack_standin import Call, SlackStandin  # noqa: E402

BOT_TOKEN = "xoxb-bench-token"
ENG_CHANNEL = "CENG0001"
CONTROL_PREFIX = "/_bench/"


def compact(index: int, call: Call) -> dict[str, Any]:
    """What the driver needs to match a call to the request that caused it."""
    params = call.params
    metadata = params.get("metadata") if isinstance(params.get("metadata"), dict) else {}
    payload = metadata.get("event_payload") if isinstance(metadata.get("event_payload"), dict) else {}
    return {
        "i": index,
        "method": call.method,
        "at": call.at,
        "channel": params.get("channel"),
        "ts": params.get("ts"),
        "thread_ts": params.get("thread_ts"),
        "trigger_id": params.get("trigger_id"),
        "event_type": metadata.get("event_type"),
        "escalation_id": payload.get("escalation_id"),
    }


class BenchStandin(SlackStandin):
    """The stand-in, counting each Web API call's outcome and serving /_bench/ on its own port."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outcomes: Counter[tuple[str, str]] = Counter()
        self._outcome_lock = threading.Lock()

    def start(self, port: int = 0) -> BenchStandin:
        super().start(port)
        assert self._server is not None
        # The server builds a handler per request from this attribute: put the control API in front.
        self._server.RequestHandlerClass = type(
            "_BenchHandler", (_ControlMixin, self._server.RequestHandlerClass), {}
        )
        return self

    def _handle(self, method: str, params: dict, token: str | None, path: str = "") -> tuple[int, dict, dict[str, str]]:
        status, body, headers = super()._handle(method, params, token, path)
        outcome = "ok" if body.get("ok") else str(body.get("error") or status)
        with self._outcome_lock:
            self.outcomes[(method, outcome)] += 1
        return status, body, headers

    def calls_since(self, since: int) -> list[dict[str, Any]]:
        with self._cond:
            chosen = [(i, self.calls[i]) for i in range(since, len(self.calls))]
        return [compact(i, c) for i, c in chosen]


class _ControlMixin:
    """Serves /_bench/… before the stand-in's own routing sees the request."""

    standin: BenchStandin

    def _serve(self) -> None:
        url = urlsplit(self.path)  # type: ignore[attr-defined]
        if not url.path.startswith(CONTROL_PREFIX):
            super()._serve()  # type: ignore[misc]
            return
        name = url.path[len(CONTROL_PREFIX):]
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)  # type: ignore[attr-defined]
        raw = self.rfile.read(length) if length else b""  # type: ignore[attr-defined]
        body = json.loads(raw) if raw else {}
        standin = self.standin
        if name == "calls":
            with standin._outcome_lock:
                outcomes = [[m, o, n] for (m, o), n in sorted(standin.outcomes.items())]
            with standin._cond:
                count = len(standin.calls)
            reply: dict[str, Any] = {
                "calls": standin.calls_since(int(query.get("since", 0))), "count": count, "outcomes": outcomes,
            }
        elif name == "latency":
            standin.latency = float(body["latency"])
            reply = {"latency": standin.latency}
        elif name == "triggers":
            user = str(body.get("user_id", "UREPORTER"))
            reply = {"trigger_ids": [standin.issue_trigger_id(user_id=user) for _ in range(int(body.get("count", 1)))]}
        elif name == "clock":
            reply = {"monotonic": time.monotonic()}
        else:
            self._reply(404, {"ok": False, "error": "unknown_control"}, {})  # type: ignore[attr-defined]
            return
        self._reply(200, reply, {})  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per Web API call (default 0.05)")
    args = parser.parse_args(argv)
    standin = BenchStandin(bot_token=BOT_TOKEN, latency=args.latency).start(args.port)
    standin.add_channel(ENG_CHANNEL, "eng-escalations")
    print(f"PORT {standin.port}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The app as it runs in production: `python -m slack_app` (gunicorn, real processes), killed and restarted."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import BOT_TOKEN, ENG_CHANNEL, SIGNING_SECRET
from tests.slack_requests import SlackRequests, valid_values
from tests.slack_standin import SlackStandin
from tests.waiting import wait_until as _wait_until


def wait_until(predicate, timeout: float = 10.0):
    return _wait_until(predicate, timeout)

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppProcess:
    """`python -m slack_app` in its own process group, on its own port."""

    def __init__(self, slack: SlackStandin, db_path: Path, **env: str) -> None:
        self.port = free_port()
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ESCALATION_", "DIGEST_"))}
        self.env = {
            **clean,
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.base_url,
            "ESCALATION_CHANNEL": ENG_CHANNEL,
            "ESCALATION_DB": str(db_path),
            "PORT": str(self.port),
            "OUTBOX_LEASE_SECONDS": "2",
            **env,
        }
        self.requests = SlackRequests("127.0.0.1", self.port, SIGNING_SECRET, slack.root_url)
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 15.0) -> float:
        """Start and wait for /healthz; returns seconds until it answered."""
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "slack_app"], env=self.env, cwd=ROOT, start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise AssertionError(f"app exited: {self.proc.stdout.read().decode()}")
            try:
                if self.requests.raw("GET", "/healthz").status == 200:
                    return time.monotonic() - started
            except OSError:
                time.sleep(0.05)
        raise AssertionError("app did not answer /healthz in time")

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def terminate(self) -> int:
        os.killpg(self.proc.pid, signal.SIGTERM)
        return self.proc.wait(timeout=30)

    def output(self) -> str:
        return self.proc.stdout.read().decode() if self.proc and self.proc.stdout else ""


@pytest.fixture
def app_process(slack, tmp_path):
    processes: list[AppProcess] = []

    def make(**env: str) -> AppProcess:
        process = AppProcess(slack, tmp_path / "escalations.db", **env)
        processes.append(process)
        return process

    yield make
    for process in processes:
        if process.proc and process.proc.poll() is None:
            process.kill()


def cards_in(slack: SlackStandin) -> list[dict]:
    """Escalation cards in the engineering channel (the digest may post there too)."""
    return [
        m for m in slack.messages_in(ENG_CHANNEL)
        if (m.get("metadata") or {}).get("event_type") == "escalation_card"
    ]



def test_the_served_app_opens_the_modal_posts_cards_and_stops_gracefully(slack, app_process):
    app = app_process()
    app.start()
    health = app.requests.raw("GET", "/healthz")
    assert health.json() == {"ok": True, "database": "writable", "pending_slack_writes": 0}
    assert app.requests.command("Checkout broken", trigger_id=slack.issue_trigger_id()).status == 200
    [opened] = slack.wait_for("views.open")
    assert opened.params["view"]["blocks"][1]["element"]["initial_value"] == "Checkout broken"
    assert app.requests.view_submission(valid_values()).status == 200
    wait_until(lambda: cards_in(slack))
    assert app.requests.view_submission(valid_values(), signature="v0=bad").status == 401
    assert app.terminate() == 0
    log = app.output()
    assert BOT_TOKEN not in log and SIGNING_SECRET not in log and "Upgrade flow" not in log


@pytest.mark.parametrize("kill_at", ["right after the ack", "while the card post is in flight", "after the card is posted"])
def test_sigkill_anywhere_loses_nothing_and_posts_the_card_exactly_once(slack, app_process, kill_at):
    app = app_process()
    app.start()
    if kill_at == "while the card post is in flight":
        slack.latency = 0.5
    reply = app.requests.view_submission(valid_values(), view_id="VKILL")
    assert reply.status == 200
    if kill_at == "while the card post is in flight":
        wait_until(lambda: slack.calls_to("chat.postMessage"))
    elif kill_at == "after the card is posted":
        wait_until(lambda: cards_in(slack))
    app.kill()
    slack.latency = 0.0

    again = app_process()
    again.start()
    wait_until(lambda: cards_in(slack), timeout=15)
    wait_until(lambda: again.requests.raw("GET", "/healthz").json()["pending_slack_writes"] == 0, timeout=15)
    cards = cards_in(slack)
    calls = [(c.method, c.params.get("channel"), c.params.get("metadata"), c.at) for c in slack.calls]
    assert len(cards) == 1, f"{len(cards)} cards after a kill {kill_at}: {calls}"
    assert cards[0]["blocks"][0]["text"]["text"].startswith("Blocked · ESC-1 ·")
    assert slack.messages_in("UREPORTER"), "the reporter got no receipt"
    again.terminate()


def test_fifty_concurrent_submissions_make_fifty_escalations_and_cards(slack, app_process, tmp_path):
    app = app_process(WEB_CONCURRENCY="2", WEB_THREADS="8")
    app.start()

    def submit(i: int):
        return app.requests.view_submission(valid_values(summary=f"Concurrent problem {i}"))

    with ThreadPoolExecutor(max_workers=50) as pool:
        replies = list(pool.map(submit, range(50)))
    assert [r.status for r in replies] == [200] * 50
    assert all(r.json() in (None, {}) for r in replies), [r.text for r in replies if r.json()]
    wait_until(lambda: len(cards_in(slack)) == 50, timeout=30)
    headers = [m["blocks"][0]["text"]["text"] for m in cards_in(slack)]
    ids = sorted(int(h.split(" · ")[1].removeprefix("ESC-")) for h in headers)
    assert ids == list(range(1, 51))
    summaries = {h.split(" · ", 2)[2] for h in headers}
    assert summaries == {f"Concurrent problem {i}" for i in range(50)}
    app.terminate()
    assert "database is locked" not in app.output()

"""SIGTERM stops the served app gracefully: requests in flight are answered and stored, the outbox
worker finishes its write and hands back the rest, and the process exits 0."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from slack_app.serve import Background
from tests.slack_requests import valid_values
from tests.test_serve_process import app_process, cards_in, wait_until  # noqa: F401 -- fixture


def test_sigterm_answers_every_request_in_flight_and_exits_0(slack, app_process, tmp_path):  # noqa: F811
    app = app_process(WEB_THREADS="8")
    app.start()
    slack.trigger_ttl = 60
    # Slack answers views.open slowly, so the command's listener is still at work after its ack;
    # cards post slowly too, so the outbox worker is mid-batch when the process stops.
    slack.method_latency = {"views.open": 1.5, "chat.postMessage": 0.3}
    # Nothing Slack does holds a submission (acks never wait for Slack), so the test holds the
    # database's write lock: every submission is in flight, waiting to be stored, at SIGTERM.
    holder = sqlite3.connect(tmp_path / "escalations.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    trigger = slack.issue_trigger_id()
    with ThreadPoolExecutor(max_workers=6) as pool:
        command = pool.submit(app.requests.command, "Checkout broken", trigger_id=trigger)
        submissions = [
            pool.submit(app.requests.view_submission, valid_values(summary=f"In flight {i}")) for i in range(5)
        ]
        slack.wait_for("views.open")
        time.sleep(0.5)  # all five submissions accepted and waiting for the lock
        assert not any(f.done() for f in submissions)
        os.killpg(app.proc.pid, signal.SIGTERM)
        time.sleep(0.5)
        holder.execute("ROLLBACK")
        holder.close()
        replies = [f.result(timeout=30) for f in [command, *submissions]]
    assert [r.status for r in replies] == [200] * 6
    assert all(r.json() in (None, {}) for r in replies[1:]), [r.text for r in replies]
    assert app.proc.wait(timeout=30) == 0
    assert "outbox worker and digest scheduler stopped" in app.output()

    # The slash command's modal was opened after its ack, before the process ended.
    [opened] = slack.calls_to("views.open")
    assert opened.params["trigger_id"] == trigger
    db = sqlite3.connect(tmp_path / "escalations.db")
    summaries = {row[0] for row in db.execute("SELECT summary FROM escalations")}
    assert summaries == {f"In flight {i}" for i in range(5)}
    # Nothing is left claimed by the stopped process: what it had not started was handed back.
    assert db.execute("SELECT count(*) FROM outbox WHERE status = 'sending'").fetchone()[0] == 0
    db.close()

    slack.method_latency = {}
    again = app_process()
    again.start()
    wait_until(lambda: len(cards_in(slack)) == 5, timeout=20)
    # No takeover was needed (that looks for an earlier card in the channel's history first).
    assert slack.calls_to("conversations.history") == []
    assert again.terminate() == 0


class _Recorder:
    def __init__(self, events: list[str], name: str) -> None:
        self._events, self._name = events, name

    def stop(self, timeout: float = 0) -> None:
        self._events.append(f"{self._name}.stop")

    def shutdown(self, wait: bool = False) -> None:
        self._events.append(f"{self._name}.shutdown")

    def close(self) -> None:
        self._events.append(f"{self._name}.close")


def test_a_process_stops_its_scheduler_then_its_outbox_worker_and_keeps_its_connections():
    events: list[str] = []
    Background(
        _Recorder(events, "databases"), _Recorder(events, "worker"), _Recorder(events, "scheduler")  # type: ignore[arg-type]
    ).stop()
    # Connections stay open for listeners still running after their ack; they close at exit.
    assert events == ["scheduler.shutdown", "worker.stop"]


def test_socket_mode_stops_on_its_stop_event(settings, slack, db, monkeypatch):
    """serve_socket_mode returns, closing the connection and stopping its workers, once told to stop."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from slack_app import serve

    calls: list[str] = []
    # No WebSocket server stands behind the stand-in: the connection itself is not what is tested.
    monkeypatch.setattr(SocketModeHandler, "connect", lambda self: calls.append("connect"))
    monkeypatch.setattr(SocketModeHandler, "close", lambda self: calls.append("close"))
    real_stop = serve.Background.stop

    def stop_background(self: serve.Background) -> None:
        real_stop(self)
        calls.append("background.stop")

    monkeypatch.setattr(serve.Background, "stop", stop_background)
    stop = threading.Event()
    socket_settings = settings.model_copy(update={"slack_app_token": slack.app_token})
    runner = threading.Thread(target=serve.serve_socket_mode, args=(socket_settings, stop))
    runner.start()
    wait_until(lambda: calls == ["connect"])
    stop.set()
    runner.join(timeout=10)
    assert not runner.is_alive()
    assert calls == ["connect", "close", "background.stop"]


def test_a_stopping_outbox_worker_hands_back_what_it_claimed_but_did_not_start(settings, db):
    from slack_app.clock import utcnow
    from slack_app.delivery.worker import OutboxWorker
    from storage import outbox
    from storage.db import Databases, write_transaction

    with write_transaction(db):
        for key in ("a", "b", "c"):
            outbox.enqueue(db, "notice", key, now=utcnow())
    databases = Databases(settings.escalation_db)
    worker = OutboxWorker(databases, client=None, channel_id="CENG0001")  # type: ignore[arg-type]
    worker.stop()  # told to stop before its pass: it must not start anything it claims
    assert worker.deliver_due() == 3
    assert [(i.status, i.attempts, i.last_error) for i in outbox.items(db)] == [("pending", 0, None)] * 3
    assert db.execute("SELECT count(*) FROM outbox WHERE lease_until IS NOT NULL").fetchone()[0] == 0
    databases.close()

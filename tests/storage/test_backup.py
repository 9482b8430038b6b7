"""Backups are consistent copies taken while the app keeps writing."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from datetime import UTC, datetime

from slack_app.domain import EscalationFields, Severity
from storage import escalations as store
from storage.backup import backup
from storage.db import Databases
from storage.migrations import migrate

NOW = datetime(2026, 12, 3, tzinfo=UTC)
FIELDS = EscalationFields(
    summary="s", impact="i", expected="e", actual="a", evidence="https://x.example.com", scope="sc",
    next_step="n", severity=Severity.ANNOYING,
)


def test_backup_while_writing_is_consistent_and_owner_only(tmp_path):
    source = tmp_path / "live.db"
    dbs = Databases(source)
    migrate(dbs())
    for _ in range(200):
        store.insert_escalation(dbs(), FIELDS, reporter_id="U1", team_id=None, now=NOW)
    stop = threading.Event()

    def keep_writing():
        writer = Databases(source)
        while not stop.is_set():
            store.insert_escalation(writer(), FIELDS, reporter_id="U2", team_id=None, now=NOW)
        writer.close()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        target = tmp_path / "backups" / "copy.db"
        assert backup(source, target) > 0
    finally:
        stop.set()
        thread.join()
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = copy.execute("SELECT count(*) FROM escalations").fetchone()[0]
    ids = [r[0] for r in copy.execute("SELECT id FROM escalations ORDER BY id")]
    assert count >= 200 and ids == list(range(1, count + 1))  # a snapshot: no gaps, nothing torn
    assert copy.execute("SELECT count(*) FROM _migrations").fetchone()[0] >= 1
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert not (tmp_path / "backups" / "copy.db.partial").exists()


def test_the_backup_command_copies_the_configured_database(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    source = tmp_path / "live.db"
    dbs = Databases(source)
    migrate(dbs())
    store.insert_escalation(dbs(), FIELDS, reporter_id="U1", team_id=None, now=NOW)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ESCALATION_"))}
    env.update(PYTHONPATH=str(root), SLACK_BOT_TOKEN="xoxb-1", ESCALATION_CHANNEL="C0ENG", ESCALATION_DB=str(source))
    target = tmp_path / "copy.db"
    done = subprocess.run([sys.executable, "-m", "slack_app", "backup", str(target)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"to {target}" in done.stdout
    assert sqlite3.connect(target).execute("SELECT summary FROM escalations").fetchall() == [("s",)]
    missing = subprocess.run([sys.executable, "-m", "slack_app", "backup", str(target)],
                             env={**env, "ESCALATION_DB": str(tmp_path / "nope.db")}, cwd=tmp_path,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "no database" in missing.stderr

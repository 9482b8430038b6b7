"""The processes a benchmark run starts: the Slack stand-in, the app as in production, the baseline."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from bench.load import SIGNING_SECRET, Prepared, Standin, Target
from bench.standin_server import BOT_TOKEN, ENG_CHANNEL

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env(root: Path) -> dict[str, str]:
    """This environment without any setting the app reads, so a developer's .env values do not leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ESCALATION_", "DIGEST_", "WEB_"))}
    env.pop("PORT", None)
    env.pop("LOG_LEVEL", None)
    env["PYTHONPATH"] = str(root)
    return env


class StandinProcess:
    """bench/standin_server.py in its own process."""

    def __init__(self, log: IO[bytes], latency: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "standin_server.py"), "--latency", str(latency)],
            env=_clean_env(ROOT), cwd=ROOT, stdout=subprocess.PIPE, stderr=log, start_new_session=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError(f"the Slack stand-in did not start: {line!r}")
        self.control = Standin(int(line.split()[1]))

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class Served:
    """The app (`python -m slack_app`) or the baseline (bench/baseline_app.py) on its own port.

    Both get the same settings from the environment, the way production does: gunicorn's
    worker/thread counts are the app's defaults unless `web_concurrency` / `web_threads` are given.
    """

    def __init__(
        self,
        name: str,
        command: list[str],
        *,
        standin: Standin,
        db_path: Path,
        log_path: Path,
        root: Path = ROOT,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.command = command
        self.root = root
        self.db_path = db_path
        self.log_path = log_path
        self.port = free_port()
        self.env = {
            **_clean_env(root),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": standin.base_url,
            "ESCALATION_CHANNEL": ENG_CHANNEL,
            "ESCALATION_DB": str(db_path),
            "PORT": str(self.port),
            **(extra_env or {}),
        }
        self.target = Target(name, self.port, standin.root_url)
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout: float = 30.0) -> float:
        """Start it and wait until GET /healthz answers 200; returns the seconds that took."""
        self._log = open(self.log_path, "ab")  # noqa: SIM115 -- closed in stop()
        started = time.monotonic()
        self.proc = subprocess.Popen(
            self.command, env=self.env, cwd=self.root, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if self.target.send(_HEALTH, timeout=2).status == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer /healthz within {timeout} s; see {self.log_path}")

    def stop(self) -> int | None:
        """SIGTERM to the process group (gunicorn stops gracefully), SIGKILL if it lingers."""
        code = None
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                code = self.proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def pids(self) -> dict[str, list[int]]:
        """The gunicorn master (this process) and its workers."""
        assert self.proc is not None
        return {"master": [self.proc.pid], "workers": children(self.proc.pid)}

    def memory(self) -> dict[str, float]:
        """Peak and current resident memory in MB, for the master, the workers, and summed."""
        pids = self.pids()
        out: dict[str, float] = {}
        for role, ids in pids.items():
            out[f"{role}_peak_mb"] = round(sum(_status_kb(p, "VmHWM") for p in ids) / 1024, 1)
            out[f"{role}_rss_mb"] = round(sum(_status_kb(p, "VmRSS") for p in ids) / 1024, 1)
            out[f"{role}_pss_mb"] = round(sum(_pss_kb(p) for p in ids) / 1024, 1)
        out["sum_peak_mb"] = round(out["master_peak_mb"] + out["workers_peak_mb"], 1)
        out["sum_rss_mb"] = round(out["master_rss_mb"] + out["workers_rss_mb"], 1)
        # Proportional set size: pages the master and its forked workers share are counted once.
        out["sum_pss_mb"] = round(out["master_pss_mb"] + out["workers_pss_mb"], 1)
        out["workers"] = len(pids["workers"])
        return out


_HEALTH = Prepared("GET", "/healthz", None, {})


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(set(found))


def _status_kb(pid: int, field: str) -> int:
    """A field of /proc/<pid>/status in kB (VmHWM: peak resident set; VmRSS: resident now)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    """Pss from /proc/<pid>/smaps_rollup in kB (0 where the kernel does not offer it)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def app_command() -> list[str]:
    return [sys.executable, "-m", "slack_app"]


def baseline_command() -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "baseline_app.py")]

"""The benchmark runs end to end: `python bench/run.py --quick` exits 0 and writes every figure.

Behaviour only: timings depend on the machine, so no target is asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

METRIC_KEYS = {
    "escalate_ack_c1", "escalate_ack_c10", "views_open_reached_c1", "views_open_reached_c10",
    "submission_ack_c1", "submission_ack_c10", "card_posted",
    "storm_events_per_s", "storm_ack", "storm_db_writes",
    "card_reaction_chat_update",
    "slow_slack_escalate_ack", "slow_slack_submission_ack", "slow_slack_storm_ack",
    "slow_slack_card_reaction_ack", "slow_slack_submission_after_escalate_ack",
    "digest_build", "peak_rss", "db_bytes_per_escalation", "startup",
}


@pytest.mark.timeout(90)
def test_quick_benchmark_runs_the_app_and_the_baseline_and_writes_every_metric(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(out),
         "--cache-dir", str(tmp_path / "cache")],
        cwd=tmp_path, capture_output=True, text=True, timeout=80,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert set(report["metrics"]) == METRIC_KEYS
    assert "met?" in done.stdout.splitlines()[0]

    metrics = report["metrics"]
    # Every request was answered 200, by both, and every modal and card reached the stand-in.
    for round_ in report["raw"]["rounds"]:
        for who in ("app", "baseline"):
            for phase in ("escalate_c1", "escalate_c10", "submission_c1", "submission_c10", "storm"):
                assert set(round_[who][phase]["statuses"]) == {"200"}, (who, phase, round_[who][phase]["statuses"])
    assert metrics["views_open_reached_c1"]["missing"] == 0
    assert metrics["views_open_reached_c10"]["missing"] == 0
    assert metrics["card_posted"]["n"] == report["meta"]["plan"]["cards"]
    assert metrics["card_reaction_chat_update"]["n"] == report["meta"]["plan"]["cards"]
    # The stand-in refused nothing the app or the baseline sent.
    outcomes = report["raw"]["standin_outcomes"]
    assert all(set(by_outcome) == {"ok"} for by_outcome in outcomes.values()), outcomes
    # The storm of reactions on ordinary messages wrote nothing, and that was checked.
    assert metrics["storm_db_writes"]["app"] is False
    # Both processes were measured, and the digest was built for each size asked for.
    assert metrics["peak_rss"]["app"] > 0 and metrics["peak_rss"]["baseline"] > 0
    assert metrics["startup"]["app"] > 0 and metrics["startup"]["baseline"] > 0
    assert set(metrics["digest_build"]["sizes"]) == {str(n) for n in report["meta"]["plan"]["digest_sizes"]}

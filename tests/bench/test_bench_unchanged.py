"""bench/bench_unchanged.py runs end to end at a tiny size (espoo, three days through vahti ci): every table is
printed and the ratios come last. No size is asserted here beyond what any delta storage must show."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_unchanged_days_bench_prints_its_tables_and_ratios_last() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_unchanged.py"), "--plan", "espoo",
                           "--days", "3"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert out.count("\nday ") == 3 and "unchanged 12" in out
    assert "## espoo: 12 actions, 3 days through vahti ci" in out
    assert "## A pair of real-size pages differing only in per-request noise" in out
    ratios = out.rsplit("\n## ", 1)[-1]
    assert ratios.startswith("Ratios") and "raw pages, whole ÷ as stored" in ratios

"""bench/bench_cli.py runs end to end at a tiny size: it builds the demo archive, times every read command against
`python -c "import duckdb"`, splits the imports, and ends with its ratio table. No timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def table_rows(section: str) -> list[list[str]]:
    lines = [ln for ln in section.splitlines() if ln.startswith("|") and not ln.startswith("|-")]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[1:]]


def test_cli_bench_prints_every_command_and_the_ratios_last(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_cli.py"), "--db", str(tmp_path / "demo.duckdb"),
                           "--days", "2", "--rounds", "1", "--profile-rounds", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    for heading in ("## Start-up of the read commands", "## Where the time goes", "## Ratios"):
        assert heading in out
    ratios = out.rsplit("\n## ", 1)[-1]
    assert ratios.startswith("Ratios")
    rows = {row[0]: row for row in table_rows(ratios)}
    assert set(rows) == {"vahti --help", "vahti history", "vahti diff", "vahti show", "vahti runs", "vahti sql"}
    assert all(row[1].endswith("×") for row in rows.values())
    assert rows["vahti history"][2] == "≤ 2.0×" and rows["vahti --help"][2] == "≤ 1.5×"

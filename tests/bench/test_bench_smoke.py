"""Each bench script runs end to end at a tiny size and ends with its ratio table.

They run with the project's own interpreter, where the bench-only baselines (BeautifulSoup, lxml, Scrapy) are
normally absent: the scripts must then skip those baselines, say so, and still measure vahti and the stdlib
baselines. No timing is asserted; only that every table is printed, with the ratios last.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


def run_script(name: str, *args: str, timeout: float = 120) -> str:
    proc = subprocess.run([sys.executable, str(BENCH / name), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def last_section(out: str) -> str:
    return out.rsplit("\n## ", 1)[-1]


def table_rows(section: str) -> list[list[str]]:
    lines = [ln for ln in section.splitlines() if ln.startswith("|") and not ln.startswith("|-")]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[1:]]


def test_parse_bench_prints_throughput_memory_scaling_and_ratios_last() -> None:
    out = run_script("bench_parse.py", "--pages", "2", "--repeats", "1", "--eras", "v1", "--scale-pages", "1",
                     "--memory-pages", "1", "--factors", "1,10,100")
    for heading in ("## Corpus", "## Throughput", "## Peak memory per page", "## Scaling", "## Ratios"):
        assert heading in out
    ratios = last_section(out)
    assert ratios.startswith("Ratios")
    eras = [row[0] for row in table_rows(ratios.split("\n\n")[1])]
    assert eras == ["v1"]
    assert all(row[1].endswith("×") for row in table_rows(ratios.split("\n\n")[1]))  # vahti ÷ floor measured
    verdicts = {row[-1] for row in table_rows(ratios.split("\n\n")[2])}
    assert verdicts <= {"linear", "unclear", "superlinear (quadratic-like)", "n/a (1×→10× step within noise)"}


def test_crawl_bench_crawls_a_small_plan_and_profiles_it() -> None:
    out = run_script("bench_crawl.py", "--eras", "v3", "--rounds", "1", "--plan", "espoo",
                     "--startup-rounds", "1")
    assert "## Where vahti's time goes" in out
    crawl = out.split("## Crawl of", 1)[1]
    vahti_rows = [row for row in table_rows(crawl.split("\n\n")[1]) if row[1] == "vahti"]
    assert vahti_rows and vahti_rows[0][2] == "12"  # every action of the espoo chain parsed
    assert last_section(out).startswith("Ratios")


@pytest.mark.parametrize("module", ["bs4_extract", "crawl_spider"])
def test_baseline_modules_import_only_where_their_packages_are(module: str) -> None:
    proc = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(BENCH)!r}); import {module}"],
                          capture_output=True, text=True, check=False)
    missing = "ModuleNotFoundError" in proc.stderr
    assert proc.returncode == 0 or missing, proc.stderr[-2000:]


def test_storage_and_query_benches_share_one_small_churn_build(tmp_path: Path) -> None:
    size = ["--plan", "espoo", "--days", "4", "--out", str(tmp_path / "churn")]
    out = run_script("bench_storage.py", *size, timeout=600)
    marginal = {row[0]: row for row in table_rows(out.split("### Marginal cost", 1)[1].split("\n\n")[1])}
    assert set(marginal) >= {"vahti: version tables (action_versions, action_changes)", "git-scraping (records only)"}
    year = {row[0]: row for row in table_rows(out.split("### The whole year", 1)[1].split("\n\n")[1])}
    assert int(year["vahti: whole archive file (compacted)"][1].replace(",", "")) > 0
    assert int(year["git-scraping (.git after gc --aggressive)"][1].replace(",", "")) > 0
    ratios = last_section(out)
    assert ratios.startswith("Ratios") and len(table_rows(ratios)) == 4

    out = run_script("bench_queries.py", *size, "--repeats", "1", timeout=600)
    answers = table_rows(out.split("## Queries", 1)[1].split("\n\n")[1])
    assert len(answers) == 4
    plan_as_of = answers[1]
    assert plan_as_of[2] == plan_as_of[4]  # vahti and git return the same number of actions for that day
    assert last_section(out).startswith("Ratios")


def test_sites_bench_crawls_two_sites_alone_and_side_by_side() -> None:
    out = run_script("bench_sites.py", "--sites", "2", "--rounds", "1", "--delay", "0")
    sites = table_rows(out.split("## Each site alone", 1)[1].split("\n\n")[1])
    assert [row[1] for row in sites] == ["14", "12", "26"]  # every action of both plans, alone and side by side
    ratios = last_section(out)
    assert ratios.startswith("Ratios")
    assert all(row[2].endswith("×") for row in table_rows(ratios) if row[2])

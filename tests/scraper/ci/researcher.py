"""A researcher's script: the three questions answered from a published vahti dataset with DuckDB alone.

It imports the standard library and duckdb, nothing else, and the tests run it in an isolated interpreter
(`python -I`, working directory the dataset folder), so nothing of vahti can be imported even by accident; it
checks that at the end. It runs the queries DATASET.md prints, with its own values for their variables, so the
test also proves that the documentation's queries answer the questions.

Usage: python -I researcher.py DATASET_DIR DAY [DAY ...]   (prints the answers as JSON)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

import duckdb

VAHTI_PACKAGES = {"scraper", "schemas", "snapshots", "tests"}


def documented_queries(doc: str) -> list[str]:
    """The SQL blocks of DATASET.md, in order: setup, history, its changes, status per run, plan as of a date."""
    blocks = re.findall(r"```sql\n(.*?)```", doc, re.S)
    assert len(blocks) == 5, f"DATASET.md should print 5 SQL blocks, it prints {len(blocks)}"
    return blocks


def with_values(sql: str, **values: str) -> str:
    """The block with its `SET VARIABLE name = …;` lines set to these values (strings, or a date)."""
    for name, value in values.items():
        literal = f"DATE '{value}'" if name == "day" else "'" + value.replace("'", "''") + "'"
        sql, n = re.subn(rf"^SET VARIABLE {name} = .*?;$", f"SET VARIABLE {name} = {literal};", sql, flags=re.M)
        assert n == 1, f"no SET VARIABLE {name} in {sql[:80]!r}"
    return sql


def plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description or []]
    return [{n: plain(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def main(folder: Path, days: list[str]) -> dict[str, Any]:
    setup, history, changes, status, as_of = documented_queries((folder / "DATASET.md").read_text(encoding="utf-8"))
    con = duckdb.connect()
    con.execute(setup)
    (plan,) = rows(con, "SELECT DISTINCT site, plan_path, language FROM runs")  # the dataset of one plan
    # the action with the most versions that changed the plan (presentation and parser versions left out)
    (action,) = rows(con, "SELECT identifier FROM versions WHERE cause NOT IN ('markup', 'reparse')"
                          " GROUP BY identifier ORDER BY count(*) DESC, identifier LIMIT 1")
    chosen = {**plan, "action": action["identifier"]}
    answers: dict[str, Any] = {"plan": plan, "action": action["identifier"]}
    answers["history"] = rows(con, with_values(history, **chosen))
    answers["changes"] = rows(con, changes)  # the variables stay set: the same session, as in the DuckDB shell
    answers["status_counts"] = rows(con, with_values(status, site=plan["site"]))
    answers["as_of"] = {day: rows(con, with_values(as_of, **plan, day=day)) for day in days}
    loaded = sorted({name.split(".")[0] for name in sys.modules} & VAHTI_PACKAGES)
    assert not loaded, f"the researcher's script imported vahti: {loaded}"
    answers["vahti_modules_loaded"] = loaded
    return answers


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2:]), ensure_ascii=False))

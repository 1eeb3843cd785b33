"""What the daily digest says as information about a run, beside its changes: never a reason to fail the day.

- A redesign (or a move to another front-end era) is said once: "front end changed on N pages", the count of
  versions the run opened whose records mean what the previous ones meant (cause `markup`).
- Lists the parser filled from the embedded data because the visible page read empty or shorter (parse warnings
  whose message starts with `filled from embedded data`) are counted; a sudden rise against the previous days
  (more than max(5, 3 × the median of the last 7 runs)) is a notice a reader must see: the visible page may be
  changing under the parser even while the embedded data still carries the plan.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import duckdb

from snapshots.report_read import previous_complete_runs

#: The start of the parser's warning message for a list filled from the embedded data.
FILLED_FROM_EMBEDDED = "filled from embedded data"
#: How many earlier runs the fills are compared with, and the rise that makes a notice.
FILL_HISTORY_RUNS = 7
FILL_NOTICE_FLOOR = 5
FILL_NOTICE_FACTOR = 3.0

#: SQL: the number of warnings of an observation (json list of {field, message}) that are embedded fills.
FILLS_SQL = (
    "coalesce(len(list_filter(from_json(warnings, '[{\"field\": \"VARCHAR\", \"message\": \"VARCHAR\"}]'),"
    f" lambda w: starts_with(w.message, '{FILLED_FROM_EMBEDDED}'))), 0)"
)


@dataclass(frozen=True)
class RunNotes:
    run_id: int
    markup_versions: int
    embedded_fills: int
    #: the median fills of the previous runs of the plan (None: no previous run to compare with)
    fills_median: float | None
    previous_runs: int

    @property
    def fills_jump(self) -> bool:
        """A sudden rise of embedded fills against the previous days."""
        if self.fills_median is None:
            return False
        return self.embedded_fills > max(FILL_NOTICE_FLOOR, FILL_NOTICE_FACTOR * self.fills_median)


def embedded_fills(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    row = con.execute(
        f"SELECT coalesce(sum({FILLS_SQL}), 0) FROM observations WHERE run_id = ? AND warnings IS NOT NULL", [run_id]
    ).fetchone()
    return int(row[0]) if row else 0


def markup_versions(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    row = con.execute(
        "SELECT count(*) FROM action_versions WHERE first_run = ? AND cause = 'markup'", [run_id]
    ).fetchone()
    return int(row[0]) if row else 0


def run_notes(con: duckdb.DuckDBPyConnection, run_id: int) -> RunNotes:
    previous = previous_complete_runs(con, run_id, FILL_HISTORY_RUNS)
    median = statistics.median(embedded_fills(con, p) for p in previous) if previous else None
    return RunNotes(run_id, markup_versions(con, run_id), embedded_fills(con, run_id), median, len(previous))

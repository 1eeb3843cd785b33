"""What every scheduled run leaves behind: the digest (publish dir, job summary, changes/ file), Parquet exports
of the current plan and of the whole history, the public dataset (`dataset/`, what `vahti ci --dataset-release`
uploads), and, when something failed, an issue-ready failure note."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from schemas import clock
from schemas.dates import HELSINKI
from schemas.errors import VahtiError
from scraper.ci.digest import Digest, render_digest
from scraper.ci.job import PublishTarget, SiteResult
from scraper.urls import site_of
from snapshots.dataset import write_dataset
from snapshots.db import connect_read
from snapshots.export import Selection, select_current, select_history, write_parquet
from snapshots.report_read import list_runs


@dataclass
class Published:
    digest: Digest
    digest_file: Path
    changes_file: Path | None = None
    failure_file: Path | None = None
    exports: list[Path] = field(default_factory=list)
    export_error: str | None = None
    #: the public dataset folder (None: the archive holds no run yet, or it could not be written)
    dataset: Path | None = None


def _export(con: duckdb.DuckDBPyConnection, out: Path) -> list[Path]:
    """current.parquet (every site's current actions) and history/ (every version, Hive-partitioned)."""
    sites = sorted({run.site for run in list_runs(con)})
    current = Selection([v for s in sites for v in select_current(con, s).versions], history=False)
    history = Selection([v for s in sites for v in select_history(con, s).versions], history=True)
    if not history.versions:
        return []
    write_parquet(con, current, out / "current.parquet")
    write_parquet(con, history, out / "history")
    return [out / "current.parquet", out / "history"]


def _dataset(con: duckdb.DuckDBPyConnection, sites: list[SiteResult], out: Path) -> Path | None:
    """The whole history as the public dataset; each site's licence as sites.toml states it (none: "not known")."""
    licences = {site_of(s.spec.start_url): s.spec.licence for s in sites if s.spec.licence}
    return None if write_dataset(con, out, licences).empty else out


def _write(path: Path, text: str, append: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a" if append else "w", encoding="utf-8") as fh:
        fh.write(text)


def _failure_note(digest: Digest, day: dt.date) -> str:
    lines = [f"vahti ci failed on {day.isoformat()}", "", "The scheduled crawl needs a look:", ""]
    lines += [f"- {f}" for f in digest.failures]
    lines += ["", "Rejected runs kept their raw pages but created no versions, so the archive still shows the",
              "last good day. A layout alarm usually means the site was redesigned: fix the parser, then run",
              "`vahti reparse`. If the change is real (the plan really shrank), re-run the workflow with",
              "`accept_alarms` once.", "", "The full digest is in the job summary."]
    return "\n".join(lines) + "\n"


def _annotate(digest: Digest) -> None:
    """GitHub Actions turns these lines into red annotations on the run page."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for failure in digest.failures:
            text = failure.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            print(f"::error title=vahti ci::{text}", flush=True)


def publish(sites: list[SiteResult], db: Path, target: PublishTarget, promote_error: str | None) -> Published:
    day = target.day or clock.now().astimezone(HELSINKI).date()
    out = target.publish_dir
    con = connect_read(db)
    try:
        digest = render_digest(con, sites, day, promote_error)
        done = Published(digest, out / "digest.md")
        try:
            done.exports = _export(con, out / "exports")
            done.dataset = _dataset(con, sites, out / "dataset")
        except VahtiError as exc:
            done.export_error = str(exc)
            target.say(f"exports not written: {exc}")
    finally:
        con.close()
    _write(done.digest_file, digest.markdown)
    if target.step_summary is not None:
        _write(target.step_summary, digest.markdown + "\n", append=True)
    if digest.has_changes and target.changes_dir is not None:
        done.changes_file = target.changes_dir / f"{day.isoformat()}.md"
        again = done.changes_file.exists()
        _write(done.changes_file, ("\n---\n\n" if again else "") + digest.markdown, append=again)
    if digest.failures:
        done.failure_file = out / "failure.md"
        _write(done.failure_file, _failure_note(digest, day))
        _annotate(digest)
    else:
        (out / "failure.md").unlink(missing_ok=True)
    for path in [done.digest_file, done.changes_file, done.failure_file, *done.exports, done.dataset]:
        if path is not None:
            target.say(f"wrote {path}")
    return done

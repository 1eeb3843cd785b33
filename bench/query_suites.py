"""The four questions a researcher asks of a plan's archive, answered two ways: by vahti's archive functions (what
`vahti history / show --at / diff / sql` run) and by git plumbing on a git-scraping repository (what someone who
git-scraped the plan would have to run). Both return the same kind of answer, so that the timings compare equal
work: full records or field-level changes, not just file names.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from snapshots.export import rows, select_at
from snapshots.history import action_history
from snapshots.plan_diff import diff_points, pick_points
from snapshots.report_read import resolve_point

# --- vahti ------------------------------------------------------------------------------------------------------


def vahti_history(con: duckdb.DuckDBPyConnection, site: str, identifier: str) -> object:
    return action_history(con, site, identifier)


def vahti_as_of(con: duckdb.DuckDBPyConnection, site: str, day: dt.date) -> list[dict[str, Any]]:
    return list(rows(select_at(con, resolve_point(con, day.isoformat(), site))))


def vahti_diff(con: duckdb.DuckDBPyConnection, site: str, day_a: dt.date, day_b: dt.date) -> object:
    a, b = pick_points(con, site, day_a.isoformat(), day_b.isoformat())
    return diff_points(con, a, b)


def vahti_status_changes(con: duckdb.DuckDBPyConnection, site: str) -> list[tuple[Any, ...]]:
    return con.execute("SELECT identifier, changed_at, old, new FROM action_changes WHERE site = ? AND field = 'status'"
                       " ORDER BY changed_at, identifier", [site]).fetchall()


# --- git-scraping ---------------------------------------------------------------------------------------------


class GitRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")

    def git(self, *args: str, stdin: str | None = None) -> str:
        return subprocess.run(["git", *args], cwd=self.root, env=self.env, input=stdin, capture_output=True,
                              text=True, check=True).stdout

    def blobs(self, specs: Iterable[str]) -> list[dict[str, Any] | None]:
        """Many `REV:PATH` objects in one `git cat-file --batch` (one process, as a careful user would)."""
        specs = list(specs)
        if not specs:
            return []
        proc = subprocess.run(["git", "cat-file", "--batch"], cwd=self.root, env=self.env,
                              input="\n".join(specs).encode() + b"\n", capture_output=True, check=True)
        out, pos = proc.stdout, 0
        result: list[dict[str, Any] | None] = []
        for _ in specs:
            eol = out.index(b"\n", pos)
            header = out[pos:eol].split()
            if header[-1] == b"missing":
                result.append(None)
                pos = eol + 1
                continue
            size = int(header[2])
            result.append(json.loads(out[eol + 1: eol + 1 + size]))
            pos = eol + 1 + size + 1
        return result

    def commit_at(self, day: dt.date) -> str:
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).isoformat()
        return self.git("rev-list", "-1", f"--before={end}", "main").strip()


def git_history(repo: GitRepo, identifier: str) -> list[tuple[str, dict[str, Any] | None]]:
    path = f"{identifier}.json"
    log = [line.split("\t") for line in repo.git("log", "--format=%H\t%aI", "--", path).splitlines()]
    records = repo.blobs(f"{commit}:{path}" for commit, _ in log)
    return [(date, record) for (_, date), record in zip(log, records, strict=True)]


def git_as_of(repo: GitRepo, day: dt.date) -> list[dict[str, Any] | None]:
    commit = repo.commit_at(day)
    names = repo.git("ls-tree", "--name-only", commit).split()
    return repo.blobs(f"{commit}:{name}" for name in names)


def git_diff(repo: GitRepo, day_a: dt.date, day_b: dt.date) -> dict[str, dict[str, tuple[Any, Any]]]:
    a, b = repo.commit_at(day_a), repo.commit_at(day_b)
    changed = [line.split("\t")[-1] for line in repo.git("diff", "--name-status", a, b).splitlines()]
    olds = repo.blobs(f"{a}:{name}" for name in changed)
    news = repo.blobs(f"{b}:{name}" for name in changed)
    out = {}
    for name, old, new in zip(changed, olds, news, strict=True):
        keys = set(old or {}) | set(new or {})
        out[name] = {k: ((old or {}).get(k), (new or {}).get(k)) for k in keys
                     if (old or {}).get(k) != (new or {}).get(k)}
    return out


def git_status_changes(repo: GitRepo) -> list[tuple[str, str, Any, Any]]:
    """Every commit's changed files, old and new blob of each, compared on `status`."""
    commits: list[tuple[str, str, list[str]]] = []
    for block in repo.git("log", "--format=%x00%H\t%aI", "--name-only", "--diff-filter=M").split("\x00")[1:]:
        head, *files = [ln for ln in block.splitlines() if ln]
        commit, date = head.split("\t")
        commits.append((commit, date, files))
    specs = [(c, d, f) for c, d, files in commits for f in files]
    olds = repo.blobs(f"{c}^:{f}" for c, _, f in specs)
    news = repo.blobs(f"{c}:{f}" for c, _, f in specs)
    return [(f.removesuffix(".json"), d, (o or {}).get("status"), (n or {}).get("status"))
            for (c, d, f), o, n in zip(specs, olds, news, strict=True)
            if (o or {}).get("status") != (n or {}).get("status")]

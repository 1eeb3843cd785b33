"""The workflow's backend: the archive as an asset of one GitHub release, through the `gh` CLI.

Why a release asset: it is durable (not an evictable cache), up to 2 GiB per file, outside git history (the
repository does not grow by a copy of the archive a day), readable by anyone with the repository, and writable
with the job's own GITHUB_TOKEN. A new archive is uploaded under a new timestamped name *before* older ones are
deleted, and readers always take the newest complete asset, so there is no moment without a whole archive;
the previous generation is kept for a manual rollback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from schemas.errors import ArchiveError

REPO = re.compile(r"[\w.-]+/[\w.-]+")
ASSET = re.compile(r"^vahti-\d{8}T\d{6}Z\.duckdb$")

Runner = Callable[[list[str]], subprocess.CompletedProcess[str]]


def run_gh(args: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["gh", *args], capture_output=True, text=True, check=False, timeout=1800)
    except FileNotFoundError:
        raise ArchiveError("the GitHub backend needs the `gh` command (preinstalled on GitHub runners)") from None


@dataclass(frozen=True)
class Asset:
    name: str
    size: int
    state: str


class GitHubReleaseBackend:
    name = "github-release"

    def __init__(self, repo: str, tag: str = "archive", keep: int = 2, runner: Runner = run_gh,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        if not REPO.fullmatch(repo):
            raise ArchiveError(f"bad repository {repo!r} (owner/name, e.g. from $GITHUB_REPOSITORY)")
        self.repo, self.tag, self.keep = repo, tag, max(1, keep)
        self._run, self._now = runner, now
        self._fetched: str | None = None
        self._looked = False

    def _gh(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self._run([*args, "--repo", self.repo])

    def _fail(self, what: str, done: subprocess.CompletedProcess[str]) -> ArchiveError:
        why = (done.stderr or done.stdout or "").strip().splitlines()
        return ArchiveError(f"GitHub release {self.tag}: {what} failed ({why[-1] if why else f'exit {done.returncode}'})")

    def assets(self) -> list[Asset] | None:
        """The archive assets, oldest first; None when the release does not exist yet."""
        done = self._gh("release", "view", self.tag, "--json", "assets")
        if done.returncode != 0:
            if "not found" in (done.stderr or "").lower():
                return None
            raise self._fail("listing assets", done)
        listed = json.loads(done.stdout or "{}").get("assets", [])
        found = [Asset(a["name"], int(a.get("size", 0)), a.get("state", "uploaded")) for a in listed]
        return sorted((a for a in found if ASSET.match(a.name) and a.state == "uploaded"), key=lambda a: a.name)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """The workflow's `concurrency:` group serialises jobs; `store` also refuses if the release moved on."""
        yield

    def fetch(self, dest: Path) -> bool:
        assets = self.assets()
        self._looked = True
        if not assets:
            self._fetched = None
            return False
        newest = assets[-1]
        with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
            done = self._gh("release", "download", self.tag, "--pattern", newest.name, "--dir", tmp)
            if done.returncode != 0:
                raise self._fail(f"downloading {newest.name}", done)
            got = Path(tmp) / newest.name
            if not got.exists() or got.stat().st_size != newest.size:
                raise ArchiveError(f"GitHub release {self.tag}: {newest.name} arrived incomplete")
            os.replace(got, dest)
        self._fetched = newest.name
        return True

    def store(self, candidate: Path) -> str:
        assets = self.assets()
        newest = assets[-1].name if assets else None
        if not self._looked or newest != self._fetched:
            raise ArchiveError(
                f"GitHub release {self.tag}: the stored archive changed since this job fetched it"
                f" ({self._fetched or 'none'} → {newest or 'none'}); not overwriting another run's work"
            )
        if assets is None:
            done = self._gh("release", "create", self.tag, "--title", "vahti archive", "--latest=false",
                            "--notes", "The vahti archive (DuckDB). Newest vahti-*.duckdb asset = current archive.")
            if done.returncode != 0:
                raise self._fail("creating the release", done)
        name = f"vahti-{self._now():%Y%m%dT%H%M%SZ}.duckdb"
        with tempfile.TemporaryDirectory(dir=candidate.parent) as tmp:
            upload = Path(tmp) / name
            shutil.copyfile(candidate, upload)
            done = self._gh("release", "upload", self.tag, str(upload))
            if done.returncode != 0:
                raise self._fail(f"uploading {name}", done)
            size = upload.stat().st_size
        after = self.assets() or []
        if not any(a.name == name and a.size == size for a in after):
            raise ArchiveError(f"GitHub release {self.tag}: {name} is not listed complete after upload")
        for old in after[: max(0, len(after) - self.keep)]:
            done = self._gh("release", "delete-asset", self.tag, old.name, "--yes")
            if done.returncode != 0:  # an extra old copy costs space, not data: say so and go on
                print(f"note: could not delete old archive {old.name}: {done.stderr.strip()}", flush=True)
        self._fetched = name
        return f"release {self.tag} of {self.repo}: {name}"

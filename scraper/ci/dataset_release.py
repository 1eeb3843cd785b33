"""The public dataset as assets of one GitHub release (`dataset`), replaced every day.

Why a release: its assets are downloadable by anyone without a login when the repository is public, at a URL
that never changes (`https://github.com/OWNER/REPO/releases/download/dataset/versions.parquet`), they do not
expire (workflow artifacts do, after 90 days, and need a login), and they stay out of git history.

Why upload-then-rename: `gh release upload --clobber` deletes the old asset before it uploads the new one, so a
reader could find the file missing for as long as an upload takes, and a failed upload would leave it missing.
Here each file is uploaded under a temporary name first; only when it is listed complete is the old asset
deleted and the new one renamed (two quick API calls). A failed day leaves yesterday's files in place.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from schemas.errors import ArchiveError
from scraper.ci.github_release import REPO, Runner, run_gh

STAGED = ".next"


class DatasetRelease:
    def __init__(self, repo: str, tag: str = "dataset", runner: Runner = run_gh) -> None:
        if not REPO.fullmatch(repo):
            raise ArchiveError(f"bad repository {repo!r} (owner/name, e.g. from $GITHUB_REPOSITORY)")
        self.repo, self.tag, self._run = repo, tag, runner

    def _fail(self, what: str, done: subprocess.CompletedProcess[str]) -> ArchiveError:
        lines = (done.stderr or done.stdout or "").strip().splitlines()
        why = lines[-1] if lines else f"exit {done.returncode}"
        return ArchiveError(f"GitHub release {self.tag}: {what} failed ({why})")

    def _assets(self) -> dict[str, tuple[int, int, str]] | None:
        """name → (asset id, size, state) of the release's assets; None when the release does not exist yet."""
        done = self._run(["api", f"repos/{self.repo}/releases/tags/{self.tag}"])
        if done.returncode != 0:
            if "not found" in f"{done.stderr} {done.stdout}".lower():
                return None
            raise self._fail("listing assets", done)
        listed = json.loads(done.stdout or "{}").get("assets", [])
        return {a["name"]: (int(a["id"]), int(a.get("size", 0)), a.get("state", "uploaded")) for a in listed}

    def publish(self, files: list[Path]) -> str:
        """Replace the release's assets of the same names with `files`; other assets are left alone."""
        assets = self._assets()
        if assets is None:
            done = self._run(["release", "create", self.tag, "--title", "vahti dataset", "--latest=false",
                              "--notes", "The vahti dataset: Parquet tables of every plan's history and DATASET.md, "
                              "replaced daily. Start with DATASET.md.", "--repo", self.repo])
            if done.returncode != 0:
                raise self._fail("creating the release", done)
            assets = {}
        for stale in [name for name in assets if name.endswith(STAGED)]:  # left by a job that died mid-way
            self._delete(assets.pop(stale)[0], stale)
        with tempfile.TemporaryDirectory() as tmp:
            for path in files:
                self._replace(path, Path(tmp))
        return f"release {self.tag} of {self.repo}: {', '.join(p.name for p in files)}"

    def _replace(self, path: Path, tmp: Path) -> None:
        staged = tmp / f"{path.name}{STAGED}"
        shutil.copyfile(path, staged)
        done = self._run(["release", "upload", self.tag, str(staged), "--repo", self.repo])
        if done.returncode != 0:
            raise self._fail(f"uploading {path.name}", done)
        after = self._assets() or {}
        new = after.get(staged.name)
        if new is None or new[1] != staged.stat().st_size or new[2] != "uploaded":
            raise ArchiveError(f"GitHub release {self.tag}: {staged.name} is not listed complete after upload")
        if path.name in after:
            self._delete(after[path.name][0], path.name)
        done = self._run(["api", "-X", "PATCH", f"repos/{self.repo}/releases/assets/{new[0]}", "-f",
                          f"name={path.name}"])
        if done.returncode != 0:
            raise self._fail(f"renaming {staged.name} to {path.name}", done)

    def _delete(self, asset_id: int, name: str) -> None:
        done = self._run(["api", "-X", "DELETE", f"repos/{self.repo}/releases/assets/{asset_id}"])
        if done.returncode != 0:
            raise self._fail(f"deleting the old {name}", done)

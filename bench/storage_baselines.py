"""What the other ways of keeping a daily plan would store, fed the very same calls the churn generator makes on
vahti's archive: a writer that passes every call through to vahti and shows it to each baseline as well.

- JsonSnapshots: the whole plan as one JSON file per run, plain and gzip-compressed (the "cron + dump" way).
- GitScrape: one pretty-printed JSON file per action in a git repository, one commit per run that changed
  anything (the git-scraping way); measured as the .git folder after `git gc --aggressive`.
- WarcDaily: one gzip WARC per run, a response record for a page whose payload changed and a revisit record (the
  payload's digest, no body) for an unchanged one (the web archivists' way). No request records, which favours it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from schemas.action import Action, ParseWarning
from schemas.run import ObservationOutcome, RunOutcome, VersionCause
from snapshots.interface import ArchiveWriter


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Baseline:
    """Receives the writer calls after vahti has handled them; the base keeps the plan as the last run saw it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.current: dict[str, str] = {}  # identifier -> record JSON (pretty)
        self.records: dict[str, Action] = {}
        self.seen: set[str] = set()
        self.run_time = _now()
        self.run_id = 0

    def begin(self, run_id: int, started_at: dt.datetime) -> None:
        self.run_id, self.run_time, self.seen = run_id, started_at, set()

    def page(self, url: str, status: int | None, headers: Mapping[str, str], body: bytes | None) -> None:
        pass

    def observe(self, identifier: str | None, outcome: str, record: Action | None) -> None:
        if identifier is None:
            return
        if outcome in ("parsed", "unchanged"):
            self.seen.add(identifier)
        if record is not None and self.records.get(identifier) is not record:
            if self.records.get(identifier) != record:  # serialise only what changed: the text is the same
                self.current[identifier] = json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=2)
            self.records[identifier] = record
        elif outcome == "gone":
            self.current.pop(identifier, None)
            self.records.pop(identifier, None)

    def end(self, outcome: str) -> None:
        if outcome == "complete":  # an action a complete run did not see is gone
            for identifier in [i for i in self.current if i not in self.seen]:
                del self.current[identifier]
                self.records.pop(identifier, None)
        self.commit()

    def commit(self) -> None:
        pass

    def size(self) -> int:
        return sum(f.stat().st_size for f in self.root.rglob("*") if f.is_file())


class JsonSnapshots(Baseline):
    def __init__(self, root: Path, compress: bool) -> None:
        super().__init__(root)
        self.compress = compress

    def commit(self) -> None:
        text = "[" + ",\n".join(self.current[i] for i in sorted(self.current)) + "]\n"
        data = text.encode("utf-8")
        name = f"run-{self.run_id:05d}.json"
        if self.compress:
            (self.root / (name + ".gz")).write_bytes(gzip.compress(data, 6))  # gzip's default level
        else:
            (self.root / name).write_bytes(data)


class GitScrape(Baseline):
    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._git("init", "-q", "-b", "main")
        self.written: dict[str, str] = {}

    def _git(self, *args: str, date: dt.datetime | None = None) -> str:
        env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
                   GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.invalid",
                   GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
        if date is not None:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date.isoformat()
        return subprocess.run(["git", *args], cwd=self.root, env=env, check=True, capture_output=True,
                              text=True).stdout

    def commit(self) -> None:
        changed = False
        for identifier, text in self.current.items():
            if self.written.get(identifier) != text:
                (self.root / f"{identifier}.json").write_text(text + "\n", encoding="utf-8")
                self.written[identifier] = text
                changed = True
        for identifier in [i for i in self.written if i not in self.current]:
            (self.root / f"{identifier}.json").unlink()
            del self.written[identifier]
            changed = True
        if changed:
            self._git("add", "-A")
            self._git("commit", "-q", "-m", f"run {self.run_id}", date=self.run_time)

    def gc(self) -> None:
        self._git("gc", "--aggressive", "--prune=now", "-q")

    def size(self) -> int:
        return sum(f.stat().st_size for f in (self.root / ".git").rglob("*") if f.is_file())


class WarcDaily(Baseline):
    """`sample_days`: write only the first N runs (the benchmark scales the rest of the year from them)."""

    def __init__(self, root: Path, sample_days: int | None = None) -> None:
        super().__init__(root)
        self.sample_days = sample_days
        self.runs = 0
        self.last: dict[str, tuple[str, str]] = {}  # url -> (payload digest, WARC-Date of its response record)
        self.out: BytesIO | None = None
        self.writer: WARCWriter | None = None
        self.responses = self.revisits = 0

    def begin(self, run_id: int, started_at: dt.datetime) -> None:
        super().begin(run_id, started_at)
        self.runs += 1
        if self.sample_days is not None and self.runs > self.sample_days:
            return
        self.out = BytesIO()
        self.writer = WARCWriter(self.out, gzip=True)

    def page(self, url: str, status: int | None, headers: Mapping[str, str], body: bytes | None) -> None:
        if self.writer is None or body is None or status is None:
            return
        digest = "sha1:" + _b32(hashlib.sha1(body).digest())
        date = self.run_time.strftime("%Y-%m-%dT%H:%M:%SZ")
        http = StatusAndHeaders(f"{status} OK", list(headers.items()), protocol="HTTP/1.1")
        previous = self.last.get(url)
        if previous is not None and previous[0] == digest:
            record = self.writer.create_revisit_record(url, digest, url, previous[1], http_headers=http)
            self.revisits += 1
        else:
            record = self.writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                                    warc_headers_dict={"WARC-Date": date})
            self.last[url] = (digest, date)
            self.responses += 1
        self.writer.write_record(record)

    def commit(self) -> None:
        if self.out is not None:
            (self.root / f"run-{self.run_id:05d}.warc.gz").write_bytes(self.out.getvalue())
            self.out = self.writer = None


def _b32(digest: bytes) -> str:
    import base64

    return base64.b32encode(digest).decode("ascii")


class TeeWriter:
    """An ArchiveWriter that is vahti's archive, with every call also shown to the baselines."""

    def __init__(self, archive: ArchiveWriter, baselines: Sequence[Baseline]) -> None:
        self.archive = archive
        self.baselines = list(baselines)
        self.raw_bytes = 0  # every body stored, as if each day's pages were kept whole
        self.pages = 0

    def begin_run(self, site: str, start_url: str, plan_path: str = "", language: str = "fi",
                  resumed_from: int | None = None, started_at: dt.datetime | None = None,
                  cause: VersionCause = "crawl") -> int:
        run_id = self.archive.begin_run(site, start_url, plan_path, language, resumed_from, started_at, cause)
        for b in self.baselines:
            b.begin(run_id, started_at or _now())
        return run_id

    def store_page(self, run_id: int, url: str, status: int | None, headers: Mapping[str, str], body: bytes | None,
                   fetched_at: dt.datetime | None = None, error: str | None = None,
                   capture_url: str | None = None) -> int:
        page_id = self.archive.store_page(run_id, url, status, headers, body, fetched_at, error, capture_url)
        self.raw_bytes += len(body or b"")
        self.pages += 1
        for b in self.baselines:
            b.page(url, status, headers, body)
        return page_id

    def store_observation(self, run_id: int, page_id: int | None, outcome: ObservationOutcome, *, url: str,
                          identifier: str | None = None, record: Action | None = None, error: str | None = None,
                          reason: str | None = None, warnings: Sequence[ParseWarning] = (),
                          position: int | None = None) -> None:
        self.archive.store_observation(run_id, page_id, outcome, url=url, identifier=identifier, record=record,
                                       error=error, reason=reason, warnings=warnings, position=position)
        for b in self.baselines:
            b.observe(identifier or (record.identifier if record is not None else None), outcome, record)

    def end_run(self, run_id: int, outcome: RunOutcome, reason: str | None = None,
                counts: Mapping[str, int] | None = None, finished_at: dt.datetime | None = None) -> None:
        self.archive.end_run(run_id, outcome, reason, counts, finished_at)
        for b in self.baselines:
            b.end(outcome)

    def __getattr__(self, name: str) -> Any:  # last_interrupted_run, stored_pages, validators, page, release, close
        return getattr(self.archive, name)

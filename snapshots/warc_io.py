"""WARC in and out: a run's raw responses as a standard WARC file, and captures from any WARC as dated runs.

Export writes one `response` record per stored page (status line and headers as stored, body as received,
WARC-Date = fetch time) after a `warcinfo` record naming the run. Import reads `response` records, groups them
into one run per site and Helsinki day, dated by the capture time, and writes them through the archive writer
with cause "import"; the caller supplies the parser (this package never imports the scraper). Captures older
than the archive's runs are spliced into the history by `snapshots.backfill`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from schemas.errors import UsageError
from snapshots.bodies import BodyReader, PageUnreadable
from snapshots.captured_runs import Capture, ImportedRun, Judge, group_captures, write_run
from snapshots.change_model import RunInfo
from snapshots.report_read import last_complete_runs, list_runs, resolve_when

#: Headers that describe the transfer, not the body we stored (which is already decoded and whole).
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length", "connection", "keep-alive"}
_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 404: "Not Found", 410: "Gone"}


# --- export --------------------------------------------------------------------------------------------------


def _pick_run(con: duckdb.DuckDBPyConnection, site: str, at: str | None) -> RunInfo:
    if at is not None:
        return resolve_when(con, at, site, prefer_complete=True)  # a date: the run the default took then
    complete = last_complete_runs(con, site, 1)
    if complete:
        return complete[-1]
    runs = list_runs(con, site)
    if not runs:
        raise UsageError(f"no runs of {site} to export")
    return runs[-1]


def export_warc(
    con: duckdb.DuckDBPyConnection, site: str, at: str | None, out: Path, lost: list[str] | None = None
) -> int:
    """Write the run's pages; a 304 is written as the 200 it confirmed (its body), so the file stands alone. A
    page whose stored body cannot be restored is left out and named in `lost` (the others are written)."""
    run = _pick_run(con, site, at)
    # records in the plan's own order (the chain), the run's other pages first: an import then sees the order
    # the crawl saw, whatever order the pages were fetched in (the walk goes backwards first)
    rows = con.execute(
        "SELECT p.url, p.fetched_at, p.status, p.headers, p.sha256 FROM pages p"
        " LEFT JOIN (SELECT page_id, min(position) AS position FROM observations WHERE run_id = ? GROUP BY page_id) o"
        " ON o.page_id = p.id WHERE p.run_id = ? ORDER BY o.position NULLS FIRST, p.id",
        [run.id, run.id],
    ).fetchall()
    reader = BodyReader.on(con)
    written = 0
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fh = out.open("wb")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None
    with fh:
        writer = WARCWriter(fh, gzip=out.suffix == ".gz")
        info = {
            "software": "vahti",
            "format": "WARC File Format 1.1",
            "vahti-run-id": str(run.id),
            "vahti-run-outcome": run.outcome,
            "vahti-site": run.site,
            "vahti-plan-path": run.plan_path,
            "vahti-start-url": run.start_url or "",
        }
        writer.write_record(writer.create_warcinfo_record(out.name, info))
        for url, fetched_at, status, headers_json, sha in rows:
            if sha is None or status is None:
                continue
            try:
                body = reader.body(sha)
            except PageUnreadable as exc:
                if lost is not None:
                    lost.append(f"{url}: {exc}")
                continue
            headers = json.loads(headers_json or "{}")
            shown = 200 if status == 304 else int(status)
            pairs = [(k, str(v)) for k, v in headers.items() if k.lower() not in _TRANSFER_HEADERS]
            pairs.append(("Content-Length", str(len(body))))
            http = StatusAndHeaders(f"{shown} {_REASONS.get(shown, 'Status')}", pairs, protocol="HTTP/1.1")
            warc_headers = {"WARC-Date": datetime_to_iso_date(_utc(fetched_at))}
            if status == 304:
                warc_headers["WARC-vahti-confirmed-by"] = "304 Not Modified"
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=warc_headers
            )
            writer.write_record(record)
            written += 1
    return written


def _utc(value: dt.datetime) -> dt.datetime:
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(tzinfo=None)


# --- import --------------------------------------------------------------------------------------------------


@dataclass
class WarcContents:
    info: dict[str, str]
    captures: list[Capture]


def read_warc(path: Path) -> WarcContents:
    """Every response record (gzip per record, whole-file gzip, or plain); other record types are skipped."""
    if not path.exists() or path.is_dir():
        raise UsageError(f"no WARC file at {path}")
    info: dict[str, str] = {}
    captures: list[Capture] = []
    try:
        # warcio writes a multi-line warning per damaged record to stderr; the user gets our one line instead
        with path.open("rb") as fh, contextlib.redirect_stderr(io.StringIO()):
            for record in ArchiveIterator(fh):
                if record.rec_type == "warcinfo":
                    text = record.content_stream().read().decode("utf-8", "replace")
                    for line in text.splitlines():
                        key, _, value = line.partition(":")
                        if key.strip():
                            info.setdefault(key.strip(), value.strip())
                    continue
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                when = record.rec_headers.get_header("WARC-Date")
                if not url or not when:
                    continue
                status = int(record.http_headers.get_statuscode() or 0)
                headers = {k: v for k, v in record.http_headers.headers if k.lower() not in _TRANSFER_HEADERS}
                body = record.content_stream().read()
                captured = iso_date_to_datetime(when).replace(tzinfo=dt.UTC)
                captures.append(Capture(url.strip("<>"), captured, status, headers, body))
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, gzip.BadGzipFile, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"{path} is not a readable WARC file: {first}") from None
    return WarcContents(info, captures)


def import_groups(writer: Any, contents: WarcContents, judge: Judge, source: str) -> Iterator[ImportedRun]:
    """Write each group as a run (cause 'import'). A WARC that vahti wrote from a complete run imports as
    complete; any other WARC as partial, since a web archive's captures never prove an action was missing."""
    complete = contents.info.get("vahti-run-outcome") == "complete"
    for group in group_captures(contents.captures):
        judged = [(capture, judge(capture)) for capture in group]
        parts = urlsplit(group[0].url)
        start_url = contents.info.get("vahti-start-url") or f"{parts.scheme}://{parts.netloc}/actions"
        outcome = "complete" if complete else "partial"
        reason = f"imported from {source}" + ("" if complete else "; captures do not show which actions were missing")
        yield write_run(writer, judged, start_url=start_url, cause="import", outcome=outcome, reason=reason,
                        plan_path=contents.info.get("vahti-plan-path", ""))

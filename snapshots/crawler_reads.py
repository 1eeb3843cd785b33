"""What the crawler reads back from the archive: where to resume, which pages it already has, and the
validators for conditional GETs. Kept apart from the writing so each file holds one idea."""

from __future__ import annotations

import json

import duckdb

from snapshots.bodies import BodyReader, PageUnreadable
from snapshots.interface import StoredPage, Validators


class CrawlerReads:
    bodies: BodyReader  # provided by the writer

    def con(self) -> duckdb.DuckDBPyConnection:
        raise NotImplementedError

    def _flush(self) -> None:
        """Bulk mode buffers pages in an appender: make them visible first."""

    def last_interrupted_run(self, site: str, start_url: str) -> int | None:
        row = self.con().execute(
            "SELECT id FROM runs WHERE site = ? AND start_url = ? AND outcome IN ('interrupted', 'running')"
            " AND id NOT IN (SELECT resumed_from FROM runs WHERE resumed_from IS NOT NULL)"
            " ORDER BY started_at DESC, id DESC LIMIT 1",
            [site, start_url],
        ).fetchone()
        return int(row[0]) if row else None

    def stored_pages(self, run_id: int) -> dict[str, StoredPage]:
        """Pages of the run and of the runs it resumed, last per URL; a 304 carries the body it confirmed."""
        chain: list[int] = []
        current: int | None = run_id
        while current is not None and current not in chain:
            chain.append(current)
            row = self.con().execute("SELECT resumed_from FROM runs WHERE id = ?", [current]).fetchone()
            current = int(row[0]) if row and row[0] is not None else None
        rows = self.con().execute(
            "SELECT url, max(id) FROM pages WHERE run_id IN (SELECT unnest(?::BIGINT[])) GROUP BY url",
            [chain],
        ).fetchall()
        return {url: self.page(int(page_id)) for url, page_id in rows}

    def validators(self, site: str) -> dict[str, Validators]:
        rows = self.con().execute(
            "SELECT p.url, p.id, p.headers FROM pages p JOIN runs r ON r.id = p.run_id"
            " WHERE r.site = ? AND p.status = 200 AND p.sha256 IS NOT NULL"
            " QUALIFY row_number() OVER (PARTITION BY p.url ORDER BY p.id DESC) = 1",
            [site],
        ).fetchall()
        out = {}
        for url, page_id, headers in rows:
            lower = {k.lower(): v for k, v in json.loads(headers or "{}").items()}
            out[url] = Validators(lower.get("etag"), lower.get("last-modified"), int(page_id))
        return out

    def page(self, page_id: int) -> StoredPage:
        """The page with its body; a body that cannot be restored comes back as None, so the crawler fetches the
        URL again instead of trusting a damaged copy."""
        self._flush()
        row = self.con().execute("SELECT url, status, headers, sha256 FROM pages WHERE id = ?", [page_id]).fetchone()
        if row is None:
            raise KeyError(f"no page {page_id} in the archive")
        body: bytes | None = None
        if row[3] is not None:
            try:
                body = self.bodies.body(row[3])
            except PageUnreadable:
                body = None
        return StoredPage(page_id, row[0], row[1], json.loads(row[2] or "{}"), body)

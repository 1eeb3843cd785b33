"""`vahti page` (any stored raw page, byte for byte) and `vahti compact` (the archive file rewritten without free
space, old whole bodies as deltas)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from schemas.errors import ArchiveError, UsageError
from scraper.cli.app import DbOption, SiteOption, app, db_path
from snapshots.bodies import BodyReader, PageUnreadable
from snapshots.compact import compact as compact_archive
from snapshots.page_lookup import find_page
from snapshots.queries import open_reader


@app.command("page")
def page(
    target: str | None = typer.Argument(None, metavar="ID|URL", help="Action identifier or page URL."),
    at: str | None = typer.Option(None, "--at", help="As last fetched by this run id or ISO date (default: now)."),
    page_id: int | None = typer.Option(None, "--page", help="A row of `pages` by its id instead."),
    out: Path | None = typer.Option(None, "--out", help="Write the bytes to this file (default: stdout)."),
    site: str | None = SiteOption,
    db: Path | None = DbOption,
) -> None:
    """Write one stored raw page, byte for byte as it was received (a 304: the body it confirmed)."""
    with open_reader(db_path(db)) as con:
        chosen = find_page(con, target, at=at, site=site, page_id=page_id)
        row = con.execute("SELECT url, status, fetched_at, error FROM pages WHERE id = ?", [chosen]).fetchone()
        try:
            stored = BodyReader.on(con).page(chosen)
        except PageUnreadable as exc:
            raise ArchiveError(f"page {chosen} ({row[0] if row else '?'}) cannot be restored: {exc}") from None
    if stored.body is None:
        why = f": {row[3]}" if row and row[3] else ""
        raise ArchiveError(f"page {chosen} ({stored.url}) has no body (HTTP {stored.status or 'none'}{why})")
    if out is None:
        sys.stdout.buffer.write(stored.body)
        sys.stdout.buffer.flush()
        return
    try:
        out.write_bytes(stored.body)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None
    when = row[2].isoformat(timespec="seconds") if row and row[2] else "?"
    typer.echo(f"page {chosen}: {stored.url}, HTTP {stored.status}, fetched {when}, {len(stored.body):,} bytes"
               f" -> {out}", err=True)


@app.command("compact")
def compact(db: Path | None = DbOption) -> None:
    """Rewrite the archive without free space (old whole bodies as deltas), check it, swap it in.

    Needs free disk space of about the archive's size; an interrupted compact leaves the archive as it was."""
    where = db_path(db)
    compact_archive(where, say=lambda line: typer.echo(line))

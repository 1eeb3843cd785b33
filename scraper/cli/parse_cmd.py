"""`vahti parse FILE`: one saved page to its record, without touching the network."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from schemas.errors import UsageError
from scraper.cli.app import app
from scraper.parse import parse_page

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "action-111-v1early.html"
SAMPLE_URL = "https://hnh.hel.ninja/action/111"


@app.command("parse")
def parse_command(
    file: Path = typer.Argument(..., help="A saved action page (HTML). 'sample' parses the bundled seed page."),
    url: str | None = typer.Option(
        None, "--url", help="The URL the page was fetched from (default: read from the file name's action id)."
    ),
    warnings: bool = typer.Option(False, "--warnings", help="Also print parse warnings to stderr."),
) -> None:
    """Parse one saved page (no fetching) and print the record as JSON."""
    if str(file) == "sample":
        file, url = SAMPLE, url or SAMPLE_URL
    if not file.is_file():
        raise UsageError(f"no such file: {file}")
    if url is None:
        url = f"https://ilmastovahti.hel.fi/actions/{file.stem.split('-')[-1] if '-' in file.stem else file.stem}"
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--url must be an absolute http(s) URL, got {url!r}")
    result = parse_page(file.read_bytes(), url)
    typer.echo(json.dumps(result.action.model_dump(mode="json"), ensure_ascii=False, indent=2))
    if warnings:
        for warning in result.warnings:
            typer.echo(f"warning: {warning.field}: {warning.message}", err=True)

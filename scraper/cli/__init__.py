"""The `vahti` command line: the only place that wires scraper, schemas and snapshots together."""

from scraper.cli.app import app, main

__all__ = ["app", "main"]

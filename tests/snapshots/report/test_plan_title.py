"""The Markdown diff is headed by the plan's own name, read from its stored list page's <title>."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from scraper.cli.app import app, load_commands
from scraper.replica import ReplicaConfig, ReplicaServer
from snapshots.plan_title import title_of
from tests.scraper.helpers import crawl_complete

load_commands()


@pytest.mark.parametrize(
    ("page", "title"),
    [
        (b"<html><head><title>Tampereen ilmastovahti</title>", "Tampereen ilmastovahti"),
        (b"<title>Toimenpide: 111 | Ilmastovahti</title>", "Ilmastovahti"),
        (b"<title>Toimenpiteet | Hiilineutraali Helsinki 2035</title>", "Hiilineutraali Helsinki 2035"),
        (b"<title>\n  Ilmasto&shy;vahti &amp; muut </title>", "Ilmasto\xadvahti & muut"),
        (b"<html><body>no title</body></html>", None),
    ],
)
def test_the_site_title_is_the_last_part_of_the_title(page: bytes, title: str | None) -> None:
    assert title_of(page) == title


def test_the_markdown_diff_names_the_plan(tmp_path: Path) -> None:
    db = tmp_path / "v.duckdb"
    with ReplicaServer(ReplicaConfig(plan="tampere")) as srv:
        crawl_complete(srv, db)
        srv.set_day(1)
        crawl_complete(srv, db)
        host = srv.base_url.split("://", 1)[1]
    result = CliRunner().invoke(app, ["diff", "--db", str(db), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"## Changes in Tampereen ilmastovahti ({host}/lumo)"

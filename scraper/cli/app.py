"""The Typer application and the error boundary.

Each area registers its commands in its own `*_cmd.py` module of this package (so the crawler, the archive and the
reports each own their command-line surface). A person at a terminal feels every import at every command, so the
command table below is all that `vahti --help` reads; a command's module (and DuckDB, pydantic, the parser) is
imported only when that command runs (Click's documented lazy-loading group, handed to Typer with `cls=`). `main`
turns every error a user or the network can cause into one line on stderr and the exit code of the design (0 ok,
1 failure, 2 usage, 3 partial crawl).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path
from typing import Any

import typer
import typer.main
from typer.core import TyperGroup

from schemas.errors import VahtiError

#: name → (module in scraper.cli, one line of help), in the order `vahti --help` lists them. A test checks that it
#: names every registered command with its module and the first line of its own help.
COMMANDS: dict[str, tuple[str, str]] = {
    "crawl": ("crawl_cmd", "Walk a plan's prev/next chain (cross-checked with its list and sitemap) and store a run."),
    "runs": ("archive_cmd", "List the crawl runs: when, outcome, and what each observed."),
    "show": ("archive_cmd", "One action as the archive knew it at a run or date."),
    "history": ("report_cmd", "Every version of one action, oldest first, field by field."),
    "diff": ("report_cmd", "What changed across the plan between two runs."),
    "report": ("report_cmd", "A self-contained HTML change report."),
    "export": ("report_cmd", "Export the plan (now, --at WHEN, or --history) for other tools."),
    "import": ("report_cmd", "Load captures from a WARC as runs dated by their capture time."),
    "backfill": ("backfill_cmd", "A plan's history from web-archive captures, dated by capture time and spliced into the archive."),
    "sql": ("archive_cmd", "Read-only SQL on the archive."),
    "reparse": ("archive_cmd", "Re-derive every current record from its stored raw page with this vahti's parser."),
    "page": ("page_cmd", "Write one stored raw page, byte for byte as it was received (a 304: the body it confirmed)."),
    "compact": ("page_cmd", "Rewrite the archive without free space (old whole bodies as deltas), check it, swap it in."),
    "verify": ("verify_cmd", "Compare a run's records with the site's own GraphQL API, field by field, and store the agreement."),
    "ci": ("ci_cmd", "The scheduled job: crawl each site into a staging copy, check it, promote on success."),
    "parse": ("parse_cmd", "Parse one saved page (no fetching) and print the record as JSON."),
    "demo": ("demo_cmd", "Start the bundled replica, crawl it over several simulated days, show history and diff."),
    "replica": ("replica_cmd", "Serve the replica on 127.0.0.1, printing the start URL; Ctrl-C stops it."),
}


class LazyCommands(TyperGroup):
    """A group that knows its commands by name and imports one only when it is asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS) + sorted(set(self.commands) - set(COMMANDS))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            module = COMMANDS.get(cmd_name, ("", ""))[0]
            if module:
                importlib.import_module(f"scraper.cli.{module}")
            else:  # not in the table (a typo, or a command added without its row): every module, then Click decides
                load_commands()
            built = typer.main.get_command(app)
            if isinstance(built, TyperGroup):
                self.commands.update(built.commands)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, text) for name, (_, text) in COMMANDS.items()])


app = typer.Typer(
    cls=LazyCommands,
    name="vahti",
    help="Archive Kausal Watch climate-action plans: crawl, parse, store dated snapshots, diff and report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DEFAULT_DB = "vahti.duckdb"


@app.callback()
def _root() -> None:
    """A group with no command imported yet still needs a body (Typer builds groups from a callback)."""


def db_path(value: Path | None) -> Path:
    """--db wins, then $VAHTI_DB, then ./vahti.duckdb."""
    if value is not None:
        return value
    return Path(os.environ.get("VAHTI_DB") or DEFAULT_DB)


DbOption = typer.Option(None, "--db", help="Archive file (default $VAHTI_DB or ./vahti.duckdb).")
SiteOption = typer.Option(None, "--site", help="Host of the plan, when the archive holds several sites.")
#: Runs and actions pair only within one plan in one language; these choose it when a site has several.
PlanOption = typer.Option(
    None, "--plan", help="Base path of the plan on the site (/lumo; / for the root), when the site has several."
)
LanguageOption = typer.Option(
    None, "--language", help="Language of the crawls to read (fi, sv, en), when the site was crawled in several."
)


def load_commands() -> None:
    package = importlib.import_module("scraper.cli")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.endswith("_cmd"):
            importlib.import_module(f"scraper.cli.{info.name}")


def main() -> None:
    try:
        # not standalone: click would print a usage block and a hint around the error; users get one line
        code = app(standalone_mode=False)
    except typer.TyperException as exc:  # Click's errors, raised through Typer's public base class
        if type(exc).__name__ == "NoArgsIsHelpError":
            typer.echo(exc.format_message())
            sys.exit(0)
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if getattr(exc, "exit_code", 1) == 2 and ctx is not None else ""
        typer.echo(f"error: {exc.format_message()}{hint}", err=True)
        sys.exit(getattr(exc, "exit_code", 1))
    except typer.Abort:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except VahtiError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        # a damaged archive can fail any query half-way (a block whose checksum is wrong): one line, exit 1
        if not type(exc).__module__.lstrip("_").startswith("duckdb"):
            raise
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        typer.echo(f"error: the archive could not be read or written: {first}", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)

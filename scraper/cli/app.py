"""The Typer application and the error boundary.

Each area registers its commands in its own `*_cmd.py` module of this package (so the crawler, the archive and the
reports each own their command-line surface); `main` imports them all, then turns every error a user or the network
can cause into one line on stderr and the exit code of the design (0 ok, 1 failure, 2 usage, 3 partial crawl).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer._click.exceptions import UsageError as ClickUsageError

from schemas.errors import VahtiError

app = typer.Typer(
    name="vahti",
    help="Archive Kausal Watch climate-action plans: crawl, parse, store dated snapshots, diff and report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DEFAULT_DB = "vahti.duckdb"


def db_path(value: Path | None) -> Path:
    """--db wins, then $VAHTI_DB, then ./vahti.duckdb."""
    if value is not None:
        return value
    return Path(os.environ.get("VAHTI_DB") or DEFAULT_DB)


DbOption = typer.Option(None, "--db", help="Archive file (default $VAHTI_DB or ./vahti.duckdb).")
SiteOption = typer.Option(None, "--site", help="Host of the plan, when the archive holds several sites.")


def load_commands() -> None:
    package = importlib.import_module("scraper.cli")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.endswith("_cmd"):
            importlib.import_module(f"scraper.cli.{info.name}")


def main() -> None:
    load_commands()
    try:
        # not standalone: click would print a usage block and a hint around the error; users get one line
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:
        typer.echo(exc.format_message())
        sys.exit(0)
    except ClickException as exc:
        hint = ""
        if isinstance(exc, ClickUsageError) and exc.ctx is not None:
            hint = f" (see '{exc.ctx.command_path} --help')"
        typer.echo(f"error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code)
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

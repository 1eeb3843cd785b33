"""`vahti --help` reads only the command table: it must name every command, with the module that registers it
and the first words of its own help, and it must not import any command module (or DuckDB) to do so."""

from __future__ import annotations

import subprocess
import sys

import typer.main
from typer.core import TyperGroup

from scraper.cli.app import COMMANDS, app, load_commands


def test_the_table_names_every_registered_command_with_its_module() -> None:
    load_commands()
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    registered = group.commands
    assert set(COMMANDS) == set(registered)
    for name, command in registered.items():
        module, text = COMMANDS[name]
        assert command.callback.__module__ == f"scraper.cli.{module}", name
        own = (command.help or "").split("\n")[0]
        assert own.startswith(text.rstrip(".").split(" (")[0][:25]), (name, own, text)


def test_help_imports_no_command_module() -> None:
    code = ("import sys\nfrom scraper.cli.app import main\nsys.argv = ['vahti', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.endswith('_cmd') or m in ('duckdb', 'pydantic', 'httpx')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
    assert all(name in out for name in COMMANDS)


def test_diff_from_without_a_complete_run_is_one_line(tmp_path: object) -> None:
    from pathlib import Path

    from snapshots.store import Archive

    db = Path(str(tmp_path)) / "a.duckdb"
    with Archive(db) as archive:
        archive.begin_run("127.0.0.1:9", "http://127.0.0.1:9/actions")
    done = subprocess.run([str(Path(sys.executable).parent / "vahti"), "diff", "--from", "2020-01-01", "--db", str(db)],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["error: 127.0.0.1:9 has no complete run yet; nothing to compare"]

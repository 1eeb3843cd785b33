"""The README is the user's manual: every command, every option and every public column must be in it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer

from scraper.cli.app import app, load_commands

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands() -> dict[str, Any]:
    load_commands()
    group: Any = typer.main.get_command(app)
    return dict(group.commands)


def _section(name: str) -> str | None:
    """The README's reference section of one command: from its `### vahti NAME` heading to the next heading."""
    match = re.search(rf"^###+ `?vahti {re.escape(name)}\b.*?$(.*?)(?=^#)", README + "\n#", re.M | re.S)
    return match.group(1) if match else None


def test_every_command_has_a_reference_section() -> None:
    missing = [name for name in _commands() if _section(name) is None]
    assert not missing, f"commands without a '### vahti NAME' section in README.md: {missing}"


def test_every_option_is_documented() -> None:
    missing = []
    for name, command in _commands().items():
        section = _section(name) or ""
        for param in command.params:
            if "Option" not in type(param).__name__:
                continue
            for opt in param.opts:
                if opt.startswith("--") and opt not in section:
                    missing.append(f"vahti {name} {opt}")
    assert not missing, f"options missing from README.md: {missing}"


PUBLIC_TABLES = ("runs", "pages", "bodies", "observations", "action_versions", "action_changes", "actions_current",
                 "schema_version")


def test_every_public_column_is_documented(tmp_path: Path) -> None:
    from snapshots.db import connect_read
    from snapshots.store import Archive

    db = tmp_path / "docs.duckdb"
    with Archive(db):
        pass
    con = connect_read(db)
    try:
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN "
            f"({', '.join('?' for _ in PUBLIC_TABLES)}) ORDER BY table_name, ordinal_position",
            list(PUBLIC_TABLES),
        ).fetchall()
    finally:
        con.close()
    assert {t for t, _ in rows} == set(PUBLIC_TABLES)
    missing = [f"{table}.{column}" for table, column in rows if f"`{column}`" not in README]
    assert not missing, f"columns missing from README.md: {missing}"
    for table in PUBLIC_TABLES:
        assert f"`{table}`" in README, f"table {table} is not described in README.md"

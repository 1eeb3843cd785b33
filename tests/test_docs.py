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
                 "silent_edits", "schema_version")


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


def _flow_map() -> list[str]:
    """The dotted names in the last column of the README's map of the data flow."""
    start = README.index("Where each step of the flow lives")
    table = README[start:].split("\n\n", 2)[1]
    return [m.group(1) for line in table.splitlines()[2:] if (m := re.search(r"`([\w.]+)`\s*\|\s*$", line))]


def test_the_flow_map_names_code_that_exists() -> None:
    import importlib

    names = _flow_map()
    assert "schemas.vocab.label_field" in names and "snapshots.versions.version_row" in names
    missing = []
    for name in names:
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):  # the longest importable module, then attributes
            try:
                target: Any = importlib.import_module(".".join(parts[:cut]))
            except ModuleNotFoundError:
                continue
            for attr in parts[cut:]:
                target = getattr(target, attr, None)
            if target is None:
                missing.append(name)
            break
        else:
            missing.append(name)
    assert not missing, f"README's flow map names what the code does not have: {missing}"
    # and the two names say what the map says they do
    from schemas.vocab import label_field

    assert label_field("Tehtävät") == "tasks"


def test_the_docs_name_every_module_that_wires_the_layers() -> None:
    """README and scraper/cli/__init__.py name the places that wire scraper, schemas and snapshots: the CLI, the
    scheduled job and verify's runner; any other scraper module opening the archive's writer must be named too."""
    import scraper.cli

    root = Path(__file__).resolve().parents[1]
    writers = sorted(
        str(path.relative_to(root))
        for path in (root / "scraper").rglob("*.py")
        if "snapshots.store" in path.read_text(encoding="utf-8") and "replica" not in path.parts
    )
    unnamed = [w for w in writers if not w.startswith("scraper/cli/") and f"`{w}`" not in README]
    assert not unnamed, f"modules that open the archive but the README does not name as wiring: {unnamed}"
    assert "scraper/ci/run.py" in (scraper.cli.__doc__ or "")

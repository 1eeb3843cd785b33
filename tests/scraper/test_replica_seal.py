"""The replica stays a room of its own: inside the shipped packages only the CLI's `*_cmd.py` modules start it, and
it imports nothing of ours but `schemas` (bench/ and tests/ may use it freely). The crawler must never lean on it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("scraper", "snapshots", "schemas")
REPLICA = ROOT / "scraper" / "replica"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function, as absolute dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                package = path.relative_to(ROOT).with_suffix("").parts[: -node.level]
                base = ".".join(package + ((node.module,) if node.module else ()))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _ours(name: str) -> bool:
    return name.split(".", 1)[0] in (*SHIPPED, "bench", "tests")


def _is_replica(name: str) -> bool:
    return name == "scraper.replica" or name.startswith("scraper.replica.")


def test_only_cli_commands_import_the_replica() -> None:
    allowed = {p for p in (ROOT / "scraper" / "cli").glob("*_cmd.py")}
    offenders = [
        str(path.relative_to(ROOT))
        for package in SHIPPED
        for path in sorted((ROOT / package).rglob("*.py"))
        if not path.is_relative_to(REPLICA) and path not in allowed and any(map(_is_replica, _imports(path)))
    ]
    assert offenders == [], f"only scraper/cli/*_cmd.py may import scraper.replica: {offenders}"


def test_the_replica_imports_nothing_of_ours_but_schemas() -> None:
    offenders = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in REPLICA.rglob("*.py")
        for name in _imports(path)
        if _ours(name) and not _is_replica(name) and not (name == "schemas" or name.startswith("schemas."))
    )
    assert offenders == [], f"the replica may import only schemas of vahti's own packages: {offenders}"


def test_the_seal_sees_imports() -> None:
    """The checks above would pass on an empty list: make sure they find the imports that do exist."""
    assert any(map(_is_replica, _imports(ROOT / "scraper" / "cli" / "replica_cmd.py")))
    assert any(name.startswith("schemas") for path in REPLICA.rglob("*.py") for name in _imports(path))

"""The workflow file: it parses, it is least-privilege and pinned, inputs never reach a shell unquoted, and it
calls commands and options that exist. (No YAML library is installed: a small parser reads the subset used.)"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import typer

from scraper.cli.app import app, load_commands

ROOT = Path(__file__).resolve().parents[3]
WORKFLOW = ROOT / ".github" / "workflows" / "crawl.yml"
KNOWN_PINS = {
    "actions/checkout": "3d3c42e5aac5ba805825da76410c181273ba90b1",
    "actions/setup-python": "5fda3b95a4ea91299a34e894583c3862153e4b97",
    "astral-sh/setup-uv": "20cfd1bf945f4377ade1205e4dbc17946fc9a30d",
    "actions/upload-artifact": "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
}


def _scalar(text: str) -> Any:
    text = text.strip()
    if text in ("{}", "[]"):
        return {} if text == "{}" else []
    if text in ("true", "false"):
        return text == "true"
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return re.sub(r"\s+#.*$", "", text)


def parse_yaml(text: str) -> Any:
    """Block mappings, block sequences of mappings or scalars, `|` block scalars, comments. Enough for a
    workflow; anything else (flow collections, anchors, tabs) raises so the test fails loudly."""
    lines = [(len(raw) - len(raw.lstrip(" ")), raw.strip()) for raw in text.splitlines()]
    if any("\t" in raw for raw in text.splitlines()):
        raise ValueError("tabs in YAML")
    pos = 0

    def skip() -> None:
        nonlocal pos
        while pos < len(lines) and (not lines[pos][1] or lines[pos][1].startswith("#")):
            pos += 1

    def block_scalar(indent: int) -> str:
        nonlocal pos
        out = []
        while pos < len(lines) and (not lines[pos][1] or lines[pos][0] > indent):
            out.append(text.splitlines()[pos][indent + 2:] if lines[pos][1] else "")
            pos += 1
        return "\n".join(out).strip("\n") + "\n"

    def value_after(key_indent: int, rest: str) -> Any:
        nonlocal pos
        if rest == "|":
            return block_scalar(key_indent)
        if rest:
            return _scalar(rest)
        skip()
        if (pos < len(lines) and lines[pos][0] > key_indent) or (pos < len(lines) and lines[pos][1].startswith("- ")
                                                               and lines[pos][0] >= key_indent):
            return node(lines[pos][0])
        return None

    def node(indent: int) -> Any:
        nonlocal pos
        skip()
        if lines[pos][1].startswith("- "):
            items: list[Any] = []
            while True:
                skip()
                if pos >= len(lines) or lines[pos][0] != indent or not lines[pos][1].startswith("- "):
                    return items
                body = lines[pos][1][2:]
                if re.match(r"^[\w-]+:(\s|$)", body):
                    lines[pos] = (indent + 2, body)  # the item is a mapping starting on this line
                    items.append(node(indent + 2))
                else:
                    pos += 1
                    items.append(_scalar(body))
        mapping: dict[str, Any] = {}
        while True:
            skip()
            if pos >= len(lines) or lines[pos][0] != indent or lines[pos][1].startswith("- "):
                if pos < len(lines) and lines[pos][0] > indent:
                    raise ValueError(f"bad indentation at line {pos + 1}")
                return mapping
            found = re.match(r"^([\w-]+):(?:\s+(.*))?$", lines[pos][1])
            if not found:
                raise ValueError(f"cannot read line {pos + 1}: {lines[pos][1]!r}")
            pos += 1
            key, rest = found.group(1), _scalar(found.group(2) or "") if found.group(2) else ""
            if key in mapping:
                raise ValueError(f"duplicate key {key!r}")
            mapping[key] = value_after(indent, rest if isinstance(rest, str) else "") if isinstance(rest, str) \
                else rest

    return node(0)


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    parsed = parse_yaml(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(parsed, dict)
    return parsed


def test_parser_reads_what_it_claims() -> None:
    assert parse_yaml("a: 1\nb:\n  - x: 'y'\n    z: true\n  - w\nc: |\n  one\n  two\n") == {
        "a": "1", "b": [{"x": "y", "z": True}, "w"], "c": "one\ntwo\n"}
    with pytest.raises(ValueError):
        parse_yaml("a: 1\na: 2\n")


def test_triggers_concurrency_and_permissions(workflow: dict[str, Any]) -> None:
    on = workflow["on"]
    assert len(on["schedule"][0]["cron"].split()) == 5
    assert "start_url" in on["workflow_dispatch"]["inputs"]
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["group"] and workflow["concurrency"]["cancel-in-progress"] is False
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "issues": "write"}


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    assert isinstance(steps, list)
    return steps


def test_actions_pinned_to_known_commits_and_no_persisted_credentials(workflow: dict[str, Any]) -> None:
    uses = [s for s in _steps(workflow) if "uses" in s]
    assert uses
    for step in uses:
        action, _, sha = step["uses"].partition("@")
        assert KNOWN_PINS.get(action) == sha, step["uses"]
        if action == "actions/checkout":
            assert step["with"]["persist-credentials"] is False


def test_no_expression_reaches_a_shell_directly(workflow: dict[str, Any]) -> None:
    runs = [s["run"] for s in _steps(workflow) if "run" in s]
    assert runs and all("${{" not in r for r in runs)
    ci = next(s for s in _steps(workflow) if "vahti ci" in s.get("run", ""))
    assert ci["env"]["START_URL"] == "${{ inputs.start_url }}"
    assert '--start-url "${START_URL}"' in ci["run"]


def test_the_workflow_calls_commands_and_options_that_exist(workflow: dict[str, Any]) -> None:
    runs = "\n".join(s["run"] for s in _steps(workflow) if "run" in s)
    setup = ROOT / "scripts" / "setup"
    assert "scripts/setup" in runs and setup.exists() and os.access(setup, os.X_OK)
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert "vahti" in scripts and ".venv/bin/vahti ci" in runs
    load_commands()
    ci = typer.main.get_command(app).commands["ci"]  # type: ignore[attr-defined]
    known = {opt for param in ci.params for opt in getattr(param, "opts", [])}
    vahti_lines = "\n".join(line for line in runs.splitlines() if "args" in line or ".venv/bin/vahti" in line)
    used = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", vahti_lines))
    assert used and used <= known, used - known
    assert (ROOT / "sites.toml").exists()

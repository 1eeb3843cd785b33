"""The workflow files pass the two linters GitHub Actions users rely on, run by the suite rather than by hand:
`check-jsonschema` with its bundled GitHub-workflow schema (a key GitHub would reject, a wrong type) and `zizmor`
offline (template injection, unpinned actions, persisted credentials, excessive permissions). Both are pinned in
the lock file's dev group and run from the same environment as the tests, without the network."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is missing from {BIN}: it is a dev dependency in uv.lock (scripts/setup installs it)"
    return str(path)


def check_jsonschema(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                           *map(str, files)], capture_output=True, text=True, timeout=120)


def zizmor(*files: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(BIN), "NO_COLOR": "1"}  # no GH_TOKEN: nothing may reach the network
    return subprocess.run([_tool("zizmor"), "--offline", "--format", "plain", *map(str, files)],
                          capture_output=True, text=True, timeout=120, env=env)


def test_there_are_workflows_to_check() -> None:
    assert [w.name for w in WORKFLOWS] == ["crawl.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_workflow_matches_githubs_schema(workflow: Path) -> None:
    done = check_jsonschema(workflow)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_zizmor_finds_nothing_in_any_workflow(workflow: Path) -> None:
    done = zizmor(workflow)
    assert done.returncode == 0, done.stdout + done.stderr


def test_both_linters_do_fail_on_a_bad_workflow(tmp_path: Path) -> None:
    """A test that cannot fail proves nothing: a workflow with an unknown key, an unpinned action and an
    untrusted expression in a shell is refused by each."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "name: bad\non:\n  issues:\n    types: [opened]\npermissions: write-all\njobs:\n  go:\n"
        "    runs-on: ubuntu-24.04\n    timeout: 5\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - run: echo \"${{ github.event.issue.title }}\"\n",
        encoding="utf-8",
    )
    schema = check_jsonschema(bad)
    assert schema.returncode != 0 and "timeout" in schema.stdout + schema.stderr
    audit = zizmor(bad)
    found = audit.stdout + audit.stderr
    assert audit.returncode != 0 and "template-injection" in found and "unpinned-uses" in found

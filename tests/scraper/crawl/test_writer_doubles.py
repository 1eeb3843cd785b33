"""The crawler's test doubles are complete archive writers: every method of the protocol, with its parameters.

A double that lacks a method the crawler calls would fail only in the walk that calls it, or tempt the crawler
back into probing for optional methods; checking them against the protocol keeps both honest."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest

from snapshots.interface import ArchiveWriter
from snapshots.store import Archive
from tests.scraper.helpers import MemoryWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from crawl_profile import NullWriter


def _methods(kind: type) -> dict[str, list[str]]:
    return {
        name: list(inspect.signature(member).parameters)
        for name, member in inspect.getmembers(kind, inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize("double", [MemoryWriter, NullWriter, Archive])
def test_every_writer_has_every_method_of_the_protocol_with_its_parameters(double: type) -> None:
    wanted = _methods(ArchiveWriter)
    have = _methods(double)
    assert wanted, "the protocol declares no methods?"
    for name, parameters in wanted.items():
        assert name in have, f"{double.__name__} lacks {name}"
        assert have[name][: len(parameters)] == parameters, f"{double.__name__}.{name}: {have[name]}"

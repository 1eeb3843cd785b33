"""Records and vocabulary of vahti; depends on pydantic only.

The names below are loaded on first use: `vahti --help` and the error classes must not pay for pydantic.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    **dict.fromkeys(
        ("PARSER_VERSION", "Action", "ContactPerson", "Indicator", "Link", "Organization", "ParseWarning", "Status",
         "StatusUpdate", "Task"),
        "schemas.action",
    ),
    **dict.fromkeys(("ArchiveBusy", "ArchiveError", "UsageError", "VahtiError"), "schemas.errors"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'schemas' has no attribute {name!r}")

"""The rows of a V3 flight payload that can hold the action, found in the pushes as they are written.

A V3 page pushes its RSC payload as ~20 JSON string literals that together hold ~30 KB of rows, most of it the
translation table; the action sits in one row. Decoding every push to find that row cost more than the rest of
the embedded reading, so the pushes are joined still escaped (a literal never ends inside an escape, so the joined
text is one valid literal), the candidate rows are cut out at their escaped newlines, and only those are decoded.
A push in any other form, or escapes that could hide the key or a newline, sends the caller to the full decoder.
Each push is taken to be the valid literal React writes: checking that costs more than decoding it (Python's string
scans are slow on non-Latin-1 text), and a push that is not one differs only in what the full decoder would drop.
"""

from __future__ import annotations

import json
import re

_PREFIX = 'self.__next_f.push([1,"'
_ENDINGS = ('"])', '"]);')
#: \u escapes that could spell a quote, a letter of "action", the colon, the brace or a newline: only the full
#: decoder sees through them
_DISGUISED = frozenset({"22", "0a", "0A", "3a", "3A", "61", "63", "69", "6e", "6E", "6f", "6F", "74", "7b", "7B"})
#: `"action": {` as it reads escaped, any whitespace escape (or any \u escape) allowed around the colon
_SPACE = r"(?:\s|\\[nrtf]|\\u[0-9a-fA-F]{4})*"
_NAME = '\\"action\\"'
_KEY = re.compile(r'\\"action\\"' + _SPACE + ":" + _SPACE + r"\{")


def action_rows(scripts: list[str]) -> list[str] | None:
    """Decoded rows that may open an `"action": {` object, in payload order; None when the pushes are not all
    plain."""
    raws = []
    for script in scripts:
        text = script.strip()
        if not text.startswith(_PREFIX):
            if "self.__next_f.push(" in text:
                return None  # a push of another shape: the full decoder judges it
            continue  # the payload's set-up (`(self.__next_f=…).push([0])`) holds no text
        ending = next((e for e in _ENDINGS if text.endswith(e)), None)
        if ending is None:
            return None
        body = text[len(_PREFIX) : -len(ending)]
        if body.endswith("\\") and _is_newline(body + "n", len(body) - 1):
            return None  # the closing quote is escaped: not the literal it looks like
        raws.append(body)
    raw = "".join(raws)
    if _disguised(raw):
        return None
    rows: list[str] = []
    position = _next_key(raw, 0)
    while position >= 0:
        start, end = _row_start(raw, position), _row_end(raw, position)
        try:
            rows.append(json.loads('"' + raw[start:end] + '"'))
        except ValueError:
            return None
        position = _next_key(raw, end)
    return rows


def _disguised(raw: str) -> bool:
    """Whether a `\\u00XX` escape could spell the key or a newline (found by `str.find`, as a regular expression
    crawls over a string with non-Latin-1 text)."""
    at = raw.find("\\u00")
    while at >= 0:
        if raw[at + 4 : at + 6] in _DISGUISED:
            return True
        at = raw.find("\\u00", at + 1)
    return False


def _next_key(raw: str, start: int) -> int:
    """Where the next escaped `"action": {` begins, or -1: `str.find` for the name, the pattern only there."""
    at = raw.find(_NAME, start)
    while at >= 0:
        if _KEY.match(raw, at):
            return at
        at = raw.find(_NAME, at + 1)
    return -1


def _is_newline(raw: str, at: int) -> bool:
    """Whether the `\\n` at `at` is an escape (an odd run of backslashes ends there), not `\\\\` + "n"."""
    k = at
    while k >= 0 and raw[k] == "\\":
        k -= 1
    return (at - k) % 2 == 1


def _row_start(raw: str, position: int) -> int:
    end = position
    while True:
        found = raw.rfind("\\n", 0, end)
        if found < 0:
            return 0
        if _is_newline(raw, found):
            return found + 2
        end = found + 1


def _row_end(raw: str, position: int) -> int:
    start = position
    while True:
        found = raw.find("\\n", start)
        if found < 0:
            return len(raw)
        if _is_newline(raw, found):
            return found
        start = found + 1

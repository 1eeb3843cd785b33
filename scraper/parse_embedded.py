"""The action as the site's own data describes it: `__NEXT_DATA__` (V1/V2) or the RSC flight payload (V3).

Embedded data carries what the visible page hides (full organisation names, roles, schedule dates, the exact update
timestamp, prev/next when a theme hides the links). It is not trusted blindly: the merge step lets the visible page
win for what it shows and records every disagreement.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.flight_rows import action_rows

_PUSH = re.compile(r"self\.__next_f\.push\((\[.*\])\)\s*;?\s*$", re.S)
_ROW_PREFIX = re.compile(r"^[0-9a-fA-F]+:")
_ACTION_KEY = re.compile(r'"action"\s*:\s*\{')
MAX_DEPTH = 40


@dataclass
class EmbeddedAction:
    """The GraphQL `action` object, whatever the era, with references resolved."""

    source: str  # "next_data" or "flight"
    data: dict[str, Any]
    plan: dict[str, Any] = field(default_factory=dict)


def extract(tree: LexborHTMLParser, identifier: str | None) -> EmbeddedAction | None:
    """The embedded action matching the URL's identifier (or the page's only action)."""
    next_data = tree.css_first("script#__NEXT_DATA__")
    if next_data is not None:
        found = _from_next_data(next_data.text(deep=True), identifier)
        if found is not None:
            return found
    # V3 pages carry ~140 KB of scripts: read each one's text once, from its one text node where it has one
    texts = (_script_text(script) for script in tree.tags("script"))
    chunks = [text for text in texts if "__next_f" in text]
    if chunks:
        return _from_flight(chunks, identifier)
    return None


def _script_text(script: LexborNode) -> str:
    child = script.first_child
    if child is not None and child.next is None and child.is_text_node:
        return child.text_content or ""
    return script.text(deep=True) or ""


# --- V1 / V2: the Apollo cache -----------------------------------------------------------------------------
def _from_next_data(raw: str, identifier: str | None) -> EmbeddedAction | None:
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    cache = _find_apollo_cache(doc)
    if cache is None:
        return None
    raw_root = cache.get("ROOT_QUERY")
    root: dict[str, Any] = raw_root if isinstance(raw_root, dict) else {}
    candidates: list[Any] = [v for k, v in root.items() if k.startswith("action(")]
    candidates += [v for k, v in cache.items() if k.startswith("Action:")]
    chosen: dict[str, Any] | None = None
    for candidate in candidates:
        obj = _resolve(cache, candidate, 0, set())
        if not isinstance(obj, dict) or not obj.get("name"):
            continue
        if identifier is None or str(obj.get("identifier")) == identifier:
            chosen = obj
            break
    if chosen is None:
        return None
    plan: dict[str, Any] = {}
    props = doc.get("props") if isinstance(doc, dict) else None
    if isinstance(props, dict) and isinstance(props.get("plan"), dict):
        plan = props["plan"]
    return EmbeddedAction(source="next_data", data=chosen, plan=plan)


def _find_apollo_cache(doc: Any) -> dict[str, Any] | None:
    stack = [(doc, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict) or depth > 6:
            continue
        state = node.get("apolloState")
        if isinstance(state, dict):
            data = state.get("data", state)
            if isinstance(data, dict):
                return data
        if "ROOT_QUERY" in node and isinstance(node["ROOT_QUERY"], dict):
            return node
        stack.extend((v, depth + 1) for v in node.values() if isinstance(v, dict))
    return None


def _ref_key(value: Any) -> str | None:
    if isinstance(value, dict):
        if isinstance(value.get("__ref"), str):
            return value["__ref"]
        if value.get("type") == "id" and isinstance(value.get("id"), str) and len(value) <= 4:
            return value["id"]
    return None


def _resolve(cache: dict[str, Any], value: Any, depth: int, seen: set[str]) -> Any:
    """Inline Apollo references (`{"__ref": …}` in Apollo 3, `{"type":"id","id": …}` in apollo-cache 1.x)."""
    if depth > MAX_DEPTH:
        return None
    key = _ref_key(value)
    if key is not None:
        if key in seen or key not in cache:
            return {"__ref": key}
        return _resolve(cache, cache[key], depth + 1, seen | {key})
    # a scalar is its own value (unless past the depth limit): no call for each of the thousands of them
    deep = depth + 1 > MAX_DEPTH
    if isinstance(value, dict):
        return {k: _resolve(cache, v, depth + 1, seen) if deep or isinstance(v, dict | list) else v
                for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(cache, v, depth + 1, seen) if deep or isinstance(v, dict | list) else v for v in value]
    return value


# --- V3: the React Server Components flight payload ---------------------------------------------------------
def _from_flight(scripts: list[str], identifier: str | None) -> EmbeddedAction | None:
    rows = action_rows(scripts)
    best: dict[str, Any] | None = None
    for line in _all_rows(scripts) if rows is None else rows:
        if not _ACTION_KEY.search(line):
            continue
        row = _ROW_PREFIX.sub("", line, count=1)
        try:
            parsed = json.loads(row)
        except (ValueError, RecursionError):
            continue
        # a row with no `"$…"` string (nor an escaped dollar) reads the same unescaped: no copy of it then
        plain = '"$$' not in row and '"$undefined"' not in row and "\\u0024" not in row
        for obj in _find_action_props(parsed):
            action = obj["action"] if plain else _unescape_dollars(obj["action"])
            if not isinstance(action, dict) or not action.get("name"):
                continue
            if identifier is None or str(action.get("identifier")) == identifier:
                return EmbeddedAction(source="flight", data=action, plan=_plan_of(obj))
            best = best or action
    if best is not None and identifier is None:
        return EmbeddedAction(source="flight", data=best)
    return None


def _all_rows(scripts: list[str]) -> list[str]:
    """Every row of the payload, every push decoded: the way for pushes `flight_rows` does not vouch for."""
    payload = []
    for script in scripts:
        match = _PUSH.search(script.strip())
        if not match:
            continue
        try:
            item = json.loads(match.group(1))
        except ValueError:
            continue
        if isinstance(item, list) and len(item) >= 2 and item[0] == 1 and isinstance(item[1], str):
            payload.append(item[1])
    return "".join(payload).split("\n")


def _plan_of(props: dict[str, Any]) -> dict[str, Any]:
    extra = props.get("extraPlanData")
    return extra if isinstance(extra, dict) else {}


def _find_action_props(node: Any) -> list[dict[str, Any]]:
    found = []
    stack = [(node, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(item, dict):
            action = item.get("action")
            if isinstance(action, dict) and "identifier" in action:
                found.append(item)
                continue
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return found


def _unescape_dollars(value: Any) -> Any:
    """React escapes a string starting with `$` by doubling it; other `$…` strings are references."""
    if isinstance(value, str):
        if value.startswith("$$"):
            return value[1:]
        if value == "$undefined":
            return None
        return value
    if isinstance(value, dict):
        return {k: _unescape_dollars(v) if isinstance(v, dict | list) or (isinstance(v, str) and v[:1] == "$") else v
                for k, v in value.items()}
    if isinstance(value, list):
        return [_unescape_dollars(v) if isinstance(v, dict | list) or (isinstance(v, str) and v[:1] == "$") else v
                for v in value]
    return value

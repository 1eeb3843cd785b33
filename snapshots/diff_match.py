"""Pairing the items of two lists (tasks, contacts, organisations …) so a list edit reads as item edits.

Items are paired by a sequence of keys, strongest first (a task's title; a link's URL, then its title), then,
where allowed, fuzzily by label so a corrected typo in a task title is one changed task rather than one
removed and one added.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

#: How alike two labels must be to be taken for the same item with a corrected title.
FUZZY_RATIO = 0.75


@dataclass(frozen=True)
class Item:
    index: int
    value: Any
    label: str


def _safe_key(key: Callable[[Any], Any], value: Any) -> Any:
    try:
        k = key(value)
    except (AttributeError, TypeError):
        return None
    if k in ("", None, (None, "")):
        return None
    return k


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.casefold(), b.casefold()).ratio()


def pair_items(
    old: Sequence[Item],
    new: Sequence[Item],
    keys: Sequence[Callable[[Any], Any]],
    fuzzy: bool = False,
) -> tuple[list[tuple[Item, Item]], list[Item], list[Item]]:
    """(pairs, removed, added). Duplicate keys pair up in list order."""
    left = list(old)
    right = list(new)
    pairs: list[tuple[Item, Item]] = []
    for key in keys:
        buckets: dict[Any, list[Item]] = {}
        for item in right:
            k = _safe_key(key, item.value)
            if k is not None:
                buckets.setdefault(repr(k), []).append(item)
        still_left: list[Item] = []
        taken: set[int] = set()
        for item in left:
            k = _safe_key(key, item.value)
            bucket = buckets.get(repr(k)) if k is not None else None
            if bucket:
                match = bucket.pop(0)
                pairs.append((item, match))
                taken.add(match.index)
            else:
                still_left.append(item)
        left = still_left
        right = [item for item in right if item.index not in taken]
    if fuzzy and left and right:
        scored = sorted(
            ((_ratio(o.label, n.label), o.index, n.index) for o in left for n in right), reverse=True
        )
        used_l: set[int] = set()
        used_r: set[int] = set()
        by_l = {o.index: o for o in left}
        by_r = {n.index: n for n in right}
        for ratio, li, ri in scored:
            if ratio < FUZZY_RATIO:
                break
            if li in used_l or ri in used_r:
                continue
            used_l.add(li)
            used_r.add(ri)
            pairs.append((by_l[li], by_r[ri]))
        left = [o for o in left if o.index not in used_l]
        right = [n for n in right if n.index not in used_r]
    pairs.sort(key=lambda p: p[1].index)
    return pairs, left, right

"""Putting pages back in chain order after the chain broke.

Once a page fails or is gone, its "Seuraava" link is unknown, and the list page (the only other guide) may order
actions differently (V1 groups cards by theme). So pages visited after a break are held and ordered at the end
from the links they do show: a run of pages linked by "Seuraava" is a segment, and a segment continues the chain
where its first page's "Edellinen" names the chain's last page. Segments that attach nowhere were reached from
the list after the walk (the walk's own continuations keep their visit order); pages only the orphan sweep
reached and that attach nowhere are the orphans.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar


class Linked(Protocol):
    @property
    def url(self) -> str: ...

    @property
    def previous(self) -> str | None: ...

    @property
    def next(self) -> str | None: ...

    @property
    def linked(self) -> bool: ...


T = TypeVar("T", bound=Linked)


def segments(nodes: Sequence[T]) -> list[list[T]]:
    """Maximal runs of pages joined by their "Seuraava" links, in the order their first pages were visited."""
    by_url = {n.url: n for n in nodes}
    pointed = {n.next for n in nodes if n.linked and n.next in by_url and n.next != n.url}
    used: set[str] = set()
    out: list[list[T]] = []
    heads = [n for n in nodes if n.url not in pointed]
    # pages on a cycle have no head: each left over starts its own segment, in visit order
    for start in [*heads, *nodes]:
        if start.url in used:
            continue
        segment = [start]
        used.add(start.url)
        current = start
        while current.linked and current.next in by_url and current.next not in used:
            current = by_url[current.next]
            segment.append(current)
            used.add(current.url)
        out.append(segment)
    return out


def order_after_break(
    tail_url: str | None, walked: Sequence[T], swept: Sequence[T]
) -> tuple[list[T], list[T]]:
    """(pages in chain order, orphans). `walked` were reached by the walk after the break (list continuations
    and the links after them), `swept` by the final sweep over the list."""
    walked_urls = {n.url for n in walked}
    remaining = segments([*walked, *swept])
    ordered: list[T] = []
    while remaining:
        segment = next((s for s in remaining if tail_url is not None and s[0].previous == tail_url), None)
        if segment is None:
            segment = next((s for s in remaining if s[0].url in walked_urls), None)
        if segment is None:
            break
        remaining.remove(segment)
        ordered.extend(segment)
        tail_url = segment[-1].url
    orphans = [n for s in remaining for n in s]
    return ordered, orphans

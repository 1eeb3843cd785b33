"""Ordering pages after a break by their own links."""

from __future__ import annotations

from dataclasses import dataclass

from scraper.chain_order import order_after_break, segments


@dataclass
class Node:
    url: str
    previous: str | None = None
    next: str | None = None
    linked: bool = True


def ids(nodes: list[Node]) -> list[str]:
    return [n.url for n in nodes]


def test_segment_whose_previous_is_the_tail_comes_first_whatever_the_visit_order() -> None:
    # chain: B(broken) → c → d → e; the list continuation visited d first, the sweep found c
    d, e = Node("d", "c", "e"), Node("e", "d", None)
    c = Node("c", "B", "d")
    ordered, orphans = order_after_break("B", walked=[d, e], swept=[c])
    assert ids(ordered) == ["c", "d", "e"] and orphans == []


def test_unattached_sweep_pages_are_orphans_and_walked_pages_keep_visit_order() -> None:
    x = Node("x", "a", "b")  # points into the chain but nobody points at it
    gone = Node("g", linked=False)  # the walk reached it from the list; it tells no links
    after = Node("h", "g", None)
    ordered, orphans = order_after_break("B", walked=[gone, after], swept=[x])
    assert ids(ordered) == ["g", "h"] and ids(orphans) == ["x"]


def test_cycles_and_self_links_end_segments() -> None:
    a, b = Node("a", None, "b"), Node("b", "a", "a")
    s = Node("s", None, "s")
    # a ↔ b is a cycle (no head): it comes after the segments that have one, in visit order
    assert [ids(seg) for seg in segments([a, b, s])] == [["s"], ["a", "b"]]
    loop1, loop2 = Node("p", "q", "q"), Node("q", "p", "p")
    assert [ids(seg) for seg in segments([loop1, loop2])] == [["p", "q"]]

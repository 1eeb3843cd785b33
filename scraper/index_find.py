"""Lookups inside indexed subtrees that lexbor's selectors used to answer, read from the flat index instead.

Each gives what the selector gave, in document order; where a left-out subtree could hold an answer (an element
inside `<object>`, a class on an `<input>`), the index cannot vouch for it and lexbor is asked as before.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from scraper.page_index import PageIndex


def entry_of(index: PageIndex, node: LexborNode, tags_only: bool) -> int | None:
    """The node's entry when the index alone can answer for its subtree (`tags_only`: only tag names are asked,
    which no left-out void element can hide), else None."""
    k = index.by_id.get(node.mem_id)
    if k is None:
        return None
    end = index.ends[k]
    return None if (index.opaque_in(k, end) if tags_only else index.left_out_in(k, end)) else k


def first_of(index: PageIndex, node: LexborNode, tag: str) -> LexborNode | None:
    """`node.css_first(tag)`: the node itself or its first descendant of that tag."""
    k = entry_of(index, node, tags_only=True)
    if k is None:
        return node.css_first(tag)
    tags = index.tags
    return next((index.nodes[j] for j in range(k, index.ends[k]) if tags[j] == tag), None)


def top_most(index: PageIndex, nodes: list[LexborNode], tag: str) -> list[LexborNode]:
    """Elements of `tag` in the given subtrees that are not nested in another one (task details may hold lists)."""
    by_id = index.by_id
    roots = [by_id.get(n.mem_id, -1) for n in nodes]
    if -1 not in roots:
        indexed = index.top_most(roots, tag)
        if indexed is not None:
            return indexed
    found: list[LexborNode] = []
    for node in nodes:
        if node.tag == tag:
            found.append(node)
            continue
        if node.tag == "-text":
            continue
        candidates = node.css(tag)
        seen_ids: set[int] = set()
        for cand in candidates:
            parent = cand.parent
            nested = False
            while parent is not None and parent.mem_id != node.mem_id:
                if parent.mem_id in seen_ids:
                    nested = True
                    break
                parent = parent.parent
            if not nested:
                found.append(cand)
                seen_ids.add(cand.mem_id)
    return found

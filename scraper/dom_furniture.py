"""Whether a heading sits in the page's furniture (navigation, footer): such headings open no section."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from scraper.page_index import PageIndex


def in_page_furniture(index: PageIndex, k: int) -> bool:
    """Whether an ancestor of entry k is a footer or navigation; answers are kept per entry (headings share
    ancestors), and the climb is a loop, so that no nesting depth can exhaust the stack."""
    known = index.memo("furniture", -1)
    if not isinstance(known, _Furniture):
        known = _Furniture(index)
        index.remember("furniture", -1, known)
    answers, roles = known.answers, known.roles
    tags, parents = index.tags, index.parents
    climbed: list[int] = []
    found: bool | None = None
    while True:
        found = answers.get(k)
        if found is not None:
            break
        climbed.append(k)
        parent = parents[k]
        if parent < 0:
            found = _furniture_above(index.nodes[k])
            break
        if tags[parent] in ("footer", "nav") or parent in roles:
            found = True
            break
        k = parent
    for entry in climbed:
        answers[entry] = found
    return found


class _Furniture:
    """The page's navigation and footer landmarks by role (one selector a page, not every ancestor's attributes)
    and the answers found so far."""

    def __init__(self, index: PageIndex) -> None:
        hits = index.root.css('[role="navigation"], [role="contentinfo"]')
        by_id = index.by_id if hits else {}
        self.roles = {by_id[n.mem_id] for n in hits
                      if n.mem_id in by_id and n.attributes.get("role") in ("navigation", "contentinfo")}
        self.answers: dict[int, bool] = {}


def _furniture_above(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in ("footer", "nav") or parent.attributes.get("role") in ("navigation", "contentinfo"):
            return True
        parent = parent.parent
    return False

"""The pages every parse benchmark reads: the replica's action pages, fetched once over real HTTP.

Each era is served by its own in-process replica and every page of the chain is fetched once with httpx, so the
benchmarks parse exactly the bytes a crawl would receive. `factor` repeats every action's description that many
times before the first page is rendered (the page-size scaling run): the visible text and the embedded data grow
together, as they do when a city writes a longer description.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from scraper.replica import ReplicaConfig, ReplicaServer

ERAS = ("v1early", "v1", "v2", "v3")


@dataclass(frozen=True)
class Page:
    era: str
    url: str
    body: bytes


def fetch_pages(era: str, limit: int | None = None, factor: int = 1, variation_seed: int | None = None) -> list[Page]:
    cfg = ReplicaConfig(era=era, variation_seed=variation_seed)
    with ReplicaServer(cfg) as srv:
        if factor > 1:
            assert srv.site is not None
            for action in srv.site.plan.actions:
                action.description = [block for _ in range(factor) for block in action.description]
        chain = srv.chain()[:limit] if limit else srv.chain()
        with httpx.Client(timeout=30) as client:
            pages = []
            for ident in chain:
                url = srv.action_url(ident)
                response = client.get(url)
                response.raise_for_status()
                pages.append(Page(era, url, response.content))
    return pages

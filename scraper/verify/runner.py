"""Verify runs of an archive: the wiring of archive, API client and verifier that `vahti verify` and `vahti ci`
share.

The archive is opened as the crawl opens it (the write lock for the whole verify, the DuckDB file only while
reading or writing): the connection is let go before every polite pause, so `vahti runs` works meanwhile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from schemas.errors import ArchiveError
from scraper.fetch import FetchPolicy
from scraper.parse import ParseResult
from scraper.verify.api_client import DEFAULT_API_URL, ApiClient, check_api_url
from scraper.verify.engine import Verifier
from snapshots.agreement import Verification, load_run, runs_to_verify, store_verification
from snapshots.store import open_writer


@dataclass
class VerifyOptions:
    api_url: str = DEFAULT_API_URL
    #: an API per site host (sites.toml `api_url`), else `api_url`
    api_urls: dict[str, str] = field(default_factory=dict)
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    when: str | None = None
    site: str | None = None
    run_ids: list[int] | None = None
    force: bool = False
    now: dt.datetime | None = None
    parse: Callable[[bytes, str], ParseResult] | None = None

    def api_for(self, site: str) -> str:
        return self.api_urls.get(site) or self.api_url


def verify_archive(db: Path, options: VerifyOptions) -> list[Verification]:
    """Verify the runs the options name (default: the last complete run of each plan) and store each result.
    ApiUnavailable / ApiError leave the archive as it was for that run and propagate."""
    if not db.exists():
        raise ArchiveError(f"no archive at {db} (run `vahti crawl` first, or pass --db)")
    for url in {options.api_url, *options.api_urls.values()}:
        check_api_url(url)
    out = []
    with open_writer(db) as archive:
        run_ids = options.run_ids or runs_to_verify(archive.con(), options.when, options.site)
        for run_id in run_ids:
            snapshot = load_run(archive.con(), run_id)
            api = ApiClient(options.api_for(snapshot.site), options.policy, on_pause=lambda _s: archive.release())
            verifier = Verifier(snapshot, api, options.policy, body_of=lambda pid: archive.page(pid).body,
                                now=options.now, on_pause=lambda _s: archive.release(), parse=options.parse)
            try:
                verifier.check_age(options.force)
                verifier.plan_identifier()
                archive.release()
                result = verifier.run()
            finally:
                verifier.close()
                api.close()
            store_verification(archive.con(), result)
            out.append(result)
    return out

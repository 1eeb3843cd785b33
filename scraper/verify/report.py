"""What `vahti verify` prints: per field the share of compared actions that agree, then every action that did
not, with the facts the page and the API gave. Text for people, JSON (stable) for scripts."""

from __future__ import annotations

import json
from typing import Any

from scraper.verify.compare import SKIPPED
from snapshots.agreement import Verification, as_json

_VERDICT_WORDS = {
    "disagrees": "disagrees",
    "only_in_crawl": "only in the crawl",
    "only_in_api": "only in the API",
    "changed_since_crawl": "changed since the crawl",
}


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g} %"


def _short(value: Any, width: int = 90) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(results: list[Verification]) -> str:
    lines: list[str] = []
    for v in results:
        where = f"{v.site}{v.plan_path} ({v.language})"
        lines.append(f"run {v.run_id} · {where} · plan {v.plan_identifier} · API {v.api_url}")
        compared = [a for a in v.actions if a.verdict != "changed_since_crawl"]
        agreed = sum(1 for a in compared if a.verdict == "agrees")
        lines.append(f"{len(compared)} actions compared, {agreed} agree in every field; "
                     f"{v.changed_since_crawl} changed since the crawl (not counted)")
        lines.append(f"  {'field':<28}{'compared':>9}{'agreed':>8}  agreement")
        for f in v.fields:
            why = "" if f.compared else "  (no page of this run shows it)"
            lines.append(f"  {f.field:<28}{f.compared:>9}{f.agreed:>8}  {_share(f.share)}{why}")
        lowest = v.lowest
        if lowest is None:
            lines.append("nothing compared")
        elif lowest.share == 100.0:
            lines.append("every compared field agrees with the API: 100 %")
        else:
            lines.append(f"lowest: {lowest.field} {_share(lowest.share)}")
        for a in v.actions:
            if a.verdict == "agrees":
                continue
            fields = f": {', '.join(a.fields or a.changed_fields)}" if (a.fields or a.changed_fields) else ""
            lines.append(f"  {a.identifier} {_VERDICT_WORDS.get(a.verdict, a.verdict)}{fields}"
                         + (f" ({a.note})" if a.note else ""))
            for name in a.fields:
                for fact, values in (a.detail.get(name) or {}).items():
                    lines.append(f"      {fact}: page {_short(values.get('page'))}")
                    lines.append(f"      {' ' * len(fact)}  API  {_short(values.get('api'))}")
        lines.append("")
    lines.append("never compared (why: docs/record.md, 'Verified against the API'): " + ", ".join(SKIPPED))
    return "\n".join(lines) + "\n"


def render_json(results: list[Verification]) -> str:
    return json.dumps({"verifications": [as_json(v, SKIPPED) for v in results]}, ensure_ascii=False, indent=2) + "\n"

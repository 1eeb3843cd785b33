"""The scheduled job's check against the source: after a site's crawl, before promotion, `vahti verify` on the
day's run in the staging archive.

A field whose agreement with the plan's API falls below `min_agreement` (or by more than
`agreement_drop_points` since the previous verified run), over at least `min_records` compared actions, is an
alarm like the layout alarms: the day's versions are not promoted and its pages are kept as evidence. An API that
cannot be reached or refuses is a one-line warning: the crawl stands, unverified.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from schemas.errors import VahtiError
from scraper.ci.job import CiOptions, SiteResult
from scraper.verify.runner import VerifyOptions, verify_archive
from snapshots.agreement import Verification, previous_lowest
from snapshots.alarms import Alarm, Thresholds
from snapshots.db import connect_read


def agreement_alarm(v: Verification, previous: float | None, limits: Thresholds) -> Alarm | None:
    """The alarm a verification raises, if any: the lowest field (compared over at least `min_records` actions)
    under the threshold, or down by more than the allowed points from the previous verified run."""
    fields = [f for f in v.fields if f.share is not None and f.compared >= limits.min_records]
    if not fields:
        return None
    low = min(fields, key=lambda f: (f.share or 0.0, f.field))
    share = low.share or 0.0
    drop = previous - share if previous is not None else 0.0
    if share >= limits.min_agreement and drop <= limits.agreement_drop_points:
        return None
    which = [a.identifier for a in v.actions if low.field in a.fields]
    shown = ", ".join(which[:8]) + (f" and {len(which) - 8} more" if len(which) > 8 else "")
    why = (f"under {limits.min_agreement:g} %" if share < limits.min_agreement
           else f"down {drop:.3g} points from {previous:.4g} %")
    return Alarm("verify", f"{low.field} agrees with the plan's API on {share:.4g} % of {low.compared} actions "
                           f"({why}); differs on {shown}")


def verify_site(staging: Path, options: CiOptions, result: SiteResult) -> None:
    """Verify the site's run in the staging archive when sites.toml names its API (`api_url`, the shipped file
    names the central endpoint in [defaults]); an alarm or a warning lands in `result`."""
    spec = result.spec
    if result.run_id is None or not spec.api_url:
        return
    policy = replace(options.policy, delay=spec.delay if spec.delay is not None else options.policy.delay,
                     user_agent=spec.user_agent or options.policy.user_agent)
    try:
        verification = verify_archive(staging, VerifyOptions(api_url=spec.api_url, policy=policy,
                                                             run_ids=[result.run_id]))[0]
    except VahtiError as exc:
        result.warnings.append(f"not verified: {exc}")
        options.say(f"== {spec.name}: warning: not verified: {exc}")
        return
    con = connect_read(staging)
    try:
        previous = previous_lowest(con, verification.site, verification.plan_path, verification.language,
                                   result.run_id)
    finally:
        con.close()
    lowest = verification.lowest
    options.say(f"== {spec.name}: agreement with the API: "
                + (f"{lowest.field} {lowest.share:.4g} % lowest" if lowest else "nothing compared"))
    alarm = agreement_alarm(verification, previous, options.thresholds)
    if alarm is not None:
        result.alarms.append(alarm)

"""Parse benchmark: vahti's full extraction against the bare Lexbor parse (the floor: `LexborHTMLParser(bytes)` and
nothing read from the tree) and against the same fields read with BeautifulSoup over lxml, on the replica's pages of
every era, fetched once over HTTP.

    bench/.venv/bin/python bench/bench_parse.py            # full run (all 150 pages per era)
    bench/.venv/bin/python bench/bench_parse.py --pages 5 --repeats 1 --scale-pages 2   # smoke size

Prints: the corpus, throughput per era, agreement of the baseline with vahti, peak memory per page, scaling with
the description length (1×, 10×, 100×), where vahti's time goes (CPU time per parser stage), and the ratios last.
"""

from __future__ import annotations

import argparse
import functools
import gc
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import memory
import parse_methods
import parse_profile
from timing import best_total, ratio, table

from scraper.parse import parse_page


def throughput(pages: list[corpus.Page], repeats: int) -> dict[str, float]:
    """µs per page of each method over the whole corpus (best of `repeats`, methods interleaved)."""
    def over_corpus(fn: Callable[[bytes, str], object]) -> Callable[[], object]:
        return lambda: [fn(p.body, p.url) for p in pages]

    fns = {name: over_corpus(fn) for name, fn in parse_methods.METHODS.items()}
    best = best_total(fns, repeats, clock=CLOCK)
    return {name: seconds / len(pages) * 1e6 for name, seconds in best.items()}


#: CPU time of this process: parsing is CPU-bound, and on a shared machine wall time would also count the
#: time the scheduler gave to other processes.
CLOCK = time.process_time


def per_page_best(pages: list[corpus.Page], repeats: int) -> dict[str, float]:
    """Mean over pages of each page's fastest parse (µs), methods interleaved page by page, the garbage
    collector paused while timing: a blip then costs one repeat of one page, not a whole pass, which the small
    1×→10× step of the scaling run needs. (The throughput passes keep the collector on: its cost is real.)"""
    totals = dict.fromkeys(parse_methods.METHODS, 0.0)
    for p in pages:
        fns = {name: functools.partial(fn, p.body, p.url) for name, fn in parse_methods.METHODS.items()}
        gc.collect()
        gc.disable()  # as timeit does: a collection of earlier garbage would land on whichever page is timed
        try:
            best = best_total(fns, repeats, clock=CLOCK)
        finally:
            gc.enable()
        for name, seconds in best.items():
            totals[name] += seconds
    return {name: total / len(pages) * 1e6 for name, total in totals.items()}


def kb_of(pages: list[corpus.Page]) -> float:
    return statistics.mean(len(p.body) for p in pages) / 1024


def agreement(pages: list[corpus.Page], era: str) -> tuple[int, Counter[str]]:
    if "bs4" not in parse_methods.METHODS:
        return 0, Counter()
    import parse_compare

    differ: Counter[str] = Counter()
    same = 0
    for p in pages:
        fields = parse_compare.differing_fields(parse_page(p.body, p.url).action,
                                                parse_methods.METHODS["bs4"](p.body, p.url), era)  # type: ignore[arg-type]
        differ.update(fields)
        same += not fields
    return same, differ


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--pages", type=int, default=0, help="pages per era (0 = the whole chain, 150)")
    ap.add_argument("--repeats", type=int, default=5, help="timed passes over the corpus; the best is kept")
    ap.add_argument("--eras", default=",".join(corpus.ERAS))
    ap.add_argument("--scale-pages", type=int, default=40, help="pages per era and size in the scaling run")
    ap.add_argument("--factors", default="1,10,100", help="description length multipliers")
    ap.add_argument("--memory-pages", type=int, default=20, help="pages per era for tracemalloc peaks")
    ap.add_argument("--profile-pages", type=int, default=40, help="pages per era for the per-stage profile (0 = none)")
    args = ap.parse_args(argv)
    eras = [e for e in args.eras.split(",") if e]
    factors = [int(f) for f in args.factors.split(",")]
    methods = list(parse_methods.METHODS)
    if parse_methods.BS4_MISSING:
        print(f"note: the BeautifulSoup baseline is skipped: {parse_methods.BS4_MISSING}")

    corpora = {era: corpus.fetch_pages(era, args.pages or None) for era in eras}
    print("\n## Corpus (fetched once over HTTP from an in-process replica, plain markup, Finnish)\n")
    print(table(["era", "pages", "KB/page (mean)", "KB/page (max)"],
                [[era, len(ps), statistics.mean(len(p.body) for p in ps) / 1024, max(len(p.body) for p in ps) / 1024]
                 for era, ps in corpora.items()]))

    speed = {era: throughput(ps, args.repeats) for era, ps in corpora.items()}
    print(f"\n## Throughput (best of {args.repeats} passes over the corpus, CPU time; µs per page and pages per "
          "second)\n")
    rows = []
    for era, by in speed.items():
        for name in methods:
            rows.append([era, name, by[name], 1e6 / by[name]])
    print(table(["era", "method", "µs/page", "pages/s"], rows))

    if "bs4" in methods:
        print("\n## Agreement of the BeautifulSoup baseline with vahti (same values, field by field)\n")
        rows = []
        for era, ps in corpora.items():
            same, differ = agreement(ps, era)
            rows.append([era, f"{same}/{len(ps)}", ", ".join(f"{k} ({n})" for k, n in differ.most_common()) or "-"])
        print(table(["era", "pages identical", "fields that differ (pages)"], rows))

    print("\n## Peak memory per page\n")
    rows = []
    mem: dict[str, dict[str, float]] = {}
    for era, ps in corpora.items():
        sample = ps[: args.memory_pages]
        for name, fn in parse_methods.METHODS.items():
            peaks = [memory.traced_peak(fn, p.body, p.url) / 1024 for p in sample]
            mem.setdefault(era, {})[name] = statistics.median(peaks)
            rows.append([era, name, statistics.median(peaks), max(peaks), statistics.median(peaks) / kb_of(sample)])
    print(table(["era", "method", "peak KB (median)", "peak KB (max)", "peak ÷ page size"], rows))
    print("\n(tracemalloc, after a warm-up parse of the same page. It counts BeautifulSoup's tree of Python objects "
          "and Lexbor's arenas alike; a Lexbor tree starts at ~1 MB of arena whatever the page size.)")

    print(f"\n## Scaling with the description length ({args.scale_pages} pages per era and size; each page's best of "
          f"{args.repeats}, CPU time, GC paused)\n")
    scale: dict[str, dict[str, list[tuple[float, float]]]] = {}
    rows = []
    for era in eras:
        for factor in factors:
            ps = corpus.fetch_pages(era, args.scale_pages, factor=factor)
            kb = statistics.mean(len(p.body) for p in ps) / 1024
            us = per_page_best(ps, args.repeats)
            for name in methods:
                scale.setdefault(era, {}).setdefault(name, []).append((kb, us[name]))
                rows.append([era, f"{factor}×", name, kb, us[name], us[name] / kb])
    print(table(["era", "description", "method", "KB/page", "µs/page", "µs/KB"], rows))

    if args.profile_pages:
        print(f"\n## Where vahti's time goes ({args.profile_pages} pages per era, {args.repeats} passes, CPU time per "
              "parser stage; stages nest: read_dom holds the parse_dom rows)\n")
        profiles = {era: parse_profile.stage_times(((p.body, p.url) for p in ps[: args.profile_pages]), args.repeats)
                    for era, ps in corpora.items()}
        stages = list(dict.fromkeys(k for _, by_stage in profiles.values() for k in by_stage))
        rows = [["(whole parse_page)", *(profiles[era][0] for era in eras)]]
        rows += [[stage, *(profiles[era][1].get(stage, 0.0) for era in eras)] for stage in stages]
        print(table(["stage (µs/page)", *eras], rows))

    print("\n## Ratios\n")
    rows = []
    for era in eras:
        by = speed[era]
        rows.append([era, ratio(by["vahti"], by["floor"]), ratio(by.get("bs4", 0), by["vahti"]),
                     ratio(mem[era]["vahti"], mem[era]["floor"]), ratio(mem[era].get("bs4", 0), mem[era]["vahti"])])
    print(table(["era", "vahti ÷ floor (time)", "bs4 ÷ vahti (time)", "vahti ÷ floor (tracemalloc peak)",
                 "bs4 ÷ vahti (tracemalloc peak)"], rows))
    print("\n(targets: vahti ÷ floor ≤ 6× in time, aim 3×; bs4 ÷ vahti ≥ 5×, aim 15×; vahti ÷ floor ≤ 2× in peak "
          "memory. The floor is the bare `LexborHTMLParser(bytes)`.)")
    print()
    rows = []
    for era, by_method in scale.items():
        for name, points in by_method.items():
            rows.append([era, name, *_linearity(points)])
    print(table(["era", "method", "µs per added KB (1×→10×)", "µs per added KB (1×→100×)", "ratio", "verdict"], rows))
    print("\n(quadratic cost would make the ratio ≈ 9; linear ≈ 1, give or take the noise of the small 1×→10× step)")
    return 0


def _linearity(points: list[tuple[float, float]]) -> list[object]:
    """Linear means every added KB of description costs the same: the cost per added KB from 1× to 10× and from
    1× to 100× (the same base, so its noise cancels) should agree. Were the cost quadratic in the description
    length, the second would be about 9× the first (each added KB costing more the longer the text already is);
    the small first step is the noisy one, so only a ratio near that counts against linearity."""
    if len(points) < 3:
        return [float("nan"), float("nan"), "n/a", "n/a"]
    (k1, t1), (k2, t2), (k3, t3) = points[:3]
    low = (t2 - t1) / (k2 - k1) if k2 > k1 else float("nan")
    high = (t3 - t1) / (k3 - k1) if k3 > k1 else float("nan")
    if not low > 0 or not high > 0:
        return [low, high, "n/a", "n/a (1×→10× step within noise)"]
    r = high / low
    verdict = "linear" if r < 3 else "unclear" if r < 6 else "superlinear (quadratic-like)"
    return [low, high, f"{r:.2f}×", verdict]


if __name__ == "__main__":
    raise SystemExit(main())

"""Timing and table helpers shared by the bench scripts.

Every comparison is measured side by side in one process: the competitors run interleaved, repeat by repeat, and
the best repeat of each is kept, so that a noisy neighbour slows all of them alike instead of favouring one.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping, Sequence


def best_total(fns: Mapping[str, Callable[[], object]], repeats: int,
               clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Seconds of the fastest of `repeats` calls of each function, the functions interleaved.

    Pass `clock=time.process_time` for CPU-bound work on a shared machine: the process's own CPU time does not
    count the time the scheduler gave to other processes, which wall time would."""
    best = {name: float("inf") for name in fns}
    for _ in range(max(1, repeats)):
        for name, fn in fns.items():
            start = clock()
            fn()
            best[name] = min(best[name], clock() - start)
    return best


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of `repeats` calls in milliseconds (a query's typical latency, not its best)."""
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain aligned text table (numbers right-aligned) that reads the same in a terminal and in Markdown."""
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    numeric = [all(_is_number(r[i]) for r in rows) if rows else False for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        out = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "| " + " | ".join(out) + " |"

    sep = "|" + "|".join(("-" * (w + 1) + ":") if num else ("-" * (w + 2)) for w, num in zip(widths, numeric, strict=True)) + "|"
    return "\n".join([line(list(headers)), sep, *(line(r) for r in cells)])


def ratio(a: float, b: float) -> str:
    """a/b as '12.3×', or 'n/a' when either side was not measured."""
    if not a or not b or a != a or b != b:
        return "n/a"
    return f"{a / b:.2f}×"


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if value != value:
            return "n/a"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) or (isinstance(value, str) and value.endswith("×"))

"""`vahti report`: one self-contained HTML page (inline CSS and SVG, no scripts, no network) for a journalist.

Order of the page: what the plan looks like now, how its status mix moved (chart), what changed in the latest
crawl, every changed action's story in the period, and the runs themselves (failed and partial ones included, so
the reader can judge how much to trust a "no change").
"""

from __future__ import annotations

from collections.abc import Mapping

from snapshots.agreement import AgreementSummary
from snapshots.change_model import History, HistoryStep, RunInfo, local_time
from snapshots.render_common import plural, provenance, shown_date
from snapshots.render_html import (
    anchor_id,
    diff_section,
    esc,
    fields_table,
    link,
    page,
    run_label,
    status_badge,
    step_window,
)
from snapshots.report import NO_STATUS, UNKNOWN, Report, StatusPoint
from snapshots.silent import WORDS as SILENT_WORDS

COLOURS = {
    "on_time": "#3b8fd6",
    "in_progress": "#86bde9",
    "completed": "#2f9e5f",
    "late": "#e3a21a",
    "severely_late": "#d64545",
    "postponed": "#f0cf73",
    "not_started": "#a3adb9",
    "cancelled": "#cbd1d8",
    "merged": "#b7a2d8",
    "out_of_scope": "#d9d2c5",
}
FALLBACK = ["#6c8ebf", "#c47fbf", "#7fbfa4", "#bf9f7f", "#8f8fbf"]
UNKNOWN_FILL = "#eceff3"


def _colour(label: str, identifier: str, index: int) -> str:
    if label == UNKNOWN:
        return UNKNOWN_FILL
    if label == NO_STATUS:
        return "#dfe3e8"
    return COLOURS.get(identifier, FALLBACK[index % len(FALLBACK)])


def _order(report: Report) -> list[str]:
    rank = list(COLOURS)
    labels = {label for p in report.status_over_time for label in p.counts}

    def key(label: str) -> tuple[int, str]:
        if label == UNKNOWN:
            return (99, label)
        ident = report.status_identifiers.get(label, "")
        return (rank.index(ident) if ident in rank else 50, label)

    return sorted(labels, key=key)


def status_chart(report: Report) -> str:
    """Stacked bars, one per run; runs that failed show an empty, labelled slot rather than disappearing."""
    points: list[StatusPoint] = report.status_over_time
    labels = _order(report)
    colours = {lab: _colour(lab, report.status_identifiers.get(lab, ""), i) for i, lab in enumerate(labels)}
    top = max((sum(p.counts.values()) for p in points), default=0) or 1
    width, height, left, bottom, pad = 900, 260, 44, 40, 12
    plot_w, plot_h = width - left - pad, height - bottom - pad
    slot = plot_w / max(len(points), 1)
    bar = max(min(slot * 0.7, 48), 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img"'
        f' aria-label="Actions by status at each run">'
    ]
    for i in range(5):
        value = round(top * i / 4)
        y = pad + plot_h - plot_h * value / top
        parts.append(f'<line x1="{left}" x2="{width - pad}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e7ec"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#5b6575">{value}</text>'
        )
    every = max(1, round(len(points) / 10))
    for n, point in enumerate(points):
        x = left + slot * n + (slot - bar) / 2
        y = pad + plot_h
        for lab in labels:
            count = point.counts.get(lab, 0)
            if not count:
                continue
            h = plot_h * count / top
            y -= h
            tip = f"{local_time(point.run.started_at)} · run {point.run.id} ({point.run.outcome}): {lab} {count}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colours[lab]}">'
                f"<title>{esc(tip)}</title></rect>"
            )
        if not point.counts:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{pad + plot_h - 6}" font-size="10" text-anchor="middle"'
                f' fill="#9b1c1c">{esc(point.run.outcome)}</text>'
            )
        if n % every == 0 or n == len(points) - 1:
            day = local_time(point.run.started_at)[:10]
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" font-size="11" text-anchor="middle"'
                f' fill="#5b6575">{esc(day)}</text>'
            )
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{colours[lab]}"></i>{esc(lab)}</span>' for lab in labels)
    return f'<div class="chart">{"".join(parts)}<div class="legend">{legend}</div></div>'


def summary(report: Report) -> str:
    runs = report.runs
    bad = [r for r in runs if not r.complete]
    total = sum(n for lab, n in report.current.items() if lab != UNKNOWN)
    stats = [f'<div class="stat"><b>{total}</b><span>actions in the plan now</span></div>']
    for lab, n in sorted(report.current.items(), key=lambda kv: -kv[1])[:5]:
        stats.append(f'<div class="stat"><b>{n}</b><span>{esc(lab)}</span></div>')
    period = report.period
    span = f"{esc(local_time(period[0].started_at))} – {esc(local_time(period[1].started_at))}" if period else "?"
    note = ""
    if bad:
        note = (
            f'<p class="warn">{plural(len(bad), "run")} of {len(runs)} did not complete '
            f"({esc(', '.join(f'run {r.id}: {r.outcome}' for r in bad))}). What they did not see is shown as "
            "unknown, never as unchanged.</p>"
        )
    now = f"as of {run_label(report.current_run)}" if report.current_run else "no complete run yet"
    return (
        f'<p class="sub">{plural(len(runs), "crawl")} from {span} (Helsinki time). Plan {now}.</p>'
        f'<div class="stats">{"".join(stats)}</div>{note}'
    )


def _step_html(step: HistoryStep) -> str:
    updated = f" · site says “Tietoja päivitetty {esc(shown_date(step.updated_at))}”" if step.updated_at else ""
    said = provenance(step.cause, step.first_run.started_at if step.first_run else None)
    cause = f' · <span class="kind cause">{esc(said)}</span>' if said else ""
    if step.change is not None and (quiet := step.change.silent):
        cause += f' · <span class="kind silent">{esc(SILENT_WORDS[quiet])}</span>'
    if step.record is None:
        return f"<li><strong>Removed</strong> {step_window(step)}. Why: {esc(step.gone_reason or 'not recorded')}</li>"
    if step.change is None:
        status = status_badge(step.record.get("status")) if step.record.get("status") else ""
        return f"<li><strong>Added</strong> in {run_label(step.first_run)} {status}{updated}{cause}</li>"
    head = "Re-appeared" if step.change.change == "added" else "Changed"
    return f"<li><strong>{head}</strong> {step_window(step)}{updated}{cause}{fields_table(step.change.fields)}</li>"


def history_block(history: History) -> str:
    title = f"{esc(history.identifier)} {esc(history.name)}"
    live = f" · {link('live page ↗', history.url)}" if history.url else ""
    steps = "".join(_step_html(s) for s in history.steps)
    return (
        f'<section class="hist" id="{esc(anchor_id(history.identifier))}"><h3>{title}</h3>'
        f'<div class="muted">{plural(len(history.steps), "change")} in the period{live}</div><ol>{steps}</ol></section>'
    )


def runs_table(runs: list[RunInfo], agreement: Mapping[int, AgreementSummary] | None = None) -> str:
    """The crawls, newest first, with each run's agreement with the plan's own API where it was verified."""
    rows = []
    for run in reversed(runs):
        cls = "" if run.complete else ' class="bad"'
        reason = esc(run.reason or "")
        found = (agreement or {}).get(run.id)
        agreed = esc(found.words()) if found else "—"
        rows.append(
            f'<tr{cls}><td class="num">{run.id}</td><td>{esc(local_time(run.started_at))}</td>'
            f"<td>{esc(local_time(run.finished_at)) if run.finished_at else '—'}</td>"
            f'<td><span class="outcome {esc(run.outcome)}">{esc(run.outcome)}</span></td><td>{agreed}</td>'
            f"<td>{reason}</td></tr>"
        )
    return (
        '<table class="runs"><thead><tr><th>Run</th><th>Started</th><th>Finished</th><th>Outcome</th>'
        f"<th>Agreement with the API</th><th>Note</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def stories_section(report: Report) -> str:
    """The few changes that are news in themselves, first: each with its action and a link to its history below
    (when the action changed in the period, it has one)."""
    if not report.stories:
        return ('<section class="stories"><h2>Stories</h2><p class="muted">No silent edit, date-only update or '
                "flip-flop in the period.</p></section>")
    anchors = {h.identifier for h in report.histories}
    items = []
    for story in report.stories:
        name = f"{esc(story.identifier)} {esc(story.name)}"
        target = f' · <a href="#{esc(anchor_id(story.identifier))}">history</a>' if story.identifier in anchors else ""
        items.append(f'<li><span class="kind story {esc(story.kind)}">{esc(story.title)}</span> '
                     f"<strong>{name}</strong>: {esc(story.text)}{target}</li>")
    return f'<section class="stories"><h2>Stories ({len(items)})</h2><ul>{"".join(items)}</ul></section>'


def render_report(report: Report) -> str:
    site = f"{report.site}{report.plan_path} ({report.language})"  # one plan in one language: say which
    body = [f"<h1>What changed in {esc(site)}</h1>", summary(report), stories_section(report),
            "<h2>Actions by status, crawl by crawl</h2>"]
    body.append(status_chart(report))
    if report.latest is not None:
        body.append(diff_section(report.latest, "Latest changes"))
    else:
        body.append(
            '<h2>Latest changes</h2><p class="muted">Fewer than two complete crawls: nothing to compare yet.</p>'
        )
    body.append(f"<h2>Every change in the period, by action ({len(report.histories)})</h2>")
    if report.histories:
        toc = "".join(
            f'<li><a href="#{esc(anchor_id(h.identifier))}">{esc(h.identifier)} {esc(h.name)}</a></li>'
            for h in report.histories
        )
        body.append(f'<ul class="toc">{toc}</ul>')
        body.extend(history_block(h) for h in report.histories)
    else:
        body.append('<p class="muted">No action changed in the period.</p>')
    body.append("<h2>Crawls</h2>")
    body.append(runs_table(report.runs, report.agreement))
    body.append(
        f"<footer>Generated by vahti on {esc(local_time(report.generated_at))} (Helsinki time) from the archive's"
        " raw pages. A change happened somewhere between the last crawl that saw the old text and the first that"
        " saw the new one. Links to live pages open the site as it is today.</footer>"
    )
    return page(f"vahti report: {site}", "\n".join(body))

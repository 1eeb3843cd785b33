"""HTML fragments for diffs and histories, and a standalone page for `vahti diff --format html`.

Every string from a page goes through `esc` (text and attribute escaping); a URL becomes a link only when it is
http(s), so `javascript:` stays inert text. Pages also carry a Content-Security-Policy that forbids scripts and
any network access, as a second line of defence should an escape ever be missed.
"""

from __future__ import annotations

import html
from typing import Any

from snapshots.change_model import AsOf, HistoryStep, PlanDiff, RunInfo
from snapshots.diff import ActionChange, FieldChange
from snapshots.render_common import (
    AS_OF_NOTE,
    added_summary,
    describe_item,
    field_label,
    fmt_value,
    hidden_note,
    plural,
    provenance,
    safe_url,
    status_detail,
    summary_counts,
    uses_word_diff,
)
from snapshots.report_style import CSS
from snapshots.silent import WORDS as SILENT_WORDS
from snapshots.worddiff import clip, word_diff

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"

STATUS_CLASSES = {
    "on_time": "ok",
    "completed": "done",
    "in_progress": "ok",
    "late": "late",
    "severely_late": "bad",
    "not_started": "muted",
    "cancelled": "muted",
    "postponed": "late",
    "merged": "muted",
    "out_of_scope": "muted",
}


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def link(text: Any, url: Any, cls: str = "") -> str:
    href = safe_url(url)
    klass = f' class="{cls}"' if cls else ""
    if href is None:
        return f"<span{klass}>{esc(text)}</span>"
    return f'<a{klass} href="{esc(href)}" rel="noopener noreferrer nofollow">{esc(text)}</a>'


def anchor_id(identifier: str) -> str:
    """An id attribute value safe for any identifier ("2.1.10", "a1147", or something hostile)."""
    return "action-" + "".join(c if c.isalnum() or c in "-_." else f"_{ord(c):x}" for c in identifier)


def status_badge(value: Any) -> str:
    if not isinstance(value, dict):
        return f'<span class="badge muted">{esc(fmt_value("status", value))}</span>'
    cls = STATUS_CLASSES.get(str(value.get("identifier") or ""), "muted")
    return f'<span class="badge {cls}">{esc(fmt_value("status", value))}</span>'


def word_diff_html(change: FieldChange) -> str:
    parts = []
    previous = ""
    for seg in clip(word_diff(change.old, change.new), context=12):
        text = esc(seg.text).replace("\n\n", "<br><br>").replace("\n", "<br>")
        if seg.op == "equal":
            parts.append(text)
        elif seg.op == "delete":
            parts.append(f"<del>{text}</del>")
        else:
            # A thin gap so "oldnew" does not read as one word when the two are side by side.
            parts.append(("&#8202;" if previous == "delete" else "") + f"<ins>{text}</ins>")
        previous = seg.op
    return f'<div class="prose">{"".join(parts)}</div>'


_OP_CLASS = {"added": "add", "completed": "add", "removed": "rem", "moved": "mov", "changed": "chg"}


def field_html(name: str, change: FieldChange) -> str:
    label = f'<th scope="row">{esc(field_label(name))}</th>'
    if name == "status":
        old, new = status_detail(change)
        body = (
            f"{status_badge(change.old) if old == fmt_value('status', change.old) else esc(old)}"
            f' <span class="arrow">→</span> '
            f"{status_badge(change.new) if new == fmt_value('status', change.new) else esc(new)}"
        )
        return f"<tr>{label}<td>{body}</td></tr>"
    if change.items is not None:
        rows = []
        for op in change.items:
            item = describe_item(name, op)
            detail = f' <span class="detail">({esc(item.detail)})</span>' if item.detail else ""
            cls = _OP_CLASS.get(item.op, "chg")
            rows.append(
                f'<li class="{cls}"><span class="op">{esc(item.symbol)} {esc(item.verb)}</span> '
                f"<q>{esc(item.label)}</q>{detail}</li>"
            )
        return f'<tr>{label}<td><ul class="items">{"".join(rows)}</ul></td></tr>'
    if uses_word_diff(change):
        return f"<tr>{label}<td>{word_diff_html(change)}</td></tr>"
    old, new = fmt_value(name, change.old), fmt_value(name, change.new)
    if name in ("url", "previous_url", "next_url"):
        body = f"<del>{link(old, change.old)}</del> → <ins>{link(new, change.new)}</ins>"
    else:
        body = f'<del>{esc(old)}</del> <span class="arrow">→</span> <ins>{esc(new)}</ins>'
    return f"<tr>{label}<td>{body}</td></tr>"


def fields_table(fields: dict[str, FieldChange]) -> str:
    if not fields:
        return ""
    return f'<table class="fields">{"".join(field_html(n, fc) for n, fc in fields.items())}</table>'


def run_label(run: RunInfo | None) -> str:
    if run is None:
        return "?"
    return f'{esc(run.when())} <span class="muted">(run {run.id})</span>'


def _side_label(run: RunInfo, at: AsOf | None) -> str:
    """A diff's side: its run, or for a date the plan as of it beside the latest run by then."""
    if at is None:
        return run_label(run)
    return f'the plan as of {esc(at.label())} <span class="muted">(latest run {run.id}, {esc(run.when())})</span>'


def change_card(change: ActionChange, history_link: bool = True, window: str = "") -> str:
    title = f"{esc(change.identifier)} {esc(change.name)}"
    kind = {"added": "Added", "removed": "Removed", "modified": "Changed"}[change.change]
    if change.status_changed:
        kind = "Status changed"
    tags = [f'<span class="kind {change.change}">{esc(kind)}</span>']
    if said := provenance(change.cause, change.seen_at):
        tags.append(f'<span class="kind cause">{esc(said)}</span>')
    if quiet := change.silent:
        tags.append(f'<span class="kind silent">{esc(SILENT_WORDS[quiet])}</span>')
    links = []
    if history_link:
        links.append(f'<a href="#{esc(anchor_id(change.identifier))}">history</a>')
    if safe_url(change.url):
        links.append(link("live page ↗", change.url))
    body = ""
    if change.change == "removed":
        body = f'<p class="why">Why: {esc(change.reason or "not recorded")}</p>'
    elif change.change == "added":
        facts = added_summary(change.fields)
        body = f"<p>{esc(facts[:1].upper() + facts[1:])}.</p>" if facts else ""
    else:
        body = fields_table(change.fields)
    when = f'<p class="window">{window}</p>' if window else ""
    return (
        f'<article class="change {change.change}">'
        f"<header><h3>{title}</h3><div>{''.join(tags)} {' · '.join(links)}</div></header>"
        f"{when}{body}</article>"
    )


def diff_section(diff: PlanDiff, heading: str = "Latest changes", history_links: bool = True) -> str:
    a, b = diff.from_run, diff.to_run
    parts = [f"<h2>{esc(heading)}</h2>",
             f'<p class="lede">From {_side_label(a, diff.from_at)} to {_side_label(b, diff.to_at)}.</p>']
    if diff.from_at is not None or diff.to_at is not None:
        parts.append(f'<p class="muted">{esc(AS_OF_NOTE)}</p>')
    incomplete = diff.incomplete_runs()
    if incomplete:
        bad = ", ".join(f"run {r.id} is {esc(r.outcome)}" for r in incomplete)
        parts.append(
            f'<p class="warn"><strong>Incomplete:</strong> {bad}. Actions it did not reach are '
            "<em>unknown</em>, not unchanged.</p>"
        )
    if diff.unknown:
        parts.append(f'<p class="warn">Unknown (not reached): {esc(", ".join(diff.unknown))}</p>')
    if diff.changes:
        head = plural(len(diff.changes), "action")
        parts.append(
            f'<p class="counts"><strong>{head} changed</strong>: {esc(summary_counts(diff.counts(), " · "))}</p>'
        )
    else:
        parts.append(
            "<p>No changes.</p>" if not incomplete else "<p>No changes among the actions both runs reached.</p>"
        )
    if note := hidden_note(diff.hidden_reparse, diff.hidden_markup):
        parts.append(f'<p class="muted">{esc(note[:1].upper() + note[1:])}.</p>')
    parts.extend(change_card(c, history_links) for c in diff.changes)
    return "\n".join(parts)


def step_window(step: HistoryStep) -> str:
    return f"between {run_label(step.last_seen_old)} and {run_label(step.first_run)}"


def page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>\n"
        f"<body><main>\n{body}\n</main></body></html>\n"
    )


def render_diff_page(diff: PlanDiff) -> str:
    site = diff.to_run.site + diff.to_run.plan_path
    body = f"<h1>Changes in {esc(site)}</h1>\n" + diff_section(diff, "Changes", history_links=False)
    return page(f"vahti: changes in {site}", body)

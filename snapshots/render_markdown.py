"""Plan diffs and histories as Markdown, to paste into an article draft or a GitHub issue.

Every string from a page is escaped so it stays text: Markdown punctuation is backslash-escaped and `<`, `>`,
`&` become entities, so a page carrying `<script>` or `[x](javascript:…)` renders as those characters. Only
http(s) URLs become links.
"""

from __future__ import annotations

import re

from snapshots.change_model import History, HistoryStep, PlanDiff
from snapshots.diff import ActionChange, FieldChange
from snapshots.render_common import (
    AS_OF_NOTE,
    added_summary,
    describe_item,
    field_label,
    fmt_value,
    plural,
    provenance,
    safe_url,
    shown_date,
    side_words,
    status_detail,
    summary_counts,
    uses_word_diff,
)
from snapshots.silent import WORDS as SILENT_WORDS
from snapshots.worddiff import clip, word_diff

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|~])")


def md(text: object) -> str:
    """Inline-safe Markdown text: one line, punctuation escaped, HTML characters as entities."""
    s = " ".join(str(text).split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", s)


def md_link(text: object, url: object) -> str:
    href = safe_url(url)
    if href is None:
        return md(text)
    href = href.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{md(text)}](<{href}>)"


def _mark(text: str, marker: str) -> str:
    """Wrap in emphasis markers without touching the surrounding spaces (`~~ x~~` would not render)."""
    stripped = text.strip()
    if not stripped:
        return text
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return f"{lead}{marker}{md(stripped)}{marker}{trail}"


def _words(change: FieldChange) -> str:
    out = []
    previous = ""
    for seg in clip(word_diff(change.old, change.new)):
        if seg.op == "equal":
            out.append(_mark(seg.text, "") if seg.text.strip() else " ")
        else:
            if previous == "delete" and seg.op == "insert":
                out.append(" ")
            out.append(_mark(seg.text, "~~" if seg.op == "delete" else "**"))
        previous = seg.op
    return "".join(out).strip()


def field_lines(name: str, change: FieldChange) -> list[str]:
    label = field_label(name)
    if name == "status":
        old, new = status_detail(change)
        return [f"- **{label}**: {md(old)} → **{md(new)}**"]
    if change.items is not None:
        lines = [f"- **{label}**:"]
        for op in change.items:
            item = describe_item(name, op)
            detail = f" ({md(item.detail)})" if item.detail else ""
            lines.append(f"  - {md(item.verb)}: *{md(item.label)}*{detail}")
        return lines
    if uses_word_diff(change):
        return [f"- **{label}**: {_words(change)}"]
    old, new = fmt_value(name, change.old), fmt_value(name, change.new)
    if name in ("url", "previous_url", "next_url"):
        return [f"- **{label}**: {md_link(old, change.old)} → {md_link(new, change.new)}"]
    return [f"- **{label}**: ~~{md(old)}~~ → **{md(new)}**"]


def render_change(change: ActionChange, level: str = "###") -> list[str]:
    title = md_link(f"{change.identifier} {change.name}", change.url)
    if change.change == "added":
        facts = added_summary(change.fields)
        return [f"{level} Added: {title}", "", *([md(facts[:1].upper() + facts[1:]) + ".", ""] if facts else [])]
    if change.change == "removed":
        return [f"{level} Removed: {title}", "", f"Why: {md(change.reason or 'not recorded')}", ""]
    lines = [f"{level} {title}", ""]
    if said := provenance(change.cause, change.seen_at):
        lines += [f"*{md(said[0].upper() + said[1:])}*", ""]
    if quiet := change.silent:
        lines += [f"**⚠ {md(SILENT_WORDS[quiet][0].upper() + SILENT_WORDS[quiet][1:])}**", ""]
    for name, fc in change.fields.items():
        lines.extend(field_lines(name, fc))
    lines.append("")
    return lines


def render_diff_markdown(diff: PlanDiff) -> str:
    site = md(diff.to_run.site + diff.to_run.plan_path)
    sides = f"{side_words(diff.from_run, diff.from_at)} to {side_words(diff.to_run, diff.to_at)}"
    head = f"{md(diff.title)} ({site})" if diff.title else site
    lines = [f"## Changes in {head}", "", f"From {sides}.", ""]
    if diff.from_at is not None or diff.to_at is not None:
        lines += [f"*{md(AS_OF_NOTE)}*", ""]
    incomplete = diff.incomplete_runs()
    if incomplete:
        bad = ", ".join(f"run {r.id} is {r.outcome}" for r in incomplete)
        lines += [f"> **Incomplete:** {bad}. Actions it did not reach are *unknown*, not unchanged.", ""]
    if diff.unknown:
        lines += [f"> Unknown (not reached): {md(', '.join(diff.unknown))}", ""]
    n = diff.counts()
    if diff.changes:
        head = plural(len(diff.changes), "action")
        lines += [f"**{head} changed**: {summary_counts(n, ' · ')}", ""]
    else:
        lines += ["No changes." if not incomplete else "No changes among the actions both runs reached.", ""]
    if diff.stories:
        lines += ["**Worth a look**", ""]
        lines += [f"- {md(s.title)}: **{md(s.identifier)} {md(s.name)}**: {md(s.text)}" for s in diff.stories]
        lines += [""]
    for change in diff.changes:
        lines.extend(render_change(change))
    return "\n".join(lines).rstrip() + "\n"


def _window(step: HistoryStep) -> str:
    old = f"run {step.last_seen_old.id} ({step.last_seen_old.when()})" if step.last_seen_old else "?"
    new = f"run {step.first_run.id} ({step.first_run.when()})" if step.first_run else "?"
    return f"between {old} and {new}"


def render_history_markdown(history: History) -> str:
    lines = [
        f"## {md_link(f'{history.identifier} {history.name}', history.url)}",
        "",
        f"{md(history.site + history.plan_path)} · {len(history.steps)} versions",
        "",
    ]
    for step in history.steps:
        updated = f" · Tietoja päivitetty {md(shown_date(step.updated_at))}" if step.updated_at else ""
        said = provenance(step.cause, step.first_run.started_at if step.first_run else None)
        cause = f" · {md(said)}" if said else ""
        if step.change is not None and (quiet := step.change.silent):
            cause += f" · **{md(SILENT_WORDS[quiet])}**"
        if step.record is None:
            lines += [
                f"### Removed {_window(step)}",
                "",
                f"Why: {md(step.gone_reason or 'not recorded')}",
                "",
            ]
            continue
        if step.change is None:
            first = f"run {step.first_run.id} ({step.first_run.when()})" if step.first_run else "?"
            lines += [f"### v{step.version}: first seen in {first}{updated}{cause}", ""]
            continue
        lines += [f"### v{step.version}: changed {_window(step)}{updated}{cause}", ""]
        for name, fc in step.change.fields.items():
            lines.extend(field_lines(name, fc))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

"""Plan diffs and histories as terminal text: coloured on a terminal (red for what went, green for what came),
plain and greppable when piped."""

from __future__ import annotations

import textwrap

from snapshots.change_model import History, HistoryStep, PlanDiff
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
    shown_date,
    side_words,
    status_detail,
    summary_counts,
    uses_word_diff,
)
from snapshots.silent import WORDS as SILENT_WORDS
from snapshots.worddiff import clip, word_diff

_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36", "strike": "9"}


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_CODES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def _words(change: FieldChange, s: _Style) -> str:
    out = []
    for seg in clip(word_diff(change.old, change.new)):
        if seg.op == "equal":
            out.append(seg.text)
        elif seg.op == "delete":
            out.append(s(f"[-{seg.text}-]", "red", "strike") if s.color else f"[-{seg.text}-]")
        else:
            out.append(s(f"{{+{seg.text}+}}", "green") if s.color else f"{{+{seg.text}+}}")
    return "".join(out).replace("\n\n", " ¶ ").replace("\n", " ")


def field_lines(name: str, change: FieldChange, s: _Style, indent: str = "    ") -> list[str]:
    label = field_label(name)
    if name == "status":
        old, new = status_detail(change)
        return [f"{indent}{s(label, 'bold')}: {s(old, 'red')} → {s(new, 'green', 'bold')}"]
    if change.items is not None:
        lines = [f"{indent}{s(label, 'bold')}:"]
        for op in change.items:
            item = describe_item(name, op)
            colour = {"added": "green", "completed": "green", "removed": "red", "moved": "yellow"}.get(item.op, "cyan")
            detail = f" ({item.detail})" if item.detail else ""
            lines.append(f"{indent}  {s(item.symbol + ' ' + item.verb, colour)}: {item.label}{detail}")
        return lines
    if uses_word_diff(change):
        body = textwrap.fill(
            _words(change, s),
            width=110,
            initial_indent=indent + "  ",
            subsequent_indent=indent + "  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        return [f"{indent}{s(label, 'bold')}:", body]
    old, new = fmt_value(name, change.old), fmt_value(name, change.new)
    return [f"{indent}{s(label, 'bold')}: {s(old, 'red')} → {s(new, 'green')}"]


def _action_head(change: ActionChange, s: _Style) -> str:
    mark = {"added": s("+ added", "green"), "removed": s("- removed", "red"), "modified": s("~", "yellow")}
    head = f"{mark[change.change]} {s(change.identifier, 'bold')} {change.name}"
    if change.change == "removed":
        head += f" ({change.reason or 'reason not recorded'})"
    if change.change == "added" and added_summary(change.fields):
        head += f" ({added_summary(change.fields)})"
    if said := provenance(change.cause, change.seen_at):
        head += s(f" [{said}]", "dim")
    if quiet := change.silent:
        head += s(f" [{SILENT_WORDS[quiet]}]", "yellow", "bold")
    return head


def render_change(change: ActionChange, s: _Style) -> list[str]:
    lines = [_action_head(change, s)]
    if change.url:
        lines.append(s(f"    {change.url}", "dim"))
    if change.change == "modified":
        for name, fc in change.fields.items():
            lines.extend(field_lines(name, fc, s))
    return lines


def render_diff_text(diff: PlanDiff, color: bool = False) -> str:
    s = _Style(color)
    lines = [s(f"Changes from {side_words(diff.from_run, diff.from_at)} to {side_words(diff.to_run, diff.to_at)}",
               "bold")]
    if diff.from_at is not None or diff.to_at is not None:
        lines.append(s(AS_OF_NOTE, "dim"))
    bad = diff.incomplete_runs()
    if bad:
        lines.append(
            s(
                "Incomplete: "
                + ", ".join(f"run {r.id} is {r.outcome}" for r in bad)
                + ". Actions it did not reach are unknown, not unchanged.",
                "yellow",
                "bold",
            )
        )
    if diff.unknown:
        lines.append(s(f"Unknown ({len(diff.unknown)} not reached): {', '.join(diff.unknown)}", "yellow"))
    n = diff.counts()
    if diff.changes:
        lines.append(f"{plural(len(diff.changes), 'action')} changed: {summary_counts(n)}")
    elif not bad:
        lines.append("No changes.")
    else:
        lines.append("No changes seen among the actions both runs reached; the rest is unknown.")
    if note := hidden_note(diff.hidden_reparse, diff.hidden_markup):
        lines.append(s(f"({note})", "dim"))
    for change in diff.changes:
        lines.append("")
        lines.extend(render_change(change, s))
    return "\n".join(lines) + "\n"


def render_history_text(history: History, color: bool = False) -> str:
    s = _Style(color)
    lines = [
        s(f"{history.identifier} {history.name}", "bold"),
        s(f"{history.site}{history.plan_path}", "dim"),
    ]
    if history.url:
        lines.append(s(history.url, "dim"))
    for step in history.steps:
        lines.append("")
        updated = f" · Tietoja päivitetty {shown_date(step.updated_at)}" if step.updated_at else ""
        said = provenance(step.cause, step.first_run.started_at if step.first_run else None)
        cause = s(f" [{said}]", "dim") if said else ""
        if step.change is not None and (quiet := step.change.silent):
            cause += s(f" [{SILENT_WORDS[quiet]}]", "yellow", "bold")
        if step.record is None:
            window = _window(step)
            lines.append(s(f"removed {window}", "red", "bold") + f" ({step.gone_reason or 'reason not recorded'})")
            continue
        if step.change is None:
            lines.append(s(f"v{step.version} first seen {_first(step)}", "bold") + updated + cause)
            continue
        lines.append(s(f"v{step.version} changed {_window(step)}", "bold") + updated + cause)
        for name, fc in step.change.fields.items():
            lines.extend(field_lines(name, fc, s, indent="  "))
    return "\n".join(lines) + "\n"


def _first(step: HistoryStep) -> str:
    run = step.first_run
    return f"in run {run.id} ({run.when()})" if run else "(run unknown)"


def _window(step: HistoryStep) -> str:
    old, new = step.last_seen_old, step.first_run
    a = f"run {old.id} ({old.when()})" if old else "?"
    b = f"run {new.id} ({new.when()})" if new else "?"
    return f"between {a} and {b}"

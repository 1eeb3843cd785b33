"""A new version's cause, and the fields its change rows list, decided on the meaning of the record.

A version opens whenever the stored record changes (its hash), whatever wrote it: the archive keeps what every
page showed. But the same plan printed by another front-end era (a redesign, web-archive captures of other
years) gives other records that mean the same. So a version's cause is its source's (`crawl`, `import`) only
when the meaning changed (`schemas.meaning`); when only presentation or an era's reach changed, it is `markup`.
A reparse stays a reparse. The change rows (`action_changes`) list only the fields whose meaning changed, even
when the same version also changed presentation. Each version keeps the action's known meaning after it
(`action_versions.meaning`), so the next record is compared with the last value known for every fact.

`reclassify` applies the same decisions to the versions an archive already holds (schema migration 3 and the
backfill's history rebuild), walking each action's versions in order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb

from schemas.record_shape import Action

#: Causes that say where a record came from; a record of theirs that means nothing new is `markup`.
SOURCE_CAUSES = frozenset({"crawl", "import", "backfill"})
MARKUP = "markup"
#: Causes `vahti diff`, `history`, `report` and the digest leave out unless asked (`--all-changes`).
HIDDEN_CAUSES = ("reparse", MARKUP)


@dataclass(frozen=True)
class Decision:
    cause: str
    fields: tuple[str, ...]
    known: dict[str, Any]

    def meaning_json(self) -> str:
        return json.dumps(self.known, ensure_ascii=False, sort_keys=True)


def decide(
    known: Mapping[str, Any] | None,
    record: Action | Mapping[str, Any],
    front_end: str | None,
    cause: str,
    *,
    came_back: bool = False,
) -> Decision:
    """`known` is the action's meaning after its previous version (None: this is its first version). An action
    that comes back after it was gone keeps its source's cause: coming back is news, whatever it says."""
    from schemas.meaning import advance  # the projection: not needed by readers that only name the causes

    step = advance(known, record, front_end)
    if cause in SOURCE_CAUSES and known is not None and not came_back and not step.changed:
        cause = MARKUP
    return Decision(cause, step.changed, step.known)


def known_of(meaning: Any, record: Mapping[str, Any], front_end: str | None) -> dict[str, Any]:
    """A stored version's known meaning (the column), or, for a version stored without one, its own."""
    if isinstance(meaning, str) and meaning:
        loaded = json.loads(meaning)
        if isinstance(loaded, dict):
            return loaded
    if isinstance(meaning, dict):
        return meaning
    from schemas.meaning import advance

    return advance(None, record, front_end).known


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass
class _Version:
    id: int
    key: tuple[str, str, str, str]
    record: dict[str, Any]
    front_end: str | None
    cause: str
    run_cause: str
    gone_reason: str | None
    first_run: int | None
    valid_from: Any


def reclassify(con: duckdb.DuckDBPyConnection, site: str | None = None) -> int:
    """Recompute cause, known meaning and change rows of every version (of one site), in each action's order;
    returns how many versions now read `markup`. The caller holds the transaction."""
    where = "WHERE v.site = ?" if site else ""
    rows = con.execute(
        "SELECT v.id, v.site, v.plan_path, v.language, v.identifier, v.record, v.front_end, v.cause,"
        " coalesce(r.cause, 'crawl'), v.gone_reason, v.first_run, v.valid_from"
        f" FROM action_versions v LEFT JOIN runs r ON r.id = v.first_run {where}"
        " ORDER BY v.site, v.plan_path, v.language, v.identifier, v.valid_from, v.id",
        [site] if site else [],
    ).fetchall()
    versions = [
        _Version(int(r[0]), (r[1], r[2], r[3], r[4]), json.loads(r[5]), r[6], r[7], r[8], r[9], r[10], r[11])
        for r in rows
    ]
    ids: list[int] = []
    causes: list[str] = []
    meanings: list[str | None] = []
    changes: list[list[Any]] = []
    previous: _Version | None = None
    known: dict[str, Any] | None = None
    for version in versions:
        if previous is not None and previous.key != version.key:
            previous, known = None, None
        source = version.run_cause if version.cause == MARKUP else version.cause
        came_back = previous is not None and previous.gone_reason is not None
        decision = decide(known, version.record, version.front_end, source, came_back=came_back)
        ids.append(version.id)
        causes.append(decision.cause)
        meanings.append(decision.meaning_json())
        if previous is not None:
            for name in decision.fields:
                changes.append([*version.key, name, as_json(previous.record.get(name)),
                                as_json(version.record.get(name)), version.first_run, version.valid_from,
                                decision.cause, previous.id, version.id])
        previous, known = version, decision.known
    newest: dict[tuple[str, str, str, str], int] = {}
    for version in versions:
        newest[version.key] = max(version.id, newest.get(version.key, version.id))
    kept = set(newest.values())  # the known meaning is kept where the writer reads it (snapshots/schema.py, v6)
    meanings = [m if i in kept else None for i, m in zip(ids, meanings, strict=True)]
    if ids:
        con.execute(
            "UPDATE action_versions SET cause = u.cause, meaning = u.meaning"
            " FROM (SELECT unnest(?::BIGINT[]) AS id, unnest(?::VARCHAR[]) AS cause, unnest(?::VARCHAR[]) AS meaning) u"
            " WHERE action_versions.id = u.id",
            [ids, causes, meanings],
        )
    con.execute("DELETE FROM action_changes" + (" WHERE site = ?" if site else ""), [site] if site else [])
    if changes:
        start = con.execute("SELECT coalesce(max(id), 0) FROM action_changes").fetchone()
        first = (int(start[0]) if start else 0) + 1
        columns = list(zip(*changes, strict=True))
        con.execute(
            "INSERT INTO action_changes SELECT unnest(?::BIGINT[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
            " unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[])::JSON,"
            " unnest(?::VARCHAR[])::JSON, unnest(?::BIGINT[]), unnest(?::TIMESTAMPTZ[]), unnest(?::VARCHAR[]),"
            " unnest(?::BIGINT[]), unnest(?::BIGINT[])",
            [list(range(first, first + len(changes))), *[list(c) for c in columns]],
        )
    return sum(1 for c in causes if c == MARKUP)

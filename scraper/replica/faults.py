"""Injectable faults, switchable per page by a spec string (documented in docs/replica.md):

    SPEC  := RULE (";" RULE)*
    RULE  := PATTERN "=" FAULT ("," FAULT)*   |   "halfway=" K
    FAULT := KIND (":" OPTION)*   where a status KIND may carry "xN" (only the first N times)

PATTERN is a request path or an fnmatch glob ("*", "/actions/11*"), matched without the query string.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass, field

STATUS_KINDS = {"404", "410", "429", "500", "502", "503"}
OTHER_KINDS = {"slow", "reset", "truncate", "redirect", "loop", "next", "next-host", "huge", "charset", "type"}


class FaultSpecError(ValueError):
    """The fault spec cannot be read."""


@dataclass
class Fault:
    kind: str
    arg: str = ""
    options: dict[str, str] = field(default_factory=dict)
    times: int | None = None  # None = always
    used: int = 0

    def take(self) -> bool:
        """Count one use; False once the fault has fired `times` times."""
        if self.times is not None and self.used >= self.times:
            return False
        self.used += 1
        return True


@dataclass
class Rule:
    pattern: str
    faults: list[Fault]

    def matches(self, path: str) -> bool:
        return path == self.pattern or fnmatch.fnmatchcase(path, self.pattern)


def _fault(text: str) -> Fault:
    parts = [p for p in text.strip().split(":")]
    head = parts[0].strip()
    times = None
    if "x" in head and head.split("x", 1)[0] in STATUS_KINDS | {"reset", "truncate"}:
        head, n = head.split("x", 1)
        if not n.isdigit():
            raise FaultSpecError(f"bad repeat count in {text!r}")
        times = int(n)
    if head not in STATUS_KINDS | OTHER_KINDS:
        raise FaultSpecError(f"unknown fault {head!r}")
    fault = Fault(head, times=times)
    rest = parts[1:]
    if head in ("next-host", "type") and rest:  # URLs and MIME types keep their own colons
        fault.arg = ":".join(rest)
        return fault
    for opt in rest:
        key, eq, value = opt.partition("=")
        if key == "times":
            if not value.isdigit():
                raise FaultSpecError(f"bad times= in {text!r}")
            fault.times = int(value)
        elif eq:
            fault.options[key] = value
        else:
            fault.arg = key
    if head in ("slow", "redirect", "huge"):
        try:
            float(fault.arg or "1")
        except ValueError as exc:
            raise FaultSpecError(f"{head} needs a number, got {fault.arg!r}") from exc
    if head == "next" and not fault.arg:
        raise FaultSpecError("next: needs an identifier (next:111)")
    if head == "next-host" and not fault.arg.startswith(("http://", "https://")):
        raise FaultSpecError("next-host: needs an absolute URL prefix (next-host:http://other.example)")
    if head == "charset" and fault.arg not in ("latin1", "utf8-as-latin1"):
        raise FaultSpecError("charset: is latin1 or utf8-as-latin1")
    return fault


class FaultSet:
    """Parsed rules plus the counters they need (thread-safe)."""

    def __init__(self, spec: str = "") -> None:
        self.spec = spec
        self.rules: list[Rule] = []
        self.halfway: int | None = None
        self.action_requests = 0
        self.lock = threading.Lock()
        for raw in (r.strip() for r in spec.split(";")):
            if not raw:
                continue
            pattern, eq, faults = raw.partition("=")
            if not eq or not faults.strip():
                raise FaultSpecError(f"rule {raw!r} needs PATTERN=FAULT")
            if pattern.strip() == "halfway":
                if not faults.strip().isdigit() or int(faults) < 1:
                    raise FaultSpecError("halfway=K needs a positive integer")
                self.halfway = int(faults)
                continue
            self.rules.append(Rule(pattern.strip(), [_fault(f) for f in faults.split(",")]))

    def for_path(self, path: str) -> list[Fault]:
        """Faults that fire for this request (each counted as used)."""
        out: list[Fault] = []
        with self.lock:
            for rule in self.rules:
                if rule.matches(path):
                    out.extend(f for f in rule.faults if f.take())
        return out

    def peek(self, path: str, kind: str) -> Fault | None:
        """A content fault (next, next-host) that applies to this path, without counting it."""
        for rule in self.rules:
            if rule.matches(path):
                for f in rule.faults:
                    if f.kind == kind:
                        return f
        return None

    def count_action_request(self, is_action: bool) -> bool:
        """True when the half-way fault says this request must fail."""
        with self.lock:
            if is_action:
                self.action_requests += 1
            return self.halfway is not None and self.action_requests >= self.halfway

"""The Wayback CDX server's query language, answered over the replica's web-archive captures (reference 13).

What a backfill has to cope with is the real server's semantics, so they are reproduced, not improved on:
URLs are matched by their SURT key (scheme ignored, host reversed, `www` dropped, path lowercased, one trailing
slash dropped), `filter` regexes must match the *whole* field, `collapse` drops only a row equal to the *adjacent* one,
`to=2020` includes all of 2020, a negative `limit` gives the last rows, and a page stops at the server's own cap,
silently unless the client asked for a resume key. Rows are sorted by urlkey, then timestamp.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
#: fields whose value needs the capture's body (rendered on demand, then remembered)
BODY_FIELDS = frozenset({"digest", "length"})
MATCH_TYPES = ("exact", "prefix", "host", "domain")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WWW = re.compile(r"^www\d*\.")


class CdxError(ValueError):
    """A query the server cannot answer (HTTP 400 with this message)."""


def surt(url: str, keep_slash: bool = False) -> str:
    """The SURT key the Wayback indexes a URL by, as `surt.surt()` (WaybackURLKeyMaker) writes it with its
    defaults: an IPv4 host is reversed like a name (`http://127.0.0.1:8123/a/` → `1,0,0,127:8123)/a`), a default
    port dropped, any other kept after the host. `keep_slash` keeps a trailing slash (a prefix query's
    `actions/*` must not match `actionsx`)."""
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = _WWW.sub("", (parts.hostname or "").lower())
    try:
        port = parts.port
    except ValueError:
        port = None
    key = ",".join(reversed(host.split(".")))
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        key += f":{port}"
    path = parts.path.lower() or "/"
    if len(path) > 1 and path.endswith("/") and not keep_slash:
        path = path[:-1]
    key += ")" + path
    if parts.query:
        args = sorted(tuple(arg.split("=", 1)) for arg in parts.query.lower().split("&") if arg)
        if args:
            key += "?" + "&".join("=".join(arg) for arg in args)
    return key


def host_key(key: str) -> str:
    """The host part of a SURT key (`1,0,0,127:8123`)."""
    return key.split(")", 1)[0]


@dataclass
class Row:
    """One capture as the index holds it; `body` gives (digest, length) when a query needs them."""

    urlkey: str
    timestamp: str
    original: str
    mimetype: str
    statuscode: str
    body: Callable[[], tuple[str, int]]

    def get(self, name: str) -> str:
        if name == "digest":
            return self.body()[0]
        if name == "length":
            return str(self.body()[1])
        return str(getattr(self, name))


@dataclass
class CdxQuery:
    url: str
    match_type: str = "exact"
    output_json: bool = False
    fields: tuple[str, ...] = FIELDS
    filters: list[tuple[bool, bool, str, re.Pattern[str]]] = field(default_factory=list)  # (negate, contains, f, re)
    collapses: list[tuple[str, int | None]] = field(default_factory=list)
    from_ts: str | None = None
    to_ts: str | None = None
    limit: int | None = None
    offset: int = 0
    show_resume_key: bool = False
    resume_after: tuple[str, str] | None = None  # (urlkey, timestamp) of the last row the resume key saw

    @classmethod
    def parse(cls, query: str) -> CdxQuery:
        pairs = parse_qsl(query, keep_blank_values=True)
        args: dict[str, list[str]] = {}
        for name, value in pairs:
            args.setdefault(name, []).append(value)

        def one(name: str) -> str | None:
            values = args.get(name)
            return values[-1] if values else None

        url = one("url")
        if not url:
            raise CdxError("Missing required parameter: url")
        match_type = one("matchType") or ""
        if match_type and match_type not in MATCH_TYPES:
            raise CdxError(f"Invalid matchType: {match_type}")
        if url.startswith("*."):
            url, match_type = url[2:], match_type or "domain"
        elif url.endswith("*"):
            url, match_type = url[:-1], match_type or "prefix"
        q = cls(url=url, match_type=match_type or "exact", output_json=one("output") == "json")
        if fl := one("fl"):
            names = tuple(name.strip() for name in fl.split(",") if name.strip())
            unknown = [name for name in names if name not in FIELDS]
            if unknown:
                raise CdxError(f"Invalid field(s) in fl: {', '.join(unknown)}")
            q.fields = names
        for spec in args.get("filter", []):
            q.filters.append(_filter(spec))
        for spec in args.get("collapse", []):
            name, _, width = spec.partition(":")
            if name not in FIELDS or (width and not width.isdigit()):
                raise CdxError(f"Invalid collapse: {spec}")
            q.collapses.append((name, int(width) if width else None))
        q.from_ts, q.to_ts = _stamp(one("from"), "0"), _stamp(one("to"), "9")
        for name in ("limit", "offset"):
            if number := one(name):
                try:
                    setattr(q, name, int(number))
                except ValueError:
                    raise CdxError(f"Invalid {name}: {number}") from None
        q.show_resume_key = (one("showResumeKey") or "").lower() == "true"
        if key := one("resumeKey"):
            q.resume_after = _decode_key(key)
        return q

    # --- answering ---------------------------------------------------------------------------------------------
    def run(self, rows: Sequence[Row], page_size: int) -> tuple[list[Row], str | None]:
        """The rows of this page (rows come sorted by urlkey, timestamp) and the resume key, if the page was cut
        and the client asked for one."""
        want = surt(self.url, keep_slash=self.match_type == "prefix")
        picked = [r for r in rows if self._in_scope(r.urlkey, want)
                  and (self.from_ts is None or r.timestamp >= self.from_ts)
                  and (self.to_ts is None or r.timestamp <= self.to_ts)]
        for negate, contains, name, regex in self.filters:
            picked = [r for r in picked if (bool(regex.search(r.get(name)) if contains else
                                                 regex.fullmatch(r.get(name))) != negate)]
        for name, width in self.collapses:
            kept: list[Row] = []
            for r in picked:
                if not kept or r.get(name)[:width] != kept[-1].get(name)[:width]:
                    kept.append(r)
            picked = kept
        if self.limit is not None and self.limit < 0:
            return picked[-min(-self.limit, page_size):], None
        if self.resume_after is not None:
            after = self.resume_after
            picked = [r for r in picked if (r.urlkey, r.timestamp) > after]
        picked = picked[max(self.offset, 0):]
        cap = min(self.limit, page_size) if self.limit is not None and self.limit > 0 else page_size
        if self.limit == 0:
            cap = 0
        page, rest = picked[:cap], picked[cap:]
        key = None
        if rest and page and self.show_resume_key:
            key = _encode_key(page[-1].urlkey, page[-1].timestamp)
        return page, key

    def _in_scope(self, key: str, want: str) -> bool:
        if self.match_type == "exact":
            return key == want
        if self.match_type == "prefix":
            return key.startswith(want)
        host, wanted = host_key(key), host_key(want)
        if self.match_type == "host":
            return host == wanted
        return host == wanted or host.startswith(wanted + ",")

    def render(self, page: list[Row], resume_key: str | None) -> tuple[bytes, str]:
        """(body, content type): JSON arrays with a header row, or space-separated lines; a resume key after an
        empty row (JSON) or an empty line (text), as the real server writes it."""
        values = [[r.get(name) for name in self.fields] for r in page]
        if self.output_json:
            if not values:
                return b"[]\n", "application/json"
            out: list[list[str]] = [list(self.fields), *values]
            if resume_key is not None:
                out += [[], [resume_key]]
            text = "[" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in out) + "]\n"
            return text.encode("utf-8"), "application/json"
        lines = [" ".join(row) for row in values]
        if resume_key is not None:
            lines += ["", resume_key]
        return ("".join(line + "\n" for line in lines)).encode("utf-8"), "text/plain; charset=utf-8"


def _filter(spec: str) -> tuple[bool, bool, str, re.Pattern[str]]:
    """`[!]field:regex` (the whole field must match) or `~[!]field:substring`."""
    contains = spec.startswith("~")
    body = spec[1:] if contains else spec
    negate = body.startswith("!")
    body = body[1:] if negate else body
    name, sep, pattern = body.partition(":")
    if not sep or name not in FIELDS:
        raise CdxError(f"Invalid filter: {spec}")
    try:
        regex = re.compile(re.escape(pattern) if contains else pattern)
    except re.error as exc:
        raise CdxError(f"Invalid filter regex: {spec} ({exc})") from None
    return negate, contains, name, regex


def _stamp(value: str | None, pad: str) -> str | None:
    """A `from`/`to` timestamp prefix padded to 14 digits: `from=2019` is the first second of 2019, `to=2020`
    the last second of 2020 (the prefix is inclusive)."""
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 14:
        raise CdxError(f"Invalid timestamp: {value}")
    return value + pad * (14 - len(value))


def _encode_key(urlkey: str, timestamp: str) -> str:
    """Opaque and URL-safe, so that a client that forgets to encode it still passes it back intact."""
    return base64.urlsafe_b64encode(f"{urlkey} {timestamp}".encode()).decode().rstrip("=")


def _decode_key(key: str) -> tuple[str, str]:
    try:
        text = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)).decode()
        urlkey, timestamp = text.rsplit(" ", 1)
    except (ValueError, UnicodeDecodeError):
        raise CdxError(f"Invalid resumeKey: {key}") from None
    return urlkey, timestamp

"""Which text a page's bytes are: the one charset rule of vahti, for the fetcher, the parser and every judge of a
stored or captured response.

The parser reads UTF-8; the archive keeps the bytes as received. Kausal Watch pages are UTF-8, so a declaration
that disagrees with the bytes is far more often a mislabel than the truth, and is reported as a warning.
"""

from __future__ import annotations

import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_BOM = b"\xef\xbb\xbf"
_SINGLE_BYTE = {"iso88591", "latin1", "l1", "windows1252", "cp1252", "iso885915", "latin9"}

#: What the parser is handed: UTF-8 (the fetcher converts), or raw bytes of a saved page that say the rest
#: themselves (a <meta charset>, else Windows-1252 as the last resort).
PARSER_INPUT = "text/html; charset=utf-8"


def declared_charset(body: bytes, content_type: str) -> str | None:
    """The charset the header names, else the one a <meta> in the first 2 KB names."""
    match = _HEADER_CHARSET.search(content_type)
    if match:
        return match.group(1).lower()
    return _meta_charset(body)


def decode(body: bytes, content_type: str = "") -> tuple[str, str | None]:
    """The document's text, plus a warning when the declared charset was wrong or unknown.

    Decoding follows the declaration first (header, else <meta>); a body that does not decode that way is tried as
    the <meta> says, then UTF-8 (the usual truth on Kausal Watch sites), then Windows-1252, which never fails for a
    Finnish page. A body declared as a single-byte charset that is valid UTF-8 with non-ASCII in it is UTF-8
    mislabelled: real Latin-1 text almost never forms valid multi-byte sequences, while reading UTF-8 as Latin-1
    turns every "ä" into "Ã¤". A UTF-8 byte order mark settles the question before any declaration.
    """
    text, _, warning = _decode(body, content_type)
    return text, warning


def to_utf8(body: bytes, content_type: str) -> tuple[bytes, str | None]:
    """`decode`, as UTF-8 bytes for the parser; a body that already is UTF-8 is handed back as it is."""
    text, kept, warning = _decode(body, content_type)
    return (body if kept else text.encode("utf-8")), warning


def _decode(body: bytes, content_type: str) -> tuple[str, bool, str | None]:
    """(text, whether `body` itself is that text in UTF-8, warning)."""
    if body.startswith(_BOM):
        text = body[len(_BOM):].decode("utf-8", errors="replace")
        return text, False, None
    charset = declared_charset(body, content_type) or "utf-8"
    normal = charset.replace("-", "").replace("_", "")
    if normal == "utf8" or normal in _SINGLE_BYTE:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if normal == "utf8" or text.isascii():
                return text, True, None
            return text, True, f"declared charset {charset!r} but the body is UTF-8; read as utf-8"
    try:
        return body.decode(charset), False, None
    except LookupError:
        warning = f"unknown charset {charset!r}"
    except UnicodeDecodeError:
        warning = f"body does not decode as the declared charset {charset!r}"
    meta = _meta_charset(body)
    for fallback in dict.fromkeys(c for c in (meta, "utf-8", "windows-1252", "latin-1") if c and c != charset):
        try:
            text = body.decode(fallback)
        except (LookupError, UnicodeDecodeError):
            continue
        return text, fallback == "utf-8", f"{warning}; read as {fallback}"
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _meta_charset(body: bytes) -> str | None:
    meta = _META_CHARSET.search(body[:2048])
    return meta.group(1).decode("ascii").lower() if meta else None

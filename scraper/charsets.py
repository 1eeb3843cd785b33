"""Which text a page's bytes are: the declared charset, checked against the bytes themselves.

The parser reads UTF-8; the archive keeps the bytes as received. Kausal Watch pages are UTF-8, so a declaration
that disagrees with the bytes is far more often a mislabel than the truth, and is reported as a warning.
"""

from __future__ import annotations

import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def declared_charset(body: bytes, content_type: str) -> str | None:
    """The charset the header names, else the one a <meta> in the first 2 KB names."""
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    if match:
        return match.group(1).lower()
    meta = _META_CHARSET.search(body[:2048])
    return meta.group(1).decode("ascii").lower() if meta else None


def to_utf8(body: bytes, content_type: str) -> tuple[bytes, str | None]:
    """The document as UTF-8 for the parser, plus a warning when the declared charset was wrong or unknown.

    Decoding follows the declaration first; a body that does not decode that way is tried as UTF-8 (the usual
    truth on Kausal Watch sites), then Windows-1252, which never fails for a Finnish page. A body declared as a
    single-byte charset that is valid UTF-8 with non-ASCII in it is UTF-8 mislabelled: real Latin-1 text almost
    never forms valid multi-byte sequences, while reading UTF-8 as Latin-1 turns every "ä" into "Ã¤".
    """
    charset = declared_charset(body, content_type) or "utf-8"
    normal = charset.replace("-", "").replace("_", "")
    if normal == "utf8" and _is_utf8(body):
        return body, None
    if normal in _SINGLE_BYTE and _is_utf8(body) and any(b >= 0x80 for b in body):
        return body, f"declared charset {charset!r} but the body is UTF-8; read as utf-8"
    try:
        text = body.decode(charset)
    except LookupError:
        warning = f"unknown charset {charset!r}"
    except UnicodeDecodeError:
        warning = f"body does not decode as the declared charset {charset!r}"
    else:
        return text.encode("utf-8"), None
    for fallback in ("utf-8", "windows-1252", "latin-1"):
        try:
            text = body.decode(fallback)
        except UnicodeDecodeError:
            continue
        return text.encode("utf-8"), f"{warning}; read as {fallback}"
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


_SINGLE_BYTE = {"iso88591", "latin1", "l1", "windows1252", "cp1252", "iso885915", "latin9"}


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True

"""Make text from a submission inert before it is shown: no terminal control, no fake rows, no invalid Unicode.

File names, student and grade ids and messages pass through :func:`inert` before they reach the
summary, a log line, a gradebook field or a feedback page. Control characters (C0, DEL, C1), line and
paragraph separators, bidirectional overrides and unpaired surrogates become visible escapes such as
``\\x1b`` or ``\\ud800``; everything else (Chinese included) is kept as it is.
"""

from __future__ import annotations

import re
from typing import Any

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def inert(text: Any, limit: int = 300) -> str:
    """``text`` as one printable line (escaped, at most ``limit`` characters before escaping)."""
    if not isinstance(text, str):
        text = str(text)
    if len(text) > limit:
        text = text[:limit] + "…"
    return _UNSAFE.sub(_escape, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(obj: Any) -> Any:
    """Every string in a JSON-like structure with unpaired surrogates escaped (so it can be written as UTF-8)."""
    if isinstance(obj, str):
        return _SURROGATE.sub(_escape, obj) if _SURROGATE.search(obj) else obj
    if isinstance(obj, list):
        return [valid_unicode(v) for v in obj]
    if isinstance(obj, dict):
        return {valid_unicode(k): valid_unicode(v) for k, v in obj.items()}
    return obj

"""Text filters as an index can answer them: "starts with" as a range of strings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_
from sqlalchemy.sql.elements import ColumnElement

_MAX = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)


def prefix_end(prefix: str) -> str | None:
    """The least string above every string that starts with ``prefix`` (code point order),
    or None when there is none (the prefix is only U+10FFFF). A trailing U+10FFFF is dropped
    and the character before it raised; the surrogates (never in a text) are stepped over."""
    kept = prefix.rstrip(chr(_MAX))
    if not kept:
        return None
    following = ord(kept[-1]) + 1
    if following in _SURROGATES:
        following = _SURROGATES.stop
    return kept[:-1] + chr(following)


def starts_with(column: Any, prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix`` (as it is: no case folding, no wildcard)."""
    end = prefix_end(prefix)
    if end is None:
        return column >= prefix  # type: ignore[no-any-return]
    return and_(column >= prefix, column < end)

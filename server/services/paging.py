"""Pages of results: bounded sizes and opaque cursors."""

from __future__ import annotations

import base64
import json
from typing import Any

from server.errors import Invalid
from server.i18n import _


def encode_cursor(state: dict[str, Any]) -> str:
    raw = json.dumps(state, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {}
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_cursor() from exc
    if not isinstance(state, dict):
        raise bad_cursor()
    return state


def bad_cursor() -> Invalid:
    """422 for a cursor this server did not give."""
    return Invalid(
        _("the cursor is not one this server gave"), fields={"cursor": _("unknown cursor")}
    )

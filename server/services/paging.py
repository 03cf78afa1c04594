"""Pages of results: bounded sizes and opaque cursors."""

from __future__ import annotations

import base64
import json
from typing import Any

from server.errors import Invalid


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
        raise Invalid(
            "the cursor is not one this server gave", fields={"cursor": "unknown cursor"}
        ) from exc
    if not isinstance(state, dict):
        raise Invalid("the cursor is not one this server gave", fields={"cursor": "unknown cursor"})
    return state

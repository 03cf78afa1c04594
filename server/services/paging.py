"""Pages of results: bounded sizes and opaque, signed cursors.

A cursor is ``<state>.<mac>``: where the next page starts, as JSON (base64url), and an
HMAC-SHA256 of the cursor's kind and that JSON under the server's cursor key. A cursor
the server did not give (forged, altered, of another list, signed with another key) is
refused before its content is read; the content is then validated against the state its
list declares (a :class:`CursorState`: strict types and ranges), so that no cursor can
carry a value the query cannot take. Every bad cursor is the same 422 (:func:`bad_cursor`).

The key is kept in the database (``server_secrets``, row ``cursor``: made by migration
0012, or here when the row is missing). Not a random key per process: a team server runs
several processes behind a load balancer, and the next page may be asked of another one
than the page before. Not a setting either: it would be one more secret to hand to every
process and keep equal, for nothing, since whoever reads the database reads the pages
anyway. Each process reads it once (per engine). To change it: delete the row and restart
the processes; the cursors given before are then refused (422) and the client starts over.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import weakref
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db import models as db
from server.errors import Invalid
from server.i18n import _
from server.services.upsert import insert_ignore

MAX_ROW_ID = 2**31 - 1
"""The largest id a cursor may name (PostgreSQL ``integer`` columns)."""
KEY_NAME = "cursor"
_MAC_BYTES = 16
_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{22}")
_keys: weakref.WeakKeyDictionary[Any, bytes] = weakref.WeakKeyDictionary()


class CursorState(BaseModel):
    """What a list keeps in its cursor; each list declares its own (``kind`` names it)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    kind: ClassVar[str]


S = TypeVar("S", bound=CursorState)


async def encode_cursor(session: AsyncSession, state: CursorState) -> str:
    payload = state.model_dump_json().encode()
    mac = _mac(await _key(session), state.kind, payload)
    return f"{_b64(payload)}.{_b64(mac)}"


async def decode_cursor(session: AsyncSession, cursor: str | None, kind: type[S]) -> S | None:
    """The state in ``cursor`` (None: no cursor, the first page); 422 for one this server
    did not give for this list, or whose state is not what the list expects."""
    if not cursor:
        return None
    if not _SHAPE.fullmatch(cursor):
        raise bad_cursor()
    encoded, _sep, encoded_mac = cursor.partition(".")
    try:
        payload, mac = _unb64(encoded), _unb64(encoded_mac)
    except (binascii.Error, ValueError) as exc:
        raise bad_cursor() from exc
    if not hmac.compare_digest(mac, _mac(await _key(session), kind.kind, payload)):
        raise bad_cursor()
    try:
        return kind.model_validate_json(payload)
    except ValidationError as exc:  # signed by us, yet not this list's state (an old server)
        raise bad_cursor() from exc


def bad_cursor() -> Invalid:
    """422 for a cursor this server did not give."""
    return Invalid(
        _("the cursor is not one this server gave"), fields={"cursor": _("unknown cursor")}
    )


def _mac(key: bytes, kind: str, payload: bytes) -> bytes:
    return hmac.new(key, kind.encode() + b"\0" + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def _key(session: AsyncSession) -> bytes:
    """The cursor key of the database ``session`` reads, read once per engine."""
    engine = session.get_bind()
    key = _keys.get(engine)
    if key is None:
        key = await _read_key(session)
        if key is None:  # a database whose row was deleted: make one (the first one wins)
            async with AsyncSession(session.bind) as own:
                await insert_ignore(
                    own, db.ServerSecret.__table__, name=KEY_NAME, value=secrets.token_bytes(32)
                )
                await own.commit()
                key = await _read_key(own)
            assert key is not None
        _keys[engine] = key
    return key


async def _read_key(session: AsyncSession) -> bytes | None:
    stmt = select(db.ServerSecret.value).where(db.ServerSecret.name == KEY_NAME)
    return (await session.execute(stmt)).scalar_one_or_none()

"""Idempotency keys: a write that must not happen twice stores its answer under the key the
client chose, in the same transaction as the write.

* The key is scoped to the user: ``(user_id, key)`` is the primary key of
  ``idempotency_keys``. Another user's identical key is another key.
* The request is digested (method, path and the body's canonical JSON): the same key with
  another request is refused (409 ``idempotency_key_reused``), never answered with the
  first request's result.
* :func:`claim` inserts the key row first, before the write: the primary key is the lock.
  A parallel request with the same key blocks on that insert (PostgreSQL waits on the
  unique index entry; SQLite on the database's write lock) until the first commits, then
  fails with an IntegrityError; it rolls back and answers the stored response. If the first
  rolled back instead, the second's insert succeeds and it carries the write out itself.
* Only successful answers are stored (the key row is written with the write, or not at
  all): a refused request changes nothing, and retrying it re-evaluates it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.db import models as db
from server.errors import Conflict, Invalid, PreconditionRequired
from server.i18n import _

MAX_KEY_LENGTH = 100  # idempotency_keys.key is String(100)
HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Stored:
    """An answer already given under a key."""

    status_code: int
    body: str


def check_key(value: str | None, doing: str) -> str:
    """The key sent, or 428 when there is none, or 422 when it is not a usable key.
    ``doing`` names the action (a message id, marked with ``N_``)."""
    if value is None or not value.strip():
        raise PreconditionRequired(
            _(
                "{doing} needs an {header} header: a value chosen once for this action and "
                "sent again with every retry of it, so that it is carried out once"
            ).format(doing=_(doing), header=HEADER),
            code="idempotency_key_required",
        )
    key = value.strip()
    if len(key) > MAX_KEY_LENGTH or not (key.isascii() and key.isprintable()):
        raise Invalid(
            _("the {header} must be at most {max} printable ASCII characters").format(
                header=HEADER, max=MAX_KEY_LENGTH
            ),
            fields={
                HEADER: _("at most {max} printable ASCII characters").format(max=MAX_KEY_LENGTH)
            },
        )
    return key


def request_hash(method: str, path: str, body: BaseModel) -> str:
    canonical = json.dumps(
        {"method": method, "path": path, "body": body.model_dump(mode="json")},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def stored(session: AsyncSession, user_id: int, key: str, digest: str) -> Stored | None:
    """The answer stored under this user's key, if any (refused if the request differs)."""
    row = (
        await session.execute(
            select(
                db.IdempotencyKey.request_hash,
                db.IdempotencyKey.status_code,
                db.IdempotencyKey.response_body,
            ).where(db.IdempotencyKey.user_id == user_id, db.IdempotencyKey.key == key)
        )
    ).first()
    if row is None:
        return None
    if row.request_hash != digest:
        raise Conflict(
            _(
                "this {header} was already used for another request: choose a new key for a "
                "new action (a retry must send the same request again)"
            ).format(header=HEADER),
            code="idempotency_key_reused",
        )
    return Stored(row.status_code, row.response_body)


async def claim(
    session: AsyncSession, user_id: int, key: str, digest: str, now: dt.datetime
) -> bool:
    """Insert the key row (its answer still to come), the first write of the transaction.

    False when the key was taken meanwhile: the session has then been rolled back (every
    loaded object is expired) and :func:`stored` gives the answer to return.
    """
    try:
        await session.execute(
            insert(db.IdempotencyKey).values(
                user_id=user_id,
                key=key,
                request_hash=digest,
                status_code=0,
                response_body="",
                created_at=now,
            )
        )
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def record(
    session: AsyncSession, user_id: int, key: str, status_code: int, body: str
) -> None:
    """Store the answer under the claimed key (in the write's transaction, before commit)."""
    await session.execute(
        update(db.IdempotencyKey)
        .where(db.IdempotencyKey.user_id == user_id, db.IdempotencyKey.key == key)
        .values(status_code=status_code, response_body=body)
        .execution_options(synchronize_session=False)
    )


async def once(
    session: AsyncSession,
    user_id: int,
    key_header: str | None,
    doing: str,
    path: str,
    body: BaseModel,
    now: dt.datetime,
    write: Callable[[], Awaitable[str]],
    *,
    status_code: int = 201,
) -> tuple[int, str, bool]:
    """Carry out ``write`` (it writes without committing and answers the JSON body) once
    under the client's key: (status code, body, whether it is the stored answer of an
    earlier try). 428 without a key; the key's row is claimed first and the answer recorded
    in the write's transaction; a refusal stores nothing. ``doing`` names the action (a
    message id, marked with ``N_``)."""
    key = check_key(key_header, doing)
    digest = request_hash("POST", path, body)
    hit = await stored(session, user_id, key, digest)
    if hit is not None:
        return hit.status_code, hit.body, True
    if not await claim(session, user_id, key, digest, now):
        hit = await stored(session, user_id, key, digest)
        if hit is None:  # pragma: no cover - the row that refused our insert is committed
            raise Conflict(_("this action is under way: try again"), code="idempotency_key_busy")
        return hit.status_code, hit.body, True
    try:
        text = await write()
        await record(session, user_id, key, status_code, text)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return status_code, text, False

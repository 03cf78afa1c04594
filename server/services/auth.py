"""Sign-in, bearer tokens and throttling.

Tokens are opaque random strings; only their SHA-256 is stored, with an expiry.
A wrong password, an unknown user and an account that cannot sign in (inactive, no
password) get the same error after the same work (an argon2 verification, against a dummy
hash when there is no real one). Repeated failures on one account name lock it for a
while, whatever the password, and the lock is kept in the database so that every process
of a team server shares it.

Attempts, not failures, are counted: each sign-in first reserves an attempt on its account
name with one atomic upsert (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``), then
checks the password only when the reserved number is within ``login_max_failures``. Guesses
sent in parallel are thereby counted before any of them is checked: at most that many
passwords are checked, the others answer 429 at once. A failed check leaves its attempt
counted; a success forgets the attempts made up to it, not those made since (a burst of
guesses gets no fresh count from a sign-in that succeeds in its midst). The attempt that
reaches the limit locks the name for ``login_lockout_seconds``; when that lock is over
(within the failure window) one more attempt is allowed, and the lock starts again if it
fails. After the failure window with no lock on, the count starts again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
import weakref
from typing import NoReturn

from sqlalchemy import and_, bindparam, case, delete, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from server.db import models as db
from server.errors import TooManyRequests, Unauthorized
from server.i18n import N_, _
from server.services.passwords import hash_password, needs_rehash, verify_password
from server.settings import Settings

BAD_CREDENTIALS = N_("wrong user name or password")


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


_SQLITE_QUEUES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _sqlite_queue() -> asyncio.Lock:
    """The lock the reservations of this event loop take turns on (SQLite only)."""
    loop = asyncio.get_running_loop()
    lock = _SQLITE_QUEUES.get(loop)
    if lock is None:
        lock = _SQLITE_QUEUES[loop] = asyncio.Lock()
    return lock


async def reserve_attempt(
    session: AsyncSession, username: str, now: dt.datetime, settings: Settings
) -> tuple[int, dt.datetime | None]:
    """Count one more sign-in attempt on ``username``, atomically; returns the attempt's
    number in the current window and the time the name is locked until (if it is).

    One statement, so that concurrent attempts each get their own number (a row lock on
    PostgreSQL, the write lock on SQLite), run in autocommit mode so that the lock is held
    for that statement only (a burst of sign-ins on SQLite would otherwise queue behind
    transactions that wait for the event loop). The session must not be in a transaction.
    """
    c = db.LoginThrottle.__table__.c
    limit = settings.login_max_failures
    until = literal(now + dt.timedelta(seconds=settings.login_lockout_seconds), c.locked_until.type)
    cutoff = now - dt.timedelta(seconds=settings.login_failure_window_seconds)
    lock_over = and_(c.locked_until.is_not(None), c.locked_until <= now)
    fresh = and_(c.window_start < cutoff, or_(c.locked_until.is_(None), lock_over))
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(db.LoginThrottle).values(
        username=username,
        failures=1,
        window_start=now,
        locked_until=now + dt.timedelta(seconds=settings.login_lockout_seconds)
        if limit <= 1
        else None,
    )
    upsert = stmt.on_conflict_do_update(
        index_elements=[c.username],
        set_={
            # a new window; or, the lock being over, the one attempt it allows; or the next
            "failures": case((fresh, 1), (lock_over, limit), else_=c.failures + 1),
            "window_start": case((fresh, stmt.excluded.window_start), else_=c.window_start),
            "locked_until": case(
                (fresh, stmt.excluded.locked_until),
                (lock_over, until),
                (c.failures + 1 >= limit, func.coalesce(c.locked_until, until)),
                else_=c.locked_until,
            ),
        },
    ).returning(c.failures, c.locked_until)
    await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    if dialect == "sqlite":
        # SQLite takes one writer at a time and lets the others poll for the lock: under a
        # burst a request can lose every round until the busy timeout (a 500). This
        # process's reservations queue here instead, in arrival order, one at a time.
        async with _sqlite_queue():
            number, locked_until = (await session.execute(upsert)).one()
    else:
        number, locked_until = (await session.execute(upsert)).one()
    await session.commit()  # gives the connection back, in its usual isolation level
    if locked_until is not None and locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=dt.UTC)
    return int(number), locked_until


def _throttled(now: dt.datetime, locked_until: dt.datetime | None, settings: Settings) -> NoReturn:
    if locked_until is None or locked_until <= now:  # not expected: a full count is locked
        locked_until = now + dt.timedelta(seconds=settings.login_lockout_seconds)
    wait = int((locked_until - now).total_seconds()) + 1
    raise TooManyRequests(
        _("too many failed sign-ins for this account; try again in {seconds} s").format(
            seconds=wait
        ),
        retry_after=wait,
    )


async def authenticate(
    session: AsyncSession, username: str, password: str, settings: Settings, now: dt.datetime
) -> db.User:
    """The user for these credentials, or ``Unauthorized`` / ``TooManyRequests``.

    Known or not, usable or not, a name costs the same: one upsert, one select, one argon2
    verification (or none at all when the attempt is refused: 429 says nothing about the
    name either, since unknown names are throttled alike).
    """
    key = username.strip().lower()
    number, locked_until = await reserve_attempt(session, key, now, settings)
    if number > settings.login_max_failures:
        _throttled(now, locked_until, settings)
    user = (
        await session.execute(select(db.User).where(db.User.username == key))
    ).scalar_one_or_none()
    await session.commit()  # no connection is held while argon2 runs
    usable = user is not None and user.active
    ok = await verify_password(user.password_hash if usable and user else None, password)
    if not ok or user is None:
        raise Unauthorized(_(BAD_CREDENTIALS))
    if user.password_hash and needs_rehash(user.password_hash):
        # made with other parameters (an older sav's): made again with today's, once
        user.password_hash = await hash_password(password)
        await session.execute(
            update(db.User).where(db.User.id == user.id).values(password_hash=user.password_hash)
        )
    await forget_attempts(session, key, number, settings)
    return user


async def forget_attempts(
    session: AsyncSession, username: str, number: int, settings: Settings
) -> None:
    """After a success with attempt ``number``: forget the attempts made up to it; those
    reserved since (in flight, or failed meanwhile) still count, and so does their lock.
    One statement, like the reservation; the row goes when nothing is left in it."""
    c = db.LoginThrottle.__table__.c
    left = case((c.failures > number, c.failures - number), else_=0)
    await session.execute(
        update(db.LoginThrottle)
        .where(c.username == username)
        .values(
            failures=left,
            locked_until=case((left >= settings.login_max_failures, c.locked_until), else_=None),
        )
    )
    await session.execute(delete(db.LoginThrottle).where(c.username == username, c.failures <= 0))


async def issue_token(
    session: AsyncSession, user: db.User, settings: Settings, now: dt.datetime
) -> tuple[str, dt.datetime]:
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=settings.token_ttl_hours)
    session.add(
        db.AuthToken(
            token_hash=hash_token(token), user_id=user.id, created_at=now, expires_at=expires
        )
    )
    await session.commit()
    return token, expires


_USER_FOR_TOKEN = (
    select(db.User)
    .join(db.AuthToken, db.AuthToken.user_id == db.User.id)
    .where(
        db.AuthToken.token_hash == bindparam("token_hash"),
        db.AuthToken.revoked_at.is_(None),
        db.AuthToken.expires_at > bindparam("now"),
        db.User.active.is_(True),
    )
)
"""Every signed-in request runs it: built once (building it per request cost a third of its
CPU time: the clauses' coercion and the cache key). Looked up in the database each time, with
no cache in the process: a token revoked (a logout in another worker, ``sav auth logout``),
expired, or whose user was deactivated stops working at once, in every worker."""


async def user_for_token(session: AsyncSession, token: str, now: dt.datetime) -> db.User:
    params = {"token_hash": hash_token(token), "now": now}
    user = (await session.execute(_USER_FOR_TOKEN, params)).scalar_one_or_none()
    if user is None:
        raise Unauthorized(_("not signed in, or the session has expired"))
    return user


async def revoke_token(session: AsyncSession, token: str, now: dt.datetime) -> None:
    await session.execute(
        update(db.AuthToken)
        .where(db.AuthToken.token_hash == hash_token(token), db.AuthToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await session.commit()

"""Sign-in, bearer tokens and throttling.

Tokens are opaque random strings; only their SHA-256 is stored, with an expiry.
A wrong password and an unknown user get the same error after the same work
(an argon2 verification against a dummy hash). Repeated failures on one account
name lock it for a while, whatever the password, and the lock is kept in the
database so that every process of a team server shares it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.db import models as db
from server.errors import TooManyRequests, Unauthorized
from server.i18n import N_, _
from server.services.passwords import verify_password
from server.settings import Settings

BAD_CREDENTIALS = N_("wrong user name or password")


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def _throttle_row(session: AsyncSession, username: str) -> db.LoginThrottle | None:
    return await session.get(db.LoginThrottle, username)


async def check_throttle(session: AsyncSession, username: str, now: dt.datetime) -> None:
    row = await _throttle_row(session, username)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        wait = int((row.locked_until - now).total_seconds()) + 1
        raise TooManyRequests(
            _("too many failed sign-ins for this account; try again in {seconds} s").format(
                seconds=wait
            ),
            retry_after=wait,
        )


async def record_failure(
    session: AsyncSession, username: str, now: dt.datetime, settings: Settings
) -> None:
    row = await _throttle_row(session, username)
    window = dt.timedelta(seconds=settings.login_failure_window_seconds)
    if row is None:
        row = db.LoginThrottle(username=username, failures=0, window_start=now)
        session.add(row)
    if now - row.window_start > window:
        row.failures, row.window_start, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= settings.login_max_failures:
        row.locked_until = now + dt.timedelta(seconds=settings.login_lockout_seconds)
    await session.commit()


async def clear_failures(session: AsyncSession, username: str) -> None:
    row = await _throttle_row(session, username)
    if row is not None:
        await session.delete(row)


async def authenticate(
    session: AsyncSession, username: str, password: str, settings: Settings, now: dt.datetime
) -> db.User:
    """The user for these credentials, or ``Unauthorized`` / ``TooManyRequests``."""
    key = username.strip().lower()
    await check_throttle(session, key, now)
    user = (
        await session.execute(select(db.User).where(db.User.username == key))
    ).scalar_one_or_none()
    usable = user is not None and user.active
    ok = await verify_password(user.password_hash if usable and user else None, password)
    if not ok or user is None:
        await record_failure(session, key, now, settings)
        raise Unauthorized(_(BAD_CREDENTIALS))
    await clear_failures(session, key)
    return user


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


async def user_for_token(session: AsyncSession, token: str, now: dt.datetime) -> db.User:
    stmt = (
        select(db.User)
        .join(db.AuthToken, db.AuthToken.user_id == db.User.id)
        .where(
            db.AuthToken.token_hash == hash_token(token),
            db.AuthToken.revoked_at.is_(None),
            db.AuthToken.expires_at > now,
            db.User.active.is_(True),
        )
    )
    user = (await session.execute(stmt)).scalar_one_or_none()
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

"""Sign-in, tokens, throttling, logout, against the real app on a real database."""

from __future__ import annotations

import datetime as dt
import statistics
import time

import httpx
from sqlalchemy import select, update

from server.db import models as db
from server.db.session import create_engine


async def login(http: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await http.post("/auth/login", json={"username": username, "password": password})


async def test_good_login_gives_token_and_me(http: httpx.AsyncClient) -> None:
    answer = await login(http, "tech", "demo")
    assert answer.status_code == 200
    body = answer.json()
    assert body["user"]["username"] == "tech"
    assert body["user"]["service_centre"]["code"] == "249050"
    me = await http.get("/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["role"] == "technician"


async def test_wrong_password_and_unknown_user_answer_alike(http: httpx.AsyncClient) -> None:
    wrong = await login(http, "tech", "not-the-password")
    unknown = await login(http, "nobody-here", "demo")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["message"] == "wrong user name or password"


async def test_unknown_user_takes_as_long_as_wrong_password(http: httpx.AsyncClient) -> None:
    async def timed(username: str, n: int) -> float:
        times = []
        for i in range(n):
            started = time.perf_counter()
            await login(http, f"{username}{i}" if username == "ghost" else username, "x")
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    known = await timed("manager", 3)  # stays under the throttle limit (5)
    unknown = await timed("ghost", 3)
    # Both run one argon2 verification; without the dummy hash an unknown user is ~100x faster.
    assert unknown > known / 3, (known, unknown)


async def test_expired_token_is_refused(http: httpx.AsyncClient, database_url: str) -> None:
    token = (await login(http, "tech", "demo")).json()["access_token"]
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            update(db.AuthToken).values(
                expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            )
        )
    await engine.dispose()
    answer = await http.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401


async def test_garbage_and_missing_tokens_are_refused(http: httpx.AsyncClient) -> None:
    assert (await http.get("/me")).status_code == 401
    answer = await http.get("/me", headers={"Authorization": "Bearer not-a-token"})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


async def test_repeated_failures_lock_the_account_not_others(http: httpx.AsyncClient) -> None:
    for _ in range(5):
        assert (await login(http, "tech", "wrong")).status_code == 401
    locked = await login(http, "tech", "demo")  # even the right password
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert locked.json()["retry_after"] > 0
    assert (await login(http, "manager", "demo")).status_code == 200


async def test_success_resets_the_failure_count(http: httpx.AsyncClient) -> None:
    for _ in range(4):
        await login(http, "tech", "wrong")
    assert (await login(http, "tech", "demo")).status_code == 200
    for _ in range(4):
        await login(http, "tech", "wrong")
    assert (await login(http, "tech", "demo")).status_code == 200


async def test_logout_revokes_the_token(http: httpx.AsyncClient, database_url: str) -> None:
    token = (await login(http, "tech", "demo")).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await http.post("/auth/logout", headers=headers)).status_code == 204
    assert (await http.get("/me", headers=headers)).status_code == 401
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        revoked = (await conn.execute(select(db.AuthToken.revoked_at))).scalars().all()
    await engine.dispose()
    assert revoked and all(r is not None for r in revoked)


async def test_tokens_are_stored_hashed(http: httpx.AsyncClient, database_url: str) -> None:
    token = (await login(http, "tech", "demo")).json()["access_token"]
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        stored = (await conn.execute(select(db.AuthToken.token_hash))).scalars().all()
    await engine.dispose()
    assert all(token.encode() not in h for h in stored)
    assert all(len(h) == 32 for h in stored)


async def test_passwords_are_argon2id(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        hashes = (await conn.execute(select(db.User.password_hash))).scalars().all()
    await engine.dispose()
    # "!..." marks an account that cannot sign in (no hash verifies against it)
    assert hashes and all(h.startswith(("$argon2id$", "!")) for h in hashes)
    assert any(h.startswith("$argon2id$") for h in hashes)


async def test_hashes_at_owasp_minimum_or_above_and_old_ones_made_again(
    http: httpx.AsyncClient, database_url: str
) -> None:
    """argon2id at m=19 MiB, t=2, p=1 (OWASP's minimum); a hash made with the former
    parameters (m=64 MiB, t=3, p=4) still signs in, and is made again with today's."""
    from argon2 import PasswordHasher
    from argon2.low_level import Type

    from server.services.passwords import _hasher

    assert _hasher.type is Type.ID
    assert _hasher.memory_cost >= 19 * 1024 and _hasher.time_cost >= 2
    old = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4).hash("demo")
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            update(db.User).where(db.User.username == "tech").values(password_hash=old)
        )
    try:
        assert (await login(http, "tech", "demo")).status_code == 200
        async with engine.connect() as conn:
            stored = (
                await conn.execute(select(db.User.password_hash).where(db.User.username == "tech"))
            ).scalar_one()
        assert stored != old and stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert (await login(http, "tech", "demo")).status_code == 200
        assert (await login(http, "tech", "wrong")).status_code == 401
    finally:
        await engine.dispose()

"""The sign-in lockout under guesses sent in parallel, and the time a refusal takes.

The guesses go to the real app over ASGI with ``asyncio.gather``: each request reserves
its attempt in the database before its password is checked, so that however many arrive
at once, at most ``login_max_failures`` passwords are checked and the rest answer 429.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import time
from collections import Counter

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from server.db import models as db
from server.db.session import create_engine, session_factory
from server.services.auth import forget_attempts, reserve_attempt
from server.settings import Settings

GUESSES = 50


async def login(http: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await http.post("/auth/login", json={"username": username, "password": password})


async def burst(http: httpx.AsyncClient, username: str, passwords: list[str]) -> Counter[int]:
    answers = await asyncio.gather(*(login(http, username, p) for p in passwords))
    return Counter(a.status_code for a in answers)


async def attempts(engine: AsyncEngine, username: str) -> int:
    async with engine.connect() as conn:
        count = await conn.scalar(
            select(db.LoginThrottle.failures).where(db.LoginThrottle.username == username)
        )
    return count or 0


async def test_parallel_guesses_check_at_most_the_limit(
    http: httpx.AsyncClient, settings: Settings, database_url: str
) -> None:
    limit = settings.login_max_failures
    engine = create_engine(database_url)
    try:
        # The reproduction: 50 guesses at once, the right password 13th. The 13th
        # is sent once the server has seen 12 (the old code, which counted failures only
        # after checking them, checked 34 wrong passwords and then let the 13th in).
        first = [asyncio.ensure_future(login(http, "tech", "wrong")) for _ in range(12)]
        deadline = time.monotonic() + 30
        while await attempts(engine, "tech") < 12 and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        rest = [login(http, "tech", "demo")]
        rest += [login(http, "tech", "wrong") for _ in range(GUESSES - 13)]
        answers = await asyncio.gather(*first, *rest)
    finally:
        await engine.dispose()
    codes = Counter(a.status_code for a in answers)
    assert codes == {401: limit, 429: GUESSES - limit}, codes
    right = answers[12]
    assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
    assert right.json()["retry_after"] > 0

    # 50 at once, all wrong, for an unknown name (which gave a 500: its throttle row was
    # inserted twice): 5 checked, 45 refused, as for a known one
    codes = await burst(http, "nobody-at-all", ["wrong"] * GUESSES)
    assert codes == {401: limit, 429: GUESSES - limit}, codes
    assert (await login(http, "operator", "demo")).status_code == 200  # others unaffected


async def test_a_success_forgets_the_attempts_before_it_not_those_since(
    database_url: str,
) -> None:
    settings = Settings(database_url=database_url, login_max_failures=3)
    now = dt.datetime.now(dt.UTC)
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            numbers = [(await reserve_attempt(session, "tech", now, settings))[0] for _ in range(4)]
            assert numbers == [1, 2, 3, 4]
            await forget_attempts(session, "tech", 1, settings)  # 1 succeeded, 2-4 in flight
            await session.commit()
        assert await attempts(engine, "tech") == 3  # still the limit: still locked
        async with sessions() as session:
            assert (await reserve_attempt(session, "tech", now, settings))[0] == 4
            await forget_attempts(session, "tech", 4, settings)
            await session.commit()
        async with engine.connect() as conn:
            left = (await conn.execute(select(db.LoginThrottle.username))).scalars().all()
        assert "tech" not in left
    finally:
        await engine.dispose()


async def test_after_the_lock_one_attempt_after_the_window_a_new_count(
    database_url: str,
) -> None:
    limit = 2  # fewer argon2 checks than the default 5
    app = create_app(Settings(database_url=database_url, login_max_failures=limit))
    engine = create_engine(database_url)

    async def age(*, lock_over: bool, window_over: bool) -> None:
        now = dt.datetime.now(dt.UTC)
        values: dict[str, dt.datetime] = {}
        if lock_over:
            values["locked_until"] = now - dt.timedelta(seconds=1)
        if window_over:
            values["window_start"] = now - dt.timedelta(days=1)
        async with engine.begin() as conn:
            await conn.execute(
                update(db.LoginThrottle).where(db.LoginThrottle.username == "tech").values(**values)
            )

    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            assert await burst(http, "tech", ["wrong"] * 4) == {401: limit, 429: 2}
            # the lockout is over, not the failure window: one attempt, then locked again
            await age(lock_over=True, window_over=False)
            assert await burst(http, "tech", ["wrong"] * 3) == {401: 1, 429: 2}
            # both over: a new count
            await age(lock_over=True, window_over=True)
            assert await burst(http, "tech", ["wrong"] * 3) == {401: limit, 429: 1}
            await age(lock_over=True, window_over=False)
            assert (await login(http, "tech", "demo")).status_code == 200
        async with engine.connect() as conn:  # a success forgets the attempts
            names = (await conn.execute(select(db.LoginThrottle.username))).scalars().all()
        assert "tech" not in names
    finally:
        await engine.dispose()
        await app.state.engine.dispose()


async def test_accounts_that_cannot_sign_in_take_as_long_as_a_wrong_password(
    http: httpx.AsyncClient, database_url: str
) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        # "!unusable" is the demo's mark of an account without a password
        unusable = (
            await conn.execute(
                select(db.User.username).where(db.User.password_hash.startswith("!")).limit(1)
            )
        ).scalar_one()
        await conn.execute(update(db.User).where(db.User.username == "tech2").values(active=False))
    await engine.dispose()

    async def took(username: str) -> float:
        started = time.perf_counter()
        answer = await login(http, username, "wrong")
        assert answer.status_code == 401
        return time.perf_counter() - started

    await took("warm-up")  # the dummy hash is made once per process
    wrong = statistics.median([await took("manager") for _ in range(3)])
    # Each of these checks the password against a dummy hash; without it, they would
    # answer in a few milliseconds, against tens or hundreds for argon2.
    for username in (unusable, "tech2", "no-such-user"):
        assert await took(username) > wrong / 3, (username, wrong)

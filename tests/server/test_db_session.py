"""The connection pool on PostgreSQL: no connection check query per request, yet a connection
the database closed (a restart, a terminated backend) is never handed to a request."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from server.db.session import SQL_LOG_ENV
from server.settings import Settings
from tests.conftest import PG_URL

pg_only = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (SAV_TEST_DATABASE_URL)")


async def _token(http: httpx.AsyncClient) -> dict[str, str]:
    answer = await http.post("/auth/login", json={"username": "tech", "password": "demo"})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _terminate_backends(database_url: str) -> int:
    """Close, from the database's side, every connection to this test's database."""
    import asyncpg

    u = make_url(database_url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database="postgres"
    )
    try:
        closed: int = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1",
            u.database,
        )
    finally:
        await conn.close()
    return closed


@pg_only
async def test_requests_after_the_database_closed_the_pool_s_connections(
    http: httpx.AsyncClient, database_url: str
) -> None:
    headers = await _token(http)
    # a few connections in the pool, each used
    answers = await asyncio.gather(*(http.get("/me", headers=headers) for _ in range(4)))
    assert {a.status_code for a in answers} == {200}
    assert await _terminate_backends(database_url) >= 1
    await asyncio.sleep(0.2)  # the goodbye reaches the event loop (a restart takes longer)
    answers = await asyncio.gather(*(http.get("/me", headers=headers) for _ in range(4)))
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]


@pg_only
async def test_a_signed_in_read_sends_no_connection_check(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``GET /me`` (a read-only route, ``server.deps.read_only``): the token's user alone, no
    BEGIN / ROLLBACK (its session is in autocommit mode) and no ``;`` ping."""
    from server.app import create_app

    log = tmp_path / "sql.log"
    monkeypatch.setenv(SQL_LOG_ENV, str(log))
    app = create_app(settings)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            headers = await _token(http)
            await http.get("/me", headers=headers)  # the statement cache warm
            await asyncio.sleep(0.05)
            before = log.stat().st_size
            assert (await http.get("/me", headers=headers)).status_code == 200
            await asyncio.sleep(0.05)  # asyncpg's logger writes a loop turn later
    finally:
        await app.state.engine.dispose()
    with log.open(encoding="utf-8") as f:
        f.seek(before)
        statements = [line.split("\t", 1)[1].strip() for line in f]
    assert ";" not in statements, statements
    assert len(statements) == 1, statements
    assert statements[0].startswith("SELECT"), statements


async def test_a_read_only_session_refuses_to_write(settings: Settings) -> None:
    """A route marked read-only that comes to write fails (a 500), on either database, rather
    than writing outside a transaction."""
    from sqlalchemy import literal, select, update

    from server.db import models as db
    from server.db.session import ReadOnlyViolation, create_engine, read_session_factory

    engine = create_engine(settings.database_url)
    try:
        async with read_session_factory(engine)() as session:
            assert (await session.execute(select(literal(1)))).scalar_one() == 1  # it reads
            with pytest.raises(ReadOnlyViolation):
                await session.execute(update(db.User).values(full_name="x"))
            session.add(db.ServiceCentre(code="RO", name="read only"))
            with pytest.raises(ReadOnlyViolation):
                await session.flush()
    finally:
        await engine.dispose()


async def test_opening_a_ticket_sends_two_statements_per_request_after_the_token_s(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ticket screen's group, history and previous tickets: the token's user, then two
    statements each (the object, as the reader may see it, with what comes with it in one;
    then its list), on either database."""
    from server.app import create_app

    log = tmp_path / "sql.log"
    monkeypatch.setenv(SQL_LOG_ENV, str(log))
    app = create_app(settings)
    sent: dict[str, list[str]] = {}
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            headers = await _token(http)
            listing = await http.get("/tickets", params={"limit": 1}, headers=headers)
            assert listing.status_code == 200, listing.text
            ticket = listing.json()["items"][0]
            paths = [
                f"/ticket-groups/{ticket['group_id']}",
                f"/tickets/{ticket['id']}/history",
                f"/tickets/{ticket['id']}/previous",
            ]
            for path in paths:
                await http.get(path, headers=headers)  # the statement cache warm
                await asyncio.sleep(0.05)
                before = log.stat().st_size
                answer = await http.get(path, headers=headers)
                assert answer.status_code == 200, answer.text
                await asyncio.sleep(0.05)  # asyncpg's logger writes a loop turn later
                with log.open(encoding="utf-8") as f:
                    f.seek(before)
                    sent[path] = [line.split("\t", 1)[1].strip() for line in f]
    finally:
        await app.state.engine.dispose()
    for path, statements in sent.items():
        assert len(statements) == 3, (path, statements)
        assert all(s.startswith("SELECT") for s in statements), (path, statements)

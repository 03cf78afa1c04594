"""``server.db.direct.DirectSelect``: a SELECT run on the driver's connection gives the rows
SQLAlchemy would (types processed), sees the session's own writes, is announced to the
statement listeners, and falls back to SQLAlchemy when its parameters are rendered late.

Runs on SQLite, or PostgreSQL with SAV_TEST_DATABASE_URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import bindparam, event, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from server.db import models as db
from server.db.direct import DirectSelect
from server.db.session import create_engine, session_factory

BASE = 980_000


def _part(n: int, obsolete: bool) -> dict[str, Any]:
    return {
        "id": BASE + n,
        "code": f"D{BASE + n}",
        "description": f"DIRECT {n}",
        "price_cents": 1234,
        "availability": "in_stock",
        "stock": 2,
        "lead_time_days": 1,
        "obsolete": obsolete,
    }


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(insert(db.Part), [_part(1, True), _part(2, False)])
        await conn.execute(
            insert(db.PartRelation),
            [
                {
                    "id": BASE + 1,
                    "from_part_id": BASE + 1,
                    "to_part_id": BASE + 2,
                    "kind": "supersedes",
                    "direction": "one_way",
                    "quantity": 1,
                    "valid_from": dt.date(2025, 3, 4),
                    "production_to": dt.date(2024, 12, 31),
                    "reason": "direct",
                }
            ],
        )
    yield engine
    await engine.dispose()


COLUMNS = (
    db.Part.id,
    db.Part.code,
    db.Part.obsolete,
    db.PartRelation.valid_from,
    db.PartRelation.production_from,
    db.PartRelation.production_to,
)


def _by_code() -> Any:
    return (
        select(*COLUMNS)
        .select_from(db.Part)
        .outerjoin(db.PartRelation, db.PartRelation.from_part_id == db.Part.id)
        .where(db.Part.code == bindparam("code"))
        .limit(10)
    )


async def test_rows_are_those_sqlalchemy_gives_with_their_types(engine: AsyncEngine) -> None:
    direct = DirectSelect(_by_code())
    async with session_factory(engine)() as session:
        for code in (f"D{BASE + 1}", f"D{BASE + 2}"):
            got = [tuple(row) for row in await direct.rows(session, {"code": code})]
            conn = await session.connection()
            expected = [tuple(r) for r in (await conn.execute(_by_code(), {"code": code})).all()]
            assert got == expected and len(got) == 1
            assert [type(v) for v in got[0]] == [type(v) for v in expected[0]]
    async with session_factory(engine)() as session:
        (row,) = await direct.rows(session, {"code": f"D{BASE + 1}"})
    assert tuple(row) == (BASE + 1, f"D{BASE + 1}", True, dt.date(2025, 3, 4), None,
                          dt.date(2024, 12, 31))  # fmt: skip
    assert row[2] is True


async def test_the_session_s_own_writes_are_seen(engine: AsyncEngine) -> None:
    direct = DirectSelect(_by_code())
    async with session_factory(engine)() as session:
        session.add(db.Part(**_part(3, False)))
        await session.flush()
        rows = await direct.rows(session, {"code": f"D{BASE + 3}"})
        assert [row[0] for row in rows] == [BASE + 3]
        await session.rollback()
    async with session_factory(engine)() as session:
        assert await direct.rows(session, {"code": f"D{BASE + 3}"}) == []


async def test_it_is_announced_once_and_late_parameters_fall_back(engine: AsyncEngine) -> None:
    sent: list[str] = []

    def listen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", listen)
    by_ids = DirectSelect(
        select(db.Part.id, db.Part.obsolete)
        .where(db.Part.id.in_(bindparam("ids", expanding=True)))
        .order_by(db.Part.id)
    )
    async with session_factory(engine)() as session:
        await DirectSelect(_by_code()).rows(session, {"code": f"D{BASE + 2}"})
        assert len(sent) == 1 and "parts" in sent[0]
        rows = await by_ids.rows(session, {"ids": [BASE + 1, BASE + 2]})
    assert [tuple(r) for r in rows] == [(BASE + 1, True), (BASE + 2, False)]
    assert len(sent) == 2

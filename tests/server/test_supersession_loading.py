"""Loading a part's supersession graph from the database: what it takes in, in how many queries.

Runs on the seeded test database (SQLite, or PostgreSQL with SAV_TEST_DATABASE_URL), with a
few hand-built parts and relations added under ids the demo data does not use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from client.models import ResolutionStatus
from server.db import models as db
from server.db.session import create_engine, session_factory
from server.errors import NotFound
from server.services import catalogue
from server.services.supersession import ApplianceContext

TODAY = dt.date(2026, 11, 23)
BASE = 990_000


def _part(n: int, availability: str = "in_stock") -> dict[str, Any]:
    return {
        "id": BASE + n,
        "code": f"T{BASE + n}",
        "description": f"TEST PART {n}",
        "price_cents": 1000,
        "availability": availability,
        "stock": 3,
        "lead_time_days": 1,
        "obsolete": False,
    }


def _relation(rid: int, a: int, b: int, **extra: Any) -> dict[str, Any]:
    # every row has the same keys: an executemany INSERT takes its columns from the first
    row = {
        "id": BASE + rid,
        "from_part_id": BASE + a,
        "to_part_id": BASE + b,
        "kind": "supersedes",
        "direction": "one_way",
        "quantity": 1,
        "kit_group": None,
        "reason": "test",
    }
    row.update(extra)
    return row


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            insert(db.Part),
            [_part(n) for n in range(1, 9)] + [_part(9, "unavailable")],
        )
        await conn.execute(
            insert(db.PartRelation),
            [
                # a chain 1 -> 2 -> 3
                _relation(1, 1, 2),
                _relation(2, 2, 3),
                # kit K: replacing 4 or 5 means ordering 6 (x2) and 7; the rows 4 -> 6 and
                # 5 -> 7 share no part, and 7 is itself replaced by 8
                _relation(3, 4, 6, kind="kit_member", kit_group="TEST-KIT", quantity=2),
                _relation(4, 5, 7, kind="kit_member", kit_group="TEST-KIT"),
                _relation(5, 7, 8),
            ],
        )
    yield engine
    await engine.dispose()


class Statements:
    """Counts the statements sent to the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.sent: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._sent)

    def _sent(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        self.sent.append(statement)


async def _resolve(session: AsyncSession, code: str) -> Any:
    answer, graph = await catalogue.resolve(session, code, ApplianceContext(), TODAY)
    return answer, graph


async def test_a_chain_is_loaded_and_resolved_in_one_query(engine: AsyncEngine) -> None:
    statements = Statements(engine)
    async with session_factory(engine)() as session:
        answer, graph = await _resolve(session, f"T{BASE + 1}")
    assert answer.status is ResolutionStatus.ORDERABLE
    assert [item.part.code for item in answer.order] == [f"T{BASE + 3}"]
    assert [(s.from_code, s.to_code) for s in answer.steps] == [
        (f"T{BASE + 1}", f"T{BASE + 2}"),
        (f"T{BASE + 2}", f"T{BASE + 3}"),
    ]
    assert set(graph.parts) == {BASE + n for n in (1, 2, 3)}
    assert len(statements.sent) == 1


async def test_a_part_without_relations_is_one_query(engine: AsyncEngine) -> None:
    statements = Statements(engine)
    async with session_factory(engine)() as session:
        start, graph = await catalogue.load_component(session, f" T{BASE + 9} ")
    assert start.code == f"T{BASE + 9}" and start.availability == "unavailable"
    assert set(graph.parts) == {BASE + 9} and graph.edges == []
    assert len(statements.sent) == 1


async def test_a_kit_group_takes_in_the_rows_that_share_no_part(engine: AsyncEngine) -> None:
    statements = Statements(engine)
    async with session_factory(engine)() as session:
        answer, graph = await _resolve(session, f"T{BASE + 4}")
    assert answer.status is ResolutionStatus.ORDERABLE
    # 6 twice, and 7 as what replaces it (8): the group's row 5 -> 7 and 7's own relation
    # were loaded although part 4 shares no relation with them
    assert {(item.part.code, item.quantity) for item in answer.order} == {
        (f"T{BASE + 6}", 2),
        (f"T{BASE + 8}", 1),
    }
    assert set(graph.parts) == {BASE + n for n in (4, 5, 6, 7, 8)}
    # 4's component, the group's other rows, then the component of what they brought in
    assert len(statements.sent) == 3


async def test_an_unknown_code_is_not_found(engine: AsyncEngine) -> None:
    async with session_factory(engine)() as session:
        with pytest.raises(NotFound):
            await catalogue.load_component(session, "NO-SUCH-PART")

"""``INSERT ... ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL alike.

Used where two requests may create the same row at once (a user's first cart, the order
sequence of a new year, a cart snapshot): the loser's insert does nothing instead of
failing, and the row is then updated under its lock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import FromClause
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_ignore(session: AsyncSession, table: FromClause, **values: Any) -> bool:
    """Insert the row unless one with the same key exists; True when it was inserted."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(table).values(**values).on_conflict_do_nothing()
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]

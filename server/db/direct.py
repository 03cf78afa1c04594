"""A SELECT run on the driver's own connection, for the few hot reads where SQLAlchemy's
execution path costs more than the query (the supersession resolver's component).

Through an ``AsyncConnection`` one statement costs, besides the query: its cache key, and on
aiosqlite four hops to the driver's thread (a cursor, execute, fetchall, close the cursor),
on asyncpg a ``BEGIN`` round trip before the first statement of a transaction. A
:class:`DirectSelect` is compiled once per dialect, then run on the session's connection
with one hop (aiosqlite's ``execute_fetchall``) or one round trip (asyncpg's ``fetch``,
through its own prepared-statement cache); the rows get SQLAlchemy's result processing of
their columns (SQLite's dates and booleans).

It reads only: no ``BEGIN`` is sent for it, which changes nothing for one statement (SQLite
reads outside a transaction until a write; PostgreSQL at READ COMMITTED takes a snapshot per
statement either way), and inside a transaction already begun it runs in that transaction,
seeing its writes. Other drivers, and statements whose parameters are rendered at execution
time (an expanding ``IN``), go through SQLAlchemy as usual. The statement is announced to
the ``before_cursor_execute`` listeners (the SQL log, the tests that count statements; no
cursor, no context, and they cannot rewrite it). Errors are the driver's own exceptions,
not SQLAlchemy's wrappers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

DIRECT_DRIVERS = frozenset({"aiosqlite", "asyncpg"})


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    """The bound parameters' names, in the order of the statement's placeholders."""
    defaults: dict[str, Any]
    """Values bound when the statement was built (a LIMIT, say)."""
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]
    """(column index, result processor) for the columns that need one on this dialect."""


class DirectSelect:
    """``statement`` compiled once per dialect; :meth:`rows` runs it (see the module)."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled | None] = {}

    def _compile(self, dialect: Dialect) -> _Compiled | None:
        key = f"{dialect.name}+{dialect.driver}"
        if key in self._compiled:
            return self._compiled[key]
        found: _Compiled | None = None
        compiled = self.statement.compile(dialect=dialect)
        names = compiled.positiontup
        if (
            dialect.driver in DIRECT_DRIVERS
            and names is not None
            and "POSTCOMPILE" not in compiled.string
        ):
            processors = []
            for index, column in enumerate(self.statement.selected_columns):
                processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
                if processor is not None:
                    processors.append((index, processor))
            found = _Compiled(
                compiled.string, tuple(names), dict(compiled.params), tuple(processors)
            )
        self._compiled[key] = found
        return found

    async def rows(self, session: AsyncSession, params: Mapping[str, Any]) -> Sequence[Any]:
        """The rows (indexable by column position) for ``params``."""
        conn = await session.connection()
        compiled = self._compile(conn.dialect)
        if compiled is None:
            result = await conn.execute(self.statement, dict(params))
            return list(result.all())
        args = [params[n] if n in params else compiled.defaults[n] for n in compiled.names]
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        sync = conn.sync_connection
        if sync is not None and sync.dispatch.before_cursor_execute:
            # the SQL log (SAV_SQL_LOG), tests that count statements
            sync.dispatch.before_cursor_execute(sync, None, compiled.sql, tuple(args), None, False)
        rows: Sequence[Any]
        if conn.dialect.driver == "asyncpg":
            rows = await driver.fetch(compiled.sql, *args)
        else:
            rows = await driver.execute_fetchall(compiled.sql, args)
        if not compiled.processors:
            return rows
        processed = []
        for row in rows:
            values = list(row)
            for index, processor in compiled.processors:
                values[index] = processor(values[index])
            processed.append(values)
        return processed

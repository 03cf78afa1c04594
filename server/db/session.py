"""Engines and sessions: SQLite (WAL, busy timeout, foreign keys) or PostgreSQL by URL."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Executable, Result, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session

SQLITE_BUSY_TIMEOUT_MS = 5000
SQL_LOG_ENV = "SAV_SQL_LOG"
"""A file to append every statement this process sends to (``bench.server_cost`` counts
them per request): its text only, never the values bound to it. Off when unset."""


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for ``url``; on SQLite, every connection gets WAL and a busy timeout.

    ``hide_parameters``: an error (and ``echo``) shows the SQL without the values bound to
    it, which are customers' data (a log note, a phone number) and never belong in a log."""
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if is_sqlite(url):
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        # no pool_pre_ping: on asyncpg it costs three round trips per checkout (BEGIN, ";",
        # ROLLBACK), half of what a signed-in request sends; _alive does its work for free
        kwargs.update(pool_size=10, max_overflow=10)
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        event.listen(engine.sync_engine, "checkout", _alive)
    if log := os.environ.get(SQL_LOG_ENV):
        _log_statements(engine, log)
    return engine


def _log_statements(engine: AsyncEngine, path: str) -> None:
    """Append ``pid<TAB>statement`` to ``path`` for every statement (one line each, without
    its parameters). On PostgreSQL also what SQLAlchemy sends outside its cursors: the
    transactions' BEGIN / COMMIT / ROLLBACK and the pool's connection check (asyncpg's query
    logger; SQLAlchemy's statements go through prepared statements, which it does not log)."""
    out = open(path, "a", encoding="utf-8", buffering=1)  # open for the process's life
    pid = os.getpid()

    def write(statement: str) -> None:
        out.write(f"{pid}\t{' '.join(statement.split())}\n")

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        write(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    if not is_sqlite(str(engine.url)):

        def on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.driver_connection.add_query_logger(lambda record: write(record.query))

        event.listen(engine.sync_engine, "connect", on_connect)


def _alive(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """A pooled connection the server closed (a restart, an idle timeout, a terminated
    backend) is replaced at checkout, without a round trip: asyncpg reads its socket all
    the time, so the server's goodbye has already marked the connection closed. The pool
    takes another connection on ``DisconnectionError``."""
    if dbapi_conn.driver_connection.is_closed():
        raise DisconnectionError("connection closed by the server")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


class ReadOnlySession(Session):
    """A session that reads only: a write through it (an INSERT, UPDATE or DELETE, a flush
    of a change) raises ``ReadOnlyViolation``, so a route marked read-only that comes to
    write fails loudly (a 500, and every test of it) instead of writing outside a
    transaction."""


class ReadOnlyViolation(RuntimeError):
    """A read-only session was asked to write."""


@event.listens_for(ReadOnlySession, "do_orm_execute")
def _refuse_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlyViolation("a read-only request tried to write")


@event.listens_for(ReadOnlySession, "before_flush")
def _refuse_flush(session: Session, *_args: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyViolation("a read-only request tried to write")


def read_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for the requests that only read (``server.deps.read_only``).

    On PostgreSQL their connection is in autocommit mode: no ``BEGIN`` before the first
    statement and no ``ROLLBACK`` at the end, two of the three round trips of a ``GET /me``.
    Nothing a reader sees changes: at READ COMMITTED each statement of a transaction takes
    its own snapshot anyway. On SQLite the connection is as for any request (its driver
    opens no transaction for a SELECT)."""
    bind = (
        engine
        if is_sqlite(str(engine.url))
        else engine.execution_options(isolation_level="AUTOCOMMIT")
    )
    return async_sessionmaker(bind, expire_on_commit=False, sync_session_class=ReadOnlySession)


async def execute_columns(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any] | None = None
) -> Result[*tuple[Any, ...]]:
    """Run a SELECT of columns (no ORM entity among them) on the session's connection, in
    its transaction: the rows are the same as ``session.execute``'s, without the ORM's
    work around them (about 140 µs of CPU per statement on PostgreSQL, a third of running
    a small one)."""
    connection = await session.connection()
    return await connection.execute(statement, params)

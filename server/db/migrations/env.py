"""Alembic environment: runs migrations on the async engine given by server.db.migrate."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from server.db.models import Base
from server.db.session import create_engine, is_sqlite

config = context.config
target_metadata = Base.metadata


# Made by migration 0002 outside the models' metadata: the FTS5 table (and its shadow
# tables) on SQLite, the GIN index on PostgreSQL. Autogenerate must leave them alone.
_UNMANAGED_PREFIXES = (
    "tickets_fts",
    "ix_tickets_search",
    "ix_tickets_overdue",
    "customers_phone",  # migration 0014: the phones' trigrams (FTS5 on SQLite) ...
    "ix_customers_phone_trgm",  # ... and pg_trgm's GIN index on PostgreSQL
    "search_vector",  # migration 0015: PostgreSQL's stored free-text vector of a ticket
)


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (reflected and name is not None and name.startswith(_UNMANAGED_PREFIXES))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include_object,
        render_as_batch=is_sqlite(str(connection.engine.url)),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()

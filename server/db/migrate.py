"""Bring a database to the latest schema with Alembic (``sav db upgrade``).

Start-up of the embedded backend calls :func:`upgrade` every time; when the database is
already at :data:`HEAD` it answers from one query, without importing Alembic (a quarter
of a second). A test keeps :data:`HEAD` equal to the newest migration.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from server.db.session import create_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD = "0016"
"""The newest revision in migrations/versions."""


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None for an empty (or foreign) database."""
    try:
        async with engine.connect() as connection:
            return (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).scalar()
    except DBAPIError:
        return None


async def upgrade(url: str, engine: AsyncEngine | None = None) -> None:
    """Migrate the database at ``url`` to head, on ``engine`` if given."""
    own = engine is None
    engine = engine or create_engine(url)
    try:
        if await current_revision(engine) == HEAD:
            return
        from alembic import command

        config = alembic_config(url)

        def _upgrade(connection: Any) -> None:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
    finally:
        if own:
            await engine.dispose()

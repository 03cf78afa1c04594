"""Bring a database to the latest schema with Alembic (``sav db upgrade``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

from server.db.session import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(url: str, engine: AsyncEngine | None = None) -> None:
    """Migrate the database at ``url`` to head, on ``engine`` if given."""
    own = engine is None
    engine = engine or create_engine(url)
    config = alembic_config(url)

    def _upgrade(connection: object) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)
    if own:
        await engine.dispose()

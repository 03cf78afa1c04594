"""Migration 0008 (the contact clock's columns) down and up again on a copy of the demo
database: the tickets keep their rows, and every existing ticket's clock is its status
change (both columns empty)."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import command
from sqlalchemy import inspect, text

from server.db.migrate import alembic_config
from server.db.session import create_engine
from tests.server.test_migrations import check_no_drift


def _migrate(url: str, target: str, *, down: bool) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        engine = create_engine(url)

        def step(connection: Any) -> dict[str, Any]:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, target)
            columns = {c["name"] for c in inspect(connection).get_columns("tickets")}
            count = connection.execute(text("SELECT count(*) FROM tickets")).scalar_one()
            clocks = (
                None
                if down
                else connection.execute(
                    text(
                        "SELECT count(*) FROM tickets WHERE contact_clock_at IS NOT NULL "
                        "OR contact_paused_at IS NOT NULL"
                    )
                ).scalar_one()
            )
            return {"columns": columns, "count": count, "clocks": clocks}

        async with engine.begin() as conn:
            found = await conn.run_sync(step)
        await engine.dispose()
        return found

    return asyncio.run(run())


def test_0008_down_and_up(database_url: str) -> None:
    down = _migrate(database_url, "0007", down=True)
    assert not {"contact_clock_at", "contact_paused_at"} & down["columns"]
    up = _migrate(database_url, "head", down=False)
    assert {"contact_clock_at", "contact_paused_at"} <= up["columns"]
    assert up["count"] == down["count"] > 0 and up["clocks"] == 0
    check_no_drift(database_url)

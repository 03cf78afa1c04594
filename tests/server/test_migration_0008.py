"""Migration 0008 (the contact clock's columns) down and up again on a copy of the demo
database: the tickets keep their rows, and every existing ticket's clock is its status
change (both columns empty)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text

from tests.server.test_migrations import check_no_drift, migrate_then


def _migrate(url: str, target: str, *, down: bool) -> dict[str, Any]:
    def read(connection: Any) -> dict[str, Any]:
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

    return migrate_then(url, target, down=down, read=read)


def test_0008_down_and_up(database_url: str) -> None:
    down = _migrate(database_url, "0007", down=True)
    assert not {"contact_clock_at", "contact_paused_at"} & down["columns"]
    up = _migrate(database_url, "head", down=False)
    assert {"contact_clock_at", "contact_paused_at"} <= up["columns"]
    assert up["count"] == down["count"] > 0 and up["clocks"] == 0
    check_no_drift(database_url)

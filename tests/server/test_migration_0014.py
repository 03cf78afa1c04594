"""Migration 0014 (the customers' search keys) down and up again on a copy of the demo
database: every existing customer gets the digits of its phone and its city in lower case,
the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import command
from sqlalchemy import inspect, text

from server.db import models as db
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
            columns = {c["name"] for c in inspect(connection).get_columns("customers")}
            if down:
                # a customer whose phone and city only Python folds the same everywhere
                connection.execute(
                    text(
                        "UPDATE customers SET home_phone = '+39 (0)2-12.34', city = 'ÉVRY' "
                        "WHERE id = (SELECT min(id) FROM customers)"
                    )
                )
                return {"columns": columns}
            rows = connection.execute(
                text("SELECT home_phone, city, phone_digits, city_key FROM customers")
            ).all()
            return {"columns": columns, "rows": rows}

        async with engine.begin() as conn:
            found = await conn.run_sync(step)
        await engine.dispose()
        return found

    return asyncio.run(run())


def test_0014_down_and_up_fills_the_keys(database_url: str) -> None:
    down = _migrate(database_url, "0013", down=True)
    assert not {"phone_digits", "city_key"} & down["columns"]
    up = _migrate(database_url, "head", down=False)
    assert {"phone_digits", "city_key"} <= up["columns"]
    assert len(up["rows"]) > 100
    for phone, city, digits, key in up["rows"]:
        assert (digits, key) == (db.phone_digits_of(phone), db.city_key_of(city))
    assert ("3902 1234".replace(" ", ""), "évry") in {(d, k) for _p, _c, d, k in up["rows"]}
    check_no_drift(database_url)

"""Migration 0014 (the customers' search keys) down and up again on a copy of the demo
database: every existing customer gets the digits of its phone and its city in lower case,
the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text

from server.db import models as db
from tests.server.test_migrations import check_no_drift, migrate_then


def _migrate(url: str, target: str, *, down: bool) -> dict[str, Any]:
    def read(connection: Any) -> dict[str, Any]:
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

    return migrate_then(url, target, down=down, read=read)


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

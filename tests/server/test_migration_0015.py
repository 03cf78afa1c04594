"""Migration 0015 (the tickets' city and model keys) down and up again on a copy of the demo
database: every existing ticket gets its customer's city key and its appliance's model code
(and, on PostgreSQL, the stored free-text vector the search reads)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text

from tests.server.test_migrations import check_no_drift, migrate_then


def _migrate(url: str, target: str, *, down: bool) -> dict[str, Any]:
    def read(connection: Any) -> dict[str, Any]:
        columns = {c["name"] for c in inspect(connection).get_columns("tickets")}
        if down:
            return {"columns": columns}
        rows = connection.execute(
            text(
                "SELECT t.city_key, c.city_key, t.model_code, a.model_code FROM tickets t "
                "JOIN customers c ON c.id = t.customer_id "
                "JOIN appliances a ON a.id = t.appliance_id"
            )
        ).all()
        found = None
        if connection.dialect.name == "postgresql":
            found = connection.execute(
                text(
                    "SELECT count(*) FROM tickets "
                    "WHERE search_vector = to_tsvector('simple', search_document)"
                )
            ).scalar()
        return {"columns": columns, "rows": rows, "vectors": found}

    return migrate_then(url, target, down=down, read=read)


def test_0015_down_and_up_fills_the_keys(database_url: str) -> None:
    down = _migrate(database_url, "0014", down=True)
    assert not {"city_key", "model_code", "search_vector"} & down["columns"]
    up = _migrate(database_url, "head", down=False)
    assert {"city_key", "model_code"} <= up["columns"]
    assert len(up["rows"]) > 100
    for ticket_city, customer_city, ticket_model, appliance_model in up["rows"]:
        assert (ticket_city, ticket_model) == (customer_city, appliance_model)
    assert any(city for city, *_rest in up["rows"]) and all(row[2] for row in up["rows"])
    if up["vectors"] is not None:
        assert up["vectors"] == len(up["rows"])
    check_no_drift(database_url)

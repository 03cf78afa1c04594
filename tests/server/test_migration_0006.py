"""Migration 0006 (closing: coded lists, parts used, frozen amounts) down and up again on a
copy of the demo database, on SQLite and on PostgreSQL (SAV_TEST_DATABASE_URL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text

from server.services.money import from_cents, to_cents, vat_on
from tests.server.test_migrations import check_no_drift, migrate_then


def _migrate(url: str, target: str, *, down: bool) -> dict[str, Any]:
    def read(connection: Any) -> dict[str, Any]:
        inspector = inspect(connection)
        rows = connection.execute(
            text(
                "SELECT count(*) FROM interventions WHERE closed_at IS NOT NULL"
                if down
                else "SELECT rate_cents, spares_cents, bonuses_cents, vat_rate, "
                "net_cents, vat_cents, total_cents, closed_at IS NOT NULL "
                "FROM interventions"
            )
        ).all()
        return {
            "tables": set(inspector.get_table_names()),
            "columns": {c["name"] for c in inspector.get_columns("interventions")},
            "centre": {c["name"] for c in inspector.get_columns("service_centres")},
            "rows": rows,
        }

    return migrate_then(url, target, down=down, read=read)


def test_0006_down_and_up_keeps_the_closings_and_freezes_their_amounts(database_url: str) -> None:
    down = _migrate(database_url, "0005", down=True)
    assert "closing_codes" not in down["tables"] and "intervention_parts" not in down["tables"]
    assert "net_cents" not in down["columns"] and "fault_code" not in down["columns"]
    assert "max_rate_cents" not in down["centre"]
    closed = down["rows"][0][0]
    assert closed > 0

    up = _migrate(database_url, "head", down=False)
    assert {"closing_codes", "intervention_parts"} <= up["tables"]
    frozen = 0
    for rate, spares, bonuses, vat_rate, net, vat, total, is_closed in up["rows"]:
        if not is_closed:
            assert net is None and total is None
            continue
        frozen += 1
        assert net == rate + spares + bonuses
        assert vat == to_cents(vat_on(from_cents(net), vat_rate))
        assert total == net + vat
    assert frozen == closed
    check_no_drift(database_url)

"""Migration 0011: the centre's invoice on a voucher (and its version) comes and goes
without touching the vouchers themselves."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import inspect, text

from server.db.migrate import alembic_config
from server.db.session import create_engine
from tests.server.test_migrations import check_no_drift

NEW = {
    "centre_invoice_number",
    "centre_invoice_cents",
    "centre_invoice_at",
    "centre_invoice_by_id",
    "version",
}


async def _state(url: str) -> tuple[set[str], list[tuple[object, ...]]]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        columns = await conn.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns("vouchers")}
        )
        rows = (
            await conn.execute(text("SELECT id, number, total_cents FROM vouchers ORDER BY id"))
        ).all()
    await engine.dispose()
    return columns, [tuple(r) for r in rows]


def test_downgrade_then_upgrade_keeps_the_vouchers(database_url: str) -> None:
    columns, vouchers = asyncio.run(_state(database_url))
    assert NEW <= columns and vouchers
    config = alembic_config(database_url)
    command.downgrade(config, "0010")
    columns_down, vouchers_down = asyncio.run(_state(database_url))
    assert not NEW & columns_down and vouchers_down == vouchers
    command.upgrade(config, "head")  # 0011, and those after it
    columns_up, vouchers_up = asyncio.run(_state(database_url))
    assert NEW <= columns_up and vouchers_up == vouchers
    check_no_drift(database_url)

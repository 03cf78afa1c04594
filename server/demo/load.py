"""Writing the demo rows into a database: the public entry points and the bulk inserts."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Date, Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from server.db import models as db
from server.demo.builder import (
    _Demo,
)
from server.demo.data import (
    _TABLES,
    CHUNK,
    DEMO_ACCOUNTS,
    UTC,
)
from server.services.passwords import hash_password_sync
from server.services.ticket_search import document as search_document


@dataclass(frozen=True)
class DemoSummary:
    service_centres: int
    users: int
    customers: int
    appliances: int
    ticket_groups: int
    tickets: int
    history_entries: int
    catalogue_models: int
    parts: int
    exploded_view_lines: int
    part_relations: int
    orders: int
    order_lines: int
    interventions: int
    vouchers: int
    elapsed_seconds: float

    def __str__(self) -> str:
        return (
            f"{self.tickets} tickets in {self.ticket_groups} groups, "
            f"{self.history_entries} history entries, {self.customers} customers, "
            f"{self.parts} parts in {self.catalogue_models} models "
            f"({self.exploded_view_lines} view lines, {self.part_relations} relations), "
            f"{self.orders} orders ({self.order_lines} lines), "
            f"{self.interventions} interventions, {self.vouchers} vouchers "
            f"({self.elapsed_seconds:.1f} s)"
        )


# =========================================================================== public API


async def is_seeded(engine: AsyncEngine) -> bool:
    """True when the database already holds users (demo data goes into an empty one)."""
    async with engine.connect() as conn:
        row = (await conn.execute(select(db.User.id).limit(1))).first()
    return row is not None


async def seed_demo(
    engine: AsyncEngine,
    *,
    tickets: int = 400,
    seed: int = 2026,
    now: dt.datetime | None = None,
) -> DemoSummary:
    """Fill an empty, migrated database with the demo data; see the module docstring."""
    started = time.perf_counter()
    now = now or dt.datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    # one hash per account, each with its own salt (argon2 draws one per hash)
    hashes = await asyncio.gather(
        *(asyncio.to_thread(hash_password_sync, password) for _, password, _, _ in DEMO_ACCOUNTS)
    )
    password_hashes = {account[0]: h for account, h in zip(DEMO_ACCOUNTS, hashes, strict=True)}
    rows = await asyncio.to_thread(
        build_rows, tickets=tickets, seed=seed, now=now, password_hashes=password_hashes
    )
    async with engine.begin() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # a bigger page cache for the indexes being filled (this connection only)
            cache_size = (await conn.exec_driver_sql("PRAGMA cache_size")).scalar()
            await conn.exec_driver_sql("PRAGMA cache_size=-131072")  # 128 MiB
        for table in _TABLES:
            await _bulk_insert(conn, table, rows[table.name])
        if sqlite:
            await conn.exec_driver_sql(f"PRAGMA cache_size={int(cache_size or -2000)}")
        if conn.dialect.name == "postgresql":
            for table in _TABLES:
                id_column = table.c.get("id")
                if id_column is None or id_column.autoincrement is False:
                    continue
                await conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT MAX(id) FROM {table.name}))"
                    )
                )
    await analyze(engine)
    return DemoSummary(
        **{name: len(rows[name]) for name in _SUMMARY_TABLES},
        elapsed_seconds=round(time.perf_counter() - started, 3),
    )


async def analyze(engine: AsyncEngine) -> None:
    """Gather the planner's statistics (``ANALYZE``, SQLite and PostgreSQL): after a bulk load
    the planner otherwise guesses how many rows each filter keeps, and may pick the wrong
    index. PostgreSQL also gets a VACUUM, which marks the freshly written pages all-visible:
    without it no index-only scan is possible until autovacuum comes by."""
    if engine.dialect.name == "postgresql":  # VACUUM runs outside a transaction
        async with engine.connect() as conn:
            autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM (ANALYZE)")
        return
    async with engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE")


async def _bulk_insert(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) in chunks, in ``conn``'s transaction.

    The plain way is Core's ``conn.execute(insert(table), rows)``. SQLAlchemy's per-row
    parameter handling costs more than the database's own work, so with ``_FAST_PATHS`` on:

    * SQLite: the Core statement is compiled once and the driver gets tuples, each column
      converted by its type's own bind processor for this dialect (or a faster function
      checked to give the same text);
    * PostgreSQL with asyncpg: ``COPY`` (``copy_records_to_table``) of the native values,
      which asyncpg encodes as it would the statement's parameters.

    The tests check that the stored values are the same as with the plain Core inserts.
    """
    if not rows:
        return
    if _FAST_PATHS and conn.dialect.name == "sqlite":
        await _sqlite_insert(conn, table, rows)
        return
    if _FAST_PATHS and conn.dialect.driver == "asyncpg":
        await conn.exec_driver_sql("SELECT 1")  # asyncpg opens the transaction lazily
        raw = await conn.get_raw_connection()
        if getattr(raw.dbapi_connection, "_transaction", None) is not None:
            keys = list(rows[0])
            # asyncpg takes JSON as its text (SQL NULL for None: the columns are none_as_null)
            as_json = [isinstance(table.c[k].type, JSON) for k in keys]
            records = [
                tuple(
                    json.dumps(row[k]) if is_json and row[k] is not None else row[k]
                    for k, is_json in zip(keys, as_json, strict=True)
                )
                for row in rows
            ]
            await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                table.name, records=records, columns=keys
            )
            return
    for start in range(0, len(rows), CHUNK):
        await conn.execute(insert(table), rows[start : start + CHUNK])


async def _sqlite_insert(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    keys = list(rows[0])
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=keys)
    order = list(compiled.positiontup or ())
    processors = []
    for key in order:
        column_type = table.c[key].type
        process = column_type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        fast = _FAST_BIND.get(type(column_type))
        if process is not None and fast is not None:
            sample = next((row[key] for row in rows if row[key] is not None), None)
            if sample is None or fast(sample) == process(sample):
                process = fast  # the same text, at a fraction of the cost
        processors.append(process)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        columns = []
        for key, process in zip(order, processors, strict=True):
            values = [row[key] for row in chunk]
            columns.append(values if process is None else list(map(process, values)))
        await conn.exec_driver_sql(compiled.string, list(zip(*columns, strict=True)))


def _fast_utc_datetime(value: dt.datetime | None) -> str | None:
    """What SQLAlchemy's SQLite DATETIME stores for a UTCDateTime value, computed faster."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


def _fast_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


# each checked against SQLAlchemy's own processor on a sample value before use
_FAST_BIND: dict[type, Any] = {db.UTCDateTime: _fast_utc_datetime, Date: _fast_date}
_FAST_PATHS = True  # the tests compare with the plain Core inserts by turning this off


def build_rows(
    *, tickets: int, seed: int, now: dt.datetime, password_hashes: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Every demo row, by table name, ready for ``insert(table)`` (no database needed);
    ``password_hashes``: each demo account's own hash (the other users have none)."""
    rows = _Demo(seed=seed, now=now, password_hashes=password_hashes).build(tickets)
    _add_search_documents(rows)
    _add_customer_search_keys(rows)
    return rows


def _add_customer_search_keys(rows: dict[str, list[dict[str, Any]]]) -> None:
    """Each customer's phone digits and city key, as the model computes them (the bulk
    inserts give every column themselves)."""
    for customer in rows["customers"]:
        customer["phone_digits"] = db.phone_digits_of(customer.get("home_phone", ""))
        customer["city_key"] = db.city_key_of(customer.get("city", ""))


def _add_search_documents(rows: dict[str, list[dict[str, Any]]]) -> None:
    """Each ticket's free-text words, as the services compute them for a new ticket."""
    customers = {c["id"]: c for c in rows["customers"]}
    serials = {a["id"]: a["serial_number"] for a in rows["appliances"]}
    models = {a["id"]: a["model_code"] for a in rows["appliances"]}
    for ticket in rows["tickets"]:
        customer = customers[ticket["customer_id"]]
        ticket["postal_code"] = customer["postal_code"]  # kept on the ticket for the search
        ticket["city_key"] = db.city_key_of(customer.get("city", ""))
        ticket["model_code"] = models[ticket["appliance_id"]]
        ticket["search_document"] = search_document(
            ticket_id=ticket["id"],
            group_id=ticket["group_id"],
            last_name=customer["last_name"],
            first_name=customer["first_name"],
            company=customer.get("company", ""),
            serial_number=serials[ticket["appliance_id"]],
            external_ref=ticket.get("external_ref", ""),
        )


_SUMMARY_TABLES = (
    "service_centres",
    "users",
    "customers",
    "appliances",
    "ticket_groups",
    "tickets",
    "history_entries",
    "catalogue_models",
    "parts",
    "exploded_view_lines",
    "part_relations",
    "orders",
    "order_lines",
    "interventions",
    "vouchers",
)

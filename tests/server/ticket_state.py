"""Helpers for the ticket action tests: the expected status machine, written out from
DOMAIN.md independently of server.services.status_machine, and ways to put a ticket in a
status and to read what it holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from server.db import models as db

SEED_TICKET = 116496
STATUSES = (
    "to_assign",
    "to_contact",
    "unreachable",
    "confirmed",
    "waiting_parts",
    "exchange_requested",
    "closed",
    "verified",
    "invoiced",
    "cancelled",
)
USERS = {"technician": "tech", "manager": "manager", "operator": "operator"}
OPERATOR = {"operator"}
CENTRE = {"technician", "manager"}

# action -> (from statuses, to status, roles)
EXPECTED: dict[str, tuple[set[str], str, set[str]]] = {
    "assign": ({"to_assign", "to_contact", "unreachable"}, "to_contact", OPERATOR),
    "contacted": ({"to_contact", "unreachable"}, "confirmed", CENTRE),
    "unreachable": ({"to_contact", "unreachable"}, "unreachable", CENTRE),
    "request_exchange": ({"confirmed"}, "exchange_requested", OPERATOR),
    "cancel": (
        {
            "to_assign",
            "to_contact",
            "unreachable",
            "confirmed",
            "waiting_parts",
            "exchange_requested",
        },
        "cancelled",
        OPERATOR,
    ),
    "reject": ({"closed"}, "confirmed", OPERATOR),
    "verify": ({"closed"}, "verified", OPERATOR),
    "order_parts": ({"confirmed"}, "waiting_parts", CENTRE),
    "parts_received": ({"waiting_parts"}, "confirmed", CENTRE),
    "close": ({"confirmed", "waiting_parts", "exchange_requested"}, "closed", CENTRE),
    "invoice": ({"verified"}, "invoiced", {"manager"}),
}
EXPOSED = (
    "assign",
    "contacted",
    "unreachable",
    "request_exchange",
    "cancel",
    "reject",
    "verify",
    "parts_received",
)
OPEN = set(STATUSES) - {"cancelled", "invoiced"}


def body_for(action: str, now: dt.datetime | None = None) -> dict[str, Any] | None:
    now = now or dt.datetime.now(dt.UTC)
    return {
        "assign": {"service_centre_code": "249050", "note": "assigned in a test"},
        "contacted": {
            "appointment_at": (now + dt.timedelta(days=2)).isoformat(),
            "note": "tuesday morning",
        },
        "unreachable": {
            "attempted_at": (now - dt.timedelta(minutes=10)).isoformat(),
            "means": "phone",
            "note": "no answer",
        },
        "request_exchange": {"note": "no spare part"},
        "cancel": {"note": "operator mistake"},
        "reject": {"note": "photos missing"},
        "verify": {"note": ""},
        "parts_received": {"note": "collected at the wholesaler"},
    }.get(action)


async def put_in_status(conn: AsyncConnection, ticket_id: int, status: str) -> None:
    await conn.execute(
        update(db.Ticket)
        .where(db.Ticket.id == ticket_id)
        .values(status=status, waiting_parts=status == "waiting_parts")
    )


async def state(conn: AsyncConnection, ticket_id: int) -> dict[str, Any]:
    """The ticket's row and its history count (what a refused action must leave alone)."""
    table = db.Ticket.__table__
    row = (await conn.execute(select(table).where(table.c.id == ticket_id))).one()
    count = (
        await conn.execute(
            select(func.count())
            .select_from(db.HistoryEntry)
            .where(db.HistoryEntry.ticket_id == ticket_id)
        )
    ).scalar_one()
    return {**row._asdict(), "history": count}


async def latest_entry(conn: AsyncConnection, ticket_id: int) -> dict[str, Any]:
    table = db.HistoryEntry.__table__
    row = (
        await conn.execute(
            select(table).where(table.c.ticket_id == ticket_id).order_by(table.c.id.desc()).limit(1)
        )
    ).one()
    return row._asdict()


async def headers_for(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await http.post("/auth/login", json={"username": username, "password": "demo"})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}

"""Helpers for the cart, checkout and order tests: filling a cart through the API, placing
orders, and reading or changing rows behind the API's back (a price change, a ticket's
status, extra users)."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from server.db import models as db
from server.db.session import create_engine
from server.services.auth import hash_token

T = TypeVar("T")

LYON = "249117"  # 0 % discount, 20 % VAT, default address without a VAT id
STRASBOURG = "249050"  # 5 % discount, 20 % VAT
SEED_TICKET = 116496  # a ticket of 249050

ADDRESS = {
    "company": "2AM Assistance - Atelier",
    "street": "3 rue de l'Industrie",
    "postal_code": "67120",
    "city": "Molsheim",
    "province": "Bas-Rhin",
    "country": "FR",
    "phone": "0388497710",
    "fax": "",
    "vat_id": "FR32512345678",
}


async def with_db(database_url: str, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    """Run ``work`` on a connection of its own, committed."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            return await work(conn)
    finally:
        await engine.dispose()


async def set_part(database_url: str, code: str, **values: Any) -> None:
    async def work(conn: AsyncConnection) -> None:
        await conn.execute(update(db.Part).where(db.Part.code == code).values(**values))

    await with_db(database_url, work)


async def set_ticket_status(database_url: str, ticket_id: int, status: str) -> None:
    async def work(conn: AsyncConnection) -> None:
        await conn.execute(
            update(db.Ticket)
            .where(db.Ticket.id == ticket_id)
            .values(status=status, waiting_parts=status == "waiting_parts")
        )

    await with_db(database_url, work)


async def count_rows(database_url: str, model: type[db.Base]) -> int:
    from sqlalchemy import func

    async def work(conn: AsyncConnection) -> int:
        return int((await conn.execute(select(func.count()).select_from(model))).scalar_one())

    return await with_db(database_url, work)


async def make_users(database_url: str, centre_code: str, count: int) -> list[dict[str, str]]:
    """``count`` new technicians of the centre, each with a bearer token (no sign-in, which
    would spend an argon2 verification on each)."""

    async def work(conn: AsyncConnection) -> list[dict[str, str]]:
        centre = (
            await conn.execute(
                select(db.ServiceCentre.id).where(db.ServiceCentre.code == centre_code)
            )
        ).scalar_one()
        now = dt.datetime.now(dt.UTC)
        headers = []
        for _ in range(count):
            name = f"t{uuid.uuid4().hex[:10]}"
            user_id = (
                await conn.execute(
                    db.User.__table__.insert()
                    .values(
                        username=name,
                        full_name=f"Tech {name}",
                        email="",
                        role="technician",
                        language="fr",
                        service_centre_id=centre,
                        password_hash="unusable",
                        active=True,
                        created_at=now,
                    )
                    .returning(db.User.__table__.c.id)
                )
            ).scalar_one()
            token = secrets.token_urlsafe(24)
            await conn.execute(
                db.AuthToken.__table__.insert().values(
                    token_hash=hash_token(token),
                    user_id=user_id,
                    created_at=now,
                    expires_at=now + dt.timedelta(days=800),  # outlives a test clock set ahead
                )
            )
            headers.append({"Authorization": f"Bearer {token}"})
        return headers

    return await with_db(database_url, work)


async def add(
    http: httpx.AsyncClient, headers: dict[str, str], code: str = "INOX-SP", quantity: int = 1
) -> dict[str, Any]:
    answer = await http.post(
        "/cart/lines", json={"requested_code": code, "quantity": quantity}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


async def cart(http: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    answer = await http.get("/cart", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def order_body(fingerprint: str, **extra: Any) -> dict[str, Any]:
    return {"shipping": dict(ADDRESS), "fingerprint": fingerprint, **extra}


async def place(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    body: dict[str, Any] | None = None,
    key: str | None = None,
) -> httpx.Response:
    """POST /orders for the cart as it is now (unless ``body`` is given)."""
    if body is None:
        body = order_body((await cart(http, headers))["fingerprint"])
    key = key or f"test-{uuid.uuid4()}"
    return await http.post("/orders", json=body, headers={**headers, "Idempotency-Key": key})

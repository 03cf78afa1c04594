"""Ordering from a supplier through sav's API (seed 002), against the reference platform
running as its own process: a draft from the cart or a ticket, sent once under its client
reference (a retry never makes a second order at the supplier), the ticket waiting for parts;
a supplier down, slow or answering garbage leaves the draft as it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from server.db import models as db
from server.db.session import create_engine
from server.settings import Settings
from server.suppliers.adapter import (
    HttpSupplierClient,
    RetryPolicy,
    SupplierCredentials,
    SupplierTimeout,
)
from server.suppliers.db_models import SupplierAccount
from server.suppliers.models import OrderLineRequest, SupplierOrder
from tests.server.order_helpers import set_ticket_status
from tests.suppliers.conftest import RunningPlatform
from tests.suppliers.fake_hostile_supplier import FakeHostileSupplier

TICKET = 116496  # of centre 249050 (tech, manager)
DEMO = {"supplier": "reference", "user_name": "demo", "customer_id": "100200"}
BURNER = "870650447"


async def _headers(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await http.post("/auth/login", json={"username": username, "password": "demo"})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _account(http: httpx.AsyncClient) -> None:
    answer = await http.post(
        "/supplier-accounts", json=DEMO, headers=await _headers(http, "manager")
    )
    assert answer.status_code == 201, answer.text


async def _ticket_status(database_url: str) -> str:
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        status = (
            await conn.execute(select(db.Ticket.status).where(db.Ticket.id == TICKET))
        ).scalar_one()
    await engine.dispose()
    return str(status)


async def _platform_orders(platform: RunningPlatform, reference: str) -> list[dict[str, Any]]:
    async with HttpSupplierClient(
        "reference", platform.url, SupplierCredentials("demo", "100200")
    ) as client:
        pending = await client.pending_orders()
    return [o.model_dump() for o in pending if o.client_reference == reference]


def _draft(ticket: int | None = TICKET, quantity: int = 2) -> dict[str, Any]:
    return {
        "supplier": "reference",
        "lines": [{"code": BURNER, "quantity": quantity, "ticket_id": ticket}],
        "note": "for the burner",
    }


async def test_a_ticket_orders_from_the_supplier_once_and_waits_for_parts(
    http: httpx.AsyncClient,
    database_url: str,
    settings: Settings,
    supplier_platform: RunningPlatform,
) -> None:
    await _account(http)
    await set_ticket_status(database_url, TICKET, "confirmed")
    tech = await _headers(http, "tech")
    draft = await http.post("/supplier-orders", json=_draft(), headers=tech)
    assert draft.status_code == 201, draft.text
    order = draft.json()
    assert (order["status"], order["supplier_order_number"], order["supplier"]) == (
        "draft",
        None,
        "reference",
    )
    assert [
        (line["requested_code"], line["quantity"], line["ticket_id"]) for line in order["lines"]
    ] == [(BURNER, 2, TICKET)]
    assert await _ticket_status(database_url) == "confirmed"  # a draft moves nothing

    sent = await http.post(
        f"/supplier-orders/{order['id']}/send",
        json={"confirm_to": "orders@supplier.example"},
        headers=tech,
    )
    assert sent.status_code == 200, sent.text
    done = sent.json()
    assert done["status"] == "sent" and done["supplier_order_number"]
    assert done["confirmation"] == "outbox"
    (line,) = done["lines"]
    assert line["requested_code"] == BURNER and line["ordered_code"]
    assert line["purchase_price"] and line["expected_delivery"] and line["ticket_id"] == TICKET
    assert settings.outbox_dir is not None
    (mail,) = list(settings.outbox_dir.glob("*.eml"))
    assert done["supplier_order_number"] in mail.read_text()
    assert await _ticket_status(database_url) == "waiting_parts"
    history = (await http.get(f"/tickets/{TICKET}/history", headers=tech)).json()
    assert done["supplier_order_number"] in history["items"][0]["text"]

    # sent again (a retry, a second key press): the same order, nothing more at the supplier
    again = await http.post(f"/supplier-orders/{order['id']}/send", json={}, headers=tech)
    assert again.json()["supplier_order_number"] == done["supplier_order_number"]
    assert len(await _platform_orders(supplier_platform, done["client_reference"])) == 1

    listed = await http.get("/supplier-orders", params={"ticket_id": TICKET}, headers=tech)
    assert [(o["id"], o["tickets"], o["status"]) for o in listed.json()] == [
        (order["id"], [TICKET], "sent")
    ]
    tech2 = await _headers(http, "tech2")
    assert (await http.get("/supplier-orders", headers=tech2)).json() == []
    # the account its orders name is kept
    manager = await _headers(http, "manager")
    (account,) = (await http.get("/supplier-accounts", headers=manager)).json()
    kept = await http.delete(f"/supplier-accounts/{account['id']}", headers=manager)
    assert kept.status_code == 409 and kept.json()["code"] == "account_in_use"


async def test_a_lost_answer_sent_again_makes_one_order_at_the_supplier(
    app: object,
    http: httpx.AsyncClient,
    database_url: str,
    supplier_platform: RunningPlatform,
) -> None:
    """The supplier took the order but its answer was lost: the draft stays a draft, and
    sending it again finds the same supplier order under the same client reference."""
    await _account(http)
    await set_ticket_status(database_url, TICKET, "confirmed")
    lost = {"first": True}

    class LosesFirstAnswer(HttpSupplierClient):
        async def create_order(
            self, client_reference: str, lines: Sequence[OrderLineRequest]
        ) -> SupplierOrder:
            order = await super().create_order(client_reference, lines)
            if lost.pop("first", False):
                raise SupplierTimeout(self.name, "the answer was lost")
            return order

    app.state.supplier_client_factory = LosesFirstAnswer  # type: ignore[attr-defined]
    tech = await _headers(http, "tech")
    order = (await http.post("/supplier-orders", json=_draft(), headers=tech)).json()
    first = await http.post(f"/supplier-orders/{order['id']}/send", json={}, headers=tech)
    assert first.status_code == 503 and "draft" in first.json()["message"]
    kept = (await http.get(f"/supplier-orders/{order['id']}", headers=tech)).json()
    assert kept == order
    assert await _ticket_status(database_url) == "confirmed"
    at_supplier = await _platform_orders(supplier_platform, order["client_reference"])
    assert len(at_supplier) == 1  # it did reach the supplier

    second = await http.post(f"/supplier-orders/{order['id']}/send", json={}, headers=tech)
    assert second.status_code == 200, second.text
    assert second.json()["supplier_order_number"] == at_supplier[0]["number"]
    assert len(await _platform_orders(supplier_platform, order["client_reference"])) == 1


async def _closed_account(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        manager = (await conn.execute(select(db.User).where(db.User.username == "manager"))).one()
        now = dt.datetime.now(dt.UTC)
        await conn.execute(
            SupplierAccount.__table__.insert().values(
                service_centre_id=manager.service_centre_id,
                supplier="closed",
                user_name="demo",
                customer_id="100200",
                saved_by_id=manager.id,
                saved_at=now,
                checked_at=now,
                version=1,
            )
        )
    await engine.dispose()


@pytest.mark.parametrize(
    ("mode", "status", "code"),
    [
        ("down", 503, "supplier_unavailable"),
        ("timeout", 503, "supplier_unavailable"),
        ("garbage", 502, "supplier_bad_answer"),
        ("redirect", 502, "supplier_bad_answer"),
    ],
)
async def test_a_supplier_down_slow_or_answering_garbage_leaves_the_draft_intact(
    app: object,
    http: httpx.AsyncClient,
    database_url: str,
    mode: str,
    status: int,
    code: str,
) -> None:
    await _closed_account(database_url)
    await set_ticket_status(database_url, TICKET, "confirmed")
    fake = FakeHostileSupplier(mode)
    fast = RetryPolicy(attempts=2, timeout=1, wait_initial=0.01, wait_max=0.01, wait_jitter=0)

    def factory(supplier: str, url: str, credentials: SupplierCredentials) -> HttpSupplierClient:
        transport = None if mode == "down" else httpx.ASGITransport(app=fake)
        return HttpSupplierClient(
            supplier, url, credentials, transport=transport, retry=fast, deadline=0.5
        )

    app.state.supplier_client_factory = factory  # type: ignore[attr-defined]
    tech = await _headers(http, "tech")
    order = (
        await http.post("/supplier-orders", json={**_draft(), "supplier": "closed"}, headers=tech)
    ).json()
    answer = await http.post(f"/supplier-orders/{order['id']}/send", json={}, headers=tech)
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    assert "draft" in answer.json()["message"]
    assert (await http.get(f"/supplier-orders/{order['id']}", headers=tech)).json() == order
    assert await _ticket_status(database_url) == "confirmed"


async def test_bad_input_is_refused_beside_the_field_and_nothing_is_kept(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await _headers(http, "tech")
    unknown = await http.post(
        "/supplier-orders", json={**_draft(), "supplier": "nobody"}, headers=tech
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_supplier"
    assert "supplier" in unknown.json()["fields"]
    no_account = await http.post("/supplier-orders", json=_draft(), headers=tech)
    assert no_account.status_code == 422 and no_account.json()["code"] == "no_supplier_account"
    await _account(http)
    others = await http.post("/supplier-orders", json=_draft(ticket=116497_000), headers=tech)
    assert others.status_code == 422 and others.json()["code"] == "unknown_ticket"
    not_mine = await http.post(
        "/supplier-orders", json={"supplier": "reference", "cart_line_ids": [999]}, headers=tech
    )
    assert not_mine.status_code == 422 and not_mine.json()["code"] == "cart_changed"
    empty = await http.post("/supplier-orders", json={"supplier": "reference"}, headers=tech)
    assert empty.status_code == 422
    assert (await http.get("/supplier-orders", headers=tech)).json() == []
    # a ticket that cannot wait for parts: no draft for it, as at checkout
    await set_ticket_status(database_url, TICKET, "to_contact")
    early = await http.post("/supplier-orders", json=_draft(), headers=tech)
    assert early.status_code == 409 and early.json()["code"] == "ticket_not_ready"
    assert (await http.get("/supplier-orders", headers=tech)).json() == []
    # one that moved on since the draft was made: refused before anything is sent
    await set_ticket_status(database_url, TICKET, "confirmed")
    order = (await http.post("/supplier-orders", json=_draft(), headers=tech)).json()
    await set_ticket_status(database_url, TICKET, "to_contact")
    refused = await http.post(f"/supplier-orders/{order['id']}/send", json={}, headers=tech)
    assert refused.status_code == 409 and refused.json()["code"] == "ticket_not_ready"
    assert (await http.get(f"/supplier-orders/{order['id']}", headers=tech)).json() == order
    dropped = await http.post(f"/supplier-orders/{order['id']}/cancel", headers=tech)
    assert dropped.json()["status"] == "cancelled"


async def test_cart_lines_move_to_a_supplier_draft(
    http: httpx.AsyncClient, database_url: str
) -> None:
    await _account(http)
    tech = await _headers(http, "tech")
    added = await http.post(
        "/cart/lines",
        json={"requested_code": BURNER, "quantity": 3, "ticket_id": TICKET},
        headers=tech,
    )
    assert added.status_code in (200, 201), added.text
    cart = (await http.get("/cart", headers=tech)).json()
    (line,) = cart["lines"]
    body = {"supplier": "reference", "cart_line_ids": [line["id"]]}
    await set_ticket_status(database_url, TICKET, "to_contact")
    refused = await http.post("/supplier-orders", json=body, headers=tech)
    assert refused.status_code == 409 and refused.json()["code"] == "ticket_not_ready"
    assert (await http.get("/cart", headers=tech)).json()["lines"] == [line]  # still there
    await set_ticket_status(database_url, TICKET, "confirmed")
    draft = await http.post("/supplier-orders", json=body, headers=tech)
    assert draft.status_code == 201, draft.text
    (moved,) = draft.json()["lines"]
    assert (moved["requested_code"], moved["quantity"], moved["ticket_id"]) == (BURNER, 3, TICKET)
    assert moved["ordered_code"] == line["ordered_code"] and moved["part_name"]
    assert (await http.get("/cart", headers=tech)).json()["lines"] == []


async def _sent(
    http: httpx.AsyncClient, database_url: str
) -> tuple[dict[str, str], dict[str, Any]]:
    await _account(http)
    await set_ticket_status(database_url, TICKET, "confirmed")
    tech = await _headers(http, "tech")
    order = (await http.post("/supplier-orders", json=_draft(), headers=tech)).json()
    sent = await http.post(f"/supplier-orders/{order['id']}/send", json={}, headers=tech)
    assert sent.status_code == 200, sent.text
    return tech, sent.json()


async def _at_supplier(platform: RunningPlatform, number: str) -> str:
    async with HttpSupplierClient(
        "reference", platform.url, SupplierCredentials("demo", "100200")
    ) as client:
        return (await client.get_order(number)).status


async def test_a_sent_order_is_cancelled_at_the_supplier_then_here(
    http: httpx.AsyncClient, database_url: str, supplier_platform: RunningPlatform
) -> None:
    tech, sent = await _sent(http, database_url)
    number = sent["supplier_order_number"]
    cancelled = await http.post(f"/supplier-orders/{sent['id']}/cancel", headers=tech)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["version"] == sent["version"] + 1
    assert await _at_supplier(supplier_platform, number) == "cancelled"
    history = (await http.get(f"/tickets/{TICKET}/history", headers=tech)).json()["items"]
    entry = history[0]
    assert entry["event"] == "supplier_order_cancelled" and number in entry["text"]
    # the ticket keeps its status, as when a manufacturer's order is withdrawn
    assert await _ticket_status(database_url) == "waiting_parts"
    # asked twice (a retry, a second key press): the same answer, nothing more
    again = await http.post(f"/supplier-orders/{sent['id']}/cancel", headers=tech)
    assert again.status_code == 200 and again.json() == cancelled.json()
    history_again = (await http.get(f"/tickets/{TICKET}/history", headers=tech)).json()["items"]
    assert len(history_again) == len(history)
    # the supplier's cancel is idempotent too
    async with HttpSupplierClient(
        "reference", supplier_platform.url, SupplierCredentials("demo", "100200")
    ) as client:
        assert (await client.cancel_order(number)).status == "cancelled"


async def test_a_supplier_down_leaves_the_order_sent(
    app: object, http: httpx.AsyncClient, database_url: str
) -> None:
    tech, sent = await _sent(http, database_url)
    fast = RetryPolicy(attempts=2, timeout=1, wait_initial=0.01, wait_max=0.01, wait_jitter=0)

    def down(supplier: str, url: str, credentials: SupplierCredentials) -> HttpSupplierClient:
        return HttpSupplierClient(supplier, "http://127.0.0.1:9", credentials, retry=fast)

    app.state.supplier_client_factory = down  # type: ignore[attr-defined]
    app.state.supplier_clients = None  # type: ignore[attr-defined]  # not the kept client
    answer = await http.post(f"/supplier-orders/{sent['id']}/cancel", headers=tech)
    assert (answer.status_code, answer.json()["code"]) == (503, "supplier_unavailable")
    assert "not cancelled" in answer.json()["message"]
    kept = (await http.get(f"/supplier-orders/{sent['id']}", headers=tech)).json()
    assert kept == sent
    history = (await http.get(f"/tickets/{TICKET}/history", headers=tech)).json()["items"]
    assert all(e["event"] != "supplier_order_cancelled" for e in history)


async def test_a_delivered_order_is_refused_with_the_suppliers_reason(
    http: httpx.AsyncClient, database_url: str, supplier_platform: RunningPlatform
) -> None:
    tech, sent = await _sent(http, database_url)
    number = sent["supplier_order_number"]
    assert supplier_platform.sav("change", number, "--status", "delivered").returncode == 0
    answer = await http.post(f"/supplier-orders/{sent['id']}/cancel", headers=tech)
    assert (answer.status_code, answer.json()["code"]) == (409, "supplier_refused")
    assert "delivered" in answer.json()["message"] and number in answer.json()["message"]
    kept = (await http.get(f"/supplier-orders/{sent['id']}", headers=tech)).json()
    assert kept["status"] == "sent"
    assert await _at_supplier(supplier_platform, number) == "delivered"

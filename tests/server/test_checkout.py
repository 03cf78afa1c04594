"""Checkout through HTTP: the order written from the cart, its number, idempotency keys,
concurrency (same key, distinct carts of one centre), stale figures, refused parts and
tickets, the tied tickets moving to waiting for parts."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from server.db import models as db
from tests.server.order_helpers import (
    ADDRESS,
    LYON,
    SEED_TICKET,
    STRASBOURG,
    add,
    cart,
    count_rows,
    make_users,
    order_body,
    place,
    set_part,
    set_ticket_status,
    with_db,
)
from tests.server.test_tenancy_probe import fingerprint, token_for
from tests.server.ticket_state import latest_entry, state


async def _last_sequence(database_url: str, centre_code: str) -> int:
    async def work(conn: AsyncConnection) -> int:
        row = (
            await conn.execute(
                select(db.OrderSequence.last_value)
                .join(db.ServiceCentre, db.ServiceCentre.id == db.OrderSequence.service_centre_id)
                .where(
                    db.ServiceCentre.code == centre_code,
                    db.OrderSequence.year == dt.datetime.now(dt.UTC).year,
                )
            )
        ).scalar_one_or_none()
        return int(row or 0)

    return await with_db(database_url, work)


def _yy() -> str:
    return f"{dt.datetime.now(dt.UTC).year % 100:02d}"


async def test_checkout_writes_the_order_and_empties_the_cart(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech2 = await token_for(http, "tech2")
    await add(http, tech2)
    await http.put("/cart/note", json={"note": "Urgent"}, headers=tech2)
    shown = await cart(http, tech2)
    last = await _last_sequence(database_url, LYON)
    answer = await place(http, tech2, order_body(shown["fingerprint"]))
    assert answer.status_code == 201, answer.text
    order = answer.json()
    assert order["number"] == f"FR10015342{_yy()}{last + 1:04d}"
    assert order["status"] == "awaiting_validation" and order["version"] == 1
    assert (order["net"], order["vat"], order["total"], order["vat_rate"]) == (
        "9.45",
        "1.89",
        "11.34",
        "20.00",
    )
    assert order["note"] == "Urgent"  # the cart's note when the order gives none
    assert order["created_by"] == order["updated_by"] == "Thomas Girard"
    assert order["editable"] is True and order["validatable"] is False
    assert order["shipping"] == ADDRESS
    (line,) = order["lines"]
    assert (line["requested_code"], line["ordered_code"], line["quantity_requested"]) == (
        "INOX-SP",
        "INOX-SP",
        1,
    )
    assert (line["price"], line["discount_rate"], line["net"]) == ("9.45", "0.00", "9.45")
    assert (await cart(http, tech2))["count"] == 0
    assert (await cart(http, tech2))["note"] == ""
    assert await _last_sequence(database_url, LYON) == last + 1
    read = (await http.get(f"/orders/{order['id']}", headers=tech2)).json()
    assert read == order


async def test_the_discounted_centre_records_its_figures(http: httpx.AsyncClient) -> None:
    tech = await token_for(http, "tech")
    await add(http, tech, quantity=3)
    await add(http, tech, code="870650444", quantity=2)
    shown = await cart(http, tech)
    answer = await place(http, tech, order_body(shown["fingerprint"], note="Réassort"))
    order = answer.json()
    assert (order["net"], order["vat"], order["total"]) == (
        shown["net"],
        shown["vat"],
        shown["total"],
    )
    assert [(x["ordered_code"], x["net"]) for x in order["lines"]] == [
        (x["ordered_code"], x["net"]) for x in shown["lines"]
    ]
    assert order["note"] == "Réassort" and order["lines"][0]["discount_rate"] == "5.00"
    assert order["number"].startswith(f"FR10015195{_yy()}")


async def test_the_shipping_address_must_be_complete(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech2 = await token_for(http, "tech2")
    await add(http, tech2)
    book = (await http.get("/addresses", headers=tech2)).json()
    default = book["default"]  # 249117's default address has no VAT id
    shown = await cart(http, tech2)
    before = await fingerprint(database_url)
    answer = await place(http, tech2, {"shipping": default, "fingerprint": shown["fingerprint"]})
    assert answer.status_code == 422
    assert "shipping.vat_id" in answer.json()["fields"]
    no_country = {**ADDRESS, "country": ""}
    answer = await place(http, tech2, {"shipping": no_country, "fingerprint": shown["fingerprint"]})
    assert answer.status_code == 422 and "shipping.country" in answer.json()["fields"]
    assert await fingerprint(database_url) == before
    # completed, and kept for next time
    body = order_body(shown["fingerprint"], save_address_as="Siège complété")
    body["shipping"] = {**default, "vat_id": "FR45953158461"}
    assert (await place(http, tech2, body)).status_code == 201
    saved = (await http.get("/addresses", headers=tech2)).json()["saved"]
    assert any(a["label"] == "Siège complété" and a["vat_id"] for a in saved)


async def test_five_replays_give_one_order_and_the_same_answer(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    await add(http, tech)
    body = order_body((await cart(http, tech))["fingerprint"])
    orders_before = await count_rows(database_url, db.Order)
    answers = [await place(http, tech, body, key="checkout-1") for _ in range(5)]
    assert {a.status_code for a in answers} == {201}
    assert len({a.text for a in answers}) == 1
    assert [a.headers.get("Idempotency-Replayed") for a in answers] == [None] + ["true"] * 4
    assert await count_rows(database_url, db.Order) == orders_before + 1
    # a replay writes nothing at all
    before = await fingerprint(database_url)
    assert (await place(http, tech, body, key="checkout-1")).text == answers[0].text
    assert await fingerprint(database_url) == before


async def test_parallel_requests_with_one_key_give_one_order(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    await add(http, tech)
    body = order_body((await cart(http, tech))["fingerprint"])
    orders_before = await count_rows(database_url, db.Order)
    answers = await asyncio.gather(*(place(http, tech, body, key="same") for _ in range(6)))
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert await count_rows(database_url, db.Order) == orders_before + 1


async def test_parallel_checkouts_of_one_cart_with_two_keys_order_it_once(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    await add(http, tech)
    body = order_body((await cart(http, tech))["fingerprint"])
    orders_before = await count_rows(database_url, db.Order)
    answers = await asyncio.gather(place(http, tech, body), place(http, tech, body))
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 409).json()
    assert refused["code"] == "cart_empty"
    assert await count_rows(database_url, db.Order) == orders_before + 1


async def test_a_key_reused_with_another_payload_is_refused(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    await add(http, tech)
    body = order_body((await cart(http, tech))["fingerprint"])
    assert (await place(http, tech, body, key="k1")).status_code == 201
    await add(http, tech)
    other = order_body((await cart(http, tech))["fingerprint"], note="another order")
    before = await fingerprint(database_url)
    answer = await place(http, tech, other, key="k1")
    assert answer.status_code == 409 and answer.json()["code"] == "idempotency_key_reused"
    assert "another request" in answer.json()["message"]
    assert await fingerprint(database_url) == before


async def test_a_missing_or_unusable_key_is_refused(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    await add(http, tech)
    body = order_body((await cart(http, tech))["fingerprint"])
    before = await fingerprint(database_url)
    missing = await http.post("/orders", json=body, headers=tech)
    assert missing.status_code == 428
    assert missing.json()["code"] == "idempotency_key_required"
    assert "Idempotency-Key" in missing.json()["message"]
    blank = await http.post("/orders", json=body, headers={**tech, "Idempotency-Key": " "})
    assert blank.status_code == 428
    too_long = await place(http, tech, body, key="k" * 101)
    assert too_long.status_code == 422 and "Idempotency-Key" in too_long.json()["fields"]
    assert await fingerprint(database_url) == before


async def test_keys_are_scoped_to_the_user(http: httpx.AsyncClient, database_url: str) -> None:
    tech = await token_for(http, "tech")
    manager = await token_for(http, "manager")
    await add(http, tech)
    await add(http, manager)
    mine = await place(http, tech, key="shared-key")
    theirs = await place(http, manager, key="shared-key")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert theirs.json()["created_by"] == "Sophie Lambert"


async def test_twenty_parallel_checkouts_get_twenty_gapless_numbers(
    http: httpx.AsyncClient, database_url: str
) -> None:
    users = await make_users(database_url, STRASBOURG, 20)
    for headers in users:
        await add(http, headers)
    bodies = [order_body((await cart(http, h))["fingerprint"]) for h in users]
    last = await _last_sequence(database_url, STRASBOURG)
    answers = await asyncio.gather(
        *(place(http, h, body) for h, body in zip(users, bodies, strict=True))
    )
    assert [a.status_code for a in answers] == [201] * 20, [a.text for a in answers]
    numbers = sorted(a.json()["number"] for a in answers)
    prefix = f"FR10015195{_yy()}"
    assert numbers == [f"{prefix}{last + i:04d}" for i in range(1, 21)]
    assert await _last_sequence(database_url, STRASBOURG) == last + 20


async def test_a_failed_checkout_does_not_consume_a_number(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    await add(http, tech)
    await set_ticket_status(database_url, SEED_TICKET, "to_contact")
    line_id = (await cart(http, tech))["lines"][0]["id"]
    await http.put(
        f"/cart/lines/{line_id}", json={"quantity": 1, "ticket_id": SEED_TICKET}, headers=tech
    )
    last = await _last_sequence(database_url, STRASBOURG)
    refused = await place(http, tech)
    assert refused.status_code == 409 and refused.json()["code"] == "ticket_not_ready"
    await http.put(f"/cart/lines/{line_id}", json={"quantity": 1}, headers=tech)
    placed = await place(http, tech)
    assert placed.json()["number"].endswith(f"{last + 1:04d}")


async def test_stale_figures_are_refused_saying_what_changed(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech2 = await token_for(http, "tech2")
    await add(http, tech2)
    await add(http, tech2, code="870650444")
    shown = await cart(http, tech2)
    await set_part(database_url, "INOX-SP", price_cents=1000)
    await set_part(database_url, "870650444", availability="on_order")
    before = await fingerprint(database_url)
    answer = await place(http, tech2, order_body(shown["fingerprint"]))
    assert answer.status_code == 409 and answer.json()["code"] == "cart_changed"
    message = answer.json()["message"]
    assert "the price of INOX-SP changed from 9.45 to 10.00" in message
    assert "870650444 is now on order (was in stock)" in message
    assert await fingerprint(database_url) == before
    # confirmed again on the new figures, it goes through
    again = await cart(http, tech2)
    placed = await place(http, tech2, order_body(again["fingerprint"]))
    assert placed.status_code == 201 and placed.json()["lines"][0]["price"] == "10.00"


async def test_an_unknown_fingerprint_is_refused_too(http: httpx.AsyncClient) -> None:
    tech = await token_for(http, "tech")
    await add(http, tech)
    answer = await place(http, tech, order_body("0" * 64))
    assert answer.status_code == 409 and answer.json()["code"] == "cart_changed"
    assert "not the one shown" in answer.json()["message"]


async def test_an_empty_cart_and_a_part_no_longer_orderable(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    empty = await place(http, tech, order_body((await cart(http, tech))["fingerprint"]))
    assert empty.status_code == 409 and empty.json()["code"] == "cart_empty"
    await add(http, tech)
    await add(http, tech, code="870650444")
    body = order_body((await cart(http, tech))["fingerprint"])
    await set_part(database_url, "870650444", obsolete=True)
    before = await fingerprint(database_url)
    answer = await place(http, tech, body)
    assert answer.status_code == 409 and answer.json()["code"] == "part_not_orderable"
    assert "870650444 can no longer be ordered (it is obsolete)" in answer.json()["message"]
    assert await fingerprint(database_url) == before


async def _history(database_url: str, ticket_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    async def work(conn: AsyncConnection) -> tuple[dict[str, Any], dict[str, Any]]:
        return await state(conn, ticket_id), await latest_entry(conn, ticket_id)

    return await with_db(database_url, work)


async def test_tied_tickets_wait_for_parts_with_a_history_entry(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    await set_ticket_status(database_url, SEED_TICKET, "confirmed")
    line_id = (await add(http, tech))["lines"][0]["id"]
    await http.put(
        f"/cart/lines/{line_id}", json={"quantity": 1, "ticket_id": SEED_TICKET}, headers=tech
    )
    before, _ = await _history(database_url, SEED_TICKET)
    order = (await place(http, tech)).json()
    assert order["lines"][0]["ticket_id"] == SEED_TICKET
    after, entry = await _history(database_url, SEED_TICKET)
    assert after["status"] == "waiting_parts" and after["waiting_parts"] is True
    assert after["version"] == before["version"] + 1
    assert after["history"] == before["history"] + 1
    assert entry["type"] == "status_change" and entry["status"] == "waiting_parts"
    assert entry["event"] == "parts_ordered" and entry["params"] == {"order": order["number"]}
    assert entry["note"] == "" and entry["author_name"] == "Julien Marchal"
    # a second order for the same ticket: it keeps waiting, and the history names the order
    line_id = (await add(http, tech, code="870650444"))["lines"][0]["id"]
    await http.put(
        f"/cart/lines/{line_id}", json={"quantity": 1, "ticket_id": SEED_TICKET}, headers=tech
    )
    second = (await place(http, tech)).json()
    again, entry = await _history(database_url, SEED_TICKET)
    assert again["status"] == "waiting_parts" and again["history"] == after["history"] + 1
    assert entry["type"] == "note" and entry["event"] == "parts_ordered"
    assert entry["params"] == {"order": second["number"]} and entry["note"] == ""


async def test_a_ticket_that_cannot_wait_for_parts_refuses_the_checkout(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    line_id = (await add(http, tech))["lines"][0]["id"]
    await http.put(
        f"/cart/lines/{line_id}", json={"quantity": 1, "ticket_id": SEED_TICKET}, headers=tech
    )
    body = order_body((await cart(http, tech))["fingerprint"])
    for status in ("to_contact", "exchange_requested", "closed"):
        await set_ticket_status(database_url, SEED_TICKET, status)
        before = await fingerprint(database_url)
        answer = await place(http, tech, body)
        assert answer.status_code == 409 and answer.json()["code"] == "ticket_not_ready"
        assert f"ticket {SEED_TICKET}" in answer.json()["message"]
        assert status.replace("_", " ") in answer.json()["message"]
        assert await fingerprint(database_url) == before


async def test_a_new_year_starts_its_own_sequence(database_url: str, tmp_path: Any) -> None:
    """The first orders of a year with no sequence row yet: the row is created once (ON
    CONFLICT DO NOTHING when several checkouts create it at once) and numbering starts at 1."""
    from server.app import create_app
    from server.settings import Settings

    year = dt.datetime.now(dt.UTC).year + 1
    settings = Settings(
        database_url=database_url,
        demo=True,
        outbox_dir=tmp_path / "outbox",
        now=dt.datetime(year, 1, 2, 8, 30, tzinfo=dt.UTC),
    )
    app = create_app(settings)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            users = await make_users(database_url, STRASBOURG, 5)
            for headers in users:
                await add(http, headers)
            bodies = [order_body((await cart(http, h))["fingerprint"]) for h in users]
            answers = await asyncio.gather(
                *(place(http, h, b) for h, b in zip(users, bodies, strict=True))
            )
    finally:
        await app.state.engine.dispose()
    assert [a.status_code for a in answers] == [201] * 5, [a.text for a in answers]
    prefix = f"FR10015195{year % 100:02d}"
    assert sorted(a.json()["number"] for a in answers) == [f"{prefix}{i:04d}" for i in range(1, 6)]

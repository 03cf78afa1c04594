"""SavClient's cart, address, checkout and order methods against the real app: the whole
flow from a cart line to an order validated by an operator, and how refusals reach the
caller (typed errors with their codes)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import update

from client.api import ConflictError, ForbiddenError, NotFoundError, ValidationFailed
from client.models import (
    AddressInput,
    AddToCart,
    CartLineUpdate,
    CartNoteUpdate,
    OrderLineUpdate,
    OrderQuery,
    OrderStatus,
    OrderUpdate,
    PlaceOrder,
    SaveAddressRequest,
    TicketStatus,
)
from server.db import models as db
from server.db.session import create_engine

SEED = 116496  # a ticket of tech's centre


async def _confirm(database_url: str, ticket_id: int) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            update(db.Ticket).where(db.Ticket.id == ticket_id).values(status="confirmed")
        )
    await engine.dispose()


async def test_from_cart_to_validated_order(signed_in, database_url) -> None:
    tech = await signed_in("tech")
    operator = await signed_in("operator")
    await _confirm(database_url, SEED)
    added = await tech.add_to_cart(AddToCart(requested_code="INOX-SP"))
    line = added.lines[0]
    cart = await tech.update_cart_line(
        line.id, CartLineUpdate(quantity=2, ticket_id=SEED, note="bouteille")
    )
    assert cart.lines[0].quantity == 2 and cart.lines[0].ticket_id == SEED
    assert cart.net == Decimal("17.96") and cart.vat_rate == Decimal("20")
    cart = await tech.set_cart_note(CartNoteUpdate(note="Pour mardi"))
    assert cart.note == "Pour mardi" and cart.fingerprint

    book = await tech.addresses()
    assert book.missing == [] and book.saved
    shipping = AddressInput(**book.default.model_dump())
    key = str(uuid.uuid4())
    body = PlaceOrder(shipping=shipping, fingerprint=cart.fingerprint)
    order = await tech.place_order(body, idempotency_key=key)
    again = await tech.place_order(body, idempotency_key=key)  # a retry: the same order
    assert again == order
    assert order.status is OrderStatus.AWAITING_VALIDATION and order.editable
    assert order.number.startswith(f"FR10015195{dt.datetime.now(dt.UTC).year % 100:02d}")
    assert (order.net, order.vat, order.total) == (cart.net, cart.vat, cart.total)
    assert order.note == "Pour mardi" and order.lines[0].ticket_id == SEED
    assert (await tech.cart()).count == 0 and await tech.cart_count() == 0
    assert (await tech.ticket(SEED)).status is TicketStatus.WAITING_PARTS

    page = await tech.search_orders(OrderQuery(number=order.number))
    assert [o.id for o in page.items] == [order.id] and page.items[0].line_count == 1
    by_ticket = await tech.search_orders(OrderQuery(ticket_id=SEED, status=(order.status,)))
    assert order.id in [o.id for o in by_ticket.items]

    one = OrderLineUpdate(id=order.lines[0].id, quantity=1)
    edited = await tech.update_order(
        order.id, OrderUpdate(note="Pour mercredi", lines=[one]), version=order.version
    )
    assert edited.version == order.version + 1 and edited.net == Decimal("8.98")
    with pytest.raises(ConflictError) as stale:
        await tech.update_order(order.id, OrderUpdate(note="late"), version=order.version)
    assert stale.value.stale and stale.value.changed_by == "Julien Marchal"

    seen = await operator.order(order.id)
    assert seen.validatable and not seen.editable
    result = await operator.validate_orders([order.id, order.id])
    assert [o.id for o in result.validated] == [order.id] and result.refused == []
    twice = await operator.validate_orders([order.id])
    assert twice.refused[0].number == order.number and "validated" in twice.refused[0].reason
    with pytest.raises(ConflictError) as refused:
        await tech.delete_order(order.id, version=(await tech.order(order.id)).version)
    assert not refused.value.stale and "can no longer be changed" in refused.value.message


async def test_refusals_are_typed(signed_in, database_url) -> None:
    tech = await signed_in("tech")
    tech2 = await signed_in("tech2")
    operator = await signed_in("operator")
    address = AddressInput(
        company="2AM",
        street="3 rue de l'Industrie",
        postal_code="67120",
        city="Molsheim",
        country="FR",
        vat_id="FR32512345678",
    )
    with pytest.raises(ConflictError) as empty:
        await tech.place_order(
            PlaceOrder(shipping=address, fingerprint=(await tech.cart()).fingerprint),
            idempotency_key=str(uuid.uuid4()),
        )
    assert empty.value.code == "cart_empty"
    await tech.add_to_cart(AddToCart(requested_code="INOX-SP"))
    shown = await tech.cart()
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(update(db.Part).where(db.Part.code == "INOX-SP").values(price_cents=990))
    await engine.dispose()
    key = str(uuid.uuid4())
    with pytest.raises(ConflictError) as changed:
        await tech.place_order(
            PlaceOrder(shipping=address, fingerprint=shown.fingerprint), idempotency_key=key
        )
    assert changed.value.code == "cart_changed"
    assert "the price of INOX-SP changed from 9.45 to 9.90" in changed.value.message
    order = await tech.place_order(
        PlaceOrder(shipping=address, fingerprint=(await tech.cart()).fingerprint),
        idempotency_key=key,  # nothing was stored under the refused attempt's key
    )
    with pytest.raises(ConflictError) as reused:
        await tech.place_order(
            PlaceOrder(shipping=address, fingerprint="other"), idempotency_key=key
        )
    assert reused.value.code == "idempotency_key_reused"
    with pytest.raises(NotFoundError):
        await tech2.order(order.id)
    with pytest.raises(ForbiddenError):
        await tech.validate_orders([order.id])
    with pytest.raises(ForbiddenError):
        await operator.update_order(order.id, OrderUpdate(note="x"), version=order.version)
    with pytest.raises(ValidationFailed) as unknown_line:
        await tech.update_order(
            order.id,
            OrderUpdate(lines=[OrderLineUpdate(id=999_999, quantity=1)]),
            version=order.version,
        )
    assert "lines.0.id" in unknown_line.value.fields
    line = (await tech.add_to_cart(AddToCart(requested_code="INOX-SP"))).lines[0]
    with pytest.raises(NotFoundError):  # another user's line
        await tech2.update_cart_line(line.id, CartLineUpdate(quantity=1))
    own = (await tech2.add_to_cart(AddToCart(requested_code="INOX-SP"))).lines[0]
    with pytest.raises(ValidationFailed) as other_centre:  # another centre's ticket
        await tech2.update_cart_line(own.id, CartLineUpdate(quantity=1, ticket_id=SEED))
    assert other_centre.value.fields == {"ticket_id": f"no ticket {SEED} here"}


async def test_addresses_and_emptying(signed_in) -> None:
    tech2 = await signed_in("tech2")
    book = await tech2.addresses()
    assert book.missing == ["vat_id"]
    saved = await tech2.save_address(
        SaveAddressRequest(label="Dépôt", **{**book.default.model_dump(), "vat_id": "FR4595"})
    )
    assert saved.label == "Dépôt" and saved.vat_id == "FR4595"
    assert "Dépôt" in [a.label for a in (await tech2.addresses()).saved]
    await tech2.add_to_cart(AddToCart(requested_code="INOX-SP"))
    await tech2.add_to_cart(AddToCart(requested_code="870650444"))
    assert await tech2.empty_cart() == 0
    assert (await tech2.cart()).lines == []
    operator = await signed_in("operator")
    with pytest.raises(ForbiddenError):
        await operator.addresses()

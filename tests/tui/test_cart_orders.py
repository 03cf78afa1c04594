"""Cart, checkout and orders with the keyboard, against the real backend (no mock)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from textual.widgets import DataTable, Input, Select, Static

from client.api import ConflictError
from client.models import (
    AddressInput,
    AddToCart,
    CartLineUpdate,
    OrderLineUpdate,
    OrderQuery,
    OrderStatus,
    OrderUpdate,
    PlaceOrder,
    TicketQuery,
    TicketStatus,
)
from tests.tui.test_catalogue import rows, wait
from tests.tui.test_home import signed_in_home
from tui.screens.cart import CartScreen
from tui.screens.checkout import CheckoutScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.order import OrderScreen
from tui.screens.orders import OrdersScreen
from tui.screens.ticket_picker import TicketPickerScreen
from tui.widgets.form import ActionForm

ADDRESS = AddressInput(
    company="2AM ASSISTANCE",
    street="55 RTE DE RIBERAC",
    postal_code="24650",
    city="CHANCELADE",
    country="FRA",
    vat_id="FR32512345678",
)


def text(widget: Static) -> str:
    return str(widget.render())


async def open_cart(app, pilot, username: str) -> CartScreen:
    await signed_in_home(app, pilot, username)
    await pilot.press("b")
    await wait(app, pilot)
    assert isinstance(app.screen, CartScreen)
    return app.screen


async def place(client, **changes) -> object:
    cart = await client.cart()
    body = PlaceOrder(shipping=ADDRESS, fingerprint=cart.fingerprint, **changes)
    return await client.place_order(body, idempotency_key=uuid.uuid4().hex)


async def test_the_whole_flow_from_cart_to_order(make_tui, signed_in) -> None:
    """tech2 (centre 249117: no discount, 20 % VAT, a default address without VAT ID)."""
    tech2 = await signed_in("tech2")
    open_ticket = (
        await tech2.search_tickets(TicketQuery(status=(TicketStatus.CONFIRMED,)), limit=1)
    ).items[0]
    before = (await tech2.search_orders(OrderQuery())).total
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech2")
        await pilot.press("c", "f6")  # a manual purchase, by code
        await wait(app, pilot)
        await pilot.press(*"INOX-SP")
        await pilot.pause(0.4)
        await wait(app, pilot)
        await pilot.press("enter")
        await wait(app, pilot)
        await pilot.press("escape", "b")
        await wait(app, pilot)
        cart = app.screen
        assert isinstance(cart, CartScreen)
        table = cart.query_one("#cart-lines", DataTable)
        assert rows(table)[0][:5] == ["INOX-SP", "INOX SPLEND BOTTLE", "1", "9.45", "9.45"]
        totals = text(cart.query_one("#cart-totals", Static))
        assert "Total €9.45" in totals and "VAT 20% €1.89" in totals
        assert "Total incl. VAT €11.34" in totals  # the seed's figures
        await pilot.press("plus")
        await wait(app, pilot)
        assert rows(table)[0][2] == "2"
        assert "Total incl. VAT €22.68" in text(cart.query_one("#cart-totals", Static))
        await pilot.press("minus")
        await wait(app, pilot)
        # F4: tie the line to one of the centre's open tickets
        await pilot.press("f4")
        await wait(app, pilot)
        picker = app.screen
        assert isinstance(picker, TicketPickerScreen)
        await pilot.press(*str(open_ticket.id))
        await pilot.pause(0.3)
        await wait(app, pilot)
        await pilot.press("down", "enter")
        await wait(app, pilot)
        assert app.screen is cart
        assert rows(table)[0][6] == str(open_ticket.id)
        # the order note
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ActionForm)
        await pilot.press(*"Urgent", "ctrl+s")
        await wait(app, pilot)
        assert "Order note: Urgent" in text(cart.query_one("#cart-note", Static))
        # checkout: the default address has no VAT ID, so it must be completed
        await pilot.press("f10")
        await wait(app, pilot)
        checkout = app.screen
        assert isinstance(checkout, CheckoutScreen)
        assert "lacks: VAT ID" in text(checkout.query_one("#address-missing", Static))
        assert "Total incl. VAT €11.34" in text(checkout.query_one("#checkout-totals", Static))
        vat = checkout.query_one("#ship-vat_id", Input)
        assert app.focused is vat  # the first required field left blank
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        assert app.screen is checkout
        assert "Required" in text(checkout.query_one("#error-vat_id", Static))
        assert (await tech2.search_orders(OrderQuery())).total == before  # nothing ordered
        await pilot.press(*"FR45953158461", "tab", *"Lyon with VAT", "ctrl+s")
        await wait(app, pilot, 5)
        screen = app.screen
        assert isinstance(screen, OrderScreen)
        assert screen.order is not None
        number = screen.order.number
        assert number.startswith("FR10015342")  # the centre's customer number, year, sequence
        assert "waits for the manufacturer's validation" in text(
            screen.query_one("#order-banner", Static)
        )
        assert screen.order.status is OrderStatus.AWAITING_VALIDATION
        assert screen.order.total == Decimal("11.34") and screen.order.note == "Urgent"
        assert screen.order.shipping.vat_id == "FR45953158461"
        assert app.cart_count == 0
        # Esc: the cart and checkout are gone; the orders screen lists it on top
        await pilot.press("escape", "o")
        await wait(app, pilot)
        assert isinstance(app.screen, OrdersScreen)
        assert rows(app.screen.query_one("#orders", DataTable))[0][0] == number
    assert (await tech2.cart()).count == 0
    saved = (await tech2.addresses()).saved
    assert [(a.label, a.vat_id) for a in saved if a.label == "Lyon with VAT"] == [
        ("Lyon with VAT", "FR45953158461")
    ]
    ticket = await tech2.ticket(open_ticket.id)
    assert ticket.status is TicketStatus.WAITING_PARTS
    assert (await tech2.search_orders(OrderQuery())).total == before + 1


async def test_enter_in_the_lookup_ties_the_one_ticket_found(make_tui, signed_in) -> None:
    tech = await signed_in("tech")
    added = await tech.add_to_cart(AddToCart(requested_code="INOX-SP"))
    line_id = added.lines[-1].id
    confirmed = await tech.search_tickets(TicketQuery(status=(TicketStatus.CONFIRMED,)), limit=2)
    wanted, other = confirmed.items
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        cart = await open_cart(app, pilot, "tech")
        table = cart.query_one("#cart-lines", DataTable)
        table.move_cursor(row=[r.id for r in cart.cart.lines].index(line_id))
        # a search that finds several: Enter goes to the list, nothing tied yet
        await pilot.press("f4")
        await wait(app, pilot)
        picker = app.screen
        assert isinstance(picker, TicketPickerScreen)
        await pilot.pause(0.3)
        await wait(app, pilot)
        assert len(picker.rows) > 1
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is picker and isinstance(app.focused, DataTable)
        await pilot.press("escape")  # leaves the line as it was
        await wait(app, pilot)
        assert app.screen is cart
        # the ticket's number: one found, Enter ties it
        await pilot.press("f4")
        await wait(app, pilot)
        picker = app.screen
        assert isinstance(picker, TicketPickerScreen)
        await pilot.press(*str(wanted.id))
        await pilot.pause(0.3)
        await wait(app, pilot)
        assert [t.id for t in picker.rows] == [wanted.id]
        assert "1 ticket confirmed or waiting for parts" in text(
            picker.query_one("#picker-status", Static)
        )
        await pilot.press("enter")
        await wait(app, pilot)
        assert app.screen is cart
    lines = {line.id: line for line in (await tech.cart()).lines}
    assert lines[line_id].ticket_id == wanted.id != other.id


async def test_ctrl_s_twice_places_one_order(make_tui, signed_in) -> None:
    tech = await signed_in("tech")
    await tech.add_to_cart(AddToCart(requested_code="INOX-SP", quantity=2))
    before = (await tech.search_orders(OrderQuery())).total
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_cart(app, pilot, "tech")
        await pilot.press("f10")
        await wait(app, pilot)
        assert isinstance(app.screen, CheckoutScreen)
        await pilot.press("ctrl+s", "ctrl+s", "enter", "ctrl+s")
        await wait(app, pilot, 5)
        assert isinstance(app.screen, OrderScreen)
    assert (await tech.search_orders(OrderQuery())).total == before + 1


async def test_changed_figures_are_shown_and_confirmed_again(make_tui, signed_in) -> None:
    tech = await signed_in("tech")
    added = await tech.add_to_cart(AddToCart(requested_code="INOX-SP"))
    before = (await tech.search_orders(OrderQuery())).total
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_cart(app, pilot, "tech")
        await pilot.press("f10")
        await wait(app, pilot)
        checkout = app.screen
        assert isinstance(checkout, CheckoutScreen)
        # on another terminal, the same technician changes the quantity
        await tech.update_cart_line(added.lines[0].id, CartLineUpdate(quantity=4))
        await pilot.press("ctrl+s")
        await wait(app, pilot, 5)
        assert app.screen is checkout
        error = text(checkout.query_one("#checkout-error", Static))
        assert "new figures are shown" in error
        assert rows(checkout.query_one("#checkout-lines", DataTable))[0][2] == "4"
        assert (await tech.search_orders(OrderQuery())).total == before
        await pilot.press("ctrl+s")
        await wait(app, pilot, 5)
        assert isinstance(app.screen, OrderScreen)
        assert app.screen.order is not None
        assert app.screen.order.lines[0].quantity_requested == 4


async def test_orders_search_edit_and_a_stale_edit(make_tui, signed_in) -> None:
    manager = await signed_in("manager")
    await manager.add_to_cart(AddToCart(requested_code="INOX-SP"))
    order = await place(manager, note="first")
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        await pilot.press("o")
        await wait(app, pilot)
        orders = app.screen
        assert isinstance(orders, OrdersScreen)
        await pilot.press(*order.number)
        await pilot.pause(0.3)
        await wait(app, pilot)
        table = orders.query_one("#orders", DataTable)
        assert [r[0] for r in rows(table)] == [order.number]
        await pilot.press("down", "enter")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, OrderScreen)
        assert screen.check_action("edit", ()) is True
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionForm)
        line = order.lines[0]
        quantity = form.query_one(f"#field-qty-{line.id}", Input)
        quantity.value = "3"
        # meanwhile the manager changes the note
        await manager.update_order(
            order.id,
            OrderUpdate(note="changed", lines=[OrderLineUpdate(id=line.id, quantity=1)]),
            version=order.version,
        )
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        assert app.screen is form
        message = text(form.query_one("#form-error", Static))
        assert f"Changed by {(await manager.me()).full_name} at" in message
        assert quantity.value == "3"  # nothing typed is lost
        await pilot.press("ctrl+r")
        await wait(app, pilot)
        await pilot.press("ctrl+s")
        await wait(app, pilot)
        assert app.screen is screen
    saved = await manager.order(order.id)
    assert saved.lines[0].quantity_requested == 3


async def test_operator_marks_and_validates_then_edits_are_refused(make_tui, signed_in) -> None:
    tech = await signed_in("tech")
    await tech.add_to_cart(AddToCart(requested_code="INOX-SP"))
    first = await place(tech, note="one")
    await tech.add_to_cart(AddToCart(requested_code="INOX-SP", quantity=2))
    second = await place(tech, note="two")
    app = make_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await signed_in_home(app, pilot, "operator")
        await pilot.press("o")
        await wait(app, pilot)
        orders = app.screen
        assert isinstance(orders, OrdersScreen)
        await pilot.press(*"st:await sc:249050")
        await pilot.pause(0.3)
        await wait(app, pilot)
        table = orders.query_one("#orders", DataTable)
        numbers = [r[1] for r in rows(table)]
        assert numbers[:2] == [second.number, first.number]  # newest first
        await pilot.press("down")
        info = text(orders.query_one("#orders-info", Static))
        assert info == f"{second.number} · 1 line · by Julien Marchal · note: two"
        await pilot.press("space")  # marks, and moves on
        info = text(orders.query_one("#orders-info", Static))
        assert info.startswith(f"{first.number} · 1 line") and info.endswith("note: one")
        await pilot.press("space")
        assert orders.marked == {first.id, second.id}
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait(app, pilot, 5)
        assert app.screen is orders
    for placed in (first, second):
        now = await tech.order(placed.id)
        assert now.status is OrderStatus.VALIDATED and not now.editable
    with pytest.raises(ConflictError) as refused:
        await tech.update_order(first.id, OrderUpdate(note="late"), version=now.version)
    assert refused.value.status == 409 and "validated" in refused.value.message


async def test_a_validated_order_offers_no_change(make_tui, signed_in) -> None:
    tech = await signed_in("tech")
    operator = await signed_in("operator")
    await tech.add_to_cart(AddToCart(requested_code="INOX-SP"))
    order = await place(tech)
    await operator.validate_orders([order.id])
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        app.open_order(order.id)
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, OrderScreen)
        assert screen.check_action("edit", ()) is False
        assert screen.check_action("withdraw", ()) is False
        assert "VALIDATED" in text(screen.query_one("#order-header", Static))


async def test_a_saved_address_fills_the_form_and_is_shipped_to(make_tui, signed_in) -> None:
    tech2 = await signed_in("tech2")
    await tech2.add_to_cart(AddToCart(requested_code="INOX-SP"))
    saved = (await tech2.addresses()).saved[0]
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_cart(app, pilot, "tech2")
        await pilot.press("f10")
        await wait(app, pilot)
        checkout = app.screen
        assert isinstance(checkout, CheckoutScreen)
        await pilot.press("shift+tab")  # from the VAT ID field, up to the address choice
        while not isinstance(app.focused, Select):
            await pilot.press("shift+tab")
        await pilot.press("enter", "down", "enter")  # the first saved address
        await pilot.pause()
        assert checkout.query_one("#ship-vat_id", Input).value == saved.vat_id
        assert text(checkout.query_one("#address-missing", Static)) == ""
        await pilot.press("ctrl+s")
        await wait(app, pilot, 5)
        assert isinstance(app.screen, OrderScreen)
        order = app.screen.order
        assert order is not None
        assert (order.shipping.company, order.shipping.vat_id) == (saved.company, saved.vat_id)


async def test_the_orders_list_loads_further_pages_as_the_cursor_nears_the_end(
    make_tui, signed_in, monkeypatch
) -> None:
    from tui.screens import orders as orders_screen

    total = (await (await signed_in("operator")).search_orders(OrderQuery())).total
    # the demo's order count follows today's date: three pages or more whatever it is
    # (more than 10: the next page is fetched when the cursor is within 10 rows of the end)
    page = max(11, total // 3)
    assert total > page, f"the demo has only {total} orders"
    monkeypatch.setattr(orders_screen, "PAGE", page)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "operator")
        await pilot.press("o")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, OrdersScreen)
        assert len(screen.rows) == page
        assert f"{total} orders · {page} loaded" in text(screen.query_one("#orders-status", Static))
        await pilot.press("down")
        for _ in range(total):
            await pilot.press("j")
        await wait(app, pilot)
        assert len(screen.rows) == total
        numbers = [o.number for o in screen.rows]
        assert len(set(numbers)) == total  # no order twice across the pages

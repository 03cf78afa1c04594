"""Ordering from a supplier with the keyboard at 80x24 (seed 002), against the real backend
and the supplier platform as its own process: the cart's line moves to a supplier (b), Create
order (c, the supplier chosen), review, Order (o, confirmed): the supplier's number is shown,
the cart is empty, the ticket waits for parts and lists the order; from the ticket, b makes
another (a part added by code, for it), dropped with x; :so lists both."""

from __future__ import annotations

from textual.widgets import DataTable, Label

from client.models import AddToCart
from client.models.suppliers import SaveSupplierAccountRequest
from tests.server.order_helpers import set_ticket_status
from tests.tui import conftest as tui_fixtures
from tests.tui.test_catalogue import rows, wait
from tests.tui.test_home import signed_in_home
from tui.screens.cart import CartScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.supplier_order import SupplierOrderScreen
from tui.screens.supplier_orders import SupplierOrdersScreen
from tui.screens.ticket import TicketScreen
from tui.widgets.form import ActionForm

TICKET = 116496
tui_app = tui_fixtures.make_tui  # the TUI fixtures, here where the supplier platform runs
terminal_in_utc = tui_fixtures.terminal_in_utc


async def test_cart_line_ordered_from_the_supplier_by_keyboard(
    tui_app, signed_in, database_url: str
) -> None:
    manager = await signed_in("manager")
    await manager._call(
        "POST",
        "/supplier-accounts",
        json=SaveSupplierAccountRequest(
            supplier="reference", user_name="demo", customer_id="100200"
        ).model_dump(mode="json"),
    )
    await set_ticket_status(database_url, TICKET, "confirmed")
    tech = await signed_in("tech")
    await tech.add_to_cart(AddToCart(requested_code="870650447", ticket_id=TICKET))
    app = tui_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        await pilot.press("b")
        await wait(app, pilot)
        assert isinstance(app.screen, CartScreen)
        await pilot.press("b")  # to a supplier
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, SupplierOrderScreen)
        table = screen.query_one(DataTable)
        assert table.virtual_size.width <= table.size.width  # whole at 80 columns
        (line,) = rows(table)
        assert line[0] and "870650447" in line[1] and line[-1] == str(TICKET)
        await pilot.press("c")  # Create order: the supplier is chosen in the form
        await wait(app, pilot)
        assert isinstance(app.screen, ActionForm)
        await pilot.press("ctrl+s")
        await wait(app, pilot, 5)
        assert app.screen is screen and screen.order is not None
        assert screen.order.status == "draft"
        await pilot.press("o")
        await wait(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait(app, pilot, 6)
        assert screen.order.status == "sent" and screen.order.supplier_order_number
        head = str(screen.query_one("#supplier-order-head", Label).render())
        assert screen.order.supplier_order_number in head
        await pilot.press("enter")  # the line's ticket
        await wait(app, pilot, 6)
        assert isinstance(app.screen, TicketScreen)
        await pilot.press("o")
        await wait(app, pilot)
        listed = rows(app.screen.query_one("#orders-table", DataTable))
        assert [r[2] for r in listed] == [screen.order.supplier_order_number]
        # from the ticket: b, a part added by code for it, created, then dropped
        await pilot.press("b")
        await wait(app, pilot)
        from_ticket = app.screen
        assert isinstance(from_ticket, SupplierOrderScreen) and from_ticket.ticket_id == TICKET
        await pilot.press("a")
        await wait(app, pilot)
        await pilot.press(*"870650447", "ctrl+s")
        await wait(app, pilot)
        assert [r[-1] for r in rows(from_ticket.query_one(DataTable))] == [str(TICKET)]
        await pilot.press("c")
        await wait(app, pilot)
        await pilot.press("ctrl+s")
        await wait(app, pilot, 5)
        assert from_ticket.order is not None and from_ticket.order.status == "draft"
        await pilot.press("x")
        await wait(app, pilot)
        await pilot.press("y")
        await wait(app, pilot, 5)
        assert from_ticket.order.status == "cancelled"
        await pilot.press("escape")
        await wait(app, pilot)
        await pilot.press("colon", *"so", "enter")
        await wait(app, pilot)
        assert isinstance(app.screen, SupplierOrdersScreen)
        listed = app.screen.query_one(DataTable)
        assert len(rows(listed)) == 2 and listed.virtual_size.width <= listed.size.width
    assert (await tech.cart()).lines == []
    assert (await tech.ticket(TICKET)).status.value == "waiting_parts"


async def test_a_sent_order_is_cancelled_with_x_after_a_confirmation(
    tui_app, signed_in, database_url: str
) -> None:
    from client.models.supplier_orders import CreateSupplierOrder, SupplierOrderLineInput
    from tests.tui.test_footer import footer_problems, footer_widgets

    manager = await signed_in("manager")
    await manager._call(
        "POST",
        "/supplier-accounts",
        json=SaveSupplierAccountRequest(
            supplier="reference", user_name="demo", customer_id="100200"
        ).model_dump(mode="json"),
    )
    await set_ticket_status(database_url, TICKET, "confirmed")
    tech = await signed_in("tech")
    draft = await tech.create_supplier_order(
        CreateSupplierOrder(
            supplier="reference",
            lines=[SupplierOrderLineInput(code="870650447", quantity=1, ticket_id=TICKET)],
        )
    )
    sent = await tech.send_supplier_order(draft.id)
    app = tui_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        screen = SupplierOrderScreen(sent.id)
        app.push_screen(screen)
        await wait(app, pilot, 5)
        assert screen.order is not None and screen.order.status == "sent"
        labels = [k.description for k in footer_widgets(app)]
        assert "Cancel order" in labels and "Drop draft" not in labels
        assert footer_problems(app) == []
        await pilot.press("x")
        await wait(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing is asked of the supplier
        await wait(app, pilot)
        assert screen.order.status == "sent"
        await pilot.press("x")
        await wait(app, pilot)
        await pilot.press("y")
        await wait(app, pilot, 6)
        assert screen.order.status == "cancelled"
        assert "Cancel order" not in [k.description for k in footer_widgets(app)]
    assert (await tech.supplier_order(sent.id)).status == "cancelled"

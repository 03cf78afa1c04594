"""y copies the current ticket, part or order number, Y the whole line (tab-separated), to
the clipboard (OSC 52; tests/pty checks the bytes); the message line says what was copied."""

from __future__ import annotations

from client.models import AddToCart, OrderQuery
from tests.tui.test_catalogue import open_model, wait
from tests.tui.test_home import signed_in_home
from tests.tui.test_ticket import SEED, open_ticket
from tests.tui.test_ticket_search import open_search
from tui.screens.cart import CartScreen
from tui.screens.order import OrderScreen
from tui.screens.orders import OrdersScreen
from tui.screens.part import PartScreen
from tui.widgets.ticket_list import TicketList


def said(app) -> str:
    current = app.message_line.current
    return current.text if current is not None else ""


async def copy(app, pilot, key: str) -> str:
    app._clipboard = ""
    await pilot.press(key)
    await wait(app, pilot, 1)
    return app.clipboard


async def test_ticket_search_list_copies_the_number_and_the_line(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(app, pilot)
        await pilot.press(*"reggi")  # in the search line, y is a letter like any other
        await wait(app, pilot)
        assert await copy(app, pilot, "y") == "" and screen.query_one("#search").value == "reggiy"
        await pilot.press("backspace", "down", "down")
        await wait(app, pilot)
        ticket = screen.query_one(TicketList).highlighted
        assert ticket is not None
        assert await copy(app, pilot, "y") == str(ticket.id)
        assert said(app) == f"Copied the ticket number: {ticket.id}"
        cells = (await copy(app, pilot, "Y")).split("\t")
        assert cells[0] == str(ticket.id) and cells[2] == ticket.model_code
        assert cells[3] == ticket.customer_name and len(cells) == 8
        assert said(app).startswith(f"Copied the line: {ticket.id} · ")


async def test_ticket_copies_its_number_or_the_highlighted_history_entry(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        assert await copy(app, pilot, "y") == str(SEED)
        cells = (await copy(app, pilot, "Y")).split("\t")
        assert cells[:2] == [str(SEED), "Reggiani Emidio"] and "P64" in cells
        await pilot.press("h")
        await wait(app, pilot)
        entry = screen._history[0]
        cells = (await copy(app, pilot, "Y")).split("\t")
        assert cells[0] == str(SEED) and cells[2] == entry.author
        assert said(app).startswith("Copied the history entry:")


async def test_catalogue_model_lines_and_part_copy_codes(make_tui) -> None:
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        await pilot.press("c", *"p64")
        await pilot.pause(0.4)
        await wait(app, pilot)
        await pilot.press("down")
        await wait(app, pilot)
        model = app.screen.rows[0]
        assert await copy(app, pilot, "y") == model.code
        assert said(app) == f"Copied the model code: {model.code}"
        assert (await copy(app, pilot, "Y")).split("\t")[:2] == [model.code, model.service_index]

        screen = await open_model(app, pilot)
        line = screen.query_one("#model-lines").current
        assert await copy(app, pilot, "y") == line.part.code
        cells = (await copy(app, pilot, "Y")).split("\t")
        assert cells == [line.ref_num, line.part.code, line.part.description, str(line.quantity)]

        await pilot.press("colon", *"p 870650222", "enter")
        await wait(app, pilot, 5)
        assert isinstance(app.screen, PartScreen)
        assert await copy(app, pilot, "y") == "870650222"
        assert said(app) == "Copied the part number: 870650222"
        assert (await copy(app, pilot, "Y")).startswith("870650222\t")


async def test_cart_orders_and_order_copy(make_tui, signed_in) -> None:
    tech = await signed_in("tech")
    await tech.add_to_cart(AddToCart(requested_code="INOX-SP", quantity=2))
    newest = (await tech.search_orders(OrderQuery(), limit=1)).items[0]
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        await pilot.press("b")
        await wait(app, pilot)
        assert isinstance(app.screen, CartScreen)
        assert await copy(app, pilot, "y") == "INOX-SP"
        assert (await copy(app, pilot, "Y")).split("\t")[:3] == [
            "INOX-SP",
            "INOX SPLEND BOTTLE",
            "2",
        ]

        await pilot.press("escape", "o")
        await wait(app, pilot)
        assert isinstance(app.screen, OrdersScreen)
        await pilot.press("down")
        await wait(app, pilot)
        assert await copy(app, pilot, "y") == newest.number
        assert said(app) == f"Copied the order number: {newest.number}"
        assert (await copy(app, pilot, "Y")).split("\t")[0] == newest.number

        await pilot.press("enter")
        await wait(app, pilot)
        assert isinstance(app.screen, OrderScreen)
        order = app.screen.order
        assert order is not None and await copy(app, pilot, "y") == newest.number
        cells = (await copy(app, pilot, "Y")).split("\t")
        assert cells[:2] == [newest.number, order.lines[0].ordered_code]

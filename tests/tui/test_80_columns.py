"""Nothing important cut at 80 columns, in English, French and Italian: statuses in the lists are
whole (the customer's or the note's column gives up its room first), the ticket's header
keeps its two lines whole."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Static

from client.models import OrderStatus, TicketStatus
from tests.tui.test_catalogue import wait
from tests.tui.test_home import signed_in_home
from tests.tui.test_ticket import SEED, open_ticket
from tui import i18n
from tui.screens.orders import OrdersScreen
from tui.widgets.status import order_status, ticket_status
from tui.widgets.ticket_list import layout


@pytest.fixture(params=["en", "fr", "it"])
def language(request: pytest.FixtureRequest):
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")


def test_every_ticket_status_is_whole_in_the_list_at_80_columns(language: str) -> None:
    columns = {column.key: size for column, size in layout(78)}  # 80 less padding, scroll bar
    widest = max(cell_len("! " + ticket_status(s.value)) for s in TicketStatus)
    assert columns["status"] >= widest
    assert sum(columns.values()) + len(columns) - 1 <= 78
    assert columns["customer"] >= 24  # what the status took came from the customer's room


@pytest.mark.parametrize("language", ["en", "fr", "it"])
async def test_order_statuses_are_whole_in_the_orders_list(make_tui, language: str) -> None:
    app = make_tui(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        await pilot.press("o")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, OrdersScreen)
        table = screen.query_one("#orders", DataTable)
        widths = {str(key.value): column.width for key, column in table.columns.items()}
        assert widths["status"] >= max(cell_len(order_status(s.value)) for s in OrderStatus)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no h-scroll
        shown = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert order_status(OrderStatus.AWAITING_VALIDATION.value) in shown


@pytest.mark.parametrize("language", ["en", "fr", "it"])
async def test_the_ticket_header_keeps_two_whole_lines(make_tui, language: str) -> None:
    app = make_tui(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(app, pilot)
        assert screen.ticket is not None and screen.ticket.contact_due_at is not None
        header = screen.query_one("#ticket-header", Static)
        lines = str(header.render()).splitlines()
        assert len(lines) == 2, lines
        assert all(cell_len(line) <= 78 for line in lines), lines
        assert str(SEED) in lines[0] and "! " in lines[0]  # the ticket and its deadline
        overdue = {"en": "overdue", "fr": "retard", "it": "ritardo"}[language]
        assert overdue in lines[0]
        await pilot.resize_terminal(60, 24)  # narrower: shorter words, still two lines
        await wait(app, pilot)
        lines = str(header.render()).splitlines()
        assert len(lines) == 2 and all(cell_len(line) <= 58 for line in lines), lines
        assert str(SEED) in lines[0] and "! " in lines[0]

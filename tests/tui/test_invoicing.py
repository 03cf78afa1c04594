"""Invoicing with the keyboard at 80x24, against the real backend (no mock): the list, marks,
totals, invoicing with a confirmation, the voucher, the vouchers search, the roles."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from client.models import InvoiceTotals, InvoicingQuery, TicketStatus, VoucherQuery
from tests.tui.test_catalogue import rows, wait
from tests.tui.test_home import signed_in_home
from tui.screens.confirm import ConfirmScreen
from tui.screens.invoicing import InvoicingScreen
from tui.screens.voucher import VoucherScreen
from tui.screens.vouchers import VouchersScreen
from tui.widgets.money import money, money_eur


def text(widget: Static) -> str:
    return str(widget.render())


async def open_invoicing(app, pilot, username: str) -> InvoicingScreen:
    await signed_in_home(app, pilot, username)
    await pilot.press("i")
    await wait(app, pilot)
    assert isinstance(app.screen, InvoicingScreen)
    return app.screen


async def test_the_manager_marks_two_lines_and_invoices_them(make_tui, signed_in) -> None:
    manager = await signed_in("manager")
    truth = await manager.invoicing(limit=200)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_invoicing(app, pilot, "manager")
        table = screen.query_one("#invoicing", DataTable)
        assert [r[1] for r in rows(table)] == [str(x.ticket_id) for x in truth.items]
        assert money_eur(truth.sums.total) in text(screen.query_one("#invoicing-totals", Static))
        await pilot.press("down", "space", "space")  # to the list, mark the first two
        await wait(app, pilot)
        marked = truth.items[:2]
        sums = InvoiceTotals.of(marked)
        totals = text(screen.query_one("#invoicing-totals", Static))
        assert "2 marked" in totals and money_eur(sums.total) in totals
        assert money(sums.net) in totals
        info = text(screen.query_one("#invoicing-info", Static))
        assert (
            str(truth.items[2].ticket_id) in info and "VAT 20%" in info
        )  # English: Babel writes 20%
        await pilot.press("f")
        await wait(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == f"Invoice 2 interventions for {money_eur(sums.total)}?"
        await pilot.press("y")
        await wait(app, pilot, 5)
        assert isinstance(app.screen, VoucherScreen)
        voucher = app.screen.voucher
        assert voucher is not None and voucher.total == sums.total
        head = text(app.screen.query_one("#voucher-head", Static))
        assert voucher.number in head and "Sophie Lambert" in head
        shown = rows(app.screen.query_one("#voucher-lines", DataTable))
        assert sorted(r[0] for r in shown) == sorted(str(x.ticket_id) for x in marked)
    for line in marked:
        assert (await manager.ticket(line.ticket_id)).status is TicketStatus.INVOICED
    found = await manager.search_vouchers(VoucherQuery(number=voucher.number))
    assert found.total == 1


async def test_star_marks_every_line_and_dates_filter(make_tui, signed_in) -> None:
    manager = await signed_in("manager")
    every = await manager.invoicing(limit=200)
    middle = every.items[len(every.items) // 2].intervention_date
    assert middle is not None
    since = await manager.invoicing(InvoicingQuery(intervention_from=middle), limit=200)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_invoicing(app, pilot, "manager")
        await pilot.press("down", "asterisk")
        await wait(app, pilot)
        assert screen.marked == {x.ticket_id for x in every.items}
        totals = text(screen.query_one("#invoicing-totals", Static))
        assert f"{every.total} marked" in totals and money_eur(every.sums.total) in totals
        await pilot.press("asterisk")  # again: none
        assert not screen.marked
        await pilot.press("slash", *f"from:{middle:%d/%m/%Y}")
        await pilot.pause(0.3)
        await wait(app, pilot)
        shown = rows(screen.query_one("#invoicing", DataTable))
        assert [r[1] for r in shown] == [str(x.ticket_id) for x in since.items]
        await pilot.press(*" nonsense")
        await pilot.pause(0.3)
        await wait(app, pilot)
        assert "nonsense" in text(screen.query_one("#invoicing-error", Static))
        assert len(rows(screen.query_one("#invoicing", DataTable))) == len(since.items)


async def test_a_technician_sees_but_does_not_invoice(make_tui, signed_in) -> None:
    truth = await (await signed_in("tech")).invoicing(limit=200)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_invoicing(app, pilot, "tech")
        assert len(rows(screen.query_one("#invoicing", DataTable))) == truth.total
        await pilot.press("down", "space", "f")
        await wait(app, pilot)
        assert app.screen is screen  # no confirmation: f is the manager's
    assert (await (await signed_in("tech")).invoicing(limit=200)).total == truth.total


async def test_the_vouchers_search_finds_and_opens_a_voucher(make_tui, signed_in) -> None:
    tech = await signed_in("tech")
    newest = (await tech.search_vouchers(limit=1)).items[0]
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_invoicing(app, pilot, "tech")
        await pilot.press("down", "s")
        await wait(app, pilot)
        assert isinstance(app.screen, VouchersScreen)
        await pilot.press(*newest.number, "enter")
        await pilot.pause(0.3)
        await wait(app, pilot)
        listed = rows(app.screen.query_one("#vouchers", DataTable))
        assert [r[0] for r in listed] == [newest.number]
        await pilot.press("enter")
        await wait(app, pilot, 5)
        assert isinstance(app.screen, VoucherScreen)
        assert newest.number in text(app.screen.query_one("#voucher-head", Static))
        assert len(rows(app.screen.query_one("#voucher-lines", DataTable))) == newest.count
        await pilot.press("escape")
        await wait(app, pilot)
        assert isinstance(app.screen, VouchersScreen)
        query = app.screen.query_one("#vouchers-query", Input)
        assert query.value == newest.number

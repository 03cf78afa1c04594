"""The monthly parts report and the voucher period view with the keyboard at 80x24, against
the real backend: p from invoicing, F2/F3 months, the model filter, F6 export; :periods,
Enter on a voucher, c records the centre's invoice (bad input named beside the field, what
was typed kept; a difference flagged)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual.widgets import DataTable, Input, Static

from client.models import PartsReportQuery, shift_month
from client.profiles import data_dir
from tests.tui.test_catalogue import rows, wait
from tests.tui.test_home import signed_in_home
from tui.screens.invoice_periods import InvoicePeriodsScreen
from tui.screens.invoicing import InvoicingScreen
from tui.screens.parts_report import PartsReportScreen
from tui.screens.voucher import VoucherScreen
from tui.widgets.form import ActionForm
from tui.widgets.money import money, money_eur


def text(widget: Static) -> str:
    return str(widget.render())


async def _month_with_parts(client) -> str:
    today = dt.datetime.now(dt.UTC).date()
    month = f"{today.year:04d}-{today.month:02d}"
    for _ in range(24):
        if (await client.parts_report(PartsReportQuery(month=month))).models:
            return month
        month = shift_month(month, -1)
    raise AssertionError("the demo has no part installed")


async def test_the_parts_report_from_invoicing_by_month_model_and_csv(make_tui, signed_in) -> None:
    manager = await signed_in("manager")
    month = await _month_with_parts(manager)
    truth = await manager.parts_report(PartsReportQuery(month=month))
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "manager")
        await pilot.press("i")
        await wait(app, pilot)
        await pilot.press("down", "p")  # from the invoicing list
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, PartsReportScreen)
        # to the month with parts: F2 goes back one month at a time
        while screen.month != month:
            await pilot.press("f2")
            await wait(app, pilot)
        table = screen.query_one("#parts-report", DataTable)
        shown = rows(table)
        codes = [r[1] for r in shown if r[1] and r[1] != "Total"]
        assert codes == [line.code for m in truth.models for line in m.lines]
        totals = [r for r in shown if r[1] == "Total"]
        assert [r[4] for r in totals] == [money(m.value) for m in truth.models]
        head = text(screen.query_one("#parts-report-head", Static))
        assert money_eur(truth.value) in head and f"{truth.quantity} part" in head
        # the model filter
        model = truth.models[-1].model_code
        screen.query_one("#parts-report-query", Input).focus()
        await pilot.press(*model.lower())
        await wait(app, pilot, 5)
        assert {r[0] for r in rows(table) if r[0]} == {
            m.model_code for m in truth.models if m.model_code.startswith(model)
        }
        # F6: the CSV in the exports folder
        await pilot.press("f6")
        await wait(app, pilot, 5)
        exported = list((data_dir() / "exports").glob(f"parts-{month}-*.csv"))
        assert len(exported) == 1 and model in exported[0].read_text(encoding="utf-8-sig")
        # F3: the next month
        await pilot.press("f3")
        await wait(app, pilot)
        assert screen.month == shift_month(month, 1)


async def test_the_period_view_and_recording_the_centres_invoice(make_tui, signed_in) -> None:
    manager = await signed_in("manager")
    year = dt.datetime.now(dt.UTC).year
    truth = await manager.invoicing_periods(year)
    voucher = next(v for m in reversed(truth.months) for v in m.vouchers)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "manager")
        await pilot.press("colon", *"periods", "enter")
        await wait(app, pilot)
        screen = app.screen
        assert isinstance(screen, InvoicePeriodsScreen)
        table = screen.query_one("#periods", DataTable)
        shown = rows(table)
        assert len(shown) == 12 + sum(len(m.vouchers) for m in truth.months)
        line = next(r for r in shown if r[0].strip() == voucher.number)
        assert line[4].strip() == money(voucher.total) and line[6] == "?"
        # Enter on a month with interventions to invoice: the invoicing list of that month
        month = next(m for m in truth.months if m.pending_count)
        table.move_cursor(row=table.get_row_index(f"m{month.month}"))
        await pilot.press("enter")
        await wait(app, pilot)
        assert isinstance(app.screen, InvoicingScreen)
        assert app.screen.total == month.pending_count
        await pilot.press("escape")
        await wait(app, pilot)
        assert app.screen is screen
        # Enter on the voucher opens it; c opens the form
        table.move_cursor(row=table.get_row_index(f"v{voucher.id}"))
        await pilot.press("enter")
        await wait(app, pilot)
        assert isinstance(app.screen, VoucherScreen)
        await pilot.press("c")
        await wait(app, pilot)
        form = app.screen
        assert isinstance(form, ActionForm)
        await pilot.press(*"FA-77", "tab", *"-12,5", "ctrl+s")
        await wait(app, pilot)
        assert app.screen is form
        error = text(form.query_one("#error-amount", Static))
        assert "negative" in error
        assert form.values() == {"number": "FA-77", "amount": "-12,5"}  # nothing lost
        amount = voucher.total + Decimal("1.00")
        form.query_one("#field-amount", Input).value = str(amount)
        await pilot.press("ctrl+s")
        await wait(app, pilot, 5)
        assert isinstance(app.screen, VoucherScreen)
        head = text(app.screen.query_one("#voucher-head", Static))
        assert "FA-77" in head and "differs by +1.00" in head
        await pilot.press("escape")
        await wait(app, pilot, 5)
        assert app.screen is screen
        line = next(r for r in rows(table) if r[0].strip() == voucher.number)
        assert line[5] == "FA-77" and line[6] == "! +1.00"
    recorded = await manager.voucher(voucher.id)
    assert recorded.centre_invoice is not None and recorded.centre_invoice.amount == amount


async def test_a_technician_sees_the_periods_but_records_no_invoice(make_tui, signed_in) -> None:
    tech = await signed_in("tech")
    vouchers = await tech.search_vouchers(limit=1)
    app = make_tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in_home(app, pilot, "tech")
        app.open_voucher(vouchers.items[0].id)
        await wait(app, pilot)
        assert isinstance(app.screen, VoucherScreen)
        await pilot.press("c")
        await wait(app, pilot)
        assert isinstance(app.screen, VoucherScreen)  # no form for a technician

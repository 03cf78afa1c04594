"""SavClient's report methods against the real app: the seed ticket closed with a part,
verified and invoiced shows in the month's parts report and in the period view; the
manager records the centre's invoice against the voucher (a difference flagged, a stale
version refused, bad input named); the CSV export of the report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from client.api import ConflictError, ForbiddenError, ValidationFailed
from client.models import (
    CentreInvoiceStatus,
    CsvFormat,
    NoteRequest,
    PartsReportQuery,
    PartUsedInput,
    TicketAction,
)
from tests.client.test_closing import SEED, _confirm, _form


async def test_a_closed_ticket_shows_in_the_parts_report_and_the_period_view(
    signed_in, tmp_path: Path
) -> None:
    tech = await signed_in("tech")
    today = dt.datetime.now(dt.UTC).date()
    month = today.strftime("%Y-%m")
    before = await tech.parts_report(PartsReportQuery(month=month))
    periods_before = await tech.invoicing_periods(today.year)
    await _confirm(tech)
    closed = await tech.close_intervention(SEED, _form(parts=[PartUsedInput(code="870650222")]))
    part = closed.parts[0]
    after = await tech.parts_report(PartsReportQuery(month=month))
    assert after.quantity == before.quantity + part.quantity
    assert after.value == before.value + part.amount
    group = next(m for m in after.models if m.model_code == closed.model_code)
    line = next(x for x in group.lines if x.code == part.installed_code)
    assert line.quantity >= part.quantity and line.value >= part.amount
    only = await tech.parts_report(PartsReportQuery(month=month, model=closed.model_code))
    assert {m.model_code for m in only.models} == {closed.model_code}
    # the CSV, for a spreadsheet in French
    tech.language = "fr"
    target = tmp_path / "parts.csv"
    rows = await tech.export_parts_report(PartsReportQuery(month=month), target)
    text = target.read_text(encoding="utf-8-sig")
    assert text.startswith("Mois;Modèle;") and part.installed_code in text
    assert rows == len(text.strip().splitlines()) - 1
    tech.language = None
    machine = tmp_path / "parts-machine.csv"
    await tech.export_parts_report(
        PartsReportQuery(month=month), machine, csv_format=CsvFormat.MACHINE
    )
    assert machine.read_text().startswith("month,model,code,")

    operator = await signed_in("operator")
    await operator.ticket_action(SEED, TicketAction.VERIFY, NoteRequest())
    month_index = today.month - 1
    waiting = await tech.invoicing_periods(today.year)
    assert (
        waiting.months[month_index].pending_count
        == periods_before.months[month_index].pending_count + 1
    )
    assert (
        waiting.totals.pending_amount == periods_before.totals.pending_amount + closed.totals.total
    )

    manager = await signed_in("manager")
    voucher = await manager.invoice([SEED])
    view = await manager.invoicing_periods(today.year)
    shown = next(v for v in view.months[month_index].vouchers if v.id == voucher.id)
    assert shown.status is CentreInvoiceStatus.MISSING and shown.total == voucher.total
    assert view.months[month_index].missing >= 1

    with pytest.raises(ForbiddenError):
        await tech.record_centre_invoice(voucher.id, "F-1", voucher.total, version=voucher.version)
    with pytest.raises(ValidationFailed) as bad:
        await manager.record_centre_invoice(voucher.id, "", Decimal("-2"), version=voucher.version)
    assert set(bad.value.fields) == {"number", "amount"}
    wrong = await manager.record_centre_invoice(
        voucher.id, "FA-0042", voucher.total + Decimal("0.01"), version=voucher.version
    )
    assert wrong.centre_invoice is not None
    assert wrong.centre_invoice.difference == Decimal("0.01")
    view = await tech.invoicing_periods(today.year)
    shown = next(v for v in view.months[month_index].vouchers if v.id == voucher.id)
    assert shown.status is CentreInvoiceStatus.DIFFERS and shown.invoice_number == "FA-0042"
    with pytest.raises(ConflictError) as stale:
        await manager.record_centre_invoice(
            voucher.id, "FA-0042", voucher.total, version=voucher.version
        )
    assert stale.value.stale and stale.value.changed_by
    fixed = await manager.record_centre_invoice(
        voucher.id, "FA-0042", voucher.total, version=wrong.version
    )
    assert fixed.centre_invoice is not None and fixed.centre_invoice.difference == 0
    assert (await tech.voucher(voucher.id)).centre_invoice == fixed.centre_invoice

"""Reports of the invoicing side: the monthly spare-parts report, the voucher period view
and the centre's own invoice recorded against a payment voucher."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from client.models.base import Line, Money, Query, RequestBody, Wire

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
"""A month as the wire writes it: ``2026-10``."""

MAX_CENTRE_INVOICE = Decimal("9999999999.99")
"""The highest amount a centre's invoice may state (EUR)."""


def month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def shift_month(month: str, step: int) -> str:
    """``2026-10`` shifted by ``step`` months (``-1``: ``2026-09``)."""
    found = MONTH.match(month)
    if found is None:
        raise ValueError(month)
    index = int(found[1]) * 12 + int(found[2]) - 1 + step
    return month_text(index // 12, index % 12 + 1)


# --------------------------------------------------------------------------- parts report


class PartsReportQuery(Query):
    """``GET /reports/parts``: the parts installed in the closed interventions of a month."""

    month: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]
    """The intervention date's month, ``YYYY-MM``."""
    model: Annotated[Line, StringConstraints(max_length=40)] = ""
    """The start of a model code (``P64``); empty: every model."""
    centre: Annotated[Line, StringConstraints(max_length=20)] = ""
    """A service centre code or customer number (operators; the others see their own)."""


class PartsReportLine(Wire):
    """One part installed on one model during the month: the quantity and its value (the
    unit prices frozen in the interventions, times their quantities)."""

    code: str
    description: str
    quantity: int
    value: Money


class PartsReportModel(Wire):
    """The parts installed on one model, and their totals."""

    model_code: str
    interventions: int
    """How many closed interventions of the month installed parts on this model."""
    lines: list[PartsReportLine]
    quantity: int
    value: Money


class PartsReport(Wire):
    """The monthly spare-parts report: by model (code order), each part (code order)."""

    month: str
    centre: str = ""
    model: str = ""
    models: list[PartsReportModel]
    interventions: int
    quantity: int
    value: Money


# --------------------------------------------------------------------------- centre invoice


class CentreInvoiceStatus(StrEnum):
    """How the centre's invoice stands against its voucher."""

    MISSING = "missing"
    MATCHES = "matches"
    DIFFERS = "differs"


class CentreInvoiceRequest(RequestBody):
    """``PUT /vouchers/{id}/centre-invoice``: the centre's invoice for the voucher (its
    number and amount). An amount other than the voucher's is recorded, and flagged."""

    number: Annotated[Line, StringConstraints(strip_whitespace=True, max_length=40)]
    amount: Decimal = Field(max_digits=14)


class CentreInvoice(Wire):
    """The centre's invoice recorded against a voucher, and how it stands against it."""

    number: str
    amount: Money
    recorded_at: dt.datetime
    recorded_by: str
    difference: Money
    """The invoice's amount minus the voucher's total (0: they match)."""


# --------------------------------------------------------------------------- period view


class PeriodVoucher(Wire):
    id: int
    number: str
    service_centre_code: str
    created_at: dt.datetime
    count: int
    total: Money
    invoice_number: str | None = None
    invoice_amount: Money | None = None
    difference: Money | None = None
    status: CentreInvoiceStatus = CentreInvoiceStatus.MISSING


class PeriodMonth(Wire):
    """One month: the verified interventions not yet invoiced (by intervention date), the
    interventions invoiced on the vouchers made that month, and those vouchers."""

    month: str
    pending_count: int = 0
    pending_amount: Money = Decimal("0.00")
    invoiced_count: int = 0
    invoiced_amount: Money = Decimal("0.00")
    vouchers: list[PeriodVoucher] = []
    differences: int = 0
    """Vouchers whose recorded centre invoice differs from them."""
    missing: int = 0
    """Vouchers without a centre invoice recorded yet."""


class InvoicingPeriods(Wire):
    """``GET /invoicing/periods``: a year, month by month, and its totals."""

    year: int
    centre: str = ""
    months: list[PeriodMonth]
    totals: PeriodMonth


class PeriodsQuery(Query):
    year: int = Field(ge=2000, le=2100)
    centre: Annotated[Line, StringConstraints(max_length=20)] = ""

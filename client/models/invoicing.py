"""Invoicing: the verified interventions a centre may invoice, payment vouchers (*bons à
payer*) and their searches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from client.models.base import Day, Id, Line, Money, Percent, Query, RequestBody, Wire
from client.models.reports import CentreInvoice

MAX_INVOICE_TICKETS = 5000
"""How many interventions one voucher may take at most."""


class InvoiceLine(Wire):
    """A verified (or, on a voucher, invoiced) intervention, with its figures frozen at closing:
    the seed's columns (ticket date and ID, intervention date and ID, exchange, model,
    customer, service centre, rate, spares, bonuses, net, VAT, final price)."""

    ticket_id: int
    intervention_id: int
    ticket_created_at: dt.datetime
    intervention_date: dt.date | None = None
    exchange: bool = False
    model_code: str
    service_index: str = ""
    purchase_date: dt.date | None = None
    customer_name: str
    service_centre_code: str
    rate: Money
    spares: Money
    bonuses: Money
    net: Money
    vat_rate: Percent
    vat: Money
    total: Money


class InvoiceTotals(Wire):
    """The sums of some lines, column by column. A voucher's figures are exactly the sums
    of its interventions' (each was rounded once, at closing): nothing is rounded again."""

    count: int = 0
    rate: Money = Decimal("0.00")
    spares: Money = Decimal("0.00")
    bonuses: Money = Decimal("0.00")
    net: Money = Decimal("0.00")
    vat: Money = Decimal("0.00")
    total: Money = Decimal("0.00")

    @classmethod
    def of(cls, lines: Iterable[InvoiceLine]) -> InvoiceTotals:
        zero = Decimal("0.00")
        sums = dict.fromkeys(("rate", "spares", "bonuses", "net", "vat", "total"), zero)
        count = 0
        for line in lines:
            count += 1
            for name in sums:
                sums[name] += getattr(line, name)
        return cls(count=count, **sums)


class InvoicingQuery(Query):
    """The invoicing list (``GET /invoicing``): the verified interventions not yet on a
    voucher; empty fields filter nothing. By intervention date, then ticket."""

    intervention_from: Day | None = None
    intervention_to: Day | None = None
    centre: Annotated[Line, StringConstraints(max_length=20)] = ""
    """A service centre code or customer number (operators; the others see their own)."""


class InvoicingList(Wire):
    """One page of the invoicing list, and the totals of every line that matched."""

    items: list[InvoiceLine]
    total: int
    next_cursor: str | None = None
    offset: int = 0
    sums: InvoiceTotals


class InvoiceRequest(RequestBody):
    """Invoice these tickets' verified interventions on one new payment voucher."""

    ticket_ids: list[Id] = Field(min_length=1, max_length=MAX_INVOICE_TICKETS)


class VoucherSummary(Wire):
    id: int
    number: str
    service_centre_code: str
    created_at: dt.datetime
    created_by: str
    count: int
    net: Money
    vat: Money
    total: Money


class VoucherDetail(VoucherSummary):
    """A payment voucher and its interventions; its figures are their sums."""

    service_centre_name: str
    lines: list[InvoiceLine]
    version: int = 1
    """``If-Match`` of recording the centre's invoice."""
    centre_invoice: CentreInvoice | None = None
    """The centre's own invoice for this voucher, once recorded."""


class VoucherQuery(Query):
    """A voucher search (``GET /vouchers``); empty fields filter nothing. Newest first."""

    number: Annotated[Line, StringConstraints(max_length=40)] = ""
    """A prefix of the voucher number."""
    created_from: Day | None = None
    created_to: Day | None = None
    amount_min: Decimal | None = None
    """The final amount at least this (EUR)."""
    amount_max: Decimal | None = None
    centre: Annotated[Line, StringConstraints(max_length=20)] = ""

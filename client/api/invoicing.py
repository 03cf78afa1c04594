"""Invoicing: the interventions to invoice, the payment vouchers, the period view and
the centres' invoices."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from client import models as wire  # each model's module imported when first used
from client.api._base import ClientBase, _body, _parse

if TYPE_CHECKING:
    from client.models import (
        InvoicingList,
        InvoicingPeriods,
        InvoicingQuery,
        Page,
        VoucherDetail,
        VoucherQuery,
        VoucherSummary,
    )


class InvoicingApi(ClientBase):
    """The invoicing and voucher endpoints (``/invoicing``, ``/vouchers``)."""

    async def invoicing(
        self, query: InvoicingQuery | None = None, *, limit: int = 50, offset: int = 0
    ) -> InvoicingList:
        """The verified interventions waiting to be invoiced, and the sums of every match."""
        params: dict[str, Any] = {
            **(query or wire.InvoicingQuery()).params(),
            "limit": limit,
            "offset": offset,
        }
        return _parse(await self._call("GET", "/invoicing", params=params), wire.InvoicingList)

    async def invoice(
        self, ticket_ids: Sequence[int], *, idempotency_key: str | None = None
    ) -> VoucherDetail:
        """Invoice these tickets on one new payment voucher (the centre's manager); a
        ConflictError names the tickets no longer verified, and nothing was invoiced.

        ``idempotency_key`` is chosen once per user action and passed again when the user
        retries it (a new one is drawn when none is given); every retry of this call sends
        the same key, so a lost answer never makes a second voucher."""
        body = wire.InvoiceRequest(ticket_ids=list(ticket_ids))
        key = idempotency_key or uuid.uuid4().hex
        answer = await self._call(
            "POST", "/vouchers", json=_body(body), headers={"Idempotency-Key": key}
        )
        return _parse(answer, wire.VoucherDetail)

    async def search_vouchers(
        self, query: VoucherQuery | None = None, *, limit: int = 50, offset: int = 0
    ) -> Page[VoucherSummary]:
        params: dict[str, Any] = {
            **(query or wire.VoucherQuery()).params(),
            "limit": limit,
            "offset": offset,
        }
        return _parse(
            await self._call("GET", "/vouchers", params=params), wire.Page[wire.VoucherSummary]
        )

    async def voucher(self, voucher_id: int) -> VoucherDetail:
        return await self._get(f"/vouchers/{voucher_id}", wire.VoucherDetail)

    async def invoicing_periods(self, year: int, centre: str = "") -> InvoicingPeriods:
        """The voucher period view of ``year``, month by month."""
        params = wire.PeriodsQuery(year=year, centre=centre).params()
        answer = await self._call("GET", "/invoicing/periods", params=params)
        return _parse(answer, wire.InvoicingPeriods)

    async def record_centre_invoice(
        self, voucher_id: int, number: str, amount: Decimal, *, version: int
    ) -> VoucherDetail:
        """Record (or correct) the centre's invoice for a voucher (its manager); the voucher
        as it now is. A stale ``version`` is a ConflictError saying who changed it."""
        body = wire.CentreInvoiceRequest(number=number, amount=amount)
        answer = await self._call(
            "PUT",
            f"/vouchers/{voucher_id}/centre-invoice",
            json=_body(body),
            headers={"If-Match": str(version)},
        )
        return _parse(answer, wire.VoucherDetail)

"""Invoicing: the verified interventions to invoice, invoicing them on a payment voucher,
and the vouchers. The rules live in server.services.invoicing."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from client.models import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    InvoiceRequest,
    InvoicingList,
    InvoicingQuery,
    Page,
    VoucherDetail,
    VoucherQuery,
    VoucherSummary,
)
from client.models.base import LINE, MAX_OFFSET, Day, IdParam
from server.deps import CurrentUser, Now, ReaderZone, Session
from server.routes.orders import IdempotencyKey
from server.services import invoicing

router = APIRouter(tags=["invoicing"])


async def _invoicing_query(
    intervention_from: Day | None = None,
    intervention_to: Day | None = None,
    centre: Annotated[str, Query(max_length=20, pattern=LINE)] = "",
) -> InvoicingQuery:
    return InvoicingQuery(
        intervention_from=intervention_from, intervention_to=intervention_to, centre=centre
    )


async def _voucher_query(
    number: Annotated[str, Query(max_length=40, pattern=LINE)] = "",
    created_from: Day | None = None,
    created_to: Day | None = None,
    amount_min: Annotated[Decimal | None, Query(max_digits=14, decimal_places=2)] = None,
    amount_max: Annotated[Decimal | None, Query(max_digits=14, decimal_places=2)] = None,
    centre: Annotated[str, Query(max_length=20, pattern=LINE)] = "",
) -> VoucherQuery:
    return VoucherQuery(
        number=number,
        created_from=created_from,
        created_to=created_to,
        amount_min=amount_min,
        amount_max=amount_max,
        centre=centre,
    )


@router.get("/invoicing", response_model=InvoicingList)
async def invoicing_list(
    query: Annotated[InvoicingQuery, Depends(_invoicing_query)],
    user: CurrentUser,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> InvoicingList:
    """The verified interventions waiting to be invoiced (the centre's own; every centre's
    for operators), by intervention date, with the sums of every one that matched."""
    return await invoicing.invoicing_list(session, query, user, limit=limit, offset=offset)


@router.post(
    "/vouchers",
    response_model=VoucherDetail,
    status_code=201,
    responses={
        403: {"description": "only a centre's manager invoices"},
        404: {"description": "tickets the centre does not have (named)"},
        409: {"description": "tickets no longer verified and waiting (named); nothing written"},
        428: {"description": "no Idempotency-Key"},
    },
)
async def invoice(
    body: InvoiceRequest,
    user: CurrentUser,
    session: Session,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Invoice: one payment voucher for these tickets' verified interventions, the tickets
    invoiced, in one transaction; the voucher's number is the centre's next this year.

    ``Idempotency-Key`` is required (428 without): a retry with the same key answers the
    same voucher (``Idempotency-Replayed: true``), never a second one."""
    status, text, replayed = await invoicing.invoice_once(session, user, body, idempotency_key, now)
    headers = {"Idempotency-Replayed": "true"} if replayed else {}
    return Response(
        content=text, status_code=status, media_type="application/json", headers=headers
    )


@router.get("/vouchers", response_model=Page[VoucherSummary])
async def search_vouchers(
    query: Annotated[VoucherQuery, Depends(_voucher_query)],
    user: CurrentUser,
    session: Session,
    zone: ReaderZone,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Page[VoucherSummary]:
    """Payment vouchers matching every filter given (number prefix, creation dates in the
    reader's time zone, final amount), newest first."""
    return await invoicing.search_vouchers(session, query, user, zone, limit=limit, offset=offset)


@router.get("/vouchers/{voucher_id}", response_model=VoucherDetail)
async def get_voucher(voucher_id: IdParam, user: CurrentUser, session: Session) -> VoucherDetail:
    """A payment voucher with its interventions."""
    return await invoicing.get_voucher(session, voucher_id, user)

"""Reports: the monthly spare-parts report (JSON and CSV), the voucher period view, and the
centre's own invoice recorded against a voucher. The rules live in
server.services.parts_report and server.services.invoice_periods."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response

from client.models import (
    CentreInvoiceRequest,
    CsvFormat,
    InvoicingPeriods,
    PartsReport,
    PartsReportQuery,
    VoucherDetail,
)
from client.models.base import LINE, IdParam
from server.deps import CurrentUser, Now, ReaderZone, Session
from server.documents import MEDIA_TYPE
from server.documents import parts_report as parts_report_pdf
from server.i18n import language
from server.services import invoice_periods, invoicing, parts_report
from server.services.ticket_actions import parse_if_match

router = APIRouter(tags=["reports"])

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description="the voucher version the change was made on; 412 when it changed",
    ),
]


async def _parts_query(
    month: Annotated[str, Query(max_length=7, pattern=LINE, description="YYYY-MM")],
    model: Annotated[str, Query(max_length=40, pattern=LINE)] = "",
    centre: Annotated[str, Query(max_length=20, pattern=LINE)] = "",
) -> PartsReportQuery:
    parts_report.month_bounds(month)  # 422 naming the month, in the reader's language
    return PartsReportQuery(month=month.strip(), model=model, centre=centre)


PartsQuery = Annotated[PartsReportQuery, Depends(_parts_query)]


@router.get("/reports/parts", response_model=PartsReport)
async def parts(user: CurrentUser, query: PartsQuery, session: Session) -> PartsReport:
    """The parts installed in the closed interventions of a month (intervention date), by
    model, with their quantities, values and totals (the centre's own; operators every
    centre's, or ``centre``'s)."""
    return await parts_report.parts_report(session, user, query)


@router.get("/reports/parts.csv", response_class=Response)
async def parts_csv(
    user: CurrentUser,  # first: signed out is 401 whatever the month
    query: PartsQuery,
    session: Session,
    csv_format: Annotated[
        CsvFormat,
        Query(
            alias="format",
            description="spreadsheet: the request's language (separator, names, decimal "
            "mark), UTF-8 with BOM, totals as rows; machine: codes, ',', 1234.50, no totals",
        ),
    ] = CsvFormat.SPREADSHEET,
) -> Response:
    """The monthly spare-parts report as CSV (as ``/tickets.csv`` writes)."""
    report = await parts_report.parts_report(session, user, query)
    body = parts_report.report_csv(report, csv_format, language())
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="parts-{report.month}.csv"'},
    )


@router.get(
    "/reports/parts.pdf",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPE: {}}, "description": "the PDF document"}},
)
async def parts_pdf(user: CurrentUser, query: PartsQuery, session: Session) -> Response:
    """The monthly spare-parts report as a PDF (A4, the centre's letterhead)."""
    content = await parts_report_pdf.pdf(session, query, user)
    name = parts_report_pdf.file_name(query.month)
    return Response(
        content,
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.get("/invoicing/periods", response_model=InvoicingPeriods)
async def periods(
    user: CurrentUser,
    session: Session,
    zone: ReaderZone,
    year: Annotated[int, Query(ge=2000, le=2100)],
    centre: Annotated[str, Query(max_length=20, pattern=LINE)] = "",
) -> InvoicingPeriods:
    """A year month by month: verified interventions not yet invoiced, interventions
    invoiced (vouchers made that month, in the reader's zone), each voucher with the
    centre's invoice recorded against it and any difference."""
    return await invoice_periods.periods(session, user, year, centre, zone)


@router.put(
    "/vouchers/{voucher_id}/centre-invoice",
    response_model=VoucherDetail,
    responses={
        403: {"description": "only the centre's manager records its invoice"},
        412: {"description": "the voucher changed since it was read"},
        428: {"description": "If-Match is missing"},
    },
)
async def record_centre_invoice(
    voucher_id: IdParam,
    body: CentreInvoiceRequest,
    user: CurrentUser,
    session: Session,
    now: Now,
    if_match: IfMatch = None,
) -> VoucherDetail:
    """Record or correct the centre's own invoice for a voucher (its number and amount);
    an amount other than the voucher's is recorded and flagged."""
    await invoice_periods.record_centre_invoice(
        session, voucher_id, user, body, if_match=parse_if_match(if_match), now=now
    )
    return await invoicing.get_voucher(session, voucher_id, user)

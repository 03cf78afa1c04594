"""The PDF documents (server.documents): an intervention report, a payment voucher, an order,
in the request's language and time zone; who may read each is who may read its JSON route.
And e-mailing the intervention report (server.services.report_email).

Included before the JSON routes of vouchers and orders: ``/vouchers/{id}.pdf`` must not be
taken for ``/vouchers/{id}``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Response

from client.models import ReportEmailed, ReportEmailRequest
from client.models.base import IdParam
from server.deps import AppSettings, CurrentUser, Now, ReaderZone, Session
from server.documents import MEDIA_TYPE, intervention, order, voucher
from server.services import report_email

router = APIRouter(tags=["documents"])

PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {MEDIA_TYPE: {}}, "description": "the PDF document"}
}


def _pdf(content: bytes, name: str) -> Response:
    return Response(
        content=content,
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.get("/tickets/{ticket_id}/intervention.pdf", response_class=Response, responses=PDF)
async def intervention_pdf(
    ticket_id: IdParam, user: CurrentUser, session: Session, now: Now, zone: ReaderZone
) -> Response:
    """The intervention report: what ``GET /tickets/{id}/intervention`` shows, on paper."""
    content = await intervention.pdf(session, ticket_id, user, now, zone)
    return _pdf(content, intervention.file_name(ticket_id))


@router.get("/vouchers/{voucher_id}.pdf", response_class=Response, responses=PDF)
async def voucher_pdf(
    voucher_id: IdParam, user: CurrentUser, session: Session, zone: ReaderZone
) -> Response:
    """The payment voucher with its interventions, over as many pages as they take."""
    content = await voucher.pdf(session, voucher_id, user, zone)
    return _pdf(content, f"voucher-{voucher_id}.pdf")


@router.get("/orders/{order_id}.pdf", response_class=Response, responses=PDF)
async def order_pdf(
    order_id: IdParam, user: CurrentUser, session: Session, zone: ReaderZone
) -> Response:
    """The order: its lines, addresses and amounts."""
    content = await order.pdf(session, order_id, user, zone)
    return _pdf(content, f"order-{order_id}.pdf")


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="chosen once per sending and sent again with each retry of it",
    ),
]


@router.post(
    "/tickets/{ticket_id}/intervention/email",
    response_model=ReportEmailed,
    responses={
        403: {"description": "the centre's staff send it"},
        422: {"description": "no address given and the customer has none"},
        428: {"description": "no Idempotency-Key"},
        503: {"description": "the e-mail could not be sent nor kept in the outbox"},
    },
)
async def email_intervention(
    ticket_id: IdParam,
    body: ReportEmailRequest,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    zone: ReaderZone,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """E-mail the intervention report, the PDF attached, to ``to`` or else the customer, in
    the recipient's language; recorded in the ticket's history."""
    text, replayed = await report_email.email_report(
        session, ticket_id, user, body, idempotency_key, settings=settings, now=now, zone=zone
    )
    headers = {"Idempotency-Replayed": "true"} if replayed else {}
    return Response(content=text, media_type="application/json", headers=headers)

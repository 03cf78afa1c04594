"""Tickets and ticket groups: search (a page, or the whole result as CSV) and reading."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from client.models import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    CsvFormat,
    NewTicket,
    Page,
    Ticket,
    TicketGroup,
    TicketQuery,
    TicketSort,
    TicketStatus,
    TicketSummary,
)
from client.models.base import LINE, MAX_OFFSET, Day, IdParam
from server.deps import AppSettings, CurrentUser, Now, ReaderZone, Session, read_only
from server.i18n import language
from server.routes.orders import IdempotencyKey
from server.services import ticket_create, ticket_export, ticket_query, tickets

router = APIRouter(tags=["tickets"])


async def _read_ahead(chunks: AsyncIterator[bytes], n: int) -> list[bytes]:
    """The first ``n`` chunks (fewer if there are no more); the rest stay to be read."""
    ahead: list[bytes] = []
    while len(ahead) < n:
        try:
            ahead.append(await anext(chunks))
        except StopAsyncIteration:
            break
    return ahead


async def _chain(ahead: list[bytes], rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    for chunk in ahead:
        yield chunk
    async for chunk in rest:
        yield chunk


async def _query(
    status: Annotated[list[TicketStatus] | None, Query()] = None,
    q: Annotated[str, Query(max_length=200, pattern=LINE)] = "",
    postal_code: Annotated[str, Query(max_length=20, pattern=LINE)] = "",
    phone: Annotated[str, Query(max_length=40, pattern=LINE)] = "",
    city: Annotated[str, Query(max_length=100, pattern=LINE)] = "",
    model: Annotated[str, Query(max_length=40, pattern=LINE)] = "",
    engineer: Annotated[str, Query(max_length=120, pattern=LINE)] = "",
    created_from: Day | None = None,
    created_to: Day | None = None,
    waiting_parts: bool | None = None,
    overdue: bool | None = None,
    sort: TicketSort = TicketSort.CREATED_AT,
    desc: bool = True,
) -> TicketQuery:
    return TicketQuery(
        status=tuple(status or ()),
        q=q,
        postal_code=postal_code,
        phone=phone,
        city=city,
        model=model,
        engineer=engineer,
        created_from=created_from,
        created_to=created_to,
        waiting_parts=waiting_parts,
        overdue=overdue,
        sort=sort,
        desc=desc,
    )


SearchQuery = Annotated[TicketQuery, Depends(_query)]


@router.get("/tickets", response_model=Page[TicketSummary])
@read_only
async def search_tickets(
    query: SearchQuery,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Page[TicketSummary]:
    """Tickets matching every filter given, sorted, ``limit`` of them from ``offset``."""
    return await ticket_query.search(
        session,
        query,
        user,
        now=now,
        overdue_hours=settings.overdue_contact_hours,
        limit=limit,
        offset=offset,
        count_limit=settings.search_count_limit,
    )


@router.get("/tickets.csv", response_class=StreamingResponse)
async def export_tickets(
    request: Request,
    query: SearchQuery,
    user: CurrentUser,
    settings: AppSettings,
    now: Now,
    zone: ReaderZone,
    csv_format: Annotated[
        CsvFormat,
        Query(
            alias="format",
            description="spreadsheet: the request's language (separator, names, dates in the "
            "Time-Zone's zone), UTF-8 with BOM; machine: codes, ',', ISO 8601 UTC, no BOM",
        ),
    ] = CsvFormat.SPREADSHEET,
) -> StreamingResponse:
    """The whole result of a search as CSV, streamed (the same filters and sort).

    The header and the first batch of rows are made before the answer starts, so that a
    failure there (the query itself) is an error status. A failure later, once the 200 is
    sent, propagates: the server then cuts the connection without the chunked body's last
    chunk, and the client sees an incomplete download, never a file that looks whole
    (``SavClient.export_tickets`` reports it and keeps no file)."""
    rows = ticket_export.export_csv(
        request.app.state.sessions,
        query,
        user,
        now=now,
        overdue_hours=settings.overdue_contact_hours,
        csv_format=csv_format,
        lang=language(),
        zone=zone,
    )
    ahead = await _read_ahead(rows, 2)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        _chain(ahead, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="tickets-{stamp}.csv"'},
    )


@router.post(
    "/tickets",
    response_model=Ticket,
    status_code=201,
    responses={
        403: {"description": "operators only"},
        422: {"description": "a field named"},
        428: {"description": "no Idempotency-Key"},
    },
)
async def create_ticket(
    body: NewTicket,
    user: CurrentUser,
    session: Session,
    settings: AppSettings,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Operators: record a customer's request for one appliance (a new group); it is to
    assign, or to contact when a centre's code is given. ``Idempotency-Key`` is required
    (428 without): a retry answers the same ticket (``Idempotency-Replayed: true``)."""

    async def answer(ticket_id: int) -> Ticket:
        return await tickets.get_ticket(
            session, ticket_id, user, settings.overdue_contact_hours, now
        )

    status, text, replayed = await ticket_create.create_once(
        session, user, body, idempotency_key, now, answer
    )
    headers = {"Idempotency-Replayed": "true"} if replayed else {}
    return Response(
        content=text, status_code=status, media_type="application/json", headers=headers
    )


@router.get("/tickets/{ticket_id}", response_model=Ticket)
@read_only
async def get_ticket(
    ticket_id: IdParam, user: CurrentUser, session: Session, settings: AppSettings, now: Now
) -> Ticket:
    return await tickets.get_ticket(session, ticket_id, user, settings.overdue_contact_hours, now)


@router.get("/ticket-groups/{group_id}", response_model=TicketGroup)
@read_only
async def get_group(
    group_id: IdParam, user: CurrentUser, session: Session, settings: AppSettings, now: Now
) -> TicketGroup:
    return await tickets.get_group(session, group_id, user, settings.overdue_contact_hours, now)

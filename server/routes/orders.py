"""Checkout and orders. The rules live in server.services.checkout and server.services.orders.

``POST /orders`` requires ``Idempotency-Key`` (428 without): a replay answers the stored
response, marked ``Idempotency-Replayed: true``. ``PUT`` and ``DELETE /orders/{id}``
require ``If-Match: <version>`` (428 without, 412 when stale).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response

from client.models import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Order,
    OrderQuery,
    OrderStatus,
    OrderSummary,
    OrderUpdate,
    Page,
    PlaceOrder,
    RecordShipment,
    ValidateOrders,
    ValidationResult,
)
from client.models.base import LINE, MAX_OFFSET, Day, IdParam
from server.deps import CurrentUser, Now, Session, read_only
from server.services import checkout, orders, shipments
from server.services.ticket_actions import parse_if_match

router = APIRouter(tags=["orders"])

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description="the order version the change was made on; 412 when the order changed",
    ),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="chosen once per confirmation and sent again with each retry of it",
    ),
]


async def _query(
    number: Annotated[str, Query(max_length=40, pattern=LINE)] = "",
    status: Annotated[list[OrderStatus] | None, Query()] = None,
    ticket_id: IdParam | None = None,
    part: Annotated[str, Query(max_length=40, pattern=LINE)] = "",
    note: Annotated[str, Query(max_length=200, pattern=LINE)] = "",
    created_from: Day | None = None,
    created_to: Day | None = None,
    centre: Annotated[str, Query(max_length=20, pattern=LINE)] = "",
) -> OrderQuery:
    return OrderQuery(
        number=number,
        status=tuple(status or ()),
        ticket_id=ticket_id,
        part=part,
        note=note,
        created_from=created_from,
        created_to=created_to,
        centre=centre,
    )


@router.post(
    "/orders",
    response_model=Order,
    status_code=201,
    responses={
        409: {"description": "empty cart, changed cart, part or ticket refused, key reused"},
        428: {"description": "no Idempotency-Key"},
    },
)
async def place_order(
    body: PlaceOrder,
    user: CurrentUser,
    session: Session,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Order the whole cart; the order awaits the manufacturer's validation."""
    status, text, replayed = await checkout.place(session, user, body, idempotency_key, now)
    headers = {"Idempotency-Replayed": "true"} if replayed else {}
    return Response(
        content=text, status_code=status, media_type="application/json", headers=headers
    )


@router.get("/orders", response_model=Page[OrderSummary])
@read_only
async def search_orders(
    query: Annotated[OrderQuery, Depends(_query)],
    user: CurrentUser,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Page[OrderSummary]:
    """Orders matching every filter given, newest first."""
    return await orders.search(session, query, user, limit=limit, offset=offset)


@router.post("/orders/validate", response_model=ValidationResult)
async def validate_orders(
    body: ValidateOrders, user: CurrentUser, session: Session, now: Now
) -> ValidationResult:
    """Operators: validate orders awaiting validation; each refusal says why."""
    return await orders.validate(session, user, body.ids, now)


@router.post(
    "/orders/{order_id}/shipments",
    response_model=Order,
    responses={409: {"description": "the order is not validated (awaiting, cancelled, done)"}},
)
async def record_shipment(
    order_id: IdParam, body: RecordShipment, user: CurrentUser, session: Session, now: Now
) -> Order:
    """Operators (the manufacturer's warehouse): these lines were shipped (no line: all of
    the rest). The order is shipped once every line is; a ticket waiting for parts whose
    order lines are all shipped goes back to confirmed."""
    return await shipments.record(session, order_id, user, body, now)


@router.get("/orders/{order_id}", response_model=Order)
@read_only
async def get_order(order_id: IdParam, user: CurrentUser, session: Session) -> Order:
    return await orders.get_order(session, order_id, user)


@router.put("/orders/{order_id}", response_model=Order)
async def update_order(
    order_id: IdParam,
    body: OrderUpdate,
    user: CurrentUser,
    session: Session,
    now: Now,
    if_match: IfMatch = None,
) -> Order:
    """The order's note and the listed lines' quantity and note, while it awaits validation."""
    return await orders.update_order(
        session, order_id, user, body, if_match=parse_if_match(if_match), now=now
    )


@router.delete("/orders/{order_id}", response_model=Order)
async def withdraw_order(
    order_id: IdParam, user: CurrentUser, session: Session, now: Now, if_match: IfMatch = None
) -> Order:
    """Withdraw an order awaiting validation: it is cancelled and keeps its number."""
    return await orders.withdraw(
        session, order_id, user, if_match=parse_if_match(if_match), now=now
    )

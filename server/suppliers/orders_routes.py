"""Orders sent to outside suppliers by the signed-in user's centre (server.suppliers.orders)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from client.models.base import IdParam
from client.models.supplier_orders import (
    CreateSupplierOrder,
    SendSupplierOrder,
    SupplierOrder,
    SupplierOrderSummary,
)
from server.deps import CurrentUser, Now, Session, read_only
from server.suppliers import orders
from server.suppliers.registry import SupplierClients
from server.suppliers.routes import _factory

router = APIRouter(tags=["suppliers"])


@router.get("/supplier-orders", response_model=list[SupplierOrderSummary])
@read_only
async def list_supplier_orders(
    user: CurrentUser,
    session: Session,
    status: Annotated[Literal["draft", "sent", "delivered", "cancelled"] | None, Query()] = None,
    ticket_id: Annotated[IdParam | None, Query()] = None,
) -> list[SupplierOrderSummary]:
    """The centre's supplier orders, newest first; ``ticket_id``: those with a line for it."""
    return await orders.list_orders(session, user, status=status, ticket_id=ticket_id)


@router.post(
    "/supplier-orders",
    response_model=SupplierOrder,
    status_code=201,
    responses={422: {"description": "unknown supplier, no account, a line not in the cart"}},
)
async def create_supplier_order(
    body: CreateSupplierOrder, user: CurrentUser, session: Session, now: Now, request: Request
) -> SupplierOrder:
    """Create order: a draft with one of the centre's suppliers, from cart lines (moved out
    of the cart) and lines typed for tickets. Nothing is sent yet."""
    return await orders.create_order(session, user, body, request.app.state.settings, now)


@router.get("/supplier-orders/{order_id}", response_model=SupplierOrder)
@read_only
async def get_supplier_order(
    order_id: IdParam, user: CurrentUser, session: Session
) -> SupplierOrder:
    return await orders.get_order(session, user, order_id)


@router.post(
    "/supplier-orders/{order_id}/send",
    response_model=SupplierOrder,
    responses={
        409: {"description": "refused by the supplier, dropped, a ticket that cannot wait"},
        502: {"description": "the supplier answered garbage; the draft is intact"},
        503: {"description": "the supplier did not answer; the draft is intact"},
    },
)
async def send_supplier_order(
    order_id: IdParam,
    body: SendSupplierOrder,
    user: CurrentUser,
    session: Session,
    now: Now,
    request: Request,
) -> SupplierOrder:
    """Order: send the draft to the supplier under its client reference (safe to repeat:
    the supplier keeps one order per reference; a sent order is answered as it is)."""
    state = request.app.state
    if getattr(state, "supplier_clients", None) is None:
        state.supplier_clients = SupplierClients()  # closed with the app (server/app.py)
    return await orders.send_order(
        session,
        user,
        order_id,
        body,
        state.settings,
        now,
        _factory(request),
        state.supplier_clients,
    )


@router.post(
    "/supplier-orders/{order_id}/cancel",
    response_model=SupplierOrder,
    responses={
        409: {"description": "delivered, or refused by the supplier; nothing changed"},
        502: {"description": "the supplier answered garbage; the order is still sent"},
        503: {"description": "the supplier did not answer; the order is still sent"},
    },
)
async def cancel_supplier_order(
    order_id: IdParam, user: CurrentUser, session: Session, now: Now, request: Request
) -> SupplierOrder:
    """Drop a draft, or cancel a sent order at its supplier first, then here (safe to
    repeat: a cancelled order is answered as it is)."""
    state = request.app.state
    if getattr(state, "supplier_clients", None) is None:
        state.supplier_clients = SupplierClients()  # closed with the app (server/app.py)
    return await orders.cancel_order(
        session, user, order_id, state.settings, now, _factory(request), state.supplier_clients
    )

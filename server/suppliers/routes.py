"""Supplier accounts of the signed-in user's centre (server.suppliers.accounts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from client.models.base import LINE, IdParam
from client.models.suppliers import (
    SaveSupplierAccountRequest,
    Supplier,
    SupplierAccount,
    SupplierAvailability,
)
from server.deps import CurrentUser, Now, Session
from server.suppliers import accounts
from server.suppliers import availability as supplier_availability
from server.suppliers.adapter import MAX_CODES
from server.suppliers.models import Code
from server.suppliers.registry import SupplierClients

router = APIRouter(tags=["suppliers"])


@router.get("/suppliers", response_model=list[Supplier])
async def list_suppliers(user: CurrentUser, request: Request) -> list[Supplier]:
    """The suppliers this server is set up for: those a centre may enter an account with."""
    return accounts.list_suppliers(user, request.app.state.settings)


@router.get("/supplier-accounts", response_model=list[SupplierAccount])
async def list_supplier_accounts(user: CurrentUser, session: Session) -> list[SupplierAccount]:
    """The centre's supplier accounts, without their secrets (403 for operators)."""
    return await accounts.list_accounts(session, user)


@router.post("/supplier-accounts", response_model=SupplierAccount, status_code=201)
async def save_supplier_account(
    body: SaveSupplierAccountRequest,
    user: CurrentUser,
    session: Session,
    now: Now,
    request: Request,
) -> SupplierAccount:
    """Enter the centre's account with a supplier (managers): checked with the supplier first,
    then kept, replacing the centre's former account with it. The secret is never returned."""
    return await accounts.save_account(
        session, user, body, request.app.state.settings, now, _factory(request)
    )


@router.get("/supplier-accounts/{account_id}", response_model=SupplierAccount)
async def get_supplier_account(
    account_id: IdParam, user: CurrentUser, session: Session
) -> SupplierAccount:
    return await accounts.get_account(session, user, account_id)


@router.delete("/supplier-accounts/{account_id}", status_code=204)
async def delete_supplier_account(
    account_id: IdParam, user: CurrentUser, session: Session
) -> Response:
    """Forget the centre's account (managers)."""
    await accounts.delete_account(session, user, account_id)
    return Response(status_code=204)


@router.get("/supplier-availability", response_model=SupplierAvailability)
async def get_supplier_availability(
    code: Annotated[list[Code], Query(min_length=1, max_length=MAX_CODES)],
    user: CurrentUser,
    session: Session,
    request: Request,
    supplier: Annotated[str | None, Query(max_length=60, pattern=LINE)] = None,
) -> SupplierAvailability:
    """Stock, lead time and prices of these codes at every supplier the centre has an account
    with (or only ``supplier``'s), asked in parallel; a supplier that does not answer in time
    is "no_answer". A screen asks each supplier on its own, to show each answer as it comes."""
    state = request.app.state
    if getattr(state, "supplier_clients", None) is None:
        state.supplier_clients = SupplierClients()  # closed with the app (server/app.py)
    return await supplier_availability.availability(
        session,
        user,
        code,
        state.settings,
        _factory(request),
        state.supplier_clients,
        only=supplier,
    )


def _factory(request: Request) -> accounts.ClientFactory:
    """How to reach a supplier: the HTTP adapter, unless a test put a fake in its place."""
    return getattr(request.app.state, "supplier_client_factory", accounts.http_client)

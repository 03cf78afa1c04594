"""The supplier sync on demand and the pending diff (server.suppliers.sync, .changes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from client.models.base import MAX_OFFSET
from client.models.supplier_sync import (
    ChangeDecision,
    DecisionResult,
    SupplierChanges,
    SyncSummary,
)
from server.deps import CurrentUser, Now, Session
from server.suppliers import changes
from server.suppliers.registry import SupplierClients
from server.suppliers.sync import RunContext, sync_centre, sync_client, utc_now
from server.suppliers.sync_models import SupplierSyncRun

router = APIRouter(tags=["suppliers"])


def run_context(request: Request) -> RunContext:
    """The sync's context in this server: its sessions, settings, and the supplier clients it
    keeps between runs (a supplier found down stays down for its cooldown)."""
    state = request.app.state
    if getattr(state, "supplier_sync_clients", None) is None:
        state.supplier_sync_clients = SupplierClients()  # closed with the app
    settings = state.settings
    fixed = settings.now
    return RunContext(
        sessions=state.sessions,
        settings=settings,
        make_client=getattr(state, "supplier_sync_client_factory", sync_client),
        clients=state.supplier_sync_clients,
        clock=(lambda: fixed) if fixed else utc_now,
    )


@router.post("/supplier-sync", response_model=SyncSummary)
async def synchronise(user: CurrentUser, session: Session, request: Request) -> SyncSummary:
    """Check every order of the centre still pending at its supplier now (Synchronise):
    the changes found join the pending diff; a supplier that did not answer is reported."""
    centre_id = changes.centre_of(user)
    run_id = await sync_centre(run_context(request), centre_id, kind="manual", user_id=user.id)
    assert run_id is not None  # a Synchronise is a run of its own
    run = await session.get(SupplierSyncRun, run_id)
    assert run is not None
    return await changes.summary(session, run)


@router.get("/supplier-changes", response_model=SupplierChanges)
async def list_supplier_changes(
    user: CurrentUser,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=changes.MAX_LISTED)] = changes.MAX_LISTED,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    """The centre's pending supplier changes (per order and line, with the open tickets and
    carts each touches; ``limit`` from ``offset``, ``total`` counts them all), and when the
    last sync succeeded."""
    found = await changes.list_changes(session, user, limit=limit, offset=offset)
    # built and checked as SupplierChanges already: not validated a second time (2,000 rows)
    return Response(found.model_dump_json(), media_type="application/json")


@router.post("/supplier-changes/apply", response_model=DecisionResult)
async def apply_supplier_changes(
    body: ChangeDecision, user: CurrentUser, session: Session, now: Now
) -> DecisionResult:
    """Apply these changes (or all): written into the order lines, a history entry on each
    tied ticket. Applying again changes nothing more; an order cancelled meanwhile: 409."""
    return await changes.apply_changes(session, user, body, now)


@router.post("/supplier-changes/dismiss", response_model=DecisionResult)
async def dismiss_supplier_changes(
    body: ChangeDecision, user: CurrentUser, session: Session, now: Now
) -> DecisionResult:
    """Keep the orders as they are; the decision is recorded."""
    return await changes.dismiss_changes(session, user, body, now)

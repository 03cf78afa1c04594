"""Service centres: a centre user sees their own, an operator sees every one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field
from sqlalchemy import func, select

from client.models import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, ServiceCentre
from client.models.base import IdParam
from server.db import models as db
from server.deps import CurrentUser, Session
from server.services import mapping
from server.services.paging import MAX_ROW_ID, CursorState, decode_cursor, encode_cursor
from server.services.tenancy import get_scoped, scope_bound, scope_kind, scope_params

router = APIRouter(tags=["service centres"])


class CentresCursor(CursorState):
    """The next page starts after the centre with this id."""

    kind = "service-centres"
    after: int = Field(ge=0, le=MAX_ROW_ID)


@router.get("/service-centres", response_model=Page[ServiceCentre])
async def list_centres(
    user: CurrentUser,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[ServiceCentre]:
    state = await decode_cursor(session, cursor, CentresCursor)
    after = state.after if state else 0
    base = scope_bound(select(db.ServiceCentre), db.ServiceCentre.id, scope_kind(user))
    params = scope_params(user)
    total = (
        await session.execute(select(func.count()).select_from(base.subquery()), params)
    ).scalar_one()
    rows = (
        (
            await session.execute(
                base.where(db.ServiceCentre.id > after)
                .order_by(db.ServiceCentre.id)
                .limit(limit + 1),
                params,
            )
        )
        .scalars()
        .all()
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return Page[ServiceCentre](
        items=[mapping.centre(r) for r in rows],
        total=total,
        next_cursor=(
            await encode_cursor(session, CentresCursor(after=rows[-1].id))
            if more and rows
            else None
        ),
    )


@router.get("/service-centres/{centre_id}", response_model=ServiceCentre)
async def get_centre(centre_id: IdParam, user: CurrentUser, session: Session) -> ServiceCentre:
    row = await get_scoped(session, db.ServiceCentre, centre_id, user, what="service centre")
    return mapping.centre(row)

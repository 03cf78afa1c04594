"""The parts catalogue (manufacturer data: every signed-in user reads the same)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from client.models import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    CatalogueModel,
    Category,
    ModelView,
    Page,
    Part,
    PartDetail,
    Resolution,
    SupersessionTree,
    WhereUsed,
)
from client.models.base import LINE, Day, IdParam
from server.deps import CurrentUser, Now, Session
from server.services import catalogue

router = APIRouter(prefix="/catalogue", tags=["catalogue"])

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=200)]
Text = Annotated[str, Query(max_length=100, pattern=LINE)]
Serial = Annotated[
    str | None,
    Query(max_length=40, pattern=LINE, description="the appliance's serial number, when known"),
]
Produced = Annotated[Day | None, Query(description="the appliance's production date")]
PartCode = Annotated[str, Path(max_length=60, pattern=LINE, description="a part code")]
ModelId = Annotated[IdParam | None, Query(description="the appliance's model (catalogue model id)")]


@router.get("/models", response_model=Page[CatalogueModel])
async def search_models(
    _user: CurrentUser,
    session: Session,
    q: Text = "",
    category: Annotated[str | None, Query(max_length=60, pattern=LINE)] = None,
    code: Annotated[
        str | None,
        Query(max_length=40, pattern=LINE, description="exactly this model code (any case)"),
    ] = None,
    service_index: Annotated[
        str | None,
        Query(max_length=20, pattern=LINE, description="exactly this service index (any case)"),
    ] = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[CatalogueModel]:
    """Models whose code contains ``q`` (prefix matches first), or description, or category
    (its code or its name in any language); ``category`` is a code or a name (any case);
    ``code`` and ``service_index`` find an appliance's model exactly."""
    return await catalogue.search_models(
        session, q, category, limit, cursor, code=code, service_index=service_index
    )


@router.get("/categories", response_model=list[Category])
async def categories(_user: CurrentUser, session: Session) -> list[Category]:
    """Every category: its code and its name in the request's language."""
    return await catalogue.categories(session)


@router.get("/models/{model_id}", response_model=ModelView)
async def model_view(
    model_id: IdParam,
    _user: CurrentUser,
    session: Session,
    now: Now,
    serial: Serial = None,
    production_date: Produced = None,
) -> ModelView:
    """The exploded-view parts list; each line says whether it applies to the appliance."""
    return await catalogue.model_view(session, model_id, serial, production_date, now.date())


@router.get("/parts", response_model=Page[Part])
async def search_parts(
    _user: CurrentUser,
    session: Session,
    now: Now,
    q: Text = "",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[Part]:
    """Parts whose code starts with ``q`` or whose description contains it."""
    return await catalogue.search_parts(session, q, limit, cursor, now.date())


@router.get("/parts/{code}", response_model=PartDetail)
async def part_detail(code: PartCode, user: CurrentUser, session: Session, now: Now) -> PartDetail:
    """A part with the centre's net price, its relations and how many models use it."""
    return await catalogue.part_detail(session, code, user, now.date())


@router.get("/parts/{code}/where-used", response_model=Page[WhereUsed])
async def where_used(
    code: PartCode,
    _user: CurrentUser,
    session: Session,
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[WhereUsed]:
    """Every model / service index whose exploded view uses the part."""
    return await catalogue.where_used(session, code, limit, cursor)


@router.get("/parts/{code}/tree", response_model=SupersessionTree)
async def tree(
    code: PartCode,
    _user: CurrentUser,
    session: Session,
    now: Now,
    serial: Serial = None,
    production_date: Produced = None,
    model_id: ModelId = None,
) -> SupersessionTree:
    """Predecessors, successors and interchangeable parts, and what to order now."""
    context = await catalogue.appliance_context(session, model_id, serial, production_date)
    return await catalogue.tree(session, code, context, now.date())


@router.get("/parts/{code}/resolution", response_model=Resolution)
async def resolution(
    code: PartCode,
    _user: CurrentUser,
    session: Session,
    now: Now,
    serial: Serial = None,
    production_date: Produced = None,
    model_id: ModelId = None,
) -> Resolution:
    """What to order now for this part (for the appliance, when known), step by step."""
    context = await catalogue.appliance_context(session, model_id, serial, production_date)
    answer, _graph = await catalogue.resolve(session, code, context, now.date())
    return answer

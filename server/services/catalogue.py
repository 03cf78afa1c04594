"""The parts catalogue: model and part search, where-used, exploded views, supersession trees.

The catalogue is the manufacturer's data: every signed-in user reads the same. Prices are
catalogue prices; the net price applies the signed-in user's centre discount.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from pydantic import Field
from sqlalchemy import ColumnElement, Select, bindparam, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from client import models as wire
from client.models.base import MAX_OFFSET
from server.db import models as db
from server.db.direct import DirectSelect
from server.errors import NotFound
from server.i18n import _, language
from server.services.money import from_cents
from server.services.paging import CursorState, decode_cursor, encode_cursor
from server.services.supersession import (
    ApplianceContext,
    Edge,
    Graph,
    Outcome,
    PartNode,
    Resolver,
    Step,
    applicability,
)
from server.services.ticket_search import normalize

MAX_TREE_DEPTH = 12
COMPONENT_LIMIT = 5000


# --------------------------------------------------------------------------- helpers


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class _Offset(CursorState):
    """A catalogue list's next page starts at this position of the result."""

    kind = "catalogue"
    offset: int = Field(ge=0, le=MAX_OFFSET)


async def _page(
    session: AsyncSession, stmt: Select[*tuple[Any, ...]], limit: int, cursor: str | None
) -> tuple[list[Any], int, str | None]:
    state = await decode_cursor(session, cursor, _Offset)
    offset = state.offset if state else 0
    total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    rows = list((await session.execute(stmt.offset(offset).limit(limit))).all())
    more = offset + len(rows) < total
    nxt = await encode_cursor(session, _Offset(offset=offset + len(rows))) if more else None
    return rows, total, nxt


def model_wire(row: db.CatalogueModel) -> wire.CatalogueModel:
    """A model, its category named in the request's language."""
    return wire.CatalogueModel(
        id=row.id,
        code=row.code,
        service_index=row.service_index,
        description=row.description,
        category=row.category,
        drawing=row.drawing,
        category_name=row.category_row.name(language()),
    )


async def _category_codes(session: AsyncSession, value: str, *, whole: bool) -> list[str]:
    """The categories whose code or name in any language is ``value`` (``whole``) or contains
    it, case and accents aside (``refrigerateurs`` is Réfrigérateurs). The table is small:
    it is read whole."""
    wanted = normalize(value)
    found = []
    for row in (await session.execute(select(db.CatalogueCategory))).scalars():
        names = [normalize(n) for n in (row.code, row.name_en, row.name_fr, row.name_it)]
        if any(n == wanted if whole else wanted in n for n in names):
            found.append(row.code)
    return found


def brief(row: db.Part | PartNode) -> wire.PartBrief:
    return wire.PartBrief(
        code=row.code,
        description=row.description,
        price=from_cents(row.price_cents),
        availability=wire.Availability(row.availability),
        stock=row.stock,
        lead_time_days=row.lead_time_days,
        obsolete=row.obsolete,
    )


def part_wire(row: db.Part, replaced: bool) -> wire.Part:
    return wire.Part(
        id=row.id,
        code=row.code,
        description=row.description,
        price=from_cents(row.price_cents),
        availability=wire.Availability(row.availability),
        stock=row.stock,
        lead_time_days=row.lead_time_days,
        obsolete=row.obsolete,
        replaced=replaced,
    )


def node(row: db.Part) -> PartNode:
    return PartNode(
        id=row.id,
        code=row.code,
        description=row.description,
        availability=row.availability,
        stock=row.stock,
        lead_time_days=row.lead_time_days,
        obsolete=row.obsolete,
        price_cents=row.price_cents,
    )


def edge(row: db.PartRelation) -> Edge:
    return Edge(
        id=row.id,
        from_id=row.from_part_id,
        to_id=row.to_part_id,
        kind=row.kind,
        direction=row.direction,
        kit_group=row.kit_group,
        quantity=row.quantity,
        valid_from=row.valid_from,
        serial_from=row.serial_from,
        serial_to=row.serial_to,
        production_from=row.production_from,
        production_to=row.production_to,
        model_id=row.model_id,
        reason=row.reason,
    )


async def part_by_code(session: AsyncSession, code: str) -> db.Part:
    row = (
        await session.execute(select(db.Part).where(db.Part.code == code.strip()))
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(_("part {code} not found").format(code=code))
    return row


def replaces_always(e: Edge, today: dt.date) -> bool:
    """Does ``e`` replace its part for every appliance? (:func:`replaced_ids`, in memory)"""
    return (
        not e.two_way
        and e.kind != wire.RelationKind.ALTERNATE.value
        and not e.conditional
        and (e.valid_from is None or e.valid_from <= today)
    )


async def replaced_ids(session: AsyncSession, part_ids: Iterable[int], today: dt.date) -> set[int]:
    """Parts replaced for every appliance: an unconditional one-way replacement in force."""
    ids = list(set(part_ids))
    if not ids:
        return set()
    stmt = select(db.PartRelation.from_part_id).where(
        db.PartRelation.from_part_id.in_(ids),
        db.PartRelation.direction == wire.RelationDirection.ONE_WAY.value,
        db.PartRelation.kind != wire.RelationKind.ALTERNATE.value,
        db.PartRelation.serial_from.is_(None),
        db.PartRelation.serial_to.is_(None),
        db.PartRelation.production_from.is_(None),
        db.PartRelation.production_to.is_(None),
        db.PartRelation.model_id.is_(None),
        or_(db.PartRelation.valid_from.is_(None), db.PartRelation.valid_from <= today),
    )
    return set((await session.execute(stmt)).scalars().all())


async def conditionally_replaced_ids(session: AsyncSession, part_ids: Iterable[int]) -> set[int]:
    ids = list(set(part_ids))
    if not ids:
        return set()
    stmt = select(db.PartRelation.from_part_id).where(
        db.PartRelation.from_part_id.in_(ids),
        db.PartRelation.direction == wire.RelationDirection.ONE_WAY.value,
        db.PartRelation.kind != wire.RelationKind.ALTERNATE.value,
        or_(
            db.PartRelation.serial_from.is_not(None),
            db.PartRelation.serial_to.is_not(None),
            db.PartRelation.production_from.is_not(None),
            db.PartRelation.production_to.is_not(None),
            db.PartRelation.model_id.is_not(None),
        ),
    )
    return set((await session.execute(stmt)).scalars().all())


# --------------------------------------------------------------------------- search


async def search_models(
    session: AsyncSession,
    q: str,
    category: str | None,
    limit: int,
    cursor: str | None,
    code: str | None = None,
    service_index: str | None = None,
) -> wire.Page[wire.CatalogueModel]:
    """Models matching ``q`` (see the route); ``code`` and ``service_index``, when given, are
    exact (case and surrounding spaces aside): an appliance's model in the catalogue."""
    m = db.CatalogueModel
    stmt = select(m)
    if code is not None and code.strip():
        stmt = stmt.where(func.lower(m.code) == code.strip().lower())
    if service_index is not None and service_index.strip():
        stmt = stmt.where(func.lower(m.service_index) == service_index.strip().lower())
    q = q.strip()
    rank: Any = m.code
    if q:
        pattern = _like(q)
        prefix = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                m.code.ilike(pattern, escape="\\"),
                m.description.ilike(pattern, escape="\\"),
                m.category.in_(await _category_codes(session, q, whole=False)),
            )
        )
        rank = case(
            (m.code.ilike(prefix, escape="\\"), 0),
            (m.code.ilike(pattern, escape="\\"), 1),
            else_=2,
        )
    if category and category.strip():
        stmt = stmt.where(m.category.in_(await _category_codes(session, category, whole=True)))
    stmt = stmt.order_by(rank, m.code, m.service_index)
    rows, total, nxt = await _page(session, stmt, limit, cursor)
    return wire.Page[wire.CatalogueModel](
        items=[model_wire(r[0]) for r in rows], total=total, next_cursor=nxt
    )


async def categories(session: AsyncSession) -> list[wire.Category]:
    """Every category, named in the request's language, in the order of those names."""
    rows = (await session.execute(select(db.CatalogueCategory))).scalars().all()
    lang = language()
    found = [wire.Category(code=r.code, name=r.name(lang)) for r in rows]
    return sorted(found, key=lambda c: (c.name.casefold(), c.code))


async def search_parts(
    session: AsyncSession, q: str, limit: int, cursor: str | None, today: dt.date
) -> wire.Page[wire.Part]:
    p = db.Part
    q = q.strip()
    stmt = select(p)
    if q:
        pattern = _like(q)
        prefix = pattern[1:]
        stmt = stmt.where(
            or_(p.code.ilike(prefix, escape="\\"), p.description.ilike(pattern, escape="\\"))
        ).order_by(case((p.code.ilike(prefix, escape="\\"), 0), else_=1), p.code)
    else:
        stmt = stmt.order_by(p.code)
    rows, total, nxt = await _page(session, stmt, limit, cursor)
    replaced = await replaced_ids(session, (r[0].id for r in rows), today)
    return wire.Page[wire.Part](
        items=[part_wire(r[0], r[0].id in replaced) for r in rows], total=total, next_cursor=nxt
    )


async def where_used(
    session: AsyncSession, code: str, limit: int, cursor: str | None
) -> wire.Page[wire.WhereUsed]:
    part = await part_by_code(session, code)
    line = db.ExplodedViewLine
    stmt = (
        select(db.CatalogueModel, line.ref_num, line.quantity)
        .join(line, line.model_id == db.CatalogueModel.id)
        .where(line.part_id == part.id)
        .order_by(db.CatalogueModel.code, db.CatalogueModel.service_index, line.ref_num)
    )
    rows, total, nxt = await _page(session, stmt, limit, cursor)
    return wire.Page[wire.WhereUsed](
        items=[wire.WhereUsed(model=model_wire(m), ref_num=r, quantity=n) for m, r, n in rows],
        total=total,
        next_cursor=nxt,
    )


# --------------------------------------------------------------------------- exploded view


def line_applicability(
    row: db.ExplodedViewLine, serial: str | None, produced: dt.date | None
) -> tuple[wire.Applicability, str]:
    conditions = (row.valid_from, row.valid_to, row.serial_from, row.serial_to)
    if not any(conditions):
        return wire.Applicability.YES, ""
    probe = Edge(
        id=0,
        from_id=0,
        to_id=0,
        serial_from=row.serial_from,
        serial_to=row.serial_to,
        production_from=row.valid_from,
        production_to=row.valid_to,
    )
    answer, why, _needed = applicability(
        probe, ApplianceContext(serial=serial, production_date=produced), dt.date.min
    )
    return answer, "" if answer is wire.Applicability.YES else why


async def model_view(
    session: AsyncSession,
    model_id: int,
    serial: str | None,
    produced: dt.date | None,
    today: dt.date,
) -> wire.ModelView:
    model = await session.get(db.CatalogueModel, model_id)
    if model is None:
        raise NotFound(_("model {id} not found").format(id=model_id))
    line = db.ExplodedViewLine
    rows = (
        await session.execute(
            select(line, db.Part)
            .join(db.Part, db.Part.id == line.part_id)
            .where(line.model_id == model_id)
            .order_by(func.length(line.ref_num), line.ref_num, line.id)
        )
    ).all()
    part_ids = [p.id for _l, p in rows]
    replaced = await replaced_ids(session, part_ids, today)
    conditional = await conditionally_replaced_ids(session, part_ids)
    lines = []
    for row, part in rows:
        applies, why = line_applicability(row, serial, produced)
        lines.append(
            wire.ViewLine(
                id=row.id,
                ref_num=row.ref_num,
                part=part_wire(part, part.id in replaced),
                quantity=row.quantity,
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                serial_from=row.serial_from,
                serial_to=row.serial_to,
                applies=applies,
                why=why,
                conditional_replacement=part.id in conditional,
            )
        )
    return wire.ModelView(
        model=model_wire(model), lines=lines, serial=serial, production_date=produced
    )


# --------------------------------------------------------------------------- supersession


# (field of PartNode / Edge, column): only what the resolver reads
_PART_FIELDS = (
    ("id", db.Part.id),
    ("code", db.Part.code),
    ("description", db.Part.description),
    ("availability", db.Part.availability),
    ("stock", db.Part.stock),
    ("lead_time_days", db.Part.lead_time_days),
    ("obsolete", db.Part.obsolete),
    ("price_cents", db.Part.price_cents),
)
_RELATION_FIELDS = (
    ("id", db.PartRelation.id),
    ("from_id", db.PartRelation.from_part_id),
    ("to_id", db.PartRelation.to_part_id),
    ("kind", db.PartRelation.kind),
    ("direction", db.PartRelation.direction),
    ("kit_group", db.PartRelation.kit_group),
    ("quantity", db.PartRelation.quantity),
    ("valid_from", db.PartRelation.valid_from),
    ("serial_from", db.PartRelation.serial_from),
    ("serial_to", db.PartRelation.serial_to),
    ("production_from", db.PartRelation.production_from),
    ("production_to", db.PartRelation.production_to),
    ("model_id", db.PartRelation.model_id),
    ("reason", db.PartRelation.reason),
)
_PART_COLUMNS = tuple(column for _name, column in _PART_FIELDS)
_RELATION_COLUMNS = tuple(column for _name, column in _RELATION_FIELDS)
_KIT_ROUNDS = 8
"""Times a component is widened by the kit groups it meets (a kit joining kits joining kits)."""


def _component_statement(start: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """One statement for the parts connected to the ``start`` parts through relations (either
    way), each with its outgoing relations: a part row per relation, or one with NULLs.

    Every relation of the component starts at one of its parts, so the outer join returns
    all of them, and every part, even one without relations, once at least. Built once (see
    :func:`_component_statements`): building it costs more than running it.
    """
    rel = aliased(db.PartRelation)
    reach = select(db.Part.id.label("id")).where(start).cte("reach", recursive=True)
    reach = reach.union(
        select(case((rel.from_part_id == reach.c.id, rel.to_part_id), else_=rel.from_part_id)).join(
            reach, or_(rel.from_part_id == reach.c.id, rel.to_part_id == reach.c.id)
        )
    )
    ids = select(reach.c.id).limit(COMPONENT_LIMIT)
    return (
        select(*_PART_COLUMNS, *_RELATION_COLUMNS)
        .select_from(db.Part)
        .outerjoin(db.PartRelation, db.PartRelation.from_part_id == db.Part.id)
        .where(db.Part.id.in_(ids))
    )


@functools.cache
def _component_statements() -> tuple[DirectSelect, DirectSelect]:
    """The component statement from one part ``code``, and from the parts ``ids``; run on the
    driver's connection (one hop or round trip, see :mod:`server.db.direct`)."""
    return (
        DirectSelect(_component_statement(db.Part.code == bindparam("code"))),
        DirectSelect(_component_statement(db.Part.id.in_(bindparam("ids", expanding=True)))),
    )


_PART_WIDTH = len(_PART_FIELDS)
# the rows' columns are the dataclasses' fields, in order: PartNode(*row[:_PART_WIDTH]) and
# Edge(*row[_PART_WIDTH:]) build them without a dict per row
assert [f for f, _c in _PART_FIELDS] == [f.name for f in dataclasses.fields(PartNode)]
assert [f for f, _c in _RELATION_FIELDS] == [f.name for f in dataclasses.fields(Edge)]


def _edge_of(row: Sequence[Any]) -> Edge:
    return Edge(*row)


async def load_component(session: AsyncSession, code: str) -> tuple[PartNode, Graph]:
    """The part ``code`` and its supersession graph: every part connected to it through
    relations (either way), with their relations, in one query; a component that meets a kit
    group also takes in the group's other rows and what they connect to (more queries, only
    then). Only the columns the resolver reads are loaded.
    """
    code = code.strip()
    parts: dict[int, PartNode] = {}
    edges: dict[int, Edge] = {}
    width = _PART_WIDTH
    by_code, by_ids = _component_statements()
    params: dict[str, Any]
    statement, params = by_code, {"code": code}
    asked: set[str] = set()
    for _round in range(_KIT_ROUNDS):
        for row in await statement.rows(session, params):
            if row[0] not in parts:
                parts[row[0]] = PartNode(*row[:width])
            if row[width] is not None and row[width] not in edges:
                edges[row[width]] = Edge(*row[width:])
        if not parts:
            raise NotFound(_("part {code} not found").format(code=code))
        # A kit group may join parts that share no relation: take in the whole group.
        groups = {e.kit_group for e in edges.values() if e.kit_group} - asked
        if not groups:
            break
        asked |= groups
        conn = await session.connection()
        extra = (
            await conn.execute(
                select(*_RELATION_COLUMNS).where(
                    db.PartRelation.kit_group.in_(groups), db.PartRelation.id.not_in(list(edges))
                )
            )
        ).all()
        new_ids: set[int] = set()
        for row in extra:
            found = _edge_of(row)
            edges[found.id] = found
            new_ids.update(i for i in (found.from_id, found.to_id) if i not in parts)
        if not new_ids:
            break
        statement, params = by_ids, {"ids": sorted(new_ids)}
    start = next(p for p in parts.values() if p.code == code)
    return start, Graph(parts, list(edges.values()))


async def appliance_context(
    session: AsyncSession,
    model_id: int | None,
    serial: str | None,
    produced: dt.date | None,
) -> ApplianceContext:
    if model_id is not None and await session.get(db.CatalogueModel, model_id) is None:
        raise NotFound(_("model {id} not found").format(id=model_id))
    return ApplianceContext(model_id=model_id, serial=serial or None, production_date=produced)


async def _model_codes(session: AsyncSession, edges: Iterable[Edge]) -> dict[int, str]:
    ids = {e.model_id for e in edges if e.model_id is not None}
    if not ids:
        return {}
    rows = await session.execute(
        select(db.CatalogueModel.id, db.CatalogueModel.code, db.CatalogueModel.service_index).where(
            db.CatalogueModel.id.in_(ids)
        )
    )
    return {i: f"{code} {si}" for i, code, si in rows.all()}


def relation_wire(e: Edge, graph: Graph, models: dict[int, str]) -> wire.PartRelation:
    return wire.PartRelation(
        id=e.id,
        from_code=graph.parts[e.from_id].code,
        to_code=graph.parts[e.to_id].code,
        kind=wire.RelationKind(e.kind),
        direction=wire.RelationDirection(e.direction),
        kit_group=e.kit_group,
        quantity=e.quantity,
        valid_from=e.valid_from,
        serial_from=e.serial_from,
        serial_to=e.serial_to,
        production_from=e.production_from,
        production_to=e.production_to,
        model_code=models.get(e.model_id) if e.model_id is not None else None,
        reason=e.reason,
    )


def _steps(graph: Graph, steps: Sequence[Step]) -> list[wire.ResolutionStep]:
    return [
        wire.ResolutionStep(
            from_code=graph.parts[s.from_id].code,
            to_code=graph.parts[s.to_id].code,
            kind=wire.RelationKind(s.edge.kind),
            direction=wire.RelationDirection(s.edge.direction),
            quantity=s.edge.quantity,
            valid_from=s.edge.valid_from,
            why=s.why,
            reason=s.edge.reason,
        )
        for s in steps
    ]


def _order(graph: Graph, order: dict[int, int]) -> list[wire.OrderItem]:
    return [wire.OrderItem(part=brief(graph.parts[i]), quantity=q) for i, q in order.items()]


def resolution_wire(graph: Graph, code: str, outcome: Outcome) -> wire.Resolution:
    return wire.Resolution(
        requested_code=code,
        status=outcome.status,
        order=_order(graph, outcome.order),
        steps=_steps(graph, outcome.steps),
        reason=outcome.reason,
        reason_code=outcome.reason_code,
        choices=[
            wire.ResolutionChoice(
                condition=condition,
                status=choice.status,
                order=_order(graph, choice.order),
                steps=_steps(graph, choice.steps),
                reason=choice.reason,
            )
            for condition, choice in outcome.choices
        ],
    )


async def resolve(
    session: AsyncSession, code: str, context: ApplianceContext, today: dt.date
) -> tuple[wire.Resolution, Graph]:
    part, graph = await load_component(session, code)
    outcome = Resolver(graph, context, today).resolve(part.id)
    return resolution_wire(graph, part.code, outcome), graph


async def tree(
    session: AsyncSession, code: str, context: ApplianceContext, today: dt.date
) -> wire.SupersessionTree:
    part, graph = await load_component(session, code)
    outcome = Resolver(graph, context, today).resolve(part.id)
    resolution = resolution_wire(graph, part.code, outcome)
    to_order = {item.part.code for item in resolution.order}
    models = await _model_codes(session, graph.edges)

    def make(e: Edge, other: int, seen: frozenset[int], forward: bool) -> wire.TreeNode:
        answer, why, _needed = applicability(e, context, today)
        cycle = other in seen
        children: list[wire.TreeNode] = []
        if not cycle and len(seen) < MAX_TREE_DEPTH:
            nexts = graph.outgoing(other) if forward else graph.incoming(other)
            children = [
                make(n, n.to_id if forward else n.from_id, seen | {other}, forward)
                for n in nexts
                if not n.two_way
            ]
        return wire.TreeNode(
            part=brief(graph.parts[other]),
            relation=relation_wire(e, graph, models),
            applies=answer,
            why=why,
            to_order=forward and graph.parts[other].code in to_order,
            cycle=cycle,
            children=children,
        )

    start = frozenset({part.id})
    successors = [make(e, e.to_id, start, True) for e in graph.outgoing(part.id) if not e.two_way]
    predecessors = [
        make(e, e.from_id, start, False) for e in graph.incoming(part.id) if not e.two_way
    ]
    interchangeable = [
        wire.TreeNode(
            part=brief(graph.parts[other]),
            relation=relation_wire(e, graph, models),
            applies=applicability(e, context, today)[0],
            to_order=graph.parts[other].code in to_order,
        )
        for e, other in graph.interchangeable(part.id)
    ]
    replaced = any(replaces_always(e, today) for e in graph.outgoing(part.id))
    return wire.SupersessionTree(
        part=brief(part),
        replaced=replaced,
        predecessors=predecessors,
        successors=successors,
        interchangeable=interchangeable,
        resolution=resolution,
    )


# --------------------------------------------------------------------------- part detail


def centre_discount(user: db.User) -> Decimal:
    centre = user.service_centre
    return Decimal(centre.discount_rate) if centre is not None else Decimal("0")


def net_of(price: Decimal, discount: Decimal) -> Decimal:
    return wire.quantize_money(price * (100 - discount) / 100)


async def part_detail(
    session: AsyncSession, code: str, user: db.User, today: dt.date
) -> wire.PartDetail:
    part = await part_by_code(session, code)
    relations = (
        (
            await session.execute(
                select(db.PartRelation)
                .where(
                    or_(
                        db.PartRelation.from_part_id == part.id,
                        db.PartRelation.to_part_id == part.id,
                    )
                )
                .order_by(db.PartRelation.id)
            )
        )
        .scalars()
        .all()
    )
    edges = [edge(r) for r in relations]
    ids = {part.id} | {e.from_id for e in edges} | {e.to_id for e in edges}
    parts = (await session.execute(select(db.Part).where(db.Part.id.in_(ids)))).scalars()
    graph = Graph({p.id: node(p) for p in parts}, edges)
    models = await _model_codes(session, edges)
    used = (
        await session.execute(
            select(func.count(func.distinct(db.ExplodedViewLine.model_id))).where(
                db.ExplodedViewLine.part_id == part.id
            )
        )
    ).scalar_one()
    discount = centre_discount(user)
    price = from_cents(part.price_cents)
    return wire.PartDetail(
        part=part_wire(part, part.id in await replaced_ids(session, [part.id], today)),
        discount_rate=discount,
        net_price=net_of(price, discount),
        relations=[relation_wire(e, graph, models) for e in edges],
        where_used=used,
    )

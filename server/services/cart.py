"""Cart lines: a user's parts to order, added from the catalogue (the cart screen comes later).

Adding a part resolves it first (for the appliance of the ticket, when one is given):
a superseded part is ordered as its replacement, and the line keeps both codes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import Role
from server.db import models as db
from server.errors import Invalid, NotFound
from server.services import catalogue
from server.services.dashboard import OPEN_STATUSES
from server.services.money import from_cents
from server.services.supersession import ApplianceContext
from server.services.tenancy import get_scoped, require_role

OPEN = {s.value for s in OPEN_STATUSES}


async def count(session: AsyncSession, user: db.User) -> int:
    stmt = select(func.count()).select_from(db.CartLine).where(db.CartLine.user_id == user.id)
    return int((await session.execute(stmt)).scalar_one())


async def _ticket_context(
    session: AsyncSession, user: db.User, ticket_id: int
) -> tuple[db.Ticket, ApplianceContext]:
    try:
        ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    except NotFound:
        raise Invalid(
            f"no ticket {ticket_id} here", fields={"ticket_id": f"no ticket {ticket_id} here"}
        ) from None
    if ticket.status not in OPEN:
        raise Invalid(
            f"ticket {ticket_id} is {ticket.status}: parts go to open tickets only",
            fields={"ticket_id": "the ticket is not open"},
        )
    appliance = await session.get(db.Appliance, ticket.appliance_id)
    assert appliance is not None
    model_id = (
        await session.execute(
            select(db.CatalogueModel.id).where(
                db.CatalogueModel.code == appliance.model_code,
                db.CatalogueModel.service_index == appliance.service_index,
            )
        )
    ).scalar_one_or_none()
    return ticket, ApplianceContext(
        model_id=model_id,
        serial=appliance.serial_number or None,
        production_date=appliance.production_date,
    )


def _options(resolution: wire.Resolution) -> list[list[wire.OrderItem]]:
    """Each way this part may be ordered: the resolved one, or each outcome it depends on."""
    if resolution.status is wire.ResolutionStatus.ORDERABLE:
        return [list(resolution.order)]
    return [
        list(c.order) for c in resolution.choices if c.status is wire.ResolutionStatus.ORDERABLE
    ]


async def add(
    session: AsyncSession, user: db.User, body: wire.AddToCart, now: dt.datetime
) -> wire.CartAdded:
    require_role(user, Role.TECHNICIAN, Role.MANAGER)
    ticket_id = None
    context = ApplianceContext()
    if body.ticket_id is not None:
        ticket, context = await _ticket_context(session, user, body.ticket_id)
        ticket_id = ticket.id
    if body.model_id is not None or body.serial or body.production_date:
        context = ApplianceContext(
            model_id=body.model_id if body.model_id is not None else context.model_id,
            serial=body.serial or context.serial,
            production_date=body.production_date or context.production_date,
        )
    try:
        requested = await catalogue.part_by_code(session, body.requested_code)
    except NotFound:
        raise Invalid(
            f"no part {body.requested_code} in the catalogue",
            fields={"requested_code": f"no part {body.requested_code} in the catalogue"},
        ) from None
    resolution, _graph = await catalogue.resolve(session, requested.code, context, now.date())
    options = _options(resolution)
    if body.ordered_code is None:
        if resolution.status is wire.ResolutionStatus.NONE:
            raise Invalid(
                f"{requested.code} cannot be ordered: {resolution.reason}",
                fields={"requested_code": resolution.reason},
            )
        if resolution.status is wire.ResolutionStatus.DEPENDS:
            codes = ", ".join(i.part.code for o in options for i in o) or "none"
            raise Invalid(
                f"{resolution.reason}: choose the part to order ({codes})",
                fields={"ordered_code": f"choose one of: {codes}"},
            )
        chosen = options[0]
    else:
        wanted = body.ordered_code
        matching = [o for o in options if wanted in {i.part.code for i in o}]
        if not matching:
            allowed = ", ".join(i.part.code for o in options for i in o) or "nothing"
            why = f"{wanted} is not what {requested.code} resolves to here (order: {allowed})"
            if resolution.status is wire.ResolutionStatus.NONE:
                why = f"{requested.code} cannot be ordered: {resolution.reason}"
            raise Invalid(why, fields={"ordered_code": why})
        chosen = matching[0]
    await _ensure_cart(session, user, now)
    added: list[db.CartLine] = []
    for item in chosen:
        ordered = await catalogue.part_by_code(session, item.part.code)
        quantity = item.quantity * body.quantity
        existing = (
            await session.execute(
                select(db.CartLine).where(
                    db.CartLine.user_id == user.id,
                    db.CartLine.requested_part_id == requested.id,
                    db.CartLine.part_id == ordered.id,
                    db.CartLine.ticket_id.is_(None)
                    if ticket_id is None
                    else db.CartLine.ticket_id == ticket_id,
                )
            )
        ).scalar_one_or_none()
        if existing is not None and not body.note:
            if existing.quantity + quantity > 9999:
                raise Invalid(
                    "a cart line holds at most 9999", fields={"quantity": "at most 9999 in all"}
                )
            existing.quantity += quantity
            added.append(existing)
            continue
        line = db.CartLine(
            user_id=user.id,
            requested_part_id=requested.id,
            part_id=ordered.id,
            quantity=quantity,
            ticket_id=ticket_id,
            note=body.note,
            added_at=now,
        )
        session.add(line)
        added.append(line)
    await session.flush()
    lines = [await _line_wire(session, user, line) for line in added]
    total = await count(session, user)
    await session.commit()
    return wire.CartAdded(lines=lines, count=total, resolution=resolution)


async def _ensure_cart(session: AsyncSession, user: db.User, now: dt.datetime) -> None:
    if await session.get(db.Cart, user.id) is None:
        session.add(db.Cart(user_id=user.id))
        await session.flush()


def _vat_rate(user: db.User) -> Decimal:
    centre = user.service_centre
    return Decimal(centre.vat_rate) if centre is not None else Decimal("0")


async def _line_wire(session: AsyncSession, user: db.User, line: db.CartLine) -> wire.CartLine:
    requested = await session.get(db.Part, line.requested_part_id)
    ordered = await session.get(db.Part, line.part_id)
    assert requested is not None and ordered is not None
    discount = catalogue.centre_discount(user)
    price = from_cents(ordered.price_cents)
    net = catalogue.net_of(price * line.quantity, discount)
    vat = wire.quantize_money(net * _vat_rate(user) / 100)
    return wire.CartLine(
        id=line.id,
        requested_code=requested.code,
        ordered_code=ordered.code,
        description=ordered.description,
        quantity=line.quantity,
        price=price,
        discount_rate=discount,
        net=net,
        vat=vat,
        total=net + vat,
        ticket_id=line.ticket_id,
        note=line.note,
    )


async def get(session: AsyncSession, user: db.User) -> wire.Cart:
    rows = (
        (
            await session.execute(
                select(db.CartLine).where(db.CartLine.user_id == user.id).order_by(db.CartLine.id)
            )
        )
        .scalars()
        .all()
    )
    lines = [await _line_wire(session, user, r) for r in rows]
    cart = await session.get(db.Cart, user.id)
    net = sum((line.net for line in lines), Decimal("0"))
    vat = wire.quantize_money(net * _vat_rate(user) / 100)
    return wire.Cart(
        lines=lines,
        note=cart.note if cart else "",
        count=len(lines),
        net=net,
        vat=vat,
        total=net + vat,
        version=cart.version if cart else 1,
    )


async def remove(session: AsyncSession, user: db.User, line_id: int) -> wire.CartCount:
    line = (
        await session.execute(
            select(db.CartLine).where(db.CartLine.id == line_id, db.CartLine.user_id == user.id)
        )
    ).scalar_one_or_none()
    if line is None:
        raise NotFound(f"cart line {line_id} not found")
    await session.delete(line)
    await session.flush()
    total = await count(session, user)
    await session.commit()
    return wire.CartCount(count=total)

"""The parts used in a closing form: picked from the lines of the orders tied to the ticket,
or typed by code and resolved through the supersessions for the ticket's appliance
(server.services.supersession). The code typed is the one requested; the installed one is what
the resolution orders, or the one the technician names when it is one of the resolution's
outcomes. Each line's unit price is the order line's price, or the catalogue's
(server.services.closing freezes it at closing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import OrderStatus
from server.db import models as db
from server.i18n import _
from server.services import catalogue
from server.services.money import from_cents, to_cents
from server.services.supersession import ApplianceContext


@dataclass
class PartLine:
    requested: db.Part
    ordered: db.Part | None
    installed: db.Part
    order_line_id: int | None
    order_number: str | None
    quantity: int
    unit_price_cents: int


async def ordered_parts(session: AsyncSession, ticket_id: int) -> list[wire.OrderedPart]:
    """The lines of the orders tied to the ticket (withdrawn orders left out)."""
    requested = db.Part.__table__.alias("requested")
    ordered = db.Part.__table__.alias("ordered")
    rows = await session.execute(
        select(
            db.OrderLine.id,
            db.Order.number,
            requested.c.code,
            ordered.c.code,
            db.OrderLine.description,
            db.OrderLine.quantity_requested,
            db.OrderLine.quantity_shipped,
            db.OrderLine.price_cents,
        )
        .join(db.Order, db.Order.id == db.OrderLine.order_id)
        .join(requested, requested.c.id == db.OrderLine.requested_part_id)
        .join(ordered, ordered.c.id == db.OrderLine.part_id)
        .where(db.OrderLine.ticket_id == ticket_id, db.Order.status != OrderStatus.CANCELLED.value)
        .order_by(db.Order.created_at, db.OrderLine.id)
    )
    return [
        wire.OrderedPart(
            order_line_id=line_id,
            order_number=number,
            requested_code=req,
            ordered_code=ord_,
            description=description,
            quantity=quantity,
            quantity_shipped=shipped,
            unit_price=from_cents(price),
        )
        for line_id, number, req, ord_, description, quantity, shipped, price in rows.all()
    ]


async def _context(session: AsyncSession, appliance: db.Appliance) -> ApplianceContext:
    model_id = (
        await session.execute(
            select(db.CatalogueModel.id).where(
                db.CatalogueModel.code == appliance.model_code,
                db.CatalogueModel.service_index == appliance.service_index,
            )
        )
    ).scalar_one_or_none()
    return ApplianceContext(
        model_id=model_id,
        serial=appliance.serial_number or None,
        production_date=appliance.production_date,
    )


async def _part(session: AsyncSession, code: str) -> db.Part | None:
    return (await session.execute(select(db.Part).where(db.Part.code == code))).scalar_one_or_none()


async def resolve_parts(
    session: AsyncSession,
    ticket_id: int,
    appliance: db.Appliance,
    inputs: list[wire.PartUsedInput],
    now: dt.datetime,
    errors: dict[str, str],
) -> list[PartLine]:
    """The form's parts, each checked (errors go into ``errors`` under ``parts.N.field``)."""
    lines: list[PartLine] = []
    if not inputs:
        return lines
    ordered = {o.order_line_id: o for o in await ordered_parts(session, ticket_id)}
    context: ApplianceContext | None = None
    for n, item in enumerate(inputs):
        where = f"parts.{n}"
        if item.order_line_id is not None:
            line = ordered.get(item.order_line_id)
            if line is None:
                errors[f"{where}.order_line_id"] = _("no order line {line} for this ticket").format(
                    line=item.order_line_id
                )
                continue
            requested = await _part(session, line.requested_code)
            ordered_part = await _part(session, line.ordered_code)
            assert requested is not None and ordered_part is not None
            installed = ordered_part
            if item.installed_code and item.installed_code != ordered_part.code:
                other = await _part(session, item.installed_code)
                if other is None:
                    errors[f"{where}.installed_code"] = _("no part {code} in the catalogue").format(
                        code=item.installed_code
                    )
                    continue
                installed = other
            price = (
                to_cents(line.unit_price)
                if installed.id == ordered_part.id
                else installed.price_cents
            )
            lines.append(
                PartLine(
                    requested,
                    ordered_part,
                    installed,
                    line.order_line_id,
                    line.order_number,
                    item.quantity,
                    price,
                )
            )
            continue
        if not item.code:
            errors[f"{where}.code"] = _("give a part code or pick an ordered part")
            continue
        requested = await _part(session, item.code)
        if requested is None:
            errors[f"{where}.code"] = _("no part {code} in the catalogue").format(code=item.code)
            continue
        if context is None:
            context = await _context(session, appliance)
        resolution, _graph = await catalogue.resolve(session, requested.code, context, now.date())
        options: list[str] = []
        if resolution.status is wire.ResolutionStatus.ORDERABLE:
            options = [i.part.code for i in resolution.order]
        for choice in resolution.choices:
            if choice.status is wire.ResolutionStatus.ORDERABLE:
                options += [i.part.code for i in choice.order]
        if item.installed_code:
            if item.installed_code not in {requested.code, *options}:
                errors[f"{where}.installed_code"] = _(
                    "{wanted} is not what {code} resolves to here ({allowed})"
                ).format(
                    wanted=item.installed_code,
                    code=requested.code,
                    allowed=", ".join(options) or requested.code,
                )
                continue
            installed_code = item.installed_code
        elif resolution.status is wire.ResolutionStatus.ORDERABLE and resolution.order:
            installed_code = resolution.order[0].part.code
        elif resolution.status is wire.ResolutionStatus.DEPENDS:
            errors[f"{where}.installed_code"] = _(
                "{reason}: say which part was installed ({codes})"
            ).format(reason=resolution.reason, codes=", ".join(options) or requested.code)
            continue
        else:  # replaced by nothing orderable: the part itself came from the centre's stock
            installed_code = requested.code
        other = await _part(session, installed_code)
        assert other is not None
        installed = other
        lines.append(
            PartLine(requested, None, installed, None, None, item.quantity, installed.price_cents)
        )
    return lines

"""The cart: a user's parts to order, kept by the server (it survives logging out and is the
same on every terminal). Operators have no centre and no cart: they may read their (empty)
cart, but every change is reserved to technicians and managers.

Adding a part resolves it first (for the appliance of the ticket, when one is given):
a superseded part is ordered as its replacement, and the line keeps both codes. Changing a
line's ticket later does not resolve the part again: the line keeps the part chosen.

Every amount is computed here (server.services.pricing). ``Cart.fingerprint`` is the
SHA-256 of every figure shown (line ids, codes, quantities, prices, discount, net, VAT rate,
availability, tied tickets); each fingerprint handed out is kept with its figures
(``cart_snapshots``, the newest :data:`KEEP_SNAPSHOTS` per user) so that checkout can say
what changed when the cart it would order is not the one confirmed.

Every change to a cart first bumps ``carts.version`` (:func:`lock`): on PostgreSQL that row
lock serialises the edits and the checkout of one cart, so a checkout never orders lines
that an edit is changing, and two checkouts of one cart cannot both order it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from client import models as wire
from client.models import Role
from server.db import models as db
from server.errors import Invalid, NotFound
from server.i18n import N_, _, money, rate
from server.services import catalogue
from server.services.dashboard import OPEN_STATUSES
from server.services.money import from_cents, vat_on
from server.services.pricing import document_totals, line_net
from server.services.status_machine import label
from server.services.supersession import ApplianceContext
from server.services.tenancy import get_scoped, require_role
from server.services.upsert import insert_ignore

OPEN = {s.value for s in OPEN_STATUSES}
KEEP_SNAPSHOTS = 20
"""Fingerprints remembered per user (a few terminals, a few edits each)."""
MAX_LINES = 200
"""Lines one cart may hold (an order is bounded like every input)."""

Requested = aliased(db.Part, name="requested")
Ordered = aliased(db.Part, name="ordered")


async def count(session: AsyncSession, user: db.User) -> int:
    stmt = select(func.count()).select_from(db.CartLine).where(db.CartLine.user_id == user.id)
    return int((await session.execute(stmt)).scalar_one())


async def _open_ticket(session: AsyncSession, user: db.User, ticket_id: int) -> db.Ticket:
    """One of the user's centre's open tickets, else 422 on ``ticket_id`` saying why (another
    centre's ticket reads like a missing one)."""
    try:
        ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    except NotFound:
        why = _("no ticket {number} here").format(number=ticket_id)
        raise Invalid(why, fields={"ticket_id": why}) from None
    if ticket.status not in OPEN:
        status = label(wire.TicketStatus(ticket.status))
        raise Invalid(
            _("ticket {number} is {status}: parts go to open tickets only").format(
                number=ticket_id, status=status
            ),
            fields={
                "ticket_id": _("ticket {number} is {status}, not open").format(
                    number=ticket_id, status=status
                )
            },
        )
    return ticket


async def _ticket_context(
    session: AsyncSession, user: db.User, ticket_id: int
) -> tuple[db.Ticket, ApplianceContext]:
    ticket = await _open_ticket(session, user, ticket_id)
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
        why = _("no part {code} in the catalogue").format(code=body.requested_code)
        raise Invalid(why, fields={"requested_code": why}) from None
    resolution, _graph = await catalogue.resolve(session, requested.code, context, now.date())
    options = _options(resolution)
    if body.ordered_code is None:
        if resolution.status is wire.ResolutionStatus.NONE:
            raise Invalid(
                _("{code} cannot be ordered: {reason}").format(
                    code=requested.code, reason=resolution.reason
                ),
                fields={"requested_code": resolution.reason},
            )
        if resolution.status is wire.ResolutionStatus.DEPENDS:
            codes = ", ".join(i.part.code for o in options for i in o) or _("none")
            raise Invalid(
                _("{reason}: choose the part to order ({codes})").format(
                    reason=resolution.reason, codes=codes
                ),
                fields={"ordered_code": _("choose one of: {choices}").format(choices=codes)},
            )
        chosen = options[0]
    else:
        wanted = body.ordered_code
        matching = [o for o in options if wanted in {i.part.code for i in o}]
        if not matching:
            allowed = ", ".join(i.part.code for o in options for i in o) or _("nothing")
            why = _("{wanted} is not what {code} resolves to here (order: {allowed})").format(
                wanted=wanted, code=requested.code, allowed=allowed
            )
            if resolution.status is wire.ResolutionStatus.NONE:
                why = _("{code} cannot be ordered: {reason}").format(
                    code=requested.code, reason=resolution.reason
                )
            raise Invalid(why, fields={"ordered_code": why})
        chosen = matching[0]
    await lock(session, user.id)
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
                    _("a cart line holds at most {max}").format(max=9999),
                    fields={"quantity": _("at most {max} in all").format(max=9999)},
                )
            existing.quantity += quantity
            added.append(existing)
            continue
        if await count(session, user) >= MAX_LINES:
            raise Invalid(
                _("a cart holds at most {max} lines: order these first").format(max=MAX_LINES),
                fields={
                    "requested_code": _("the cart already has {max} lines").format(max=MAX_LINES)
                },
            )
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
    shown = {line.id for line in added}
    lines = [line for line in (await priced(session, user)).cart.lines if line.id in shown]
    total = await count(session, user)
    await session.commit()
    return wire.CartAdded(lines=lines, count=total, resolution=resolution)


async def lock(session: AsyncSession, user_id: int) -> None:
    """Make sure the user's cart row exists and bump its version: the first write of every
    change to the cart (the row lock that serialises them on PostgreSQL)."""
    bumped = await session.execute(
        update(db.Cart)
        .where(db.Cart.user_id == user_id)
        .values(version=db.Cart.version + 1)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        await insert_ignore(session, db.Cart.__table__, user_id=user_id, note="", version=1)


def _rates(user: db.User) -> tuple[Decimal, Decimal]:
    """(discount, VAT rate) of the user's centre, in percent (none for operators)."""
    centre = user.service_centre
    if centre is None:
        return Decimal("0"), Decimal("0")
    return catalogue.centre_discount(user), Decimal(centre.vat_rate)


def _rate_text(rate: Decimal) -> str:
    return str(Decimal(rate).quantize(Decimal("0.01")))


@dataclass(frozen=True)
class PricedLine:
    row: db.CartLine
    ordered: db.Part
    wire: wire.CartLine


@dataclass(frozen=True)
class PricedCart:
    """The cart as the server prices it now: the wire model and the rows behind it."""

    cart: wire.Cart
    lines: list[PricedLine]
    figures: dict[str, Any]


def figures_of(lines: list[wire.CartLine], vat_rate: Decimal) -> dict[str, Any]:
    """Every figure the fingerprint covers, as plain JSON."""
    return {
        "vat_rate": _rate_text(vat_rate),
        "lines": [
            {
                "id": line.id,
                "requested": line.requested_code,
                "ordered": line.ordered_code,
                "quantity": line.quantity,
                "price": str(wire.quantize_money(line.price)),
                "discount": _rate_text(line.discount_rate),
                "net": str(wire.quantize_money(line.net)),
                "availability": line.availability.value if line.availability else None,
                "ticket_id": line.ticket_id,
            }
            for line in lines
        ],
    }


def fingerprint_of(figures: dict[str, Any]) -> str:
    canonical = json.dumps(figures, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def priced(session: AsyncSession, user: db.User) -> PricedCart:
    """The user's cart with every amount computed now, from the catalogue's current prices."""
    discount, vat_rate = _rates(user)
    rows = (
        await session.execute(
            select(db.CartLine, Requested.code, Ordered)
            .join(Requested, Requested.id == db.CartLine.requested_part_id)
            .join(Ordered, Ordered.id == db.CartLine.part_id)
            .where(db.CartLine.user_id == user.id)
            .order_by(db.CartLine.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    lines: list[PricedLine] = []
    for row, requested_code, ordered in rows:
        price = from_cents(ordered.price_cents)
        net = line_net(price, row.quantity, discount)
        vat = vat_on(net, vat_rate)
        lines.append(
            PricedLine(
                row,
                ordered,
                wire.CartLine(
                    id=row.id,
                    requested_code=requested_code,
                    ordered_code=ordered.code,
                    description=ordered.description,
                    quantity=row.quantity,
                    price=price,
                    discount_rate=discount,
                    net=net,
                    vat=vat,
                    total=net + vat,
                    ticket_id=row.ticket_id,
                    note=row.note,
                    availability=wire.Availability(ordered.availability),
                    lead_time_days=ordered.lead_time_days,
                ),
            )
        )
    shown = [line.wire for line in lines]
    cart_row = (
        await session.execute(
            select(db.Cart.note, db.Cart.version).where(db.Cart.user_id == user.id)
        )
    ).first()
    net, vat, total = document_totals((line.net for line in shown), vat_rate)
    figures = figures_of(shown, vat_rate)
    cart = wire.Cart(
        lines=shown,
        note=cart_row.note if cart_row else "",
        count=len(shown),
        net=net,
        vat=vat,
        total=total,
        version=cart_row.version if cart_row else 1,
        vat_rate=vat_rate,
        fingerprint=fingerprint_of(figures),
    )
    return PricedCart(cart, lines, figures)


async def get(session: AsyncSession, user: db.User) -> wire.Cart:
    """The cart as it is now (reads only)."""
    return (await priced(session, user)).cart


async def show(session: AsyncSession, user: db.User, now: dt.datetime) -> wire.Cart:
    """The cart to show a person: its fingerprint is remembered with its figures, so that
    a checkout on it can later say what changed. Commits."""
    current = await priced(session, user)
    await remember(session, user.id, current, now)
    await session.commit()
    return current.cart


async def remember(
    session: AsyncSession, user_id: int, current: PricedCart, now: dt.datetime
) -> None:
    """Keep ``current``'s figures under its fingerprint (once), and only the newest few."""
    known = (
        await session.execute(
            select(db.CartSnapshot.id).where(
                db.CartSnapshot.user_id == user_id,
                db.CartSnapshot.fingerprint == current.cart.fingerprint,
            )
        )
    ).first()
    if known is not None:
        return
    await insert_ignore(
        session,
        db.CartSnapshot.__table__,
        user_id=user_id,
        fingerprint=current.cart.fingerprint,
        figures=json.dumps(current.figures, separators=(",", ":")),
        created_at=now,
    )
    oldest_kept = (
        await session.execute(
            select(db.CartSnapshot.id)
            .where(db.CartSnapshot.user_id == user_id)
            .order_by(db.CartSnapshot.id.desc())
            .offset(KEEP_SNAPSHOTS - 1)
            .limit(1)
        )
    ).scalar_one_or_none()
    if oldest_kept is not None:
        await session.execute(
            delete(db.CartSnapshot).where(
                db.CartSnapshot.user_id == user_id, db.CartSnapshot.id < oldest_kept
            )
        )


async def shown_figures(
    session: AsyncSession, user_id: int, fingerprint: str
) -> dict[str, Any] | None:
    """The figures shown under ``fingerprint`` to this user, if still remembered."""
    text = (
        await session.execute(
            select(db.CartSnapshot.figures).where(
                db.CartSnapshot.user_id == user_id, db.CartSnapshot.fingerprint == fingerprint
            )
        )
    ).scalar_one_or_none()
    return json.loads(text) if text else None


AVAILABILITY_NAMES = {
    "in_stock": N_("in stock"),
    "on_order": N_("on order"),
    "unavailable": N_("unavailable"),
}


def _availability(value: str | None) -> str:
    name = AVAILABILITY_NAMES.get(value or "")
    return _(name) if name else str(value)


def describe_changes(before: dict[str, Any] | None, now: dict[str, Any]) -> list[str]:
    """What differs between the figures shown (``before``) and the cart now, in words, in the
    request's language (amounts and rates as its interface writes them)."""
    if before is None:
        return [_("the cart is not the one shown (it was changed, or shown too long ago)")]
    changes: list[str] = []
    if before["vat_rate"] != now["vat_rate"]:
        changes.append(
            _("the VAT rate changed from {old} % to {new} %").format(
                old=rate(before["vat_rate"]), new=rate(now["vat_rate"])
            )
        )
    old = {line["id"]: line for line in before["lines"]}
    new = {line["id"]: line for line in now["lines"]}
    for line_id, line in old.items():
        if line_id not in new:
            changes.append(
                _("{code} x {quantity} is no longer in the cart").format(
                    code=line["ordered"], quantity=line["quantity"]
                )
            )
    for line_id, line in new.items():
        was = old.get(line_id)
        code = line["ordered"]
        if was is None:
            changes.append(
                _("{code} x {quantity} was added").format(code=code, quantity=line["quantity"])
            )
            continue
        if was["ordered"] != code:
            changes.append(_("{old} is now ordered as {new}").format(old=was["ordered"], new=code))
        if was["quantity"] != line["quantity"]:
            changes.append(
                _("the quantity of {code} changed from {old} to {new}").format(
                    code=code, old=was["quantity"], new=line["quantity"]
                )
            )
        if was["price"] != line["price"]:
            changes.append(
                _("the price of {code} changed from {old} to {new}").format(
                    code=code, old=money(was["price"]), new=money(line["price"])
                )
            )
        if was["discount"] != line["discount"]:
            changes.append(
                _("the discount on {code} changed from {old} % to {new} %").format(
                    code=code, old=rate(was["discount"]), new=rate(line["discount"])
                )
            )
        if was["availability"] != line["availability"]:
            changes.append(
                _("{code} is now {now} (was {was})").format(
                    code=code,
                    now=_availability(line["availability"]),
                    was=_availability(was["availability"]),
                )
            )
        if was["ticket_id"] != line["ticket_id"]:
            if line["ticket_id"] is None:
                changes.append(
                    _("{code} is no longer tied to ticket {number}").format(
                        code=code, number=was["ticket_id"]
                    )
                )
            else:
                changes.append(
                    _("{code} is now tied to ticket {number}").format(
                        code=code, number=line["ticket_id"]
                    )
                )
    return changes or [_("the cart is not the one shown")]


async def _own_line(session: AsyncSession, user: db.User, line_id: int) -> db.CartLine:
    line = (
        await session.execute(
            select(db.CartLine)
            .where(db.CartLine.id == line_id, db.CartLine.user_id == user.id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if line is None:  # another user's line reads like a missing one
        raise NotFound(_("cart line {id} not found").format(id=line_id))
    return line


async def update_line(
    session: AsyncSession,
    user: db.User,
    line_id: int,
    body: wire.CartLineUpdate,
    now: dt.datetime,
) -> wire.Cart:
    """Set a line's quantity, ticket (one of the centre's open tickets, or none) and note."""
    require_role(user, Role.TECHNICIAN, Role.MANAGER)
    await _own_line(session, user, line_id)  # 404 before anything is written
    if body.ticket_id is not None:
        await _open_ticket(session, user, body.ticket_id)
    await lock(session, user.id)
    line = await _own_line(session, user, line_id)  # afresh, under the cart's lock
    line.quantity = body.quantity
    line.ticket_id = body.ticket_id
    line.note = body.note
    await session.flush()
    return await show(session, user, now)


async def set_note(
    session: AsyncSession, user: db.User, body: wire.CartNoteUpdate, now: dt.datetime
) -> wire.Cart:
    require_role(user, Role.TECHNICIAN, Role.MANAGER)
    await lock(session, user.id)
    await session.execute(
        update(db.Cart)
        .where(db.Cart.user_id == user.id)
        .values(note=body.note)
        .execution_options(synchronize_session=False)
    )
    return await show(session, user, now)


async def empty(session: AsyncSession, user: db.User) -> wire.CartCount:
    """Remove every line and the order note."""
    require_role(user, Role.TECHNICIAN, Role.MANAGER)
    await lock(session, user.id)
    await clear(session, user.id)
    await session.commit()
    return wire.CartCount(count=0)


async def clear(session: AsyncSession, user_id: int) -> None:
    """Delete the cart's lines and note (in the caller's transaction)."""
    await session.execute(delete(db.CartLine).where(db.CartLine.user_id == user_id))
    await session.execute(
        update(db.Cart)
        .where(db.Cart.user_id == user_id)
        .values(note="")
        .execution_options(synchronize_session=False)
    )


async def remove(session: AsyncSession, user: db.User, line_id: int) -> wire.CartCount:
    await _own_line(session, user, line_id)
    await lock(session, user.id)
    line = await _own_line(session, user, line_id)
    await session.delete(line)
    await session.flush()
    total = await count(session, user)
    await session.commit()
    return wire.CartCount(count=total)

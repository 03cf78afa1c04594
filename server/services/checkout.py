"""Checkout: the signed-in user's cart becomes an order awaiting the manufacturer's validation.

One transaction does everything, or nothing:

1. the ``Idempotency-Key`` row is inserted first (server.services.idempotency): a replay
   answers the stored response, a parallel request with the same key waits and then answers
   it too; on SQLite this first write also takes the database's write lock, so the whole
   checkout is serialised;
2. the cart is locked (server.services.cart.lock) and priced afresh; it is refused (409) when
   it is empty (``cart_empty``), when a part can no longer be ordered (``part_not_orderable``:
   obsolete, unavailable, or replaced for every appliance), when its fingerprint is not the
   one confirmed (``cart_changed``, saying what changed), or when a tied ticket cannot wait
   for parts (``ticket_not_ready``; see below);
3. the order number is drawn: the centre's customer number, the two-digit year (UTC) and
   the centre's sequence for that year (``order_sequences``), incremented by
   ``UPDATE ... SET last_value = last_value + 1 RETURNING last_value`` in this transaction. On
   PostgreSQL the row lock makes concurrent checkouts of a centre take turns; a checkout
   that fails rolls its increment back, so numbers never repeat and never skip. The
   sequence row of a new year is created with ``INSERT ... ON CONFLICT DO NOTHING``.
   Past 9999 orders in a year the sequence simply takes a fifth digit;
4. the order and its lines are written with the figures the cart showed (price, discount,
   net per line; net, VAT at the centre's rate, total), the cart is emptied, the address is
   saved when asked (``save_address_as``), and each tied ticket moves to waiting for parts
   through the status machine (``order_parts``, with a history entry naming the order). A
   ticket already waiting for parts stays so and gets a history note naming the order; a
   ticket in any other status refuses the whole checkout, naming it (the safe choice: the
   person unties the line or confirms the ticket first);
5. the answer (201 and the order) is stored under the key, and everything is committed.

The order note is ``PlaceOrder.note`` when given, else the cart's note.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import Role, TicketAction, TicketStatus
from server.db import models as db
from server.errors import Conflict, Forbidden, NotAllowed
from server.i18n import N_, _
from server.services import (
    addresses,
    cart,
    catalogue,
    events,
    idempotency,
    orders,
    ticket_actions,
    ticket_history,
)
from server.services.money import to_cents
from server.services.status_machine import label
from server.services.tenancy import require_role, scope_bound, scope_kind, scope_params
from server.services.upsert import insert_ignore

PATH = "/orders"
CAN_WAIT_FOR_PARTS = (TicketStatus.CONFIRMED.value, TicketStatus.WAITING_PARTS.value)


async def place(
    session: AsyncSession,
    user: db.User,
    body: wire.PlaceOrder,
    key_header: str | None,
    now: dt.datetime,
) -> tuple[int, str, bool]:
    """Order the user's cart: (status code, JSON body, whether it is a stored answer)."""
    require_role(user, Role.TECHNICIAN, Role.MANAGER)
    if user.service_centre is None:
        raise Forbidden(_("this account belongs to no service centre"))
    key = idempotency.check_key(key_header, N_("placing an order"))
    digest = idempotency.request_hash("POST", PATH, body)
    user_id = user.id  # the session may be rolled back below: keep what is needed after
    hit = await idempotency.stored(session, user_id, key, digest)
    if hit is not None:
        return hit.status_code, hit.body, True
    if not await idempotency.claim(session, user_id, key, digest, now):
        hit = await idempotency.stored(session, user_id, key, digest)
        if hit is None:  # pragma: no cover - the row that refused our insert is committed
            raise Conflict(_("this order is being placed: try again"), code="idempotency_key_busy")
        return hit.status_code, hit.body, True
    try:
        order_id = await _order_cart(session, user, body, now)
        answer = await orders.get_order(session, order_id, user)
        text = answer.model_dump_json()
        await idempotency.record(session, user_id, key, 201, text)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return 201, text, False


async def next_number(session: AsyncSession, centre: db.ServiceCentre, year: int) -> str:
    """The centre's next order number for ``year``, drawn in the caller's transaction."""

    async def bump() -> int | None:
        stmt = (
            update(db.OrderSequence)
            .where(db.OrderSequence.service_centre_id == centre.id, db.OrderSequence.year == year)
            .values(last_value=db.OrderSequence.last_value + 1)
            .returning(db.OrderSequence.last_value)
            .execution_options(synchronize_session=False)
        )
        return (await session.execute(stmt)).scalar_one_or_none()

    value = await bump()
    if value is None:  # the centre's first order this year
        await insert_ignore(
            session,
            db.OrderSequence.__table__,
            service_centre_id=centre.id,
            year=year,
            last_value=0,
        )
        value = await bump()
        assert value is not None
    return f"{centre.customer_number}{year % 100:02d}{value:04d}"


def _not_orderable(part: db.Part, replaced: set[int]) -> str | None:
    if part.obsolete:
        return _("it is obsolete")
    if part.availability == wire.Availability.UNAVAILABLE.value:
        return _("it is unavailable")
    if part.id in replaced:
        return _("it has been replaced: add the part again to order its replacement")
    return None


async def _check_lines(session: AsyncSession, current: cart.PricedCart, today: dt.date) -> None:
    if not current.lines:
        raise NotAllowed(_("the cart is empty: there is nothing to order"), code="cart_empty")
    replaced = await catalogue.replaced_ids(session, (p.ordered.id for p in current.lines), today)
    refusals = [
        _("{code} can no longer be ordered ({why})").format(code=p.ordered.code, why=why)
        for p in current.lines
        if (why := _not_orderable(p.ordered, replaced)) is not None
    ]
    if refusals:
        raise NotAllowed(
            _("{refusals}. Remove it from the cart to order the rest.").format(
                refusals="; ".join(refusals)
            ),
            code="part_not_orderable",
        )


async def _ticket_statuses(
    session: AsyncSession, user: db.User, ticket_ids: list[int]
) -> dict[int, str]:
    """The tied tickets' statuses now, as the user may see them (columns only: no ticket
    object is loaded, so the status machine later reads each afresh)."""
    stmt = scope_bound(
        select(db.Ticket.id, db.Ticket.status).where(db.Ticket.id.in_(ticket_ids)),
        db.Ticket.service_centre_id,
        scope_kind(user),
    )
    return {row[0]: row[1] for row in (await session.execute(stmt, scope_params(user))).all()}


def _check_ticket(ticket_id: int, status: str | None, code: str) -> None:
    if status is None:
        raise NotAllowed(
            _(
                "ticket {number} (tied to {code}) is no longer one of your centre's tickets: "
                "untie the line to order it"
            ).format(number=ticket_id, code=code),
            code="ticket_not_ready",
        )
    if status not in CAN_WAIT_FOR_PARTS:
        raise NotAllowed(
            _(
                "ticket {number} (tied to {code}) is {status}: parts can be ordered for a "
                "confirmed ticket or one already waiting for parts; untie the line or confirm "
                "the ticket first"
            ).format(number=ticket_id, code=code, status=label(TicketStatus(status))),
            code="ticket_not_ready",
        )


async def _order_cart(
    session: AsyncSession, user: db.User, body: wire.PlaceOrder, now: dt.datetime
) -> int:
    centre = user.service_centre
    assert centre is not None
    await cart.lock(session, user.id)
    current = await cart.priced(session, user)
    await _check_lines(session, current, now.date())
    if body.fingerprint != current.cart.fingerprint:
        before = await cart.shown_figures(session, user.id, body.fingerprint)
        changes = cart.describe_changes(before, current.figures)
        raise Conflict(
            _("the cart changed since it was shown: {changes}. Check it and confirm again.").format(
                changes="; ".join(changes)
            ),
            code="cart_changed",
        )
    tied: dict[int, str] = {}
    for p in current.lines:
        if p.row.ticket_id is not None:
            tied.setdefault(p.row.ticket_id, p.ordered.code)
    statuses = await _ticket_statuses(session, user, sorted(tied))
    for ticket_id, code in sorted(tied.items()):
        _check_ticket(ticket_id, statuses.get(ticket_id), code)

    number = await next_number(session, centre, now.year)
    shipping = body.shipping
    order = db.Order(
        number=number,
        service_centre_id=centre.id,
        created_by_id=user.id,
        status=wire.OrderStatus.AWAITING_VALIDATION.value,
        created_at=now,
        validated_at=None,
        validated_by_id=None,
        erp_number="",
        note=body.note.strip() or current.cart.note,
        **{f"ship_{name}": getattr(shipping, name) for name in addresses.ADDRESS_FIELDS},
        net_cents=to_cents(current.cart.net),
        vat_cents=to_cents(current.cart.vat),
        total_cents=to_cents(current.cart.total),
        version=1,
        vat_rate=Decimal(current.cart.vat_rate),
        updated_at=now,
        updated_by_id=user.id,
    )
    session.add(order)
    await session.flush()
    for p in current.lines:
        session.add(
            db.OrderLine(
                order_id=order.id,
                requested_part_id=p.row.requested_part_id,
                part_id=p.row.part_id,
                description=p.ordered.description,
                quantity_requested=p.row.quantity,
                quantity_reserved=0,
                quantity_shipped=0,
                quantity_done=0,
                transport=None,
                ticket_id=p.row.ticket_id,
                price_cents=p.ordered.price_cents,
                discount_rate=p.wire.discount_rate,
                net_cents=to_cents(p.wire.net),
                note=p.row.note,
            )
        )
    await session.flush()
    await cart.clear(session, user.id)
    if body.save_address_as:
        await addresses.save(session, user, body.save_address_as, shipping)
    await _tickets_wait_for_parts(session, user, sorted(tied), number, now)
    return order.id


async def _tickets_wait_for_parts(
    session: AsyncSession, user: db.User, ticket_ids: list[int], number: str, now: dt.datetime
) -> None:
    """Each tied ticket waits for parts from order ``number`` (read again: a checkout of the
    same centre that committed while this one waited for the sequence may have moved it)."""
    statuses = await _ticket_statuses(session, user, ticket_ids)
    for ticket_id in ticket_ids:
        status = statuses.get(ticket_id)
        if status == TicketStatus.CONFIRMED.value:
            await ticket_actions.transition(
                session,
                ticket_id,
                user,
                TicketAction.ORDER_PARTS,
                None,
                if_match=None,
                now=now,
                commit=False,
                event=events.parts_ordered(number),
            )
        elif status == TicketStatus.WAITING_PARTS.value:
            ordered = events.parts_ordered(number)
            session.add(
                ticket_history.event_note(
                    ticket_id, status, ordered, now, author_id=user.id, author_name=user.full_name
                )
            )
        else:
            _check_ticket(ticket_id, status, _("a line"))

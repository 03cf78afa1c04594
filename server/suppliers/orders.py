"""Orders sent to an outside supplier (issue 13, seed 002): a draft, reviewed, then sent.

* **Create order** makes a ``draft`` with one of the supplier accounts of the user's centre,
  from lines of the user's cart (moved out of it, in the same transaction) and/or lines typed
  for a ticket. Its ``client_reference`` (unique per centre) is drawn now and never changes.
* **Order** sends the draft through the adapter. No database transaction is held while the
  supplier answers; the platform makes creation idempotent by the client reference, so a
  retry, a second click, or a send after a crash between the supplier's answer and our
  commit all find the same supplier order: never a second one. Only a draft still a draft
  is written as sent (a conditional update), so two sends racing record it once.
  When the supplier is down, times out, refuses or answers garbage, the draft stays exactly as
  it was and the message says so.
* Once sent, each line keeps the code requested and the code the supplier ordered (its own
  supersessions), the name and prices it quoted and the expected delivery; each tied ticket
  goes to *waiting for parts* as with the manufacturer's orders (``order_parts`` through the
  status machine, a history entry naming the supplier and its order number).
* **Cancel** drops a draft, or cancels a sent order: the supplier is asked first (down or
  refusing: the order stays sent, the message says why), then the order is ``cancelled``
  and each tied ticket gets a history entry; tickets keep their status, as when a
  manufacturer's order is withdrawn. Its pending supplier changes stay, refused on apply.

Who may order the manufacturer's parts (a centre's technician or manager) may order a
supplier's; another centre's order answers 404, as a missing one.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import secrets
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from client.models import Role
from client.models.supplier_orders import (
    CreateSupplierOrder,
    SendSupplierOrder,
    SupplierOrderSummary,
)
from client.models.supplier_orders import SupplierOrder as SupplierOrderOut
from client.models.supplier_orders import SupplierOrderLine as SupplierOrderLineOut
from server.db import models as db
from server.errors import ApiError, Conflict, Invalid, NotAllowed
from server.i18n import _
from server.services import cart
from server.services.checkout import _check_ticket, _ticket_statuses
from server.services.tenancy import get_scoped, require_role, scope_bound, scoped_params
from server.settings import Settings
from server.suppliers import accounts
from server.suppliers import orders_effects as effects
from server.suppliers.adapter import (
    SupplierAuthError,
    SupplierClient,
    SupplierCredentials,
    SupplierError,
    SupplierRefused,
    SupplierUnavailable,
)
from server.suppliers.db_models import SupplierAccount
from server.suppliers.launcher import known_suppliers, supplier_url
from server.suppliers.models import OrderLineRequest
from server.suppliers.orders_models import SupplierOrder, SupplierOrderLine
from server.suppliers.registry import SupplierClients
from server.suppliers.secrets import secret_box

log = logging.getLogger("sav.suppliers")

ORDERING_ROLES = (Role.TECHNICIAN, Role.MANAGER)
LIST_LIMIT = 500


class SupplierRefusedOrder(ApiError):
    status_code = 409
    code = "supplier_refused"


def _supplier_name(supplier: str) -> str:
    name = accounts.SUPPLIER_NAMES.get(supplier)
    return _(name) if name else supplier


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- reading


async def _lines(session: AsyncSession, order_id: int) -> list[SupplierOrderLine]:
    stmt = (
        select(SupplierOrderLine)
        .where(SupplierOrderLine.supplier_order_id == order_id)
        .order_by(SupplierOrderLine.line_no)
        .execution_options(populate_existing=True)
    )
    return list((await session.execute(stmt)).scalars())


async def _out(
    session: AsyncSession, row: SupplierOrder, confirmation: str | None = None
) -> SupplierOrderOut:
    account = await session.get(SupplierAccount, row.supplier_account_id)
    author = await session.get(db.User, row.created_by)
    supplier = account.supplier if account else "?"
    return SupplierOrderOut(
        id=row.id,
        supplier=supplier,
        supplier_name=_supplier_name(supplier),
        client_reference=row.client_reference,
        supplier_order_number=row.supplier_order_number,
        status=row.status,
        created_at=row.created_at,
        created_by=author.full_name if author else "",
        sent_at=row.sent_at,
        note=row.note,
        version=row.version,
        lines=[
            SupplierOrderLineOut(
                line_no=line.line_no,
                ticket_id=line.ticket_id,
                requested_code=line.requested_code,
                ordered_code=line.ordered_code,
                part_name=line.part_name,
                quantity=line.quantity,
                purchase_price=_money(line.purchase_price),
                sale_price=_money(line.sale_price),
                expected_delivery=line.expected_delivery,
                supplier_line_ref=line.supplier_line_ref,
            )
            for line in await _lines(session, row.id)
        ],
        confirmation=confirmation,
    )


async def _scoped(session: AsyncSession, user: db.User, order_id: int) -> SupplierOrder:
    row = await get_scoped(session, SupplierOrder, order_id, user, what="supplier order")
    require_role(user, *ORDERING_ROLES)
    return row


async def get_order(session: AsyncSession, user: db.User, order_id: int) -> SupplierOrderOut:
    return await _out(session, await _scoped(session, user, order_id))


@functools.cache
def _list_stmt(mode: str, status: bool, ticket: bool) -> Select[*tuple[Any, ...]]:
    """The centre's supplier orders, newest first, as the tenancy restricts them (``mode`` of
    ``scoped_params``, ``scope_bound``); ``status``: of the status bound as ``status``;
    ``ticket``: with a line for the ticket bound as ``ticket_id``. Built once (built per
    request, the author's alias cost more CPU than running it)."""
    author = aliased(db.User)
    stmt = (
        select(SupplierOrder, SupplierAccount.supplier, author.full_name)
        .join(SupplierAccount, SupplierAccount.id == SupplierOrder.supplier_account_id)
        .join(author, author.id == SupplierOrder.created_by)
        .order_by(SupplierOrder.created_at.desc(), SupplierOrder.id.desc())
        .limit(LIST_LIMIT)
    )
    stmt = scope_bound(stmt, SupplierOrder.service_centre_id, mode)
    if status:
        stmt = stmt.where(SupplierOrder.status == bindparam("status"))
    if ticket:
        stmt = stmt.where(
            exists().where(
                SupplierOrderLine.supplier_order_id == SupplierOrder.id,
                SupplierOrderLine.ticket_id == bindparam("ticket_id"),
            )
        )
    return stmt


async def list_orders(
    session: AsyncSession,
    user: db.User,
    *,
    status: str | None = None,
    ticket_id: int | None = None,
) -> list[SupplierOrderSummary]:
    """The centre's supplier orders, newest first (at most ``LIST_LIMIT``)."""
    require_role(user, *ORDERING_ROLES)
    mode, params = scoped_params(user, None)
    params.pop("scoped_id")
    if status:
        params["status"] = status
    if ticket_id is not None:
        params["ticket_id"] = ticket_id
    stmt = _list_stmt(mode, bool(status), ticket_id is not None)
    rows = (await session.execute(stmt, params)).all()
    ids = [row.id for row, _supplier, _name in rows]
    counts: dict[int, int] = defaultdict(int)
    tickets: dict[int, set[int]] = defaultdict(set)
    delivery: dict[int, dt.date] = {}
    if ids:
        lines = await session.execute(
            select(
                SupplierOrderLine.supplier_order_id,
                SupplierOrderLine.ticket_id,
                SupplierOrderLine.expected_delivery,
            ).where(SupplierOrderLine.supplier_order_id.in_(ids))
        )
        for order_id, line_ticket, expected in lines.all():
            counts[order_id] += 1
            if line_ticket is not None:
                tickets[order_id].add(line_ticket)
            if expected is not None and (order_id not in delivery or expected > delivery[order_id]):
                delivery[order_id] = expected
    return [
        SupplierOrderSummary(
            id=row.id,
            supplier=supplier,
            supplier_name=_supplier_name(supplier),
            client_reference=row.client_reference,
            supplier_order_number=row.supplier_order_number,
            status=row.status,
            created_at=row.created_at,
            created_by=name,
            sent_at=row.sent_at,
            line_count=counts[row.id],
            tickets=sorted(tickets[row.id]),
            expected_delivery=delivery.get(row.id),
        )
        for row, supplier, name in rows
    ]


# --------------------------------------------------------------------------- creating


async def _account(
    session: AsyncSession, user: db.User, supplier: str, settings: Settings
) -> SupplierAccount:
    """The user's centre's account with ``supplier``; refused beside the field otherwise."""
    if supplier not in known_suppliers(settings):
        known = ", ".join(known_suppliers(settings)) or "—"
        message = _("unknown supplier {supplier}").format(supplier=supplier)
        raise Invalid(
            message,
            fields={"supplier": _("unknown supplier; known: {known}").format(known=known)},
            code="unknown_supplier",
        )
    row = (
        await session.execute(
            select(SupplierAccount).where(
                SupplierAccount.service_centre_id == user.service_centre_id,
                SupplierAccount.supplier == supplier,
            )
        )
    ).scalar_one_or_none()
    if row is None:
        message = _("the centre has no account with the supplier {supplier}").format(
            supplier=supplier
        )
        raise Invalid(message, fields={"supplier": message}, code="no_supplier_account")
    return row


async def _check_tickets_visible(
    session: AsyncSession, user: db.User, ticket_ids: set[int]
) -> dict[int, str]:
    statuses = await _ticket_statuses(session, user, sorted(ticket_ids))
    missing = sorted(ticket_ids - set(statuses))
    if missing:
        message = _("ticket {number} is not one of your centre's tickets").format(number=missing[0])
        raise Invalid(message, fields={"lines": message}, code="unknown_ticket")
    return statuses


async def create_order(
    session: AsyncSession,
    user: db.User,
    body: CreateSupplierOrder,
    settings: Settings,
    now: dt.datetime,
) -> SupplierOrderOut:
    """A draft with the supplier: the cart lines named (moved out of the cart) then the
    lines typed. Nothing is asked of the supplier yet."""
    require_role(user, *ORDERING_ROLES)
    account = await _account(session, user, body.supplier, settings)
    Requested, Ordered = aliased(db.Part), aliased(db.Part)
    moved: list[tuple[db.CartLine, str, db.Part]] = []
    if body.cart_line_ids:
        await cart.lock(session, user.id)
        found = {
            row.id: (row, requested, ordered)
            for row, requested, ordered in (
                await session.execute(
                    select(db.CartLine, Requested.code, Ordered)
                    .join(Requested, Requested.id == db.CartLine.requested_part_id)
                    .join(Ordered, Ordered.id == db.CartLine.part_id)
                    .where(
                        db.CartLine.user_id == user.id,
                        db.CartLine.id.in_(body.cart_line_ids),
                    )
                )
            ).all()
        }
        for line_id in dict.fromkeys(body.cart_line_ids):
            if line_id not in found:
                await session.rollback()
                message = _("line {id} is not in your cart (any more)").format(id=line_id)
                raise Invalid(message, fields={"cart_line_ids": message}, code="cart_changed")
            moved.append(found[line_id])
    typed_codes = {line.code for line in body.lines}
    names = {
        code: name
        for code, name in (
            await session.execute(
                select(db.Part.code, db.Part.description).where(db.Part.code.in_(typed_codes))
            )
        ).all()
    }
    ticket_ids = {row.ticket_id for row, _r, _o in moved if row.ticket_id is not None}
    ticket_ids |= {line.ticket_id for line in body.lines if line.ticket_id is not None}
    codes = {row.ticket_id: ordered.code for row, _r, ordered in moved if row.ticket_id}
    codes |= {line.ticket_id: line.code for line in body.lines if line.ticket_id}
    try:
        # as at checkout: a tied ticket must be able to wait for parts (checked again on send)
        statuses = await _check_tickets_visible(session, user, ticket_ids)
        for ticket_id in sorted(ticket_ids):
            _check_ticket(ticket_id, statuses.get(ticket_id), codes[ticket_id])
    except ApiError:
        await session.rollback()
        raise
    order = SupplierOrder(
        service_centre_id=account.service_centre_id,
        supplier_account_id=account.id,
        client_reference=f"SAV-{account.service_centre_id}-{secrets.token_hex(6).upper()}",
        supplier_order_number=None,
        status="draft",
        created_at=now,
        created_by=user.id,
        sent_at=None,
        note=body.note.strip(),
        version=1,
    )
    session.add(order)
    await session.flush()
    line_no = 0
    for row, requested, ordered in moved:
        line_no += 1
        session.add(
            SupplierOrderLine(
                supplier_order_id=order.id,
                line_no=line_no,
                ticket_id=row.ticket_id,
                requested_code=requested,
                ordered_code=ordered.code,
                part_name=ordered.description,
                quantity=row.quantity,
            )
        )
        await session.delete(row)
    for typed in body.lines:
        line_no += 1
        session.add(
            SupplierOrderLine(
                supplier_order_id=order.id,
                line_no=line_no,
                ticket_id=typed.ticket_id,
                requested_code=typed.code,
                ordered_code=typed.code,
                part_name=names.get(typed.code, ""),
                quantity=typed.quantity,
            )
        )
    await session.commit()
    log.info("supplier order %s (draft) of centre %s made", order.id, order.service_centre_id)
    return await _out(session, order)


# --------------------------------------------------------------------------- sending


async def _client(
    session: AsyncSession,
    user: db.User,
    row: SupplierOrder,
    settings: Settings,
    make_client: accounts.ClientFactory,
    clients: SupplierClients | None,
) -> tuple[str, SupplierClient]:
    """The order's supplier and a client for it: the server's kept one (``clients``), else
    one for this call (the caller closes it)."""
    account = await session.get(SupplierAccount, row.supplier_account_id)
    assert account is not None
    supplier = account.supplier
    if clients is None:
        return supplier, await accounts.client_for(session, user, supplier, settings, make_client)
    url = await supplier_url(settings, supplier)
    if url is None:
        raise Invalid(
            _("unknown supplier {supplier}").format(supplier=supplier), code="unknown_supplier"
        )
    secret = (
        secret_box(settings).decrypt(account.secret_encrypted) if account.secret_encrypted else None
    )
    credentials = SupplierCredentials(account.user_name, account.customer_id, secret)
    client = await clients.get(
        account.id, account.version, supplier, lambda: make_client(supplier, url, credentials)
    )
    return supplier, client


async def send_order(
    session: AsyncSession,
    user: db.User,
    order_id: int,
    body: SendSupplierOrder,
    settings: Settings,
    now: dt.datetime,
    make_client: accounts.ClientFactory = accounts.http_client,
    clients: SupplierClients | None = None,
) -> SupplierOrderOut:
    """Send the draft to its supplier, or answer the order as sent when it already was.
    ``clients``: the server's kept clients, so a supplier found down is not asked again for
    its cooldown (a person pressing o again gets the answer at once, the supplier is left
    alone); without, a client for this call, closed after it."""
    row = await _scoped(session, user, order_id)
    if row.status in ("sent", "delivered"):
        return await _out(session, row)  # sent already: asking again changes nothing
    if row.status != "draft":
        raise NotAllowed(
            _("order {reference} was dropped: it cannot be sent").format(
                reference=row.client_reference
            ),
            code="not_a_draft",
        )
    lines = await _lines(session, row.id)
    tied: dict[int, str] = {}
    for line in lines:
        if line.ticket_id is not None:
            tied.setdefault(line.ticket_id, line.ordered_code)
    statuses = await _ticket_statuses(session, user, sorted(tied))
    for ticket_id, code in sorted(tied.items()):
        _check_ticket(ticket_id, statuses.get(ticket_id), code)
    supplier, client = await _client(session, user, row, settings, make_client, clients)
    reference = row.client_reference
    requests = [OrderLineRequest(code=line.ordered_code, quantity=line.quantity) for line in lines]
    await session.commit()  # no transaction is held while the supplier answers
    name = _supplier_name(supplier)
    try:
        answer = await client.create_order(reference, requests)
    except SupplierAuthError as exc:
        raise Conflict(
            _(
                "{supplier} refused the centre's account; the order is still a draft: "
                "the manager enters the account again"
            ).format(supplier=name),
            code="supplier_wrong_account",
        ) from exc
    except SupplierUnavailable as exc:
        raise accounts.SupplierDown(
            _("{supplier} did not answer; the order is still a draft: send it again later").format(
                supplier=name
            )
        ) from exc
    except SupplierRefused as exc:
        raise SupplierRefusedOrder(
            _("{supplier} refused the order ({reason}); it is still a draft").format(
                supplier=name, reason=exc.message[:200]
            )
        ) from exc
    except SupplierError as exc:
        raise accounts.SupplierFailed(
            _("{supplier} answered something unexpected; the order is still a draft").format(
                supplier=name
            )
        ) from exc
    finally:
        if clients is None:
            await client.aclose()

    sent = await session.execute(
        update(SupplierOrder)
        .where(SupplierOrder.id == order_id, SupplierOrder.status == "draft")
        .values(
            status="sent",
            supplier_order_number=answer.number,
            sent_at=now,
            version=SupplierOrder.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if sent.rowcount == 0:  # type: ignore[attr-defined]  # another send recorded it first
        await session.rollback()
        return await get_order(session, user, order_id)
    for line, answered in zip(await _lines(session, order_id), answer.lines, strict=True):
        line.ordered_code = answered.code
        line.part_name = answered.name
        line.purchase_price = _cents(answered.purchase_price_cents)
        line.sale_price = _cents(answered.sale_price_cents)
        line.expected_delivery = answer.expected_delivery
        line.supplier_line_ref = str(answered.line)  # the line's number in the supplier's order
    await effects.tickets_wait_for_parts(session, user, sorted(tied), answer.number, name, now)
    await session.commit()
    log.info("supplier order %s sent to %s as %s", order_id, supplier, answer.number)
    fresh = await session.get(SupplierOrder, order_id, populate_existing=True)
    assert fresh is not None
    confirmation = None
    if body.confirm_to:
        confirmation = await effects.confirm(session, user, fresh, body.confirm_to, settings, now)
    return await _out(session, fresh, confirmation)


# --------------------------------------------------------------------------- cancelling


async def cancel_order(
    session: AsyncSession,
    user: db.User,
    order_id: int,
    settings: Settings,
    now: dt.datetime,
    make_client: accounts.ClientFactory = accounts.http_client,
    clients: SupplierClients | None = None,
) -> SupplierOrderOut:
    """Drop a draft, or cancel a sent order: the supplier is asked first (down, refusing:
    nothing changes here and the message says so), then the order is ``cancelled`` and each
    tied ticket gets a history entry. The tickets keep their status, as when a manufacturer's
    order is withdrawn (they may wait for parts from another order). Asking again answers the
    cancelled order (the supplier's cancel is idempotent too)."""
    row = await _scoped(session, user, order_id)
    if row.status == "cancelled":
        return await _out(session, row)
    if row.status == "draft":
        dropped = await session.execute(
            update(SupplierOrder)
            .where(SupplierOrder.id == order_id, SupplierOrder.status == "draft")
            .values(status="cancelled", version=SupplierOrder.version + 1)
            .execution_options(synchronize_session=False)
        )
        if dropped.rowcount == 0:  # type: ignore[attr-defined]  # sent meanwhile
            await session.rollback()
            return await cancel_order(session, user, order_id, settings, now, make_client, clients)
        await session.commit()
        await session.refresh(row)
        return await _out(session, row)
    if row.status != "sent" or row.supplier_order_number is None:
        raise NotAllowed(
            _("order {reference} was delivered: it cannot be cancelled").format(
                reference=row.client_reference
            ),
            code="not_cancellable",
        )
    number = row.supplier_order_number
    supplier, client = await _client(session, user, row, settings, make_client, clients)
    await session.commit()  # no transaction is held while the supplier answers
    name = _supplier_name(supplier)
    try:
        await client.cancel_order(number)
    except SupplierAuthError as exc:
        raise Conflict(
            _(
                "{supplier} refused the centre's account; the order is still sent: "
                "the manager enters the account again"
            ).format(supplier=name),
            code="supplier_wrong_account",
        ) from exc
    except SupplierUnavailable as exc:
        raise accounts.SupplierDown(
            _(
                "{supplier} did not answer; the order is not cancelled: cancel it again later"
            ).format(supplier=name)
        ) from exc
    except SupplierRefused as exc:
        raise SupplierRefusedOrder(
            _("{supplier} refused to cancel order {order} ({reason})").format(
                supplier=name, order=number, reason=exc.message[:200]
            )
        ) from exc
    except SupplierError as exc:
        raise accounts.SupplierFailed(
            _("{supplier} answered something unexpected; the order is not cancelled here").format(
                supplier=name
            )
        ) from exc
    finally:
        if clients is None:
            await client.aclose()

    cancelled = await session.execute(
        update(SupplierOrder)
        .where(SupplierOrder.id == order_id, SupplierOrder.status == "sent")
        .values(status="cancelled", version=SupplierOrder.version + 1)
        .execution_options(synchronize_session=False)
    )
    if cancelled.rowcount == 0:  # type: ignore[attr-defined]  # another cancel recorded it
        await session.rollback()
        await session.refresh(row)
        return await _out(session, row)
    tied = sorted(
        {line.ticket_id for line in await _lines(session, order_id) if line.ticket_id is not None}
    )
    await effects.tickets_note_cancelled(session, user, tied, number, name, now)
    await session.commit()
    log.info("supplier order %s (%s at %s) cancelled", order_id, number, supplier)
    await session.refresh(row)
    return await _out(session, row)

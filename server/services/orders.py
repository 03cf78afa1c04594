"""Orders after checkout: reading, searching, editing and withdrawing them while they await
the manufacturer's validation, and validating them (operators).

Who sees what: operators see every centre's orders; technicians and managers their own
centre's (another centre's order answers 404, through server.services.tenancy).

Who may do what, decided here and shown as ``Order.editable`` / ``Order.validatable``:

* change (``PUT``) or withdraw (``DELETE``): the order's centre's technicians and managers,
  while it awaits validation. Operators get 403 (they validate; they do not edit a centre's
  order). Withdrawing sets the status to ``cancelled`` and keeps the number.
* validate: operators, while it awaits validation.

Order of the checks for a change: another centre's order 404, the wrong role 403, no
``If-Match`` 428, bad input 422, an order no longer awaiting validation 409 with the reason
(who validated it, when: reloading would not help, so this comes before the version check),
a stale ``If-Match`` 412 naming who saved the newer version and when.

Every change is a compare-and-set on the order row (``... WHERE id = ? AND version = ? AND
status = 'awaiting_validation'``); validation is ``... WHERE id = ? AND status =
'awaiting_validation'``, so of two simultaneous validations one succeeds and the other is
refused with the reason. An edit recomputes the lines' nets and the totals with the prices,
discount and VAT rate recorded on the order, never the catalogue's current ones.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NoReturn

from sqlalchemy import ColumnElement, Integer, Select, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from client import models as wire
from client.models import OrderStatus, Role
from server.db import models as db
from server.db.session import execute_columns
from server.errors import (
    Forbidden,
    Invalid,
    NotAllowed,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from server.i18n import N_, When, _, quoted
from server.services import events, ticket_history
from server.services.addresses import ADDRESS_FIELDS
from server.services.money import from_cents, to_cents
from server.services.pricing import document_totals, line_net
from server.services.tenancy import (
    require_role,
    scope_bound,
    scope_kind,
    scope_params,
    scoped_params,
)
from server.services.text_match import starts_with

AWAITING = OrderStatus.AWAITING_VALIDATION.value
CENTRE_STAFF = (Role.TECHNICIAN.value, Role.MANAGER.value)

Creator = aliased(db.User, name="creator")
Validator = aliased(db.User, name="validator")
Updater = aliased(db.User, name="updater")
Requested = aliased(db.Part, name="requested")
Ordered = aliased(db.Part, name="ordered")


@dataclass(frozen=True)
class Loaded:
    """An order row and the names shown with it."""

    order: db.Order
    centre_code: str
    centre_name: str
    customer_number: str
    created_by: str
    validated_by: str | None
    updated_by: str | None


ORDER_STATUS_NAMES = {
    OrderStatus.AWAITING_VALIDATION: N_("awaiting validation"),
    OrderStatus.VALIDATED: N_("validated"),
    OrderStatus.SHIPPED: N_("shipped"),
    OrderStatus.DONE: N_("done"),
    OrderStatus.CANCELLED: N_("withdrawn"),
}
"""Order statuses inside messages (a cancelled order is one its centre withdrew)."""
CHANGED = N_("it can no longer be changed")


def _order_stmt() -> Select[*tuple[Any, ...]]:
    return (
        select(
            db.Order,
            db.ServiceCentre.code,
            db.ServiceCentre.name,
            db.ServiceCentre.customer_number,
            Creator.full_name,
            Validator.full_name,
            Updater.full_name,
        )
        .join(db.ServiceCentre, db.ServiceCentre.id == db.Order.service_centre_id)
        .join(Creator, Creator.id == db.Order.created_by_id)
        .outerjoin(Validator, Validator.id == db.Order.validated_by_id)
        .outerjoin(Updater, Updater.id == db.Order.updated_by_id)
        .execution_options(populate_existing=True)
    )


async def load(session: AsyncSession, order_id: int, user: db.User) -> Loaded:
    """The order as ``user`` may see it (another centre's answers 404 like a missing one)."""
    row = (
        await session.execute(
            scope_bound(
                _order_stmt().where(db.Order.id == order_id),
                db.Order.service_centre_id,
                scope_kind(user),
            ),
            scope_params(user),
        )
    ).first()
    if row is None:
        raise NotFound(_("order {id} not found").format(id=order_id))
    return Loaded(*row)


def frozen_reason(loaded: Loaded, doing: str = CHANGED) -> str:
    """Why an order that no longer awaits validation refuses a change (``doing``: what it
    refuses, a message id)."""
    order = loaded.order
    if order.status == OrderStatus.CANCELLED.value:
        return _("order {number} was withdrawn on {day:%d/%m/%Y} by {who}: {refused}").format(
            number=order.number,
            day=When(order.updated_at or order.created_at),
            who=loaded.updated_by or _("someone"),
            refused=_(doing),
        )
    if order.validated_at is not None:
        return _("order {number} was validated on {day:%d/%m/%Y} by {who}: {refused}").format(
            number=order.number,
            day=When(order.validated_at),
            who=loaded.validated_by or _("the manufacturer"),
            refused=_(doing),
        )
    return _("order {number} is {status}: {refused}").format(
        number=order.number,
        status=quoted(_(ORDER_STATUS_NAMES[OrderStatus(order.status)])),
        refused=_(doing),
    )


def may_edit(user: db.User, order: db.Order) -> bool:
    return (
        user.role in CENTRE_STAFF
        and user.service_centre_id == order.service_centre_id
        and order.status == AWAITING
    )


def may_validate(user: db.User, order: db.Order) -> bool:
    return user.role == Role.OPERATOR.value and order.status == AWAITING


async def _line_rows(session: AsyncSession, order_id: int) -> list[Any]:
    return list(
        (
            await session.execute(
                select(db.OrderLine, Requested.code, Ordered.code)
                .join(Requested, Requested.id == db.OrderLine.requested_part_id)
                .join(Ordered, Ordered.id == db.OrderLine.part_id)
                .where(db.OrderLine.order_id == order_id)
                .order_by(db.OrderLine.id)
                .execution_options(populate_existing=True)
            )
        ).all()
    )


def _line_wire(row: db.OrderLine, requested: str, ordered: str) -> wire.OrderLine:
    return wire.OrderLine(
        id=row.id,
        requested_code=requested,
        ordered_code=ordered,
        description=row.description,
        quantity_requested=row.quantity_requested,
        quantity_reserved=row.quantity_reserved,
        quantity_shipped=row.quantity_shipped,
        quantity_done=row.quantity_done,
        transport=wire.Transport(row.transport) if row.transport else None,
        ticket_id=row.ticket_id,
        price=from_cents(row.price_cents),
        discount_rate=row.discount_rate,
        net=from_cents(row.net_cents),
        note=row.note,
    )


def _shipping(order: db.Order) -> wire.Address:
    return wire.Address(**{name: getattr(order, f"ship_{name}") or "" for name in ADDRESS_FIELDS})


async def order_wire(session: AsyncSession, loaded: Loaded, user: db.User) -> wire.Order:
    order = loaded.order
    lines = [_line_wire(*row) for row in await _line_rows(session, order.id)]
    return wire.Order(
        id=order.id,
        number=order.number,
        version=order.version,
        service_centre_code=loaded.centre_code,
        service_centre_name=loaded.centre_name,
        customer_number=loaded.customer_number,
        created_at=order.created_at,
        created_by=loaded.created_by,
        status=OrderStatus(order.status),
        validated_at=order.validated_at,
        validated_by=loaded.validated_by,
        updated_at=order.updated_at,
        updated_by=loaded.updated_by,
        erp_number=order.erp_number,
        note=order.note,
        shipping=_shipping(order),
        lines=lines,
        net=from_cents(order.net_cents),
        vat=from_cents(order.vat_cents),
        total=from_cents(order.total_cents),
        vat_rate=order.vat_rate,
        editable=may_edit(user, order),
        validatable=may_validate(user, order),
    )


async def get_order(session: AsyncSession, order_id: int, user: db.User) -> wire.Order:
    return await order_wire(session, await load(session, order_id, user), user)


# --------------------------------------------------------------------------- search


def _prefix(column: Any, prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``, as a range an index can answer."""
    return starts_with(column, prefix)


def _contains(column: Any, word: str) -> ColumnElement[bool]:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _conditions(query: wire.OrderQuery) -> list[ColumnElement[bool]]:
    o, line = db.Order, db.OrderLine
    where: list[ColumnElement[bool]] = []
    number = query.number.strip().upper()
    if number:
        where.append(_prefix(o.number, number))
    if query.status:
        where.append(o.status.in_([s.value for s in query.status]))
    if query.ticket_id is not None:
        where.append(o.id.in_(select(line.order_id).where(line.ticket_id == query.ticket_id)))
    part = query.part.strip().upper()
    if part:
        codes = select(db.Part.id).where(_prefix(db.Part.code, part))
        where.append(
            o.id.in_(
                select(line.order_id).where(
                    or_(line.part_id.in_(codes), line.requested_part_id.in_(codes))
                )
            )
        )
    for word in query.note.split()[:10]:
        where.append(
            or_(
                _contains(o.note, word),
                o.id.in_(select(line.order_id).where(_contains(line.note, word))),
            )
        )
    if query.created_from is not None:
        where.append(o.created_at >= _day_start(query.created_from))
    if query.created_to is not None:
        where.append(o.created_at < _day_start(query.created_to + dt.timedelta(days=1)))
    centre = query.centre.strip()
    if centre:
        where.append(
            o.service_centre_id.in_(
                select(db.ServiceCentre.id).where(
                    or_(
                        db.ServiceCentre.code == centre,
                        func.upper(db.ServiceCentre.customer_number) == centre.upper(),
                    )
                )
            )
        )
    return where


def _summary_stmt() -> Select[Any]:
    line_count = (
        select(func.count())
        .where(db.OrderLine.order_id == db.Order.id)
        .correlate(db.Order)
        .scalar_subquery()
    )
    return (
        select(
            db.Order.id,
            db.Order.number,
            db.ServiceCentre.code,
            db.Order.created_at,
            db.Order.status,
            db.Order.total_cents,
            Creator.full_name,
            db.Order.note,
            line_count,
            db.Order.version,
        )
        .join(db.ServiceCentre, db.ServiceCentre.id == db.Order.service_centre_id)
        .join(Creator, Creator.id == db.Order.created_by_id)
    )


def _summary(row: Any) -> wire.OrderSummary:
    return wire.OrderSummary(
        id=row[0],
        number=row[1],
        service_centre_code=row[2],
        created_at=row[3],
        status=OrderStatus(row[4]),
        total=from_cents(row[5]),
        created_by=row[6],
        note=row[7],
        line_count=row[8],
        version=row[9],
    )


@functools.cache
def _by_ticket(mode: str) -> tuple[Select[Any], Select[Any]]:
    """The count and the page of a ticket's orders (``ticket_id``; ``rows`` from ``skip``),
    as the tenancy restricts them (``mode`` of ``scoped_params``, ``scope_bound``): the
    ticket screen's search, whose statements are built once."""
    o, line = db.Order, db.OrderLine
    wanted = o.id.in_(select(line.order_id).where(line.ticket_id == bindparam("ticket_id")))
    count = select(func.count()).select_from(o).where(wanted)
    page = _summary_stmt().where(wanted)
    count = scope_bound(count, o.service_centre_id, mode)
    page = scope_bound(page, o.service_centre_id, mode)
    page = (
        page.order_by(o.created_at.desc(), o.id.desc())
        .limit(bindparam("rows", type_=Integer))
        .offset(bindparam("skip", type_=Integer))
    )
    return count, page


async def search(
    session: AsyncSession, query: wire.OrderQuery, user: db.User, *, limit: int, offset: int
) -> wire.Page[wire.OrderSummary]:
    """The orders matching every filter, newest first, ``limit`` of them from ``offset``."""
    if query.ticket_id is not None and query == wire.OrderQuery(ticket_id=query.ticket_id):
        return await _search_by_ticket(session, query.ticket_id, user, limit, offset)
    where = _conditions(query)
    kind, params = scope_kind(user), scope_params(user)
    total = (
        await session.execute(
            scope_bound(
                select(func.count()).select_from(db.Order).where(*where),
                db.Order.service_centre_id,
                kind,
            ),
            params,
        )
    ).scalar_one()
    items: list[wire.OrderSummary] = []
    if offset < total:
        stmt = scope_bound(_summary_stmt().where(*where), db.Order.service_centre_id, kind)
        stmt = stmt.order_by(db.Order.created_at.desc(), db.Order.id.desc())
        rows = (await session.execute(stmt.limit(limit).offset(offset), params)).all()
        items = [_summary(row) for row in rows]
    return _page(items, total, offset)


async def _search_by_ticket(
    session: AsyncSession, ticket_id: int, user: db.User, limit: int, offset: int
) -> wire.Page[wire.OrderSummary]:
    """``search`` by ticket alone (the ticket screen's), with the statements built once."""
    mode, params = scoped_params(user, None)
    del params["scoped_id"]
    params["ticket_id"] = ticket_id
    count, page = _by_ticket(mode)
    total = (await execute_columns(session, count, params)).scalar_one()
    items: list[wire.OrderSummary] = []
    if offset < total:
        params |= {"rows": limit, "skip": offset}
        items = [_summary(row) for row in (await execute_columns(session, page, params)).all()]
    return _page(items, total, offset)


_PAGE = wire.Page[wire.OrderSummary]
"""The answer's class, parametrised once (pydantic looks a generic up anew at each subscript)."""


def _page(items: list[wire.OrderSummary], total: int, offset: int) -> wire.Page[wire.OrderSummary]:
    after = offset + len(items)
    return _PAGE(
        items=items, total=total, offset=offset, next_cursor=str(after) if after < total else None
    )


# --------------------------------------------------------------------------- changes


def _check_editor(user: db.User) -> None:
    if user.role not in CENTRE_STAFF:
        raise Forbidden(_("changing an order is reserved to its service centre"))


def _require_version(if_match: int | None, doing: str) -> int:
    if if_match is None:
        raise PreconditionRequired(
            _("{doing} needs If-Match: the order version you read").format(doing=_(doing)),
            code="precondition_required",
        )
    return if_match


def _stale(loaded: Loaded) -> PreconditionFailed:
    order = loaded.order
    when = order.updated_at or order.created_at
    who = loaded.updated_by or loaded.created_by
    return PreconditionFailed(
        _("order {number} was changed by {who} at {when}: reload it").format(
            number=order.number, who=who, when=When(when)
        ),
        changed_by=who,
        changed_at=when,
    )


async def _refuse_after_race(session: AsyncSession, order_id: int, user: db.User) -> NoReturn:
    """The compare-and-set touched no row: say why, as the order is now.

    Read in the same transaction: it began with that UPDATE, so it sees the change that made
    the UPDATE miss (PostgreSQL reads committed rows per statement; SQLite's transaction
    started once the write lock was held). The caller's session is then rolled back."""
    loaded = await load(session, order_id, user)
    if loaded.order.status != AWAITING:
        raise NotAllowed(frozen_reason(loaded))
    raise _stale(loaded)


@dataclass
class _LineChange:
    row: db.OrderLine
    quantity: int
    note: str
    net_cents: int


def _planned_lines(
    order: db.Order, rows: Sequence[Any], body: wire.OrderUpdate
) -> tuple[list[_LineChange], list[int]]:
    """Each listed line's new quantity, note and net (422 for a line not in the order), and
    every line's net after the change."""
    by_id = {row[0].id: row[0] for row in rows}
    seen: set[int] = set()
    fields: dict[str, str] = {}
    for i, update_ in enumerate(body.lines):
        if update_.id not in by_id:
            fields[f"lines.{i}.id"] = _("order {number} has no line {line}").format(
                number=order.number, line=update_.id
            )
        elif update_.id in seen:
            fields[f"lines.{i}.id"] = _("line {line} is listed twice").format(line=update_.id)
        seen.add(update_.id)
    if fields:
        raise Invalid("; ".join(fields.values()), fields=fields)
    wanted = {u.id: u for u in body.lines}
    changes: list[_LineChange] = []
    nets: list[int] = []
    for line_id, row in by_id.items():
        listed = wanted.get(line_id)
        quantity = listed.quantity if listed else row.quantity_requested
        note = listed.note if listed else row.note
        net = to_cents(line_net(from_cents(row.price_cents), quantity, row.discount_rate))
        nets.append(net)
        if quantity != row.quantity_requested or note != row.note or net != row.net_cents:
            changes.append(_LineChange(row, quantity, note, net))
    return changes, nets


async def update_order(
    session: AsyncSession,
    order_id: int,
    user: db.User,
    body: wire.OrderUpdate,
    *,
    if_match: int | None,
    now: dt.datetime,
) -> wire.Order:
    """Change the order's note and the listed lines' quantity and note (If-Match required)."""
    loaded = await load(session, order_id, user)
    order = loaded.order
    _check_editor(user)
    version = _require_version(if_match, N_("changing an order"))
    rows = await _line_rows(session, order.id)
    changes, nets = _planned_lines(order, rows, body)
    if order.status != AWAITING:
        raise NotAllowed(frozen_reason(loaded))
    if version != order.version:
        raise _stale(loaded)
    if not changes and body.note == order.note:
        return await order_wire(session, loaded, user)  # nothing to change: no new version
    net, vat, total = document_totals((from_cents(n) for n in nets), Decimal(order.vat_rate))
    user_id = user.id
    result = await session.execute(
        update(db.Order)
        .where(db.Order.id == order.id, db.Order.version == version, db.Order.status == AWAITING)
        .values(
            note=body.note,
            net_cents=to_cents(net),
            vat_cents=to_cents(vat),
            total_cents=to_cents(total),
            version=db.Order.version + 1,
            updated_at=now,
            updated_by_id=user_id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await _refuse_after_race(session, order_id, user)
    for change in changes:
        await session.execute(
            update(db.OrderLine)
            .where(db.OrderLine.id == change.row.id)
            .values(
                quantity_requested=change.quantity, note=change.note, net_cents=change.net_cents
            )
            .execution_options(synchronize_session=False)
        )
    await session.commit()
    return await get_order(session, order_id, user)


async def withdraw(
    session: AsyncSession, order_id: int, user: db.User, *, if_match: int | None, now: dt.datetime
) -> wire.Order:
    """Withdraw an order awaiting validation: it becomes ``cancelled`` and keeps its number.

    The tickets its lines were tied to keep their status (they may wait for parts from
    another order); each gets a history note saying the order was withdrawn.
    """
    loaded = await load(session, order_id, user)
    order = loaded.order
    _check_editor(user)
    version = _require_version(if_match, N_("withdrawing an order"))
    if order.status != AWAITING:
        raise NotAllowed(frozen_reason(loaded))
    if version != order.version:
        raise _stale(loaded)
    user_id, author = user.id, user.full_name
    result = await session.execute(
        update(db.Order)
        .where(db.Order.id == order.id, db.Order.version == version, db.Order.status == AWAITING)
        .values(
            status=OrderStatus.CANCELLED.value,
            version=db.Order.version + 1,
            updated_at=now,
            updated_by_id=user_id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await _refuse_after_race(session, order_id, user)
    tickets = (
        await session.execute(
            select(db.Ticket.id, db.Ticket.status)
            .select_from(db.OrderLine)
            .join(db.Ticket, db.Ticket.id == db.OrderLine.ticket_id)
            .where(db.OrderLine.order_id == order.id)
            .distinct()
        )
    ).all()
    withdrawn = events.order_withdrawn(order.number)
    for ticket_id, status in sorted(tickets):
        session.add(
            ticket_history.event_note(
                ticket_id, status, withdrawn, now, author_id=user_id, author_name=author
            )
        )
    await session.commit()
    return await get_order(session, order_id, user)


# --------------------------------------------------------------------------- validation


async def validate(
    session: AsyncSession, user: db.User, ids: Sequence[int], now: dt.datetime
) -> wire.ValidationResult:
    """Operators: validate each order still awaiting validation; say why for the others.

    Each is a compare-and-set on its status, taken in id order (two operators validating
    overlapping sets cannot deadlock); all are committed together.
    """
    require_role(user, Role.OPERATOR)
    wanted = list(dict.fromkeys(ids))
    done: set[int] = set()
    for order_id in sorted(wanted):
        result = await session.execute(
            update(db.Order)
            .where(db.Order.id == order_id, db.Order.status == AWAITING)
            .values(
                status=OrderStatus.VALIDATED.value,
                validated_at=now,
                validated_by_id=user.id,
                version=db.Order.version + 1,
                updated_at=now,
                updated_by_id=user.id,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            done.add(order_id)
    await session.commit()
    summaries = {
        row[0]: _summary(row)
        for row in (
            await session.execute(_summary_stmt().where(db.Order.id.in_(sorted(done))))
        ).all()
    }
    others = {
        row[0].id: Loaded(*row)
        for row in (
            await session.execute(_order_stmt().where(db.Order.id.in_(set(wanted) - done)))
        ).all()
    }
    validated: list[wire.OrderSummary] = []
    refused: list[wire.OrderRefusal] = []
    for order_id in wanted:
        if order_id in done:
            validated.append(summaries[order_id])
        elif order_id not in others:
            refused.append(
                wire.OrderRefusal(id=order_id, reason=_("order {id} not found").format(id=order_id))
            )
        else:
            loaded = others[order_id]
            refused.append(
                wire.OrderRefusal(
                    id=order_id,
                    number=loaded.order.number,
                    reason=frozen_reason(loaded, N_("it cannot be validated again"))
                    if loaded.order.validated_at is not None
                    else frozen_reason(loaded, N_("it cannot be validated")),
                )
            )
    return wire.ValidationResult(validated=validated, refused=refused)

"""Invoicing (*facturation*): the centre's verified interventions, and payment vouchers.

* The list shows the verified interventions not yet on a voucher, filtered by intervention
  date and (operators) centre, each with its figures frozen at closing, and the sums of every
  line that matched. Everyone sees it (a centre its own, operators every centre's).
* **Invoice** (the centre's manager only) writes one payment voucher (*bon à payer*) for the
  given tickets and moves them verified -> invoiced, in one transaction: either every ticket
  is invoiced on the voucher, or nothing is written and the refusal names the tickets.
* A voucher's figures are the sums of its interventions' (each rounded once at closing,
  ``server.services.money``): the centre's own invoice must equal the voucher.
* Voucher numbers are ``BP<centre code><yy><sequence:04>``, sequential per centre and year
  with no gap and no duplicate. Invoicing first locks the centre's row (``SELECT ... FOR
  UPDATE`` on PostgreSQL; on SQLite a write to that row takes the database's write lock), so
  two invoicings of one centre run one after the other: the second reads the first's
  voucher and tickets as committed, takes the next number, and refuses the tickets the
  first invoiced. A refused invoicing rolls back, so a number is never lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from client import models as wire
from client.models import HistoryType, Role, TicketAction, TicketStatus
from server.db import models as db
from server.errors import Conflict, Invalid, NotFound
from server.i18n import N_, _, ngettext
from server.services import events, idempotency, status_machine
from server.services.money import from_cents, to_cents, with_vat
from server.services.tenancy import get_scoped, scope_bound, scope_kind, scope_params
from server.services.text_match import starts_with

VERIFIED = TicketStatus.VERIFIED.value
INVOICED = TicketStatus.INVOICED.value


# --------------------------------------------------------------------------- lines


def _line_stmt() -> Select[*tuple[Any, ...]]:
    t, i, a, c, sc = db.Ticket, db.Intervention, db.Appliance, db.Customer, db.ServiceCentre
    return (
        select(
            t.id,
            i.id,
            t.created_at,
            i.intervention_date,
            t.exchange,
            a.model_code,
            a.service_index,
            a.purchase_date,
            c.last_name,
            c.first_name,
            sc.code,
            i.rate_cents,
            i.spares_cents,
            i.bonuses_cents,
            i.vat_rate,
            i.net_cents,
            i.vat_cents,
            i.total_cents,
        )
        .join(i, i.ticket_id == t.id)
        .join(a, a.id == t.appliance_id)
        .join(c, c.id == t.customer_id)
        .join(sc, sc.id == t.service_centre_id)
    )


def _line(row: Any) -> wire.InvoiceLine:
    rate, spares, bonuses, vat_rate = row[11], row[12], row[13], Decimal(row[14])
    if row[15] is None:  # frozen at closing; a closing from before 0006 is computed once
        net, vat, total = with_vat(from_cents(rate + spares + bonuses), vat_rate)
    else:
        net, vat, total = from_cents(row[15]), from_cents(row[16]), from_cents(row[17])
    return wire.InvoiceLine(
        ticket_id=row[0],
        intervention_id=row[1],
        ticket_created_at=row[2],
        intervention_date=row[3],
        exchange=bool(row[4]),
        model_code=row[5],
        service_index=row[6],
        purchase_date=row[7],
        customer_name=f"{row[8]} {row[9]}".strip(),
        service_centre_code=row[10],
        rate=from_cents(rate),
        spares=from_cents(spares),
        bonuses=from_cents(bonuses),
        net=net,
        vat_rate=vat_rate,
        vat=vat,
        total=total,
    )


def _centre_filter(column: Any, centre: str) -> ColumnElement[bool] | None:
    centre = centre.strip()
    if not centre:
        return None
    return column.in_(  # type: ignore[no-any-return]
        select(db.ServiceCentre.id).where(
            or_(
                db.ServiceCentre.code == centre,
                func.upper(db.ServiceCentre.customer_number) == centre.upper(),
            )
        )
    )


def _invoicable(query: wire.InvoicingQuery) -> list[ColumnElement[bool]]:
    i = db.Intervention
    where: list[ColumnElement[bool]] = [
        db.Ticket.status == VERIFIED,
        i.voucher_id.is_(None),
        i.closed_at.is_not(None),
    ]
    if query.intervention_from is not None and query.intervention_to is not None:
        if query.intervention_from > query.intervention_to:
            why = _("the start date is after the end date")
            raise Invalid(why, fields={"intervention_from": why})
    if query.intervention_from is not None:
        where.append(i.intervention_date >= query.intervention_from)
    if query.intervention_to is not None:
        where.append(i.intervention_date <= query.intervention_to)
    centre = _centre_filter(db.Ticket.service_centre_id, query.centre)
    if centre is not None:
        where.append(centre)
    return where


async def invoicing_list(
    session: AsyncSession,
    query: wire.InvoicingQuery,
    user: db.User,
    *,
    limit: int,
    offset: int,
) -> wire.InvoicingList:
    """The verified interventions not yet invoiced, by intervention date then ticket,
    ``limit`` of them from ``offset``, with the sums of every one that matched."""
    where = _invoicable(query)
    i = db.Intervention
    net = func.coalesce(i.net_cents, i.rate_cents + i.spares_cents + i.bonuses_cents)
    kind, params = scope_kind(user), scope_params(user)
    sums_stmt = scope_bound(
        select(
            func.count(),
            func.coalesce(func.sum(i.rate_cents), 0),
            func.coalesce(func.sum(i.spares_cents), 0),
            func.coalesce(func.sum(i.bonuses_cents), 0),
            func.coalesce(func.sum(net), 0),
            func.count(i.net_cents),
        )
        .select_from(db.Ticket)
        .join(i, i.ticket_id == db.Ticket.id)
        .where(*where),
        db.Ticket.service_centre_id,
        kind,
    )
    count, rate, spares, bonuses, net_sum, frozen = (await session.execute(sums_stmt, params)).one()
    items: list[wire.InvoiceLine] = []
    if offset < count:
        stmt = scope_bound(_line_stmt().where(*where), db.Ticket.service_centre_id, kind)
        stmt = stmt.order_by(i.intervention_date, db.Ticket.id).limit(limit).offset(offset)
        items = [_line(row) for row in (await session.execute(stmt, params)).all()]
    if frozen == count:  # the usual case: VAT and totals summed by the database
        vat_stmt = sums_stmt.with_only_columns(
            func.coalesce(func.sum(i.vat_cents), 0), func.coalesce(func.sum(i.total_cents), 0)
        )
        vat, total = (await session.execute(vat_stmt, params)).one()
        sums = wire.InvoiceTotals(
            count=count,
            rate=from_cents(int(rate)),
            spares=from_cents(int(spares)),
            bonuses=from_cents(int(bonuses)),
            net=from_cents(int(net_sum)),
            vat=from_cents(int(vat)),  # type: ignore[arg-type]  # coalesce(x, 0) is never NULL
            total=from_cents(int(total)),  # type: ignore[arg-type]  # coalesce(x, 0) is never NULL
        )
    else:  # some closing without frozen figures: sum the lines as shown
        every = scope_bound(_line_stmt().where(*where), db.Ticket.service_centre_id, kind)
        sums = wire.InvoiceTotals.of(_line(r) for r in (await session.execute(every, params)).all())
    after = offset + len(items)
    return wire.InvoicingList(
        items=items,
        total=count,
        offset=offset,
        next_cursor=str(after) if after < count else None,
        sums=sums,
    )


# --------------------------------------------------------------------------- invoice


async def _lock_centre(session: AsyncSession, centre_id: int) -> None:
    """Take the centre's invoicing lock until the transaction ends (see the module)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            select(db.ServiceCentre.id).where(db.ServiceCentre.id == centre_id).with_for_update()
        )
    else:  # SQLite: the first write of the transaction waits for, then holds, the write lock
        await session.execute(
            update(db.ServiceCentre)
            .where(db.ServiceCentre.id == centre_id)
            .values(id=db.ServiceCentre.id)
            .execution_options(synchronize_session=False)
        )


async def next_number(session: AsyncSession, centre: db.ServiceCentre, year: int) -> str:
    """The centre's next voucher number this year (call it holding the centre's lock)."""
    prefix = f"BP{centre.code}{year % 100:02d}"
    last = (
        await session.execute(
            select(db.Voucher.number)
            .where(
                db.Voucher.service_centre_id == centre.id,
                db.Voucher.number.like(f"{prefix}%"),
            )
            .order_by(func.length(db.Voucher.number).desc(), db.Voucher.number.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _tickets_text(ids: Sequence[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:20])
    return shown + (" …" if len(ids) > 20 else "")


async def invoice(
    session: AsyncSession,
    user: db.User,
    body: wire.InvoiceRequest,
    now: dt.datetime,
    *,
    commit: bool = True,
) -> int:
    """Write the payment voucher for ``body.ticket_ids`` and invoice them; its id.

    Refusals change nothing: 403 for anyone but a centre's manager, 404 naming the tickets
    the user's centre does not have, 409 naming the tickets that are not (or no longer)
    verified and waiting to be invoiced. With ``commit=False`` the caller commits (the
    idempotency key's answer joins the transaction: :func:`invoice_once`)."""
    rule = status_machine.check_role(TicketAction.INVOICE, Role(user.role))
    sources = {status.value for status in rule.sources}  # verified
    assert rule.target is TicketStatus.INVOICED
    centre_id = user.service_centre_id
    assert centre_id is not None, "a manager belongs to a centre"
    ids = sorted(set(body.ticket_ids))
    await _lock_centre(session, centre_id)
    centre = await session.get(db.ServiceCentre, centre_id)
    assert centre is not None
    rows = (
        await session.execute(
            _line_stmt()
            .add_columns(db.Ticket.status, db.Intervention.voucher_id, db.Intervention.closed_at)
            .where(db.Ticket.id.in_(ids), db.Ticket.service_centre_id == centre_id)
        )
    ).all()
    found = {row[0] for row in rows}
    # a ticket without an intervention is the centre's too: it is "not verified", not missing
    known = set(
        (
            await session.execute(
                select(db.Ticket.id).where(
                    db.Ticket.id.in_(ids), db.Ticket.service_centre_id == centre_id
                )
            )
        ).scalars()
    )
    missing = [t for t in ids if t not in known]
    if missing:
        await session.rollback()
        raise NotFound(
            ngettext(
                "ticket {tickets} not found", "tickets {tickets} not found", len(missing)
            ).format(tickets=_tickets_text(missing))
        )
    not_ready = sorted(
        [row[0] for row in rows if row[18] not in sources or row[19] is not None or row[20] is None]
        + [t for t in ids if t not in found]
    )
    if not_ready:
        await session.rollback()
        raise Conflict(
            ngettext(
                "ticket {tickets} is no longer verified and waiting to be invoiced: "
                "nothing was invoiced",
                "tickets {tickets} are no longer verified and waiting to be invoiced: "
                "nothing was invoiced",
                len(not_ready),
            ).format(tickets=_tickets_text(not_ready)),
            code="not_invoicable",
        )
    lines = [_line(row) for row in rows]
    sums = wire.InvoiceTotals.of(lines)
    number = await next_number(session, centre, now.year)
    voucher = db.Voucher(
        number=number,
        service_centre_id=centre_id,
        created_at=now,
        created_by_id=user.id,
        net_cents=to_cents(sums.net),
        vat_cents=to_cents(sums.vat),
        total_cents=to_cents(sums.total),
    )
    session.add(voucher)
    await session.flush()
    await session.execute(
        update(db.Intervention)
        .where(db.Intervention.ticket_id.in_(ids), db.Intervention.voucher_id.is_(None))
        .values(voucher_id=voucher.id)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(
        update(db.Ticket)
        .where(db.Ticket.id.in_(ids), db.Ticket.status.in_(sources))
        .values(
            status=INVOICED,
            waiting_parts=False,
            status_changed_at=now,
            updated_at=now,
            updated_by_id=user.id,
            version=db.Ticket.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(ids):  # type: ignore[attr-defined]  # cannot happen: locked
        await session.rollback()
        raise Conflict(_("the tickets changed meanwhile: nothing was invoiced; try again"))
    event = events.invoiced(number)
    await session.execute(
        insert(db.HistoryEntry),
        [
            {
                "ticket_id": t,
                "at": now,
                "author_id": user.id,
                "author_name": user.full_name,
                "status": INVOICED,
                "appointment_at": None,
                "type": HistoryType.STATUS_CHANGE.value,
                "event": event.code.value,
                "params": event.params,
                "note": "",
                "email_to": None,
            }
            for t in ids
        ],
    )
    if commit:
        await session.commit()
    else:
        await session.flush()
    for obj in list(session.identity_map.values()):
        if isinstance(obj, db.Ticket):
            session.expire(obj)
    return voucher.id


VOUCHERS_PATH = "/vouchers"


async def invoice_once(
    session: AsyncSession,
    user: db.User,
    body: wire.InvoiceRequest,
    key_header: str | None,
    now: dt.datetime,
) -> tuple[int, str, bool]:
    """Invoice under the client's ``Idempotency-Key`` (required, 428 without): (status
    code, JSON body of the voucher, whether it is the stored answer of an earlier try).

    A replay answers the voucher the first try wrote: no second voucher, no second number.
    The key's row is claimed first and its answer recorded in the invoicing's transaction
    (server.services.idempotency); a refusal stores nothing, so a retry is judged afresh."""
    status_machine.check_role(TicketAction.INVOICE, Role(user.role))  # 403 before the key

    async def write() -> str:
        voucher_id = await invoice(session, user, body, now, commit=False)
        return (await get_voucher(session, voucher_id, user)).model_dump_json()

    return await idempotency.once(
        session, user.id, key_header, N_("invoicing"), VOUCHERS_PATH, body, now, write
    )


# --------------------------------------------------------------------------- vouchers


def _voucher_stmt() -> Select[Any]:
    creator = aliased(db.User)
    count = (
        select(func.count())
        .where(db.Intervention.voucher_id == db.Voucher.id)
        .correlate(db.Voucher)
        .scalar_subquery()
    )
    return (
        select(
            db.Voucher.id,
            db.Voucher.number,
            db.ServiceCentre.code,
            db.Voucher.created_at,
            creator.full_name,
            count,
            db.Voucher.net_cents,
            db.Voucher.vat_cents,
            db.Voucher.total_cents,
            db.ServiceCentre.name,
        )
        .join(db.ServiceCentre, db.ServiceCentre.id == db.Voucher.service_centre_id)
        .join(creator, creator.id == db.Voucher.created_by_id)
    )


def _summary(row: Any) -> dict[str, Any]:
    return {
        "id": row[0],
        "number": row[1],
        "service_centre_code": row[2],
        "created_at": row[3],
        "created_by": row[4],
        "count": row[5],
        "net": from_cents(row[6]),
        "vat": from_cents(row[7]),
        "total": from_cents(row[8]),
    }


def _day_start(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=zone)


def _amount(name: str, value: Decimal | None) -> int | None:
    if value is None:
        return None
    if value < 0:
        why = _("an amount cannot be negative")
        raise Invalid(why, fields={name: why})
    return to_cents(value)


def _voucher_conditions(query: wire.VoucherQuery, zone: dt.tzinfo) -> list[ColumnElement[bool]]:
    v = db.Voucher
    where: list[ColumnElement[bool]] = []
    number = query.number.strip().upper()
    if number:
        where.append(starts_with(v.number, number))
    if query.created_from and query.created_to and query.created_from > query.created_to:
        why = _("the start date is after the end date")
        raise Invalid(why, fields={"created_from": why})
    if query.created_from is not None:
        where.append(v.created_at >= _day_start(query.created_from, zone))
    if query.created_to is not None:
        where.append(v.created_at < _day_start(query.created_to + dt.timedelta(days=1), zone))
    low, high = _amount("amount_min", query.amount_min), _amount("amount_max", query.amount_max)
    if low is not None and high is not None and low > high:
        why = _("the lowest amount is above the highest")
        raise Invalid(why, fields={"amount_min": why})
    if low is not None:
        where.append(v.total_cents >= low)
    if high is not None:
        where.append(v.total_cents <= high)
    centre = _centre_filter(v.service_centre_id, query.centre)
    if centre is not None:
        where.append(centre)
    return where


async def search_vouchers(
    session: AsyncSession,
    query: wire.VoucherQuery,
    user: db.User,
    zone: dt.tzinfo,
    *,
    limit: int,
    offset: int,
) -> wire.Page[wire.VoucherSummary]:
    """The vouchers matching every filter, newest first (dates in the reader's zone)."""
    where = _voucher_conditions(query, zone)
    kind, params = scope_kind(user), scope_params(user)
    total = (
        await session.execute(
            scope_bound(
                select(func.count()).select_from(db.Voucher).where(*where),
                db.Voucher.service_centre_id,
                kind,
            ),
            params,
        )
    ).scalar_one()
    items: list[wire.VoucherSummary] = []
    if offset < total:
        stmt = scope_bound(_voucher_stmt().where(*where), db.Voucher.service_centre_id, kind)
        stmt = stmt.order_by(db.Voucher.created_at.desc(), db.Voucher.id.desc())
        rows = (await session.execute(stmt.limit(limit).offset(offset), params)).all()
        items = [wire.VoucherSummary(**_summary(row)) for row in rows]
    after = offset + len(items)
    return wire.Page[wire.VoucherSummary](
        items=items, total=total, offset=offset, next_cursor=str(after) if after < total else None
    )


async def get_voucher(session: AsyncSession, voucher_id: int, user: db.User) -> wire.VoucherDetail:
    """A voucher of the user's centre (any centre for operators) with its interventions."""
    voucher = await get_scoped(session, db.Voucher, voucher_id, user, what="payment voucher")
    row = (await session.execute(_voucher_stmt().where(db.Voucher.id == voucher_id))).one()
    lines = (
        await session.execute(
            _line_stmt()
            .where(db.Intervention.voucher_id == voucher_id)
            .order_by(db.Intervention.intervention_date, db.Ticket.id)
        )
    ).all()
    return wire.VoucherDetail(
        **_summary(row),
        service_centre_name=row[9],
        lines=[_line(r) for r in lines],
        version=voucher.version,
        centre_invoice=await centre_invoice(session, voucher),
    )


async def centre_invoice(session: AsyncSession, voucher: db.Voucher) -> wire.CentreInvoice | None:
    """The centre's own invoice recorded against ``voucher`` (None before it is)."""
    if voucher.centre_invoice_number is None or voucher.centre_invoice_cents is None:
        return None
    by = await session.get(db.User, voucher.centre_invoice_by_id)
    assert voucher.centre_invoice_at is not None
    return wire.CentreInvoice(
        number=voucher.centre_invoice_number,
        amount=from_cents(voucher.centre_invoice_cents),
        recorded_at=voucher.centre_invoice_at,
        recorded_by=by.full_name if by is not None else "",
        difference=from_cents(voucher.centre_invoice_cents - voucher.total_cents),
    )

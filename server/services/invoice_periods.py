"""The voucher period view, and the centre's own invoice recorded against a voucher.

* **The centre's invoice**: the seed says the centre's invoice to the manufacturer must
  equal the payment voucher. The centre's manager records it against the voucher (its
  number and amount; when and by whom are kept) and may correct it (``If-Match``: the
  voucher's version; 412 naming who changed it meanwhile). An amount other than the
  voucher's total is recorded all the same, and flagged everywhere it shows.
* **The period view** (no portal has it), a year month by month: the verified
  interventions not yet invoiced (by intervention date; count, final amount), the
  interventions invoiced on the vouchers made that month (in the reader's time zone; count,
  amount) and each of those vouchers with the centre's invoice recorded against it and any
  difference. Operators see every centre's (or one, ``centre``); the others their own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import extract, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import CentreInvoiceStatus, Role, TicketStatus
from server.db import models as db
from server.errors import Invalid, PreconditionFailed, PreconditionRequired
from server.i18n import When, _
from server.services.invoicing import _centre_filter, _day_start, _line, _line_stmt, _voucher_stmt
from server.services.money import from_cents, to_cents
from server.services.tenancy import (
    get_scoped,
    require_role,
    scope_bound,
    scope_kind,
    scope_params,
)

ZERO = Decimal("0.00")


# --------------------------------------------------------------------------- centre invoice


def _checked(body: wire.CentreInvoiceRequest) -> tuple[str, int]:
    """The number and the amount in cents, or 422 naming each field that is wrong."""
    fields: dict[str, str] = {}
    number = body.number.strip()
    if not number:
        fields["number"] = _("give the number of your invoice")
    amount = body.amount
    if not amount.is_finite():
        fields["amount"] = _("not an amount")
    elif amount < 0:
        fields["amount"] = _("an amount cannot be negative")
    elif amount > wire.MAX_CENTRE_INVOICE:
        fields["amount"] = _("the amount is too large")
    elif amount != amount.quantize(Decimal("0.01")):
        fields["amount"] = _("an amount has at most two decimals (cents)")
    if fields:
        raise Invalid(next(iter(fields.values())), fields=fields)
    return number, to_cents(amount)


async def record_centre_invoice(
    session: AsyncSession,
    voucher_id: int,
    user: db.User,
    body: wire.CentreInvoiceRequest,
    *,
    if_match: int | None,
    now: dt.datetime,
) -> None:
    """Record (or correct) the centre's invoice for the voucher: 404 for another centre's
    voucher, 403 for anyone but the centre's manager, 428 without ``If-Match``, 422 naming
    the wrong fields, 412 when the voucher changed since it was read. Nothing is written
    on a refusal."""
    voucher = await get_scoped(session, db.Voucher, voucher_id, user, what="payment voucher")
    require_role(user, Role.MANAGER)
    if if_match is None:
        raise PreconditionRequired(
            _("recording your invoice needs If-Match: the voucher version you read"),
            code="precondition_required",
        )
    number, cents = _checked(body)
    if if_match != voucher.version:
        raise await _stale(session, voucher)
    result = await session.execute(
        update(db.Voucher)
        .where(db.Voucher.id == voucher.id, db.Voucher.version == if_match)
        .values(
            centre_invoice_number=number,
            centre_invoice_cents=cents,
            centre_invoice_at=now,
            centre_invoice_by_id=user.id,
            version=db.Voucher.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]  # changed between read and write
        await session.rollback()
        fresh = await get_scoped(session, db.Voucher, voucher_id, user, what="payment voucher")
        raise await _stale(session, fresh)
    await session.commit()
    session.expire(voucher)


async def _stale(session: AsyncSession, voucher: db.Voucher) -> PreconditionFailed:
    await session.refresh(voucher)
    by = await session.get(db.User, voucher.centre_invoice_by_id)
    who = by.full_name if by is not None else "?"
    when = voucher.centre_invoice_at or voucher.created_at
    return PreconditionFailed(
        _("the invoice of voucher {number} was changed by {who} at {when}: reload it").format(
            number=voucher.number, who=who, when=When(when)
        ),
        changed_by=who,
        changed_at=when,
    )


def status_of(total_cents: int, number: str | None, cents: int | None) -> CentreInvoiceStatus:
    if number is None or cents is None:
        return CentreInvoiceStatus.MISSING
    return CentreInvoiceStatus.MATCHES if cents == total_cents else CentreInvoiceStatus.DIFFERS


# --------------------------------------------------------------------------- period view


async def _pending(
    session: AsyncSession, user: db.User, year: int, centre: str
) -> dict[int, tuple[int, Decimal]]:
    """Month -> (count, final amount) of the verified interventions not yet invoiced."""
    i, t = db.Intervention, db.Ticket
    where = [
        t.status == TicketStatus.VERIFIED.value,
        i.voucher_id.is_(None),
        i.closed_at.is_not(None),
        i.intervention_date >= dt.date(year, 1, 1),
        i.intervention_date < dt.date(year + 1, 1, 1),
    ]
    found = _centre_filter(t.service_centre_id, centre)
    if found is not None:
        where.append(found)
    month = extract("month", i.intervention_date)
    kind, params = scope_kind(user), scope_params(user)
    stmt = scope_bound(
        select(month, func.count(), func.coalesce(func.sum(i.total_cents), 0))
        .select_from(t)
        .join(i, i.ticket_id == t.id)
        .where(*where, i.total_cents.is_not(None))
        .group_by(month),
        t.service_centre_id,
        kind,
    )
    out: dict[int, tuple[int, Decimal]] = {
        int(m): (int(n), from_cents(int(cents)))  # type: ignore[arg-type]  # coalesce(x, 0): no NULL
        for m, n, cents in await session.execute(stmt, params)
    }
    # closings from before their figures were frozen: computed as the invoicing list does
    legacy = scope_bound(
        _line_stmt().where(*where, i.total_cents.is_(None)), t.service_centre_id, kind
    )
    for row in await session.execute(legacy, params):
        line = _line(row)
        assert line.intervention_date is not None
        count, amount = out.get(line.intervention_date.month, (0, ZERO))
        out[line.intervention_date.month] = (count + 1, amount + line.total)
    return out


async def periods(
    session: AsyncSession, user: db.User, year: int, centre: str, zone: dt.tzinfo
) -> wire.InvoicingPeriods:
    """The year's twelve months (see the module) and the year's totals."""
    if not 2000 <= year <= 2100:
        why = _("give a year between 2000 and 2100")
        raise Invalid(why, fields={"year": why})
    pending = await _pending(session, user, year, centre)
    v = db.Voucher
    where = [
        v.created_at >= _day_start(dt.date(year, 1, 1), zone),
        v.created_at < _day_start(dt.date(year + 1, 1, 1), zone),
    ]
    found = _centre_filter(v.service_centre_id, centre)
    if found is not None:
        where.append(found)
    stmt = scope_bound(
        _voucher_stmt()
        .add_columns(v.centre_invoice_number, v.centre_invoice_cents)
        .where(*where)
        .order_by(v.created_at, v.id),
        v.service_centre_id,
        scope_kind(user),
    )
    by_month: dict[int, list[wire.PeriodVoucher]] = defaultdict(list)
    for row in await session.execute(stmt, scope_params(user)):
        number, cents = row[10], row[11]
        status = status_of(row[8], number, cents)
        by_month[row[3].astimezone(zone).month].append(
            wire.PeriodVoucher(
                id=row[0],
                number=row[1],
                service_centre_code=row[2],
                created_at=row[3],
                count=row[5],
                total=from_cents(row[8]),
                invoice_number=number,
                invoice_amount=None if cents is None else from_cents(cents),
                difference=None if cents is None else from_cents(cents - row[8]),
                status=status,
            )
        )
    months = []
    for month in range(1, 13):
        vouchers = by_month.get(month, [])
        count, amount = pending.get(month, (0, ZERO))
        months.append(
            wire.PeriodMonth(
                month=wire.month_text(year, month),
                pending_count=count,
                pending_amount=amount,
                invoiced_count=sum(x.count for x in vouchers),
                invoiced_amount=sum((x.total for x in vouchers), ZERO),
                vouchers=vouchers,
                differences=sum(x.status is CentreInvoiceStatus.DIFFERS for x in vouchers),
                missing=sum(x.status is CentreInvoiceStatus.MISSING for x in vouchers),
            )
        )
    totals = wire.PeriodMonth(
        month=str(year),
        pending_count=sum(m.pending_count for m in months),
        pending_amount=sum((m.pending_amount for m in months), ZERO),
        invoiced_count=sum(m.invoiced_count for m in months),
        invoiced_amount=sum((m.invoiced_amount for m in months), ZERO),
        differences=sum(m.differences for m in months),
        missing=sum(m.missing for m in months),
    )
    return wire.InvoicingPeriods(year=year, centre=centre.strip(), months=months, totals=totals)

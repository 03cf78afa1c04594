"""SavClient's invoicing methods against the real app: the seed ticket closed, verified,
invoiced by the manager on a voucher found again; refusals; parallel invoicings (on
PostgreSQL when SAV_TEST_DATABASE_URL is set, on SQLite otherwise)."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

from client.api import ConflictError, ForbiddenError, NotFoundError
from client.models import (
    InvoicingQuery,
    NoteRequest,
    PartUsedInput,
    TicketAction,
    TicketStatus,
    VoucherQuery,
)
from tests.client.test_closing import SEED, _confirm, _form
from tests.server.test_invoicing import add_manager


async def test_the_seed_ticket_closed_verified_then_invoiced_on_a_voucher(signed_in) -> None:
    tech = await signed_in("tech")
    await _confirm(tech)
    closed = await tech.close_intervention(SEED, _form(parts=[PartUsedInput(code="870650222")]))
    operator = await signed_in("operator")
    await operator.ticket_action(SEED, TicketAction.VERIFY, NoteRequest())
    manager = await signed_in("manager")
    today = dt.datetime.now(dt.UTC).date()
    listed = await manager.invoicing(
        InvoicingQuery(intervention_from=today, intervention_to=today), limit=200
    )
    line = next(x for x in listed.items if x.ticket_id == SEED)
    assert line.total == closed.totals.total and line.spares == closed.totals.spares
    assert listed.sums.count == listed.total and listed.sums.total >= line.total
    with pytest.raises(ForbiddenError):
        await tech.invoice([SEED])
    voucher = await manager.invoice([SEED])
    assert [x.ticket_id for x in voucher.lines] == [SEED]
    assert voucher.total == line.total and voucher.net + voucher.vat == voucher.total
    assert voucher.number.startswith(f"BP249050{today.year % 100:02d}")
    assert (await tech.ticket(SEED)).status is TicketStatus.INVOICED
    found = await tech.search_vouchers(VoucherQuery(number=voucher.number))
    assert [v.id for v in found.items] == [voucher.id]
    by_amount = await operator.search_vouchers(
        VoucherQuery(amount_min=voucher.total, amount_max=voucher.total, created_from=today)
    )
    assert voucher.id in [v.id for v in by_amount.items]
    assert (await tech.voucher(voucher.id)) == voucher
    with pytest.raises(ConflictError) as again:
        await manager.invoice([SEED])
    assert str(SEED) in again.value.message
    with pytest.raises(NotFoundError):
        await (await signed_in("tech2")).voucher(voucher.id)


async def test_parallel_invoicings_each_ticket_on_one_voucher(signed_in, database_url: str) -> None:
    await add_manager(database_url)
    one, two = await signed_in("manager"), await signed_in("manager2")
    ids = [line.ticket_id for line in (await one.invoicing(limit=200)).items]
    assert len(ids) >= 4
    results = await asyncio.gather(
        one.invoice(ids[: len(ids) // 2 + 1]),
        two.invoice(ids[len(ids) // 2 :]),
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], ConflictError) and str(ids[len(ids) // 2]) in lost[0].message
    left = {line.ticket_id for line in (await one.invoicing(limit=200)).items}
    assert left.isdisjoint(x.ticket_id for x in won[0].lines)
    assert len(left) + len(won[0].lines) == len(ids)
    # the refused one invoices what is left, on the next number
    rest = await two.invoice(sorted(left))
    number = int(won[0].number[-4:])
    assert int(rest.number[-4:]) == number + 1
    assert won[0].total + rest.total == sum(
        (v.total for v in (await one.search_vouchers(limit=2)).items), Decimal(0)
    )

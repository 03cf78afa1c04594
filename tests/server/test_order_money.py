"""Money properties: the sum of the lines' nets plus the VAT on that net total is the total,
and an order's figures survive being saved and read back to the cent.

The first property runs on the pricing rules alone (many examples); the second goes through
the API and the database: a cart of generated lines at a centre with a generated discount
and VAT rate is ordered, and the order read back must carry exactly the cart's figures.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from client.models import quantize_money
from server.db import models as db
from server.services.money import from_cents, to_cents, vat_on
from server.services.pricing import document_totals, line_net
from tests.server.order_helpers import cart, make_users, order_body, place, with_db

RATES = st.decimals(min_value=0, max_value=Decimal("60"), places=2)
VAT_RATES = st.sampled_from([Decimal(r) for r in ("0", "2.1", "5.5", "10", "20", "22")])
LINES = st.lists(
    st.tuples(st.integers(min_value=1, max_value=500_000), st.integers(1, 9999)),
    min_size=1,
    max_size=8,
)


@given(lines=LINES, discount=RATES, vat_rate=VAT_RATES)
def test_lines_plus_vat_on_the_net_total_is_the_total(
    lines: list[tuple[int, int]], discount: Decimal, vat_rate: Decimal
) -> None:
    nets = [line_net(from_cents(price), quantity, discount) for price, quantity in lines]
    assert all(n == quantize_money(n) and n >= 0 for n in nets)  # whole cents
    net, vat, total = document_totals(nets, vat_rate)
    assert net == sum(nets) and vat == vat_on(net, vat_rate) and total == net + vat
    # as integer cents, nothing is lost either way
    assert to_cents(total) == sum(to_cents(n) for n in nets) + to_cents(vat)
    assert from_cents(to_cents(total)) == total
    exact = sum(Decimal(p) / 100 * q * (100 - discount) / 100 for p, q in lines)
    assert abs(net - exact) <= Decimal("0.005") * len(lines)  # one half-cent per line at most


def test_the_seed_vectors() -> None:
    net, vat, total = document_totals([line_net(Decimal("9.45"), 1, Decimal("0"))], Decimal(20))
    assert (net, vat, total) == (Decimal("9.45"), Decimal("1.89"), Decimal("11.34"))
    net, vat, total = document_totals([Decimal("84.00"), Decimal("49.96")], Decimal(20))
    assert (net, vat, total) == (Decimal("133.96"), Decimal("26.79"), Decimal("160.75"))
    assert line_net(Decimal("9.45"), 1, Decimal(5)) == Decimal("8.98")  # 8.9775 half-up


async def _set_up(
    database_url: str, lines: list[tuple[int, int]], discount: Decimal, vat_rate: Decimal
) -> list[str]:
    """Parts at the generated prices, and the Modena centre at the generated rates."""

    async def work(conn: AsyncConnection) -> list[str]:
        await conn.execute(
            update(db.ServiceCentre)
            .where(db.ServiceCentre.code == "310224")
            .values(discount_rate=discount, vat_rate=vat_rate)
        )
        codes = []
        for price, _quantity in lines:
            code = f"HYP-{uuid.uuid4().hex[:10]}"
            await conn.execute(
                db.Part.__table__.insert().values(
                    code=code,
                    description="generated",
                    price_cents=price,
                    availability="in_stock",
                    stock=10,
                    lead_time_days=1,
                    obsolete=False,
                )
            )
            codes.append(code)
        return codes

    return await with_db(database_url, work)


async def _stored_cents(database_url: str, order_id: int) -> tuple[int, int, int, list[int]]:
    async def work(conn: AsyncConnection) -> tuple[int, int, int, list[int]]:
        order = (
            await conn.execute(
                select(db.Order.net_cents, db.Order.vat_cents, db.Order.total_cents).where(
                    db.Order.id == order_id
                )
            )
        ).one()
        nets = (
            await conn.execute(
                select(db.OrderLine.net_cents)
                .where(db.OrderLine.order_id == order_id)
                .order_by(db.OrderLine.id)
            )
        ).scalars()
        return order[0], order[1], order[2], list(nets)

    return await with_db(database_url, work)


@settings(
    max_examples=15,
    deadline=dt.timedelta(seconds=20),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=LINES.filter(lambda ls: len(ls) <= 4), discount=RATES, vat_rate=VAT_RATES)
async def test_no_cent_drifts_through_an_order_saved_and_read_back(
    http: httpx.AsyncClient,
    database_url: str,
    lines: list[tuple[int, int]],
    discount: Decimal,
    vat_rate: Decimal,
) -> None:
    (headers,) = await make_users(database_url, "310224", 1)
    codes = await _set_up(database_url, lines, discount, vat_rate)
    for code, (_price, quantity) in zip(codes, lines, strict=True):
        answer = await http.post(
            "/cart/lines", json={"requested_code": code, "quantity": 1}, headers=headers
        )
        assert answer.status_code == 201, answer.text
        line_id = answer.json()["lines"][0]["id"]
        edited = await http.put(
            f"/cart/lines/{line_id}", json={"quantity": quantity}, headers=headers
        )
        assert edited.status_code == 200, edited.text
    shown = await cart(http, headers)
    nets = [Decimal(line["net"]) for line in shown["lines"]]
    assert Decimal(shown["net"]) == sum(nets)
    assert Decimal(shown["vat"]) == vat_on(sum(nets), vat_rate)
    assert Decimal(shown["total"]) == Decimal(shown["net"]) + Decimal(shown["vat"])
    placed = await place(http, headers, order_body(shown["fingerprint"]))
    assert placed.status_code == 201, placed.text
    order = (await http.get(f"/orders/{placed.json()['id']}", headers=headers)).json()
    assert (order["net"], order["vat"], order["total"]) == (
        shown["net"],
        shown["vat"],
        shown["total"],
    )
    assert [line["net"] for line in order["lines"]] == [line["net"] for line in shown["lines"]]
    assert Decimal(order["vat_rate"]) == vat_rate
    net, vat, total, line_nets = await _stored_cents(database_url, order["id"])
    assert line_nets == [to_cents(n) for n in nets] and net == sum(line_nets)
    assert (net, vat, total) == (
        to_cents(Decimal(shown["net"])),
        to_cents(Decimal(shown["vat"])),
        to_cents(Decimal(shown["total"])),
    )

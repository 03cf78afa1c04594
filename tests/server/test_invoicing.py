"""Invoicing: the list of verified interventions, invoicing them on a payment voucher (one
transaction, numbers per centre and year without gap or duplicate, parallel invoicings),
voucher search and detail, the roles."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select

from client.models import InvoiceLine, InvoiceTotals
from server.db import models as db
from server.db.session import create_engine
from server.services.money import from_cents, to_cents, vat_on
from tests.server.test_tenancy_probe import fingerprint, token_for

CENTRE = "249050"


def _key() -> dict[str, str]:
    """A new Idempotency-Key: one invoicing action."""
    return {"Idempotency-Key": uuid.uuid4().hex}


async def _headers(http: httpx.AsyncClient, user: str, lang: str = "en") -> dict[str, str]:
    return await token_for(http, user) | {"Accept-Language": lang, "Time-Zone": "UTC"}


async def _verified(http: httpx.AsyncClient, user: str = "manager") -> list[dict[str, Any]]:
    answer = await http.get("/invoicing", params={"limit": 200}, headers=await _headers(http, user))
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]  # type: ignore[no-any-return]


async def add_manager(url: str, username: str = "manager2") -> None:
    """A second manager of the seed centre, with the demo password."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        row = (
            (await conn.execute(select(db.User.__table__).where(db.User.username == "manager")))
            .mappings()
            .one()
        )
        values = {k: v for k, v in row.items() if k != "id"}
        values |= {"username": username, "full_name": "Paul Second"}
        await conn.execute(insert(db.User.__table__).values(**values))
    await engine.dispose()


async def test_the_list_shows_the_centres_verified_interventions_with_their_figures(
    http: httpx.AsyncClient,
) -> None:
    headers = await _headers(http, "manager")
    page = (await http.get("/invoicing", params={"limit": 200}, headers=headers)).json()
    assert page["total"] > 0 and len(page["items"]) == page["total"]
    assert {line["service_centre_code"] for line in page["items"]} == {CENTRE}
    for line in page["items"]:
        net = Decimal(line["rate"]) + Decimal(line["spares"]) + Decimal(line["bonuses"])
        assert Decimal(line["net"]) == net
        assert Decimal(line["net"]) + Decimal(line["vat"]) == Decimal(line["total"])
    sums = page["sums"]
    assert sums["count"] == page["total"]
    for name in ("rate", "spares", "bonuses", "net", "vat", "total"):
        assert Decimal(sums[name]) == sum(Decimal(line[name]) for line in page["items"])
    dates = [(line["intervention_date"], line["ticket_id"]) for line in page["items"]]
    assert dates == sorted(dates)
    # the technician sees the same list
    tech = (
        await http.get("/invoicing", params={"limit": 200}, headers=await _headers(http, "tech"))
    ).json()
    assert tech == page


async def test_the_list_filters_by_intervention_date_and_pages(http: httpx.AsyncClient) -> None:
    headers = await _headers(http, "manager")
    every = (await http.get("/invoicing", params={"limit": 200}, headers=headers)).json()["items"]
    middle = every[len(every) // 2]["intervention_date"]
    since = (
        await http.get(
            "/invoicing", params={"intervention_from": middle, "limit": 200}, headers=headers
        )
    ).json()
    assert since["items"] and all(line["intervention_date"] >= middle for line in since["items"])
    assert since["total"] == sum(1 for line in every if line["intervention_date"] >= middle)
    until = (
        await http.get(
            "/invoicing", params={"intervention_to": middle, "limit": 200}, headers=headers
        )
    ).json()
    assert all(line["intervention_date"] <= middle for line in until["items"])
    first = (await http.get("/invoicing", params={"limit": 2}, headers=headers)).json()
    assert len(first["items"]) == 2 and first["next_cursor"] == "2"
    second = (
        await http.get("/invoicing", params={"limit": 2, "offset": 2}, headers=headers)
    ).json()
    assert [line["ticket_id"] for line in first["items"] + second["items"]] == [
        line["ticket_id"] for line in every[:4]
    ]
    backwards = await http.get(
        "/invoicing",
        params={"intervention_from": "2030-01-02", "intervention_to": "2030-01-01"},
        headers=await _headers(http, "manager", "fr"),
    )
    assert backwards.status_code == 422
    assert "intervention_from" in backwards.json()["fields"]
    assert "date de début" in backwards.json()["message"]


async def test_operators_see_every_centre_and_filter_by_centre(http: httpx.AsyncClient) -> None:
    headers = await _headers(http, "operator")
    every = (await http.get("/invoicing", params={"limit": 200}, headers=headers)).json()
    assert len({line["service_centre_code"] for line in every["items"]}) > 1
    one = (
        await http.get("/invoicing", params={"centre": CENTRE, "limit": 200}, headers=headers)
    ).json()
    assert one["total"] > 0 and {line["service_centre_code"] for line in one["items"]} == {CENTRE}
    # another centre's technician naming this centre finds nothing
    tech2 = await _headers(http, "tech2")
    other = (await http.get("/invoicing", params={"centre": CENTRE}, headers=tech2)).json()
    assert other["total"] == 0


async def test_invoice_writes_one_voucher_and_invoices_every_ticket(
    http: httpx.AsyncClient, database_url: str
) -> None:
    lines = (await _verified(http))[:3]
    ids = [line["ticket_id"] for line in lines]
    headers = await _headers(http, "manager", "fr")
    answer = await http.post("/vouchers", json={"ticket_ids": ids}, headers=headers | _key())
    assert answer.status_code == 201, answer.text
    voucher = answer.json()
    year = dt.datetime.now(dt.UTC).year % 100
    assert voucher["number"].startswith(f"BP{CENTRE}{year:02d}")
    assert sorted(line["ticket_id"] for line in voucher["lines"]) == sorted(ids)
    assert voucher["count"] == 3 and voucher["created_by"] == "Sophie Lambert"
    for name in ("net", "vat", "total"):
        assert Decimal(voucher[name]) == sum(Decimal(line[name]) for line in lines)
    for ticket_id in ids:
        ticket = (await http.get(f"/tickets/{ticket_id}", headers=headers)).json()
        assert ticket["status"] == "invoiced"
        history = (await http.get(f"/tickets/{ticket_id}/history", headers=headers)).json()
        entries = history["items"] if isinstance(history, dict) else history
        texts = [e["text"] for e in entries]
        assert any(f"bon à payer {voucher['number']}" in t for t in texts), texts
    assert not {line["ticket_id"] for line in await _verified(http)} & set(ids)
    # found by the search and shown in detail, to the technician too
    tech = await _headers(http, "tech")
    found = (await http.get("/vouchers", params={"number": voucher["number"]}, headers=tech)).json()
    assert [v["number"] for v in found["items"]] == [voucher["number"]]
    detail = (await http.get(f"/vouchers/{voucher['id']}", headers=tech)).json()
    assert detail["total"] == voucher["total"] and len(detail["lines"]) == 3


async def test_voucher_numbers_follow_the_centres_last_of_the_year(
    http: httpx.AsyncClient, database_url: str
) -> None:
    engine = create_engine(database_url)
    year = dt.datetime.now(dt.UTC).year % 100
    async with engine.connect() as conn:
        numbers = (
            (
                await conn.execute(
                    select(db.Voucher.number).where(
                        db.Voucher.number.like(f"BP{CENTRE}{year:02d}%")
                    )
                )
            )
            .scalars()
            .all()
        )
    await engine.dispose()
    expected = len(numbers) + 1
    assert sorted(numbers) == [f"BP{CENTRE}{year:02d}{n:04d}" for n in range(1, expected)]
    ids = [line["ticket_id"] for line in await _verified(http)]
    headers = await _headers(http, "manager")
    first = (
        await http.post("/vouchers", json={"ticket_ids": ids[:1]}, headers=headers | _key())
    ).json()
    second = (
        await http.post("/vouchers", json={"ticket_ids": ids[1:2]}, headers=headers | _key())
    ).json()
    assert first["number"] == f"BP{CENTRE}{year:02d}{expected:04d}"
    assert second["number"] == f"BP{CENTRE}{year:02d}{expected + 1:04d}"


async def test_a_ticket_no_longer_verified_refuses_the_whole_invoice(
    http: httpx.AsyncClient, database_url: str
) -> None:
    ids = [line["ticket_id"] for line in await _verified(http)][:3]
    engine = create_engine(database_url)
    async with engine.begin() as conn:  # the operator rejected one meanwhile
        await conn.execute(
            db.Ticket.__table__.update().where(db.Ticket.id == ids[1]).values(status="confirmed")
        )
    await engine.dispose()
    before = await fingerprint(database_url)
    answer = await http.post(
        "/vouchers",
        json={"ticket_ids": ids},
        headers=await _headers(http, "manager", "fr") | _key(),
    )
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "not_invoicable"
    assert (
        str(ids[1]) in answer.json()["message"]
        and "rien n'a été facturé" in answer.json()["message"]
    )
    assert await fingerprint(database_url) == before


async def test_another_centres_ticket_is_not_found_and_nothing_changes(
    http: httpx.AsyncClient, database_url: str
) -> None:
    mine = [line["ticket_id"] for line in await _verified(http)][:1]
    theirs = [
        line["ticket_id"]
        for line in (
            await http.get(
                "/invoicing", params={"centre": "249117"}, headers=await _headers(http, "operator")
            )
        ).json()["items"]
    ][:1]
    assert mine and theirs
    before = await fingerprint(database_url)
    answer = await http.post(
        "/vouchers",
        json={"ticket_ids": mine + theirs},
        headers=await _headers(http, "manager") | _key(),
    )
    assert answer.status_code == 404 and str(theirs[0]) in answer.json()["message"]
    assert await fingerprint(database_url) == before


@pytest.mark.parametrize("username", ["tech", "operator"])
async def test_only_the_centres_manager_invoices(
    http: httpx.AsyncClient, database_url: str, username: str
) -> None:
    ids = [line["ticket_id"] for line in await _verified(http)][:1]
    before = await fingerprint(database_url)
    answer = await http.post(
        "/vouchers", json={"ticket_ids": ids}, headers=await _headers(http, username) | _key()
    )
    assert answer.status_code == 403 and "manager" in answer.json()["message"]
    assert await fingerprint(database_url) == before


async def test_bad_input_is_refused(http: httpx.AsyncClient) -> None:
    headers = await _headers(http, "manager")
    assert (
        await http.post("/vouchers", json={"ticket_ids": []}, headers=headers | _key())
    ).status_code == 422
    negative = await http.get("/vouchers", params={"amount_min": "-1"}, headers=headers)
    assert negative.status_code == 422 and "amount_min" in negative.json()["fields"]


async def test_parallel_invoicings_of_overlapping_selections(
    app: object, database_url: str
) -> None:
    """Two managers invoice overlapping selections at once, many times over: each
    intervention ends on exactly one voucher, numbers have no gap and no duplicate, the
    refused one is told which tickets and writes nothing."""
    await add_manager(database_url)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        ids = [line["ticket_id"] for line in await _verified(http)]
        assert len(ids) >= 6
        one, two = await _headers(http, "manager"), await _headers(http, "manager2")
        answers = []
        for k in range(0, len(ids) - 1, 2):
            overlap = ids[k : k + 2]
            a, b = await asyncio.gather(
                http.post("/vouchers", json={"ticket_ids": overlap}, headers=one | _key()),
                http.post("/vouchers", json={"ticket_ids": overlap[1:]}, headers=two | _key()),
            )
            answers.append((overlap, a, b))
        expected: set[int] = set()
        for overlap, a, b in answers:
            # the second to run finds overlap[1] invoiced: refused, naming it
            assert sorted([a.status_code, b.status_code]) == [201, 409], (a.text, b.text)
            refused = a if a.status_code == 409 else b
            assert str(overlap[1]) in refused.json()["message"]
            assert str(overlap[0]) not in refused.json()["message"]
            expected |= set(overlap) if a.status_code == 201 else {overlap[1]}
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        on_voucher = (
            await conn.execute(
                select(db.Intervention.ticket_id, db.Intervention.voucher_id).where(
                    db.Intervention.ticket_id.in_(ids)
                )
            )
        ).all()
        numbers = (
            (
                await conn.execute(
                    select(db.Voucher.number)
                    .join(db.ServiceCentre, db.ServiceCentre.id == db.Voucher.service_centre_id)
                    .where(db.ServiceCentre.code == CENTRE)
                )
            )
            .scalars()
            .all()
        )
        statuses = set(
            (await conn.execute(select(db.Ticket.status).where(db.Ticket.id.in_(ids)))).scalars()
        )
    await engine.dispose()
    invoiced = {t for t, v in on_voucher if v is not None}
    assert invoiced == expected
    assert len(numbers) == len(set(numbers))
    year = f"BP{CENTRE}{dt.datetime.now(dt.UTC).year % 100:02d}"
    this_year = sorted(int(n[len(year) :]) for n in numbers if n.startswith(year))
    assert this_year == list(range(1, len(this_year) + 1))
    assert statuses <= {"invoiced", "verified"}


lines = st.lists(
    st.tuples(
        st.integers(0, 200_000),
        st.integers(0, 200_000),
        st.integers(0, 20_000),
        st.sampled_from([Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("22")]),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(lines)
def test_a_vouchers_total_is_the_sum_of_its_interventions(
    figures: list[tuple[int, int, int, Decimal]],
) -> None:
    made = []
    for rate, spares, bonuses, vat_rate in figures:
        net = from_cents(rate + spares + bonuses)
        vat = vat_on(net, vat_rate)
        made.append(
            InvoiceLine(
                ticket_id=1,
                intervention_id=1,
                ticket_created_at=dt.datetime.now(dt.UTC),
                model_code="P64",
                customer_name="X",
                service_centre_code=CENTRE,
                rate=from_cents(rate),
                spares=from_cents(spares),
                bonuses=from_cents(bonuses),
                net=net,
                vat_rate=vat_rate,
                vat=vat,
                total=net + vat,
            )
        )
    totals = InvoiceTotals.of(made)
    assert totals.count == len(made)
    assert totals.net + totals.vat == totals.total
    assert totals.total == sum((line.total for line in made), Decimal(0))
    assert to_cents(totals.total) == sum(to_cents(line.total) for line in made)


async def test_every_demo_voucher_is_the_sum_of_its_interventions(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        vouchers = (await conn.execute(select(db.Voucher.__table__))).mappings().all()
        sums = {
            row[0]: row[1:]
            for row in (
                await conn.execute(
                    select(
                        db.Intervention.voucher_id,
                        func.sum(db.Intervention.net_cents),
                        func.sum(db.Intervention.vat_cents),
                        func.sum(db.Intervention.total_cents),
                    ).group_by(db.Intervention.voucher_id)
                )
            ).all()
        }
    await engine.dispose()
    assert vouchers
    for v in vouchers:
        assert (v["net_cents"], v["vat_cents"], v["total_cents"]) == tuple(sums[v["id"]]), v


async def test_invoicing_needs_a_key_and_a_replay_answers_the_same_voucher(
    http: httpx.AsyncClient, database_url: str
) -> None:
    ids = [line["ticket_id"] for line in await _verified(http)][:2]
    headers = await _headers(http, "manager")
    before = await fingerprint(database_url)
    without = await http.post("/vouchers", json={"ticket_ids": ids}, headers=headers)
    assert without.status_code == 428 and "Idempotency-Key" in without.json()["message"]
    assert await fingerprint(database_url) == before
    key = _key()
    first = await http.post("/vouchers", json={"ticket_ids": ids}, headers=headers | key)
    assert first.status_code == 201, first.text
    again = await http.post("/vouchers", json={"ticket_ids": ids}, headers=headers | key)
    assert again.status_code == 201 and again.headers["Idempotency-Replayed"] == "true"
    assert again.json() == first.json()
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        count = (
            await conn.execute(
                select(func.count()).where(db.Voucher.number == first.json()["number"])
            )
        ).scalar_one()
        vouchers = (await conn.execute(select(func.count()).select_from(db.Voucher))).scalar_one()
    await engine.dispose()
    assert count == 1
    # another request under the same key is refused, and writes nothing
    other = await http.post("/vouchers", json={"ticket_ids": ids[:1]}, headers=headers | key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        after = (await conn.execute(select(func.count()).select_from(db.Voucher))).scalar_one()
    await engine.dispose()
    assert after == vouchers

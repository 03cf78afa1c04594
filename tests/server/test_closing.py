"""Closing an intervention through HTTP: the form prefilled, drafts, totals, save and close
with its refusals, verification and rejection, parts received (explicit and shipped)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import select, update

from server.db import models as db
from server.db.session import create_engine
from server.services import parts_received
from tests.server.test_tenancy_probe import fingerprint
from tests.server.ticket_state import SEED_TICKET, headers_for, put_in_status

TODAY = dt.datetime.now(dt.UTC).date()


async def _put(database_url: str, status: str, ticket_id: int = SEED_TICKET) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await put_in_status(conn, ticket_id, status)
    await engine.dispose()


def form(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "intervention_date": TODAY.isoformat(),
        "distance_km": 12,
        "faulty_component_code": "BRU",
        "fault_code": "R01",
        "intervention_code": "D1",
        "work_done_code": "W02",
        "work_done": "burner cap realigned",
        "bonuses": "0.00",
    }
    return base | overrides


async def test_a_new_form_is_prefilled_with_the_centres_rate_and_the_lists(
    http: httpx.AsyncClient,
) -> None:
    tech = await headers_for(http, "tech")
    answer = await http.get(f"/tickets/{SEED_TICKET}/intervention", headers=tech)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["version"] == 0 and body["frozen"] is False
    assert body["form"]["rate"] == body["fixed_rate"] == "72.00"
    assert body["totals"] == {
        "rate": "72.00",
        "spares": "0.00",
        "bonuses": "0.00",
        "net": "72.00",
        "vat_rate": "20.00",
        "vat": "14.40",
        "total": "86.40",
        "parts": [],
    }
    lists = body["lists"]
    assert lists["family"] == "hobs"
    assert {"BRU", "BOU"} <= {c["code"] for c in lists["components"]}
    assert "POM" not in {c["code"] for c in lists["components"]}  # a dishwasher's pump
    t01 = next(f for f in lists["faults"] if f["code"] == "T01")
    assert t01["fault_type"] == "T"
    french = await http.get(
        f"/tickets/{SEED_TICKET}/intervention", headers=tech | {"Accept-Language": "fr"}
    )
    names = {c["code"]: c["name"] for c in french.json()["lists"]["components"]}
    assert names["BRU"] == "Brûleur"


async def test_totals_follow_the_form_with_the_seeds_figures(http: httpx.AsyncClient) -> None:
    tech = await headers_for(http, "tech")
    answer = await http.post(
        f"/tickets/{SEED_TICKET}/intervention/totals",
        json=form(rate="84.00", bonuses="0.00"),
        headers=tech,
    )
    assert answer.json()["total"] == "100.80"
    answer = await http.post(
        f"/tickets/{SEED_TICKET}/intervention/totals", json=form(bonuses="-1"), headers=tech
    )
    assert answer.status_code == 422
    assert answer.json()["fields"]["bonuses"] == "bonuses cannot be negative"


async def test_a_draft_keeps_the_ticket_status_and_is_what_the_next_person_sees(
    http: httpx.AsyncClient, database_url: str
) -> None:
    await _put(database_url, "confirmed")
    tech = await headers_for(http, "tech")
    answer = await http.put(
        f"/tickets/{SEED_TICKET}/intervention",
        json=form(fault_code="", work_done_code=""),  # a draft may leave the starred codes
        headers=tech,
    )
    assert answer.status_code == 200, answer.text
    draft = answer.json()
    assert draft["version"] == 1 and draft["ticket_status"] == "confirmed"
    assert draft["faulty_component"] == "Burner"
    manager = await headers_for(http, "manager")
    again = (await http.get(f"/tickets/{SEED_TICKET}/intervention", headers=manager)).json()
    assert again["form"]["work_done"] == "burner cap realigned"
    assert again["updated_by"] and again["frozen"] is False
    # a stale version is refused, naming who saved
    stale = await http.put(
        f"/tickets/{SEED_TICKET}/intervention",
        json=form(),
        headers=manager | {"If-Match": "0"},
    )
    assert stale.status_code == 412, stale.text
    history = (await http.get(f"/tickets/{SEED_TICKET}/history", headers=tech)).json()
    assert history["items"][0]["event"] == "intervention_saved"
    ticket = (await http.get(f"/tickets/{SEED_TICKET}", headers=tech)).json()
    assert ticket["status"] == "confirmed" and "close" in ticket["actions"]


async def test_closing_refusals_name_each_field_and_change_nothing(
    http: httpx.AsyncClient, database_url: str
) -> None:
    await _put(database_url, "confirmed")
    tech = await headers_for(http, "tech")
    before = await fingerprint(database_url)
    cases: list[tuple[dict[str, Any], str, str]] = [
        (form(fault_code=""), "fault_code", "required to close"),
        (form(faulty_component_code=""), "faulty_component_code", "required to close"),
        (form(work_done_code=""), "work_done_code", "required to close"),
        (form(fault_code="T01"), "parts", "a fault of type T"),
        (form(distance_km=-3), "distance_km", "the distance cannot be negative"),
        (form(bonuses="-5.00"), "bonuses", "bonuses cannot be negative"),
        (form(rate="500.00"), "rate", "the rate is above the centre's bound of 144.00 EUR"),
        (
            form(intervention_date=(TODAY + dt.timedelta(days=2)).isoformat()),
            "intervention_date",
            "the intervention date is in the future",
        ),
        (
            form(intervention_date="2001-01-01"),
            "intervention_date",
            "the intervention date is before the ticket was created",
        ),
        (form(faulty_component_code="POM"), "faulty_component_code", "POM is not in this list"),
        (form(parts=[{"code": "NOPE-1"}]), "parts.0.code", "no part NOPE-1 in the catalogue"),
    ]
    for body, field, why in cases:
        answer = await http.post(f"/tickets/{SEED_TICKET}/close", json=body, headers=tech)
        assert answer.status_code == 422, (field, answer.text)
        fields = answer.json()["fields"]
        assert fields[field].startswith(why), (field, fields)
    french = await http.post(
        f"/tickets/{SEED_TICKET}/close",
        json=form(fault_code=""),
        headers=tech | {"Accept-Language": "fr"},
    )
    assert french.json()["fields"]["fault_code"] != "required to close"
    assert await fingerprint(database_url) == before


async def test_close_a_t_fault_with_a_part_then_the_operator_verifies(
    http: httpx.AsyncClient, database_url: str
) -> None:
    await _put(database_url, "waiting_parts")
    tech = await headers_for(http, "tech")
    body = form(
        fault_code="T01",
        work_done_code="W01",
        rate="84.00",
        parts=[{"code": "870650222", "quantity": 1}],
    )
    answer = await http.post(f"/tickets/{SEED_TICKET}/close", json=body, headers=tech)
    assert answer.status_code == 200, answer.text
    closed = answer.json()
    assert closed["ticket_status"] == "closed" and closed["frozen"] is True
    assert closed["closed_by"] and closed["fault_type"] == "T"
    (part,) = closed["parts"]
    assert part["requested_code"] == "870650222" and part["quantity"] == 1
    net = 84 + float(part["unit_price"])
    assert float(closed["totals"]["net"]) == round(net, 2)
    # a later catalogue price change does not move the closing
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            update(db.Part).where(db.Part.code == part["installed_code"]).values(price_cents=1)
        )
    await engine.dispose()
    operator = await headers_for(http, "operator")
    seen = (await http.get(f"/tickets/{SEED_TICKET}/intervention", headers=operator)).json()
    assert seen["totals"] == closed["totals"]
    assert seen["parts"][0]["unit_price"] == part["unit_price"]
    assert seen["parts"][0]["catalogue_price"] == "0.01"
    verified = await http.post(f"/tickets/{SEED_TICKET}/verify", json={}, headers=operator)
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "verified"
    after = (await http.get(f"/tickets/{SEED_TICKET}/intervention", headers=operator)).json()
    assert after["verified_by"] and after["verified_at"]
    history = (await http.get(f"/tickets/{SEED_TICKET}/history", headers=tech)).json()
    texts = [e["text"] for e in history["items"][:2]]
    assert texts[0].startswith("Intervention verified: final price")
    assert texts[1].startswith("Intervention closed: fault T01")


async def test_only_the_centre_closes_and_only_from_the_right_status(
    http: httpx.AsyncClient, database_url: str
) -> None:
    operator = await headers_for(http, "operator")
    answer = await http.post(f"/tickets/{SEED_TICKET}/close", json=form(), headers=operator)
    assert answer.status_code == 403
    tech = await headers_for(http, "tech")
    answer = await http.post(f"/tickets/{SEED_TICKET}/close", json=form(), headers=tech)
    assert answer.status_code == 409  # the seed ticket is still to contact
    assert "closing the intervention is possible only while" in answer.json()["message"]


async def test_reject_sends_it_back_with_the_note_and_keeps_the_draft(
    http: httpx.AsyncClient, database_url: str
) -> None:
    await _put(database_url, "confirmed")
    tech = await headers_for(http, "tech")
    closed = await http.post(f"/tickets/{SEED_TICKET}/close", json=form(), headers=tech)
    assert closed.status_code == 200, closed.text
    operator = await headers_for(http, "operator")
    rejected = await http.post(
        f"/tickets/{SEED_TICKET}/reject",
        json={"note": "photo of the plate missing"},
        headers=operator,
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "confirmed"
    draft = (await http.get(f"/tickets/{SEED_TICKET}/intervention", headers=tech)).json()
    assert draft["rejection_note"] == "photo of the plate missing"
    assert draft["frozen"] is False and draft["closed_at"] is None
    assert draft["form"]["work_done"] == "burner cap realigned"
    again = await http.post(f"/tickets/{SEED_TICKET}/close", json=form(), headers=tech)
    assert again.status_code == 200


async def test_model_data_corrected_from_the_form_at_closing(
    http: httpx.AsyncClient, database_url: str
) -> None:
    await _put(database_url, "confirmed")
    tech = await headers_for(http, "tech")
    correction = {"model_code": "P64", "service_index": "SI00", "serial_number": "123346"}
    answer = await http.post(
        f"/tickets/{SEED_TICKET}/close", json=form(appliance=correction), headers=tech
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["serial_number"] == "123346"


async def test_parts_received_when_every_line_tied_to_the_ticket_is_shipped(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        waiting = (
            await conn.execute(
                select(db.OrderLine.ticket_id)
                .join(db.Ticket, db.Ticket.id == db.OrderLine.ticket_id)
                .where(db.Ticket.status == "waiting_parts")
                .limit(1)
            )
        ).scalar_one()
        await conn.execute(
            update(db.OrderLine).where(db.OrderLine.ticket_id == waiting).values(quantity_shipped=0)
        )
    from sqlalchemy.ext.asyncio import AsyncSession

    now = dt.datetime.now(dt.UTC)
    async with AsyncSession(engine) as session:
        assert waiting not in await parts_received.settle_shipped(session, now)
    async with engine.begin() as conn:
        await conn.execute(
            update(db.OrderLine)
            .where(db.OrderLine.ticket_id == waiting)
            .values(quantity_shipped=db.OrderLine.quantity_requested)
        )
    async with AsyncSession(engine) as session:
        assert await parts_received.settle_shipped(session, now, [SEED_TICKET]) == []
        assert waiting in await parts_received.settle_shipped(session, now, [waiting])
        status = (
            await session.execute(select(db.Ticket.status).where(db.Ticket.id == waiting))
        ).scalar_one()
        event = (
            await session.execute(
                select(db.HistoryEntry.event)
                .where(db.HistoryEntry.ticket_id == waiting)
                .order_by(db.HistoryEntry.id.desc())
                .limit(1)
            )
        ).scalar_one()
    await engine.dispose()
    assert status == "confirmed" and event == "parts_received"


async def test_the_demos_closings_agree_with_their_parts_and_the_seeds_figures(
    http: httpx.AsyncClient, database_url: str
) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(
                    db.Intervention.spares_cents,
                    db.Intervention.fault_type,
                    db.InterventionPart.quantity,
                    db.InterventionPart.unit_price_cents,
                    db.Intervention.id,
                ).outerjoin(
                    db.InterventionPart,
                    db.InterventionPart.intervention_id == db.Intervention.id,
                )
            )
        ).all()
    await engine.dispose()
    spares: dict[int, tuple[int, str, int]] = {}
    for expected, fault_type, quantity, unit, id_ in rows:
        _e, _t, total = spares.get(id_, (expected, fault_type, 0))
        spares[id_] = (expected, fault_type, total + (quantity or 0) * (unit or 0))
    assert spares
    for expected, fault_type, total in spares.values():
        assert expected == total, (expected, total)
        assert (fault_type == "T") == (total > 0)
    operator = await headers_for(http, "operator")
    seed = (await http.get("/tickets/116470/intervention", headers=operator)).json()
    assert seed["frozen"] and seed["fault_type"] == "T" and len(seed["parts"]) == 1
    assert (seed["totals"]["net"], seed["totals"]["total"]) == ("133.96", "160.75")
    other = (await http.get("/tickets/116471/intervention", headers=operator)).json()
    assert other["totals"]["total"] == "86.40"


async def test_a_draft_against_a_version_never_saved_is_stale(
    http: httpx.AsyncClient, database_url: str
) -> None:
    await _put(database_url, "confirmed")
    tech = await headers_for(http, "tech")
    answer = await http.put(
        f"/tickets/{SEED_TICKET}/intervention", json=form(), headers=tech | {"If-Match": "3"}
    )
    assert answer.status_code == 412, answer.text
    assert (await http.get(f"/tickets/{SEED_TICKET}/intervention", headers=tech)).json()[
        "version"
    ] == 0


def test_a_full_serial_number_carries_its_production_date() -> None:
    from server.services.serials import production_date

    assert production_date("251901806150000123") == dt.date(2018, 6, 15)
    assert production_date("123345") is None  # the seed's older serial
    assert production_date("251901813450000123") is None  # no 45th of the 13th month


async def test_the_production_date_follows_a_serial_corrected_at_closing(
    http: httpx.AsyncClient, database_url: str
) -> None:
    await _put(database_url, "confirmed")
    tech = await headers_for(http, "tech")
    correction = {
        "model_code": "P64",
        "service_index": "SI00",
        "serial_number": "250641905200001234",
    }
    answer = await http.post(
        f"/tickets/{SEED_TICKET}/close", json=form(appliance=correction), headers=tech
    )
    assert answer.status_code == 200, answer.text
    ticket = (await http.get(f"/tickets/{SEED_TICKET}", headers=tech)).json()
    assert ticket["appliance"]["production_date"] == "2019-05-20"

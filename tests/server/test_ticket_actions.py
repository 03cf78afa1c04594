"""Ticket actions through HTTP: the exposed status actions for every status and role, what
``Ticket.actions`` offers, stale edits (If-Match / 412), simultaneous transitions, the
effects of each action, and appliance corrections."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from server.db import models as db
from server.db.session import create_engine
from tests.server.test_tenancy_probe import fingerprint
from tests.server.ticket_state import (
    EXPECTED,
    EXPOSED,
    OPEN,
    SEED_TICKET,
    STATUSES,
    USERS,
    body_for,
    headers_for,
    latest_entry,
    put_in_status,
    state,
)


async def _put(database_url: str, status: str, ticket_id: int = SEED_TICKET) -> dict[str, Any]:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await put_in_status(conn, ticket_id, status)
        before = await state(conn, ticket_id)
    await engine.dispose()
    return before


async def _state(database_url: str, ticket_id: int = SEED_TICKET) -> dict[str, Any]:
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        found = await state(conn, ticket_id)
        found["latest"] = await latest_entry(conn, ticket_id)
    await engine.dispose()
    return found


@pytest.mark.parametrize("action", EXPOSED)
async def test_every_status_and_role_through_http(
    http: httpx.AsyncClient, database_url: str, action: str
) -> None:
    sources, target, roles = EXPECTED[action]
    headers = {role: await headers_for(http, name) for role, name in USERS.items()}
    for status in STATUSES:
        for role in USERS:
            before = await _put(database_url, status)
            ticket = (await http.get(f"/tickets/{SEED_TICKET}", headers=headers[role])).json()
            allowed = status in sources and role in roles
            assert (action in ticket["actions"]) == allowed, (status, role, ticket["actions"])
            answer = await http.post(
                f"/tickets/{SEED_TICKET}/{action}", json=body_for(action), headers=headers[role]
            )
            after = await _state(database_url)
            if not allowed:
                expected = 403 if role not in roles else 409
                assert answer.status_code == expected, (status, role, answer.text)
                assert answer.json()["code"] == ("forbidden" if expected == 403 else "not_allowed")
                del after["latest"]
                assert after == before, (status, role)
                continue
            assert answer.status_code == 200, (status, role, answer.text)
            body = answer.json()
            assert body["status"] == target and body["version"] == before["version"] + 1
            assert body["updated_by"] == body["updated_by"].strip() != ""
            assert after["history"] == before["history"] + 1
            assert after["latest"]["type"] == "status_change"
            assert after["latest"]["status"] == target


async def test_a_refused_action_says_why(http: httpx.AsyncClient, database_url: str) -> None:
    await _put(database_url, "cancelled")
    answer = await http.post(
        f"/tickets/{SEED_TICKET}/contacted",
        json=body_for("contacted"),
        headers=await headers_for(http, "tech"),
    )
    assert answer.status_code == 409
    assert answer.json()["message"] == (
        f"ticket {SEED_TICKET} is cancelled: contacting the customer is "
        "possible only while to contact or unreachable"
    )


async def test_the_seed_ticket_detail(http: httpx.AsyncClient) -> None:
    ticket = (
        await http.get(f"/tickets/{SEED_TICKET}", headers=await headers_for(http, "tech"))
    ).json()
    assert ticket["status"] == "to_contact" and ticket["overdue"] is True
    assert ticket["service_centre_name"]
    due = dt.datetime.fromisoformat(ticket["contact_due_at"])
    assert due == dt.datetime.fromisoformat(ticket["status_changed_at"]) + dt.timedelta(hours=48)
    assert ticket["updated_by"] and ticket["updated_at"]
    assert set(ticket["actions"]) == {"contacted", "unreachable", "update_appliance", "add_log"}


async def test_contacted_sets_the_appointment_and_unreachable_records_the_attempt(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await headers_for(http, "tech")
    attempt = dt.datetime(2026, 1, 5, 9, 15, tzinfo=dt.UTC)
    answer = await http.post(
        f"/tickets/{SEED_TICKET}/unreachable",
        json={"attempted_at": attempt.isoformat(), "means": "sms", "note": "left a message"},
        headers=tech,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "unreachable" and answer.json()["contact_due_at"] is None
    latest = (await _state(database_url))["latest"]
    # stored as an event with its parameters; the note is only what was typed
    assert latest["event"] == "unreachable" and latest["note"] == "left a message"
    assert latest["params"] == {"attempted_at": "2026-01-05T09:15:00+00:00", "means": "sms"}
    english = (await http.get(f"/tickets/{SEED_TICKET}/history", headers=tech)).json()
    assert english["items"][0]["text"] == (
        "Customer not reachable: attempt on Jan 5, 2026 at 9:15 AM by SMS"
    )
    french = await http.get(
        f"/tickets/{SEED_TICKET}/history",
        headers={**tech, "Accept-Language": "fr", "Time-Zone": "Europe/Paris"},
    )
    assert french.json()["items"][0]["text"] == (
        "Client non joignable : tentative le 05/01/2026 à 10:15 par SMS"
    )
    assert french.json()["items"][0]["note"] == "left a message"
    appointment = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=3)
    answer = await http.post(
        f"/tickets/{SEED_TICKET}/contacted",
        json={"appointment_at": appointment.isoformat(), "note": "ring twice"},
        headers=tech,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "confirmed"
    assert dt.datetime.fromisoformat(body["appointment_at"]) == appointment
    assert body["updated_by"] == "Julien Marchal"
    history = (await http.get(f"/tickets/{SEED_TICKET}/history", headers=tech)).json()
    newest = history["items"][0]
    assert newest["status"] == "confirmed" and newest["author"] == "Julien Marchal"
    assert dt.datetime.fromisoformat(newest["appointment_at"]) == appointment
    assert newest["note"] == "ring twice" and newest["event"] == "contacted"
    assert newest["params"] == {"appointment_at": appointment.isoformat()}
    assert newest["text"].startswith("Customer contacted: appointment on ")


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("contacted", {"appointment_at": "2030-01-01T10:00:00"}, "appointment_at"),  # no zone
        ("contacted", {"appointment_at": "2001-01-01T10:00:00Z"}, "appointment_at"),  # past
        ("unreachable", {"attempted_at": "2099-01-01T10:00:00Z", "means": "phone"}, "attempted_at"),
        ("unreachable", {"attempted_at": "2020-01-01T10:00:00Z", "means": "fax"}, "means"),
        ("cancel", {"note": "   "}, "note"),
        ("assign", {"service_centre_code": "999999"}, "service_centre_code"),
    ],
)
async def test_bad_input_names_the_field_and_changes_nothing(
    http: httpx.AsyncClient, database_url: str, action: str, body: dict[str, Any], field: str
) -> None:
    user = "operator" if action in ("cancel", "assign") else "tech"
    headers = await headers_for(http, user)
    before = await fingerprint(database_url)
    answer = await http.post(f"/tickets/{SEED_TICKET}/{action}", json=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["fields"]
    assert await fingerprint(database_url) == before


async def test_assign_moves_the_ticket_and_resets_the_clock(
    http: httpx.AsyncClient, database_url: str
) -> None:
    operator = await headers_for(http, "operator")
    answer = await http.post(
        f"/tickets/{SEED_TICKET}/assign",
        json={"service_centre_code": "249117", "note": "closer to the customer"},
        headers=operator,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["service_centre_code"] == "249117" and body["status"] == "to_contact"
    assert body["engineer"] is None and body["overdue"] is False
    # the technician of the old centre no longer sees it; the new centre's does
    gone = await http.get(f"/tickets/{SEED_TICKET}", headers=await headers_for(http, "tech"))
    assert gone.status_code == 404
    tech2 = await headers_for(http, "tech2")
    assert (await http.get(f"/tickets/{SEED_TICKET}", headers=tech2)).status_code == 200
    # 116497 stays with 249050, so the group stays there too
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        group_centre = (
            await conn.execute(
                select(db.ServiceCentre.code)
                .join(db.TicketGroup, db.TicketGroup.service_centre_id == db.ServiceCentre.id)
                .where(db.TicketGroup.id == SEED_TICKET)
            )
        ).scalar_one()
    await engine.dispose()
    assert group_centre == "249050"
    latest = (await _state(database_url))["latest"]
    assert latest["event"] == "assigned" and latest["note"] == "closer to the customer"
    assert latest["params"] == {"centre_code": "249117", "centre_name": "RHÔNE ÉLECTRO SERVICE"}


async def test_request_exchange_sets_the_flag(http: httpx.AsyncClient, database_url: str) -> None:
    await _put(database_url, "confirmed")
    answer = await http.post(
        f"/tickets/{SEED_TICKET}/request_exchange",
        json={"note": "no spare part"},
        headers=await headers_for(http, "operator"),
    )
    assert answer.status_code == 200 and answer.json()["exchange"] is True


# --------------------------------------------------------------------------- stale edits


async def test_the_second_of_two_editors_gets_412_naming_the_first(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await headers_for(http, "tech")
    manager = await headers_for(http, "manager")
    version = (await http.get(f"/tickets/{SEED_TICKET}", headers=tech)).json()["version"]
    first = await http.post(
        f"/tickets/{SEED_TICKET}/unreachable",
        json=body_for("unreachable"),
        headers={**tech, "If-Match": str(version)},
    )
    assert first.status_code == 200
    before = await fingerprint(database_url)
    second = await http.post(
        f"/tickets/{SEED_TICKET}/unreachable",
        json=body_for("unreachable"),
        headers={**manager, "If-Match": str(version)},
    )
    assert second.status_code == 412, second.text
    error = second.json()
    assert error["code"] == "stale" and error["changed_by"] == "Julien Marchal"
    changed_at = dt.datetime.fromisoformat(error["changed_at"]).astimezone(dt.UTC)
    hour = changed_at.strftime("%I").lstrip("0")
    assert error["message"] == (
        f"ticket {SEED_TICKET} was changed by Julien Marchal "
        f"at {changed_at:%b} {changed_at.day}, {changed_at:%Y} {hour}:{changed_at:%M %p} UTC"
    )
    assert await fingerprint(database_url) == before


async def test_if_match_may_be_quoted_and_must_be_a_version(http: httpx.AsyncClient) -> None:
    tech = await headers_for(http, "tech")
    version = (await http.get(f"/tickets/{SEED_TICKET}", headers=tech)).json()["version"]
    bad = await http.post(
        f"/tickets/{SEED_TICKET}/unreachable",
        json=body_for("unreachable"),
        headers={**tech, "If-Match": "yesterday"},
    )
    assert bad.status_code == 422 and "If-Match" in bad.json()["fields"]
    good = await http.post(
        f"/tickets/{SEED_TICKET}/unreachable",
        json=body_for("unreachable"),
        headers={**tech, "If-Match": f'"{version}"'},
    )
    assert good.status_code == 200


@pytest.mark.parametrize("if_match", [False, True])
async def test_two_simultaneous_transitions_one_wins(
    http: httpx.AsyncClient, database_url: str, if_match: bool
) -> None:
    tech = await headers_for(http, "tech")
    manager = await headers_for(http, "manager")
    before = await _state(database_url)
    extra = {"If-Match": str(before["version"])} if if_match else {}
    answers = await asyncio.gather(
        http.post(
            f"/tickets/{SEED_TICKET}/contacted",
            json=body_for("contacted"),
            headers={**tech, **extra},
        ),
        http.post(
            f"/tickets/{SEED_TICKET}/contacted",
            json=body_for("contacted"),
            headers={**manager, **extra},
        ),
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 412 if if_match else 409], [a.text for a in answers]
    after = await _state(database_url)
    assert after["version"] == before["version"] + 1
    assert after["history"] == before["history"] + 1
    loser = next(a for a in answers if a.status_code != 200).json()
    winner = next(a for a in answers if a.status_code == 200).json()
    if if_match:
        assert loser["changed_by"] == winner["updated_by"]
    else:
        assert "confirmed" in loser["message"]


# --------------------------------------------------------------------------- appliance


async def _appliance(http: httpx.AsyncClient, headers: dict[str, str]) -> tuple[dict, int]:
    ticket = (await http.get(f"/tickets/{SEED_TICKET}", headers=headers)).json()
    return ticket["appliance"], ticket["version"]


async def test_appliance_update_writes_history_and_is_searchable(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await headers_for(http, "tech")
    appliance, version = await _appliance(http, tech)
    answer = await http.put(
        f"/tickets/{SEED_TICKET}/appliance",
        json={
            "model_code": appliance["model_code"],
            "service_index": appliance["service_index"],
            "serial_number": "2519018091234567",
            "purchase_date": "2018-09-03",
            "invoice_number": appliance["invoice_number"],
        },
        headers={**tech, "If-Match": str(version)},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["appliance"]["serial_number"] == "2519018091234567"
    assert body["appliance"]["purchase_date"] == "2018-09-03"
    assert body["version"] == version + 1 and body["updated_by"] == "Julien Marchal"
    after = await _state(database_url)
    latest = after["latest"]
    assert latest["type"] == "appliance_update" and latest["event"] == "appliance_corrected"
    assert latest["note"] == ""
    assert latest["params"] == {  # unchanged fields are not listed
        "changes": [
            {"field": "serial_number", "old": "123345", "new": "2519018091234567"},
            {"field": "purchase_date", "old": "2018-09-02", "new": "2018-09-03"},
        ]
    }
    french = await http.get(
        f"/tickets/{SEED_TICKET}/history", headers={**tech, "Accept-Language": "fr"}
    )
    assert french.json()["items"][0]["text"] == (
        "Appareil corrigé : n° de série : 123345 → 2519018091234567 ; "
        "date d'achat : 02/09/2018 → 03/09/2018"
    )
    assert "2519018091234567" in after["search_document"].split()
    assert "123345" not in after["search_document"].split()


async def test_appliance_update_needs_if_match_and_refuses_a_stale_one(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await headers_for(http, "tech")
    appliance, version = await _appliance(http, tech)
    body = {"model_code": appliance["model_code"], "service_index": appliance["service_index"]}
    before = await fingerprint(database_url)
    missing = await http.put(f"/tickets/{SEED_TICKET}/appliance", json=body, headers=tech)
    assert missing.status_code == 428 and missing.json()["code"] == "precondition_required"
    stale = await http.put(
        f"/tickets/{SEED_TICKET}/appliance",
        json=body,
        headers={**tech, "If-Match": str(version - 1)},
    )
    assert stale.status_code == 412 and stale.json()["changed_by"]
    assert await fingerprint(database_url) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"model_code": "NO-SUCH-MODEL"}, "model_code"),
        ({"service_index": "SI99"}, "service_index"),
        ({"purchase_date": "2999-01-01"}, "purchase_date"),
        ({"model_code": ""}, "model_code"),
    ],
)
async def test_appliance_update_is_checked_and_changes_nothing(
    http: httpx.AsyncClient, database_url: str, change: dict[str, str], field: str
) -> None:
    tech = await headers_for(http, "tech")
    appliance, version = await _appliance(http, tech)
    body = {
        "model_code": appliance["model_code"],
        "service_index": appliance["service_index"],
        **change,
    }
    before = await fingerprint(database_url)
    answer = await http.put(
        f"/tickets/{SEED_TICKET}/appliance", json=body, headers={**tech, "If-Match": str(version)}
    )
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["fields"]
    assert await fingerprint(database_url) == before


@pytest.mark.parametrize("status", STATUSES)
async def test_appliance_update_and_logs_only_on_open_tickets(
    http: httpx.AsyncClient, database_url: str, status: str
) -> None:
    await _put(database_url, status)
    operator = await headers_for(http, "operator")
    appliance, version = await _appliance(http, operator)
    answer = await http.put(
        f"/tickets/{SEED_TICKET}/appliance",
        json={
            "model_code": appliance["model_code"],
            "service_index": appliance["service_index"],
            "invoice_number": "F-2018-77",
        },
        headers={**operator, "If-Match": str(version)},
    )
    log = await http.post(
        f"/tickets/{SEED_TICKET}/logs", json={"note": "called the reseller"}, headers=operator
    )
    if status in OPEN:
        assert answer.status_code == 200, answer.text
        assert log.status_code == 201, log.text
    else:
        assert answer.status_code == 409 and answer.json()["code"] == "not_allowed"
        assert log.status_code == 409 and status in log.json()["message"]

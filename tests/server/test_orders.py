"""Orders through HTTP: reading, searching, editing and withdrawing them before validation
(If-Match, 412 naming who changed it), refusals once validated, validation by operators,
and two validations of one order at once."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any

import httpx

from tests.server.order_helpers import SEED_TICKET, add, place, set_part, set_ticket_status
from tests.server.test_tenancy_probe import fingerprint, token_for


async def _order(http: httpx.AsyncClient, headers: dict[str, str], **lines: int) -> dict[str, Any]:
    """An order of the user's cart filled with ``code=quantity`` (INOX-SP x 1 by default)."""
    for code, quantity in (lines or {"INOX-SP": 1}).items():
        await add(http, headers, code=code, quantity=quantity)
    answer = await place(http, headers)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _if(headers: dict[str, str], version: int | str) -> dict[str, str]:
    return {**headers, "If-Match": str(version)}


async def test_edit_before_validation_recomputes_with_the_recorded_prices(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    order = await _order(http, tech, **{"INOX-SP": 1, "870650444": 1})
    first, second = order["lines"]
    await set_part(database_url, "INOX-SP", price_cents=5000)  # the catalogue moves on
    answer = await http.put(
        f"/orders/{order['id']}",
        json={"note": "3 bouteilles", "lines": [{"id": first["id"], "quantity": 3}]},
        headers=_if(tech, order["version"]),
    )
    assert answer.status_code == 200, answer.text
    edited = answer.json()
    assert edited["version"] == order["version"] + 1 and edited["note"] == "3 bouteilles"
    assert edited["updated_by"] == "Julien Marchal"
    line = edited["lines"][0]
    assert line["quantity_requested"] == 3 and line["price"] == "9.45"
    assert line["net"] == "26.93"  # 3 x 9.45 less 5 %, at the price recorded on the order
    assert edited["lines"][1] == second  # not listed: unchanged
    net = Decimal(line["net"]) + Decimal(second["net"])
    assert edited["net"] == str(net)
    vat = (net * Decimal("0.20")).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert (edited["vat"], edited["total"]) == (str(vat), str(net + vat))
    listed = (await http.get("/orders", params={"number": order["number"]}, headers=tech)).json()
    assert listed["items"][0]["total"] == edited["total"]
    assert listed["items"][0]["version"] == edited["version"]
    # the same edit again changes nothing and makes no new version
    same = await http.put(
        f"/orders/{order['id']}",
        json={"note": "3 bouteilles", "lines": [{"id": first["id"], "quantity": 3}]},
        headers=_if(tech, edited["version"]),
    )
    assert same.json()["version"] == edited["version"]


async def test_a_stale_edit_names_who_changed_the_order(http: httpx.AsyncClient) -> None:
    tech = await token_for(http, "tech")
    manager = await token_for(http, "manager")
    order = await _order(http, tech)
    seen = order["version"]
    changed = await http.put(
        f"/orders/{order['id']}", json={"note": "by the manager"}, headers=_if(manager, seen)
    )
    assert changed.status_code == 200
    stale = await http.put(
        f"/orders/{order['id']}", json={"note": "by the tech"}, headers=_if(tech, seen)
    )
    assert stale.status_code == 412 and stale.json()["code"] == "stale"
    assert stale.json()["changed_by"] == "Sophie Lambert"
    assert stale.json()["changed_at"] is not None
    stale_delete = await http.delete(f"/orders/{order['id']}", headers=_if(tech, seen))
    assert stale_delete.status_code == 412
    read = (await http.get(f"/orders/{order['id']}", headers=tech)).json()
    assert read["note"] == "by the manager" and read["status"] == "awaiting_validation"


async def test_edits_need_if_match_and_known_lines(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    order = await _order(http, tech)
    before = await fingerprint(database_url)
    no_version = await http.put(f"/orders/{order['id']}", json={"note": "x"}, headers=tech)
    assert no_version.status_code == 428 and "If-Match" in no_version.json()["message"]
    assert (await http.delete(f"/orders/{order['id']}", headers=tech)).status_code == 428
    unknown = await http.put(
        f"/orders/{order['id']}",
        json={"lines": [{"id": 999_999, "quantity": 2}]},
        headers=_if(tech, order["version"]),
    )
    assert unknown.status_code == 422 and "lines.0.id" in unknown.json()["fields"]
    twice = order["lines"][0]["id"]
    dup = await http.put(
        f"/orders/{order['id']}",
        json={"lines": [{"id": twice, "quantity": 2}, {"id": twice, "quantity": 3}]},
        headers=_if(tech, order["version"]),
    )
    assert dup.status_code == 422 and "lines.1.id" in dup.json()["fields"]
    zero = await http.put(
        f"/orders/{order['id']}",
        json={"lines": [{"id": twice, "quantity": 0}]},
        headers=_if(tech, order["version"]),
    )
    assert zero.status_code == 422 and "lines.0.quantity" in zero.json()["fields"]
    bad = await http.put(f"/orders/{order['id']}", json={"note": "x"}, headers=_if(tech, "soon"))
    assert bad.status_code == 422 and "If-Match" in bad.json()["fields"]
    assert await fingerprint(database_url) == before


async def test_withdraw_keeps_the_number_and_notes_the_tickets(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    await set_ticket_status(database_url, SEED_TICKET, "confirmed")
    line_id = (await add(http, tech))["lines"][0]["id"]
    await http.put(
        f"/cart/lines/{line_id}", json={"quantity": 1, "ticket_id": SEED_TICKET}, headers=tech
    )
    order = (await place(http, tech)).json()
    answer = await http.delete(f"/orders/{order['id']}", headers=_if(tech, order["version"]))
    assert answer.status_code == 200, answer.text
    withdrawn = answer.json()
    assert withdrawn["status"] == "cancelled" and withdrawn["number"] == order["number"]
    assert withdrawn["editable"] is False and withdrawn["version"] == order["version"] + 1
    history = (await http.get(f"/tickets/{SEED_TICKET}/history", headers=tech)).json()
    withdrawal = history["items"][0]
    assert withdrawal["event"] == "order_withdrawn" and withdrawal["note"] == ""
    assert withdrawal["params"] == {"order": order["number"]}
    assert withdrawal["text"] == f"Order {order['number']} withdrawn"
    again = await http.put(
        f"/orders/{order['id']}", json={"note": "x"}, headers=_if(tech, withdrawn["version"])
    )
    assert again.status_code == 409
    assert (
        "was withdrawn on" in again.json()["message"]
        and "Julien Marchal" in (again.json()["message"])
    )


async def test_validated_orders_can_no_longer_change(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    operator = await token_for(http, "operator")
    order = await _order(http, tech)
    seen_by_operator = (await http.get(f"/orders/{order['id']}", headers=operator)).json()
    assert seen_by_operator["validatable"] is True and seen_by_operator["editable"] is False
    result = await http.post("/orders/validate", json={"ids": [order["id"]]}, headers=operator)
    assert result.status_code == 200, result.text
    (validated,) = result.json()["validated"]
    assert validated["status"] == "validated" and validated["version"] == order["version"] + 1
    read = (await http.get(f"/orders/{order['id']}", headers=tech)).json()
    assert read["validated_by"] == "Chiara Benedetti" and read["validated_at"]
    assert read["editable"] is False and read["validatable"] is False
    before = await fingerprint(database_url)
    today = dt.datetime.now(dt.UTC).strftime("%d/%m/%Y")
    reason = (
        f"order {order['number']} was validated on {today} by Chiara Benedetti: "
        "it can no longer be changed"
    )
    for version in (order["version"], read["version"]):  # stale or not: the reason
        edit = await http.put(
            f"/orders/{order['id']}", json={"note": "x"}, headers=_if(tech, version)
        )
        assert edit.status_code == 409 and edit.json()["message"] == reason
        delete = await http.delete(f"/orders/{order['id']}", headers=_if(tech, version))
        assert delete.status_code == 409 and delete.json()["message"] == reason
    assert await fingerprint(database_url) == before


async def test_validating_several_says_why_for_each_refusal(http: httpx.AsyncClient) -> None:
    tech = await token_for(http, "tech")
    operator = await token_for(http, "operator")
    first = await _order(http, tech)
    second = await _order(http, tech)
    withdrawn = await _order(http, tech)
    await http.delete(f"/orders/{withdrawn['id']}", headers=_if(tech, withdrawn["version"]))
    await http.post("/orders/validate", json={"ids": [first["id"]]}, headers=operator)
    ids = [second["id"], first["id"], withdrawn["id"], 999_999, second["id"]]
    result = (await http.post("/orders/validate", json={"ids": ids}, headers=operator)).json()
    assert [o["id"] for o in result["validated"]] == [second["id"]]
    refused = {r["id"]: r for r in result["refused"]}
    assert list(refused) == [first["id"], withdrawn["id"], 999_999]
    assert "was validated on" in refused[first["id"]]["reason"]
    assert refused[first["id"]]["number"] == first["number"]
    assert "was withdrawn on" in refused[withdrawn["id"]]["reason"]
    assert refused[999_999]["reason"] == "order 999999 not found"
    too_many = await http.post(
        "/orders/validate", json={"ids": list(range(1, 202))}, headers=operator
    )
    assert too_many.status_code == 422 and "ids" in too_many.json()["fields"]


async def test_two_validations_of_one_order_at_once_succeed_once(
    http: httpx.AsyncClient,
) -> None:
    tech = await token_for(http, "tech")
    operator = await token_for(http, "operator")
    other = await token_for(http, "operator")
    order = await _order(http, tech)
    answers = await asyncio.gather(
        http.post("/orders/validate", json={"ids": [order["id"]]}, headers=operator),
        http.post("/orders/validate", json={"ids": [order["id"]]}, headers=other),
    )
    assert [a.status_code for a in answers] == [200, 200]
    results = [a.json() for a in answers]
    assert sorted(len(r["validated"]) for r in results) == [0, 1]
    loser = next(r for r in results if not r["validated"])
    assert "was validated on" in loser["refused"][0]["reason"]
    read = (await http.get(f"/orders/{order['id']}", headers=tech)).json()
    assert read["status"] == "validated" and read["version"] == order["version"] + 1


async def test_search_filters(http: httpx.AsyncClient, database_url: str) -> None:
    tech = await token_for(http, "tech")
    await set_ticket_status(database_url, SEED_TICKET, "confirmed")
    line_id = (await add(http, tech, code="870650444"))["lines"][0]["id"]
    await http.put(
        f"/cart/lines/{line_id}",
        json={"quantity": 1, "ticket_id": SEED_TICKET, "note": "brûleur gauche"},
        headers=tech,
    )
    tied = (await place(http, tech)).json()
    plain = await _order(http, tech)

    async def ids(**params: Any) -> list[int]:
        answer = await http.get("/orders", params={"limit": 200, **params}, headers=tech)
        assert answer.status_code == 200, answer.text
        return [o["id"] for o in answer.json()["items"]]

    newest = await ids()
    assert newest[:2] == [plain["id"], tied["id"]]  # newest first
    for_ticket = await ids(ticket_id=SEED_TICKET)
    assert for_ticket[0] == tied["id"] and plain["id"] not in for_ticket
    assert tied["id"] in await ids(part="8706504") and plain["id"] not in await ids(part="8706504")
    assert plain["id"] in await ids(part="inox")
    assert await ids(note="GAUCHE brûleur") == [tied["id"]]
    assert await ids(number=plain["number"]) == [plain["id"]]
    assert set(await ids(number=plain["number"][:12])) >= {plain["id"], tied["id"]}
    operator = await token_for(http, "operator")
    await http.post("/orders/validate", json={"ids": [tied["id"]]}, headers=operator)
    awaiting = await ids(status="awaiting_validation")
    validated = await ids(status="validated")
    both = await ids(status=["awaiting_validation", "validated"])
    assert plain["id"] in awaiting and tied["id"] not in awaiting
    assert tied["id"] in validated and plain["id"] not in validated
    assert set(both) == set(awaiting) | set(validated)
    today = dt.datetime.now(dt.UTC).date()
    assert plain["id"] in await ids(created_from=today.isoformat(), created_to=today.isoformat())
    assert plain["id"] not in await ids(created_to=(today - dt.timedelta(days=1)).isoformat())
    page = (await http.get("/orders", params={"limit": 1, "offset": 1}, headers=tech)).json()
    assert [o["id"] for o in page["items"]] == [tied["id"]] and page["offset"] == 1
    assert page["next_cursor"] == "2" and page["total"] == len(newest)
    for params in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"status": "lost"}):
        answer = await http.get("/orders", params=params, headers=tech)
        assert answer.status_code == 422, params
    summary = (await http.get("/orders", params={"limit": 1}, headers=tech)).json()["items"][0]
    assert summary["line_count"] == 1 and summary["created_by"] == "Julien Marchal"


async def test_an_order_of_another_centre_is_not_found(http: httpx.AsyncClient) -> None:
    tech = await token_for(http, "tech")
    tech2 = await token_for(http, "tech2")
    order = await _order(http, tech)
    assert (await http.get(f"/orders/{order['id']}", headers=tech2)).status_code == 404
    found = await http.get("/orders", params={"number": order["number"]}, headers=tech2)
    assert found.json()["total"] == 0

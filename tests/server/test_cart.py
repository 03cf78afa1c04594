"""The cart through HTTP: amounts computed by the server (the seed's vectors), line edits
(quantity, ticket, note), the order note, emptying, the fingerprint, the addresses."""

from __future__ import annotations

from decimal import Decimal

import httpx

from server.db import models as db
from tests.server.order_helpers import (
    ADDRESS,
    SEED_TICKET,
    add,
    cart,
    count_rows,
    set_part,
    set_ticket_status,
)
from tests.server.test_tenancy_probe import fingerprint, token_for


async def test_the_seed_vector_at_a_centre_without_discount(http: httpx.AsyncClient) -> None:
    """249117 (0 % discount, 20 % VAT): 1 x INOX-SP is 9.45 net, 1.89 VAT, 11.34."""
    tech2 = await token_for(http, "tech2")
    added = await add(http, tech2)
    line = added["lines"][0]
    assert (line["price"], line["discount_rate"], line["net"]) == ("9.45", "0.00", "9.45")
    assert (line["vat"], line["total"]) == ("1.89", "11.34")
    assert line["availability"] == "in_stock" and line["lead_time_days"] >= 0
    shown = await cart(http, tech2)
    assert (shown["net"], shown["vat"], shown["total"]) == ("9.45", "1.89", "11.34")
    assert shown["vat_rate"] == "20.00" and shown["count"] == 1
    assert len(shown["fingerprint"]) == 64


async def test_the_centre_discount_applies_per_line_before_vat(http: httpx.AsyncClient) -> None:
    """249050 (5 % discount): 3 x 9.45 = 28.35, less 5 % = 26.9325 -> 26.93; VAT 20 % of
    26.93 = 5.386 -> 5.39; total 32.32. With 1 x 870650444 more, the VAT is computed once on
    the net total, not summed from the lines."""
    tech = await token_for(http, "tech")
    await add(http, tech, quantity=3)
    shown = await cart(http, tech)
    assert (shown["net"], shown["vat"], shown["total"]) == ("26.93", "5.39", "32.32")
    assert shown["lines"][0]["discount_rate"] == "5.00"
    await add(http, tech, code="870650444")
    shown = await cart(http, tech)
    nets = [Decimal(line["net"]) for line in shown["lines"]]
    assert Decimal(shown["net"]) == sum(nets)
    vat = (Decimal(shown["net"]) * Decimal("0.20")).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert Decimal(shown["vat"]) == vat
    assert Decimal(shown["total"]) == Decimal(shown["net"]) + vat


async def test_edit_a_line_tie_it_to_a_ticket_and_untie_it(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    line_id = (await add(http, tech))["lines"][0]["id"]
    before = await cart(http, tech)
    answer = await http.put(
        f"/cart/lines/{line_id}",
        json={"quantity": 2, "ticket_id": SEED_TICKET, "note": "pour le four"},
        headers=tech,
    )
    assert answer.status_code == 200, answer.text
    edited = answer.json()
    line = edited["lines"][0]
    assert (line["quantity"], line["ticket_id"], line["note"]) == (2, SEED_TICKET, "pour le four")
    assert line["net"] == "17.96" and edited["net"] == "17.96"  # 18.90 less 5 %
    assert edited["version"] > before["version"]
    assert edited["fingerprint"] != before["fingerprint"]
    untied = await http.put(f"/cart/lines/{line_id}", json={"quantity": 2}, headers=tech)
    assert untied.json()["lines"][0]["ticket_id"] is None
    assert untied.json()["lines"][0]["note"] == ""
    # a closed ticket, another centre's ticket, a missing one: 422 on ticket_id, saying why
    await set_ticket_status(database_url, SEED_TICKET, "closed")
    closed = await http.put(
        f"/cart/lines/{line_id}", json={"quantity": 1, "ticket_id": SEED_TICKET}, headers=tech
    )
    assert closed.status_code == 422
    assert "closed" in closed.json()["fields"]["ticket_id"]
    tech2 = await token_for(http, "tech2")
    line2 = (await add(http, tech2))["lines"][0]["id"]
    await set_ticket_status(database_url, SEED_TICKET, "confirmed")
    theirs = await http.put(
        f"/cart/lines/{line2}", json={"quantity": 1, "ticket_id": SEED_TICKET}, headers=tech2
    )
    missing = await http.put(
        f"/cart/lines/{line2}", json={"quantity": 1, "ticket_id": 999_999_999}, headers=tech2
    )
    assert theirs.status_code == missing.status_code == 422
    assert theirs.json()["fields"]["ticket_id"] == f"no ticket {SEED_TICKET} here"
    # nothing changed by the refusals
    assert (await cart(http, tech))["lines"][0]["quantity"] == 2


async def test_bad_edits_change_nothing(http: httpx.AsyncClient, database_url: str) -> None:
    tech = await token_for(http, "tech")
    line_id = (await add(http, tech))["lines"][0]["id"]
    before = await fingerprint(database_url)
    for body, field in (
        ({"quantity": 0}, "quantity"),
        ({"quantity": 10_000}, "quantity"),
        ({"quantity": 1, "note": "x" * 501}, "note"),
        ({"quantity": 1, "colour": "red"}, "colour"),
    ):
        answer = await http.put(f"/cart/lines/{line_id}", json=body, headers=tech)
        assert answer.status_code == 422 and field in answer.json()["fields"], answer.text
    long_note = await http.put("/cart/note", json={"note": "x" * 2001}, headers=tech)
    assert long_note.status_code == 422 and "note" in long_note.json()["fields"]
    assert await fingerprint(database_url) == before
    # another user's line reads like a missing one
    manager = await token_for(http, "manager")
    other = await http.put(f"/cart/lines/{line_id}", json={"quantity": 3}, headers=manager)
    assert other.status_code == 404


async def test_order_note_empty_cart_and_it_survives_logout(http: httpx.AsyncClient) -> None:
    tech = await token_for(http, "tech")
    await add(http, tech)
    await add(http, tech, code="870650444")
    noted = await http.put("/cart/note", json={"note": "Réassort"}, headers=tech)
    assert noted.status_code == 200 and noted.json()["note"] == "Réassort"
    await http.post("/auth/logout", headers=tech)
    again = await token_for(http, "tech")
    kept = await cart(http, again)
    assert kept["count"] == 2 and kept["note"] == "Réassort"
    emptied = await http.delete("/cart", headers=again)
    assert emptied.status_code == 200 and emptied.json() == {"count": 0}
    after = await cart(http, again)
    assert after["count"] == 0 and after["note"] == "" and after["net"] == "0.00"
    assert (await http.get("/cart/count", headers=again)).json() == {"count": 0}


async def test_the_fingerprint_follows_prices_and_availability_not_notes(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech = await token_for(http, "tech")
    await add(http, tech)
    first = (await cart(http, tech))["fingerprint"]
    await http.put("/cart/note", json={"note": "a note is not a figure"}, headers=tech)
    assert (await cart(http, tech))["fingerprint"] == first
    await set_part(database_url, "INOX-SP", price_cents=1000)
    repriced = await cart(http, tech)
    assert repriced["fingerprint"] != first and repriced["lines"][0]["price"] == "10.00"
    await set_part(database_url, "INOX-SP", availability="on_order")
    assert (await cart(http, tech))["fingerprint"] != repriced["fingerprint"]


async def test_snapshots_are_kept_once_per_fingerprint_and_bounded(
    http: httpx.AsyncClient, database_url: str
) -> None:
    from server.services.cart import KEEP_SNAPSHOTS

    tech = await token_for(http, "tech")
    line_id = (await add(http, tech))["lines"][0]["id"]
    await cart(http, tech)
    await cart(http, tech)
    assert await count_rows(database_url, db.CartSnapshot) == 1
    for quantity in range(2, KEEP_SNAPSHOTS + 6):
        await http.put(f"/cart/lines/{line_id}", json={"quantity": quantity}, headers=tech)
    assert await count_rows(database_url, db.CartSnapshot) == KEEP_SNAPSHOTS


async def test_addresses_default_missing_fields_and_saving(http: httpx.AsyncClient) -> None:
    tech2 = await token_for(http, "tech2")
    book = (await http.get("/addresses", headers=tech2)).json()
    assert book["missing"] == ["vat_id"]  # the seed: "Manque identifiant TVA"
    assert book["saved"][0]["vat_id"]
    saved = await http.post("/addresses", json={**ADDRESS, "label": "Atelier"}, headers=tech2)
    assert saved.status_code == 201, saved.text
    assert saved.json()["label"] == "Atelier" and saved.json()["city"] == "Molsheim"
    again = await http.post(
        "/addresses", json={**ADDRESS, "city": "Obernai", "label": "atelier"}, headers=tech2
    )
    assert again.json()["id"] == saved.json()["id"]  # the same label replaces it
    labels = [a["label"] for a in (await http.get("/addresses", headers=tech2)).json()["saved"]]
    assert labels == ["atelier", "Siège (avec n° TVA)"]
    blank = await http.post(
        "/addresses", json={**ADDRESS, "vat_id": "  ", "label": "x"}, headers=tech2
    )
    assert blank.status_code == 422 and "vat_id" in blank.json()["fields"]
    tech = await token_for(http, "tech")
    strasbourg = (await http.get("/addresses", headers=tech)).json()
    assert strasbourg["missing"] == []
    assert "atelier" not in [a["label"] for a in strasbourg["saved"]]

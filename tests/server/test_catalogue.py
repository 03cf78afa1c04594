"""The catalogue and cart-line endpoints, through SavClient, against the real app and database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from client.api import ForbiddenError, NotFoundError, ValidationFailed
from client.models import AddToCart, Applicability, Availability, ResolutionStatus
from server import i18n
from server.db import models as db
from tests.server.test_tenancy_probe import fingerprint

AP64_SERIAL_IN = "251901206010000123"  # series 25190, produced 2012-06-01
AP64_SERIAL_OUT = "251900912310000123"  # produced 2009-12-31


async def model_id(client, code: str, si: str = "SI00") -> int:
    page = await client.models(code)
    return next(m.id for m in page.items if m.code == code and m.service_index == si)


async def test_model_search_finds_codes_containing_the_text_prefix_first(signed_in) -> None:
    tech = await signed_in("tech")
    page = await tech.models("p64")
    codes = [m.code for m in page.items]
    assert codes[0] == "P64"  # a prefix match comes first
    for code in ("AP64-3", "AP641", "AP641B", "AP642", "AP6453", "GVIP640", "LSAP6448X"):
        assert code in codes
    assert page.total == len(codes)
    assert [m.code for m in (await tech.models("induction")).items] == ["SI5641D"]
    fridges = await tech.models(category="fridges")
    assert {m.code for m in fridges.items} == {"FAB28ABL1", "FAB28ARD1", "FAB32RCR3"}
    assert "fridges" in {c.code for c in await tech.categories()}
    assert (await tech.models("zzz-none")).total == 0


FRIDGES = (("fr", "Réfrigérateurs"), ("it", "Frigoriferi"))


def test_a_category_is_named_in_each_language() -> None:
    row = db.CatalogueCategory(
        code="fridges", name_en="Fridges", name_fr="Réfrigérateurs", name_it="Frigoriferi"
    )
    assert [row.name(lang) for lang in ("en", "fr", "it", "de")] == [
        "Fridges", "Réfrigérateurs", "Frigoriferi", "Fridges"
    ]  # fmt: skip


async def test_categories_have_codes_and_names_in_the_readers_language(signed_in) -> None:
    tech = await signed_in("tech")
    english = {c.code: c.name for c in await tech.categories()}
    assert english["fridges"] == "Fridges" and english["washing_machines"] == "Washing machines"
    # Italian once the server has its catalogue (it answers in a language it speaks)
    answered = [(lang, name) for lang, name in FRIDGES if lang in i18n.LANGUAGES]
    for lang, fridge in answered:
        tech.language = lang
        names = {c.code: c.name for c in await tech.categories()}
        assert names["fridges"] == fridge
        page = await tech.models(category="fridges")
        assert {(m.category, m.category_name) for m in page.items} == {("fridges", fridge)}
        # a category by its name in any language, any case, or a word of it in a search
        by_name = await tech.models(category=fridge.upper())
        assert {m.code for m in by_name.items} == {m.code for m in page.items}
        assert {m.code for m in (await tech.models(category="Fridges")).items} == {
            m.code for m in page.items
        }
    tech.language = "fr"
    found = await tech.models("lave-linge")
    assert found.total and {m.category for m in found.items} == {"washing_machines"}
    accents_aside = await tech.models(category="refrigerateurs")
    assert {m.category for m in accents_aside.items} == {"fridges"}
    assert (await tech.models("LAVE LINGE")).total == found.total
    assert (await tech.models(category="nothing-like-this")).total == 0


async def test_model_search_pages_with_a_cursor(signed_in) -> None:
    tech = await signed_in("tech")
    first = await tech.models(limit=10)
    second = await tech.models(limit=10, cursor=first.next_cursor)
    assert first.total == 31 and len(first.items) == 10 and first.next_cursor
    assert not {m.id for m in first.items} & {m.id for m in second.items}


async def test_an_appliances_model_is_found_exactly_by_code_and_service_index(signed_in) -> None:
    tech = await signed_in("tech")
    page = await tech.models(code="p64 ", service_index="si00")
    assert [(m.code, m.service_index) for m in page.items] == [("P64", "SI00")]
    every_index = await tech.models(code="P64")
    assert {m.code for m in every_index.items} == {"P64"} and every_index.total >= 1
    assert (await tech.models(code="P6")).total == 0  # not a prefix
    assert (await tech.models(code="P64", service_index="SI99")).total == 0


async def test_parts_search_by_code_prefix_and_description(signed_in) -> None:
    tech = await signed_in("tech")
    by_code = await tech.parts("81093")
    assert [p.code for p in by_code.items][:5] == [
        "810930077",
        "810930088",
        "810930094",
        "810930101",
        "810930115",
    ]
    assert by_code.items[0].replaced and not by_code.items[4].replaced
    by_text = await tech.parts("splend")
    assert [p.code for p in by_text.items] == ["INOX-SP"]


async def test_the_seed_ap64_lines_appear_as_the_seed_shows_them(signed_in) -> None:
    tech = await signed_in("tech")
    view = await tech.model_view(await model_id(tech, "AP64-3"))
    assert view.model.code == "AP64-3" and view.model.service_index == "SI00"
    by_ref: dict[str, list] = {}
    for line in view.lines:
        by_ref.setdefault(line.ref_num, []).append(line)
    assert [(x.part.code, x.valid_to) for x in by_ref["43183"]] == [
        ("870650222", dt.date(2013, 11, 30)),
        ("870650444", None),
    ]
    assert by_ref["43183"][0].part.description == "BRÛLEUR AUX. MONOPIÈCE SRV596X1"
    assert by_ref["43183"][1].part.description == "BRULEUR AUXILIAIRE"
    spark = by_ref["41602"][0]
    assert spark.part.code == "810930077" and spark.part.replaced
    assert spark.part.description == "BOUGIE D'ALLUMAGE MM.260 A2"
    assert [x.quantity for x in by_ref["43185"]] == [2, 2]
    assert by_ref["43185"][0].conditional_replacement  # the gear icon: depends on the serial
    # unknown appliance: a dated line cannot be said to apply
    assert by_ref["43183"][0].applies is Applicability.UNKNOWN
    assert by_ref["43183"][1].applies is Applicability.YES


async def test_the_view_marks_lines_for_the_appliance_production_date(signed_in) -> None:
    tech = await signed_in("tech")
    mid = await model_id(tech, "AP64-3")
    old = await tech.model_view(mid, production_date=dt.date(2012, 6, 1))
    new = await tech.model_view(mid, production_date=dt.date(2014, 6, 1))
    line = next(x for x in old.lines if x.part.code == "870650222")
    assert line.applies is Applicability.YES
    line = next(x for x in new.lines if x.part.code == "870650222")
    assert line.applies is Applicability.NO and "outside" in line.why


async def test_the_view_marks_serial_variants(signed_in) -> None:
    tech = await signed_in("tech")
    mid = await model_id(tech, "SF6381X")
    view = await tech.model_view(mid, serial="638101805010000001")
    lines = {x.part.code: x.applies for x in view.lines if x.ref_num == "52210"}
    assert lines == {"695210250": Applicability.NO, "695210398": Applicability.YES}


async def test_resolution_of_the_seed_chain_and_burners(signed_in) -> None:
    tech = await signed_in("tech")
    chain = await tech.resolve("810930077")
    assert chain.status is ResolutionStatus.ORDERABLE
    assert [(i.part.code, i.quantity) for i in chain.order] == [("810930115", 1)]
    assert [s.to_code for s in chain.steps] == ["810930088", "810930094", "810930101", "810930115"]
    assert chain.replaced
    burner = await tech.resolve("870650222")
    assert [i.part.code for i in burner.order] == ["870650444"]
    assert burner.steps[0].valid_from == dt.date(2013, 12, 1)


async def test_resolution_with_serial_effectivity(signed_in) -> None:
    tech = await signed_in("tech")
    mid = await model_id(tech, "AP64-3")
    depends = await tech.resolve("870650223")
    assert depends.status is ResolutionStatus.DEPENDS
    assert [[i.part.code for i in c.order] for c in depends.choices] == [
        ["870650447"],
        ["870650223"],
    ]
    inside = await tech.resolve("870650223", model_id=mid, serial=AP64_SERIAL_IN)
    outside = await tech.resolve("870650223", model_id=mid, serial=AP64_SERIAL_OUT)
    assert [i.part.code for i in inside.order] == ["870650447"]
    assert [i.part.code for i in outside.order] == ["870650223"] and not outside.replaced


async def test_resolution_with_production_date_effectivity(signed_in) -> None:
    tech = await signed_in("tech")
    fab = await model_id(tech, "FAB28ABL1")
    produced_2016 = await tech.resolve(
        "764130901", model_id=fab, production_date=dt.date(2016, 3, 1)
    )
    produced_2014 = await tech.resolve(
        "764130901", model_id=fab, production_date=dt.date(2014, 3, 1)
    )
    assert [i.part.code for i in produced_2016.order] == ["764130935"]
    assert [i.part.code for i in produced_2014.order] == ["764130901"]


async def test_resolution_of_kits_obsolete_ends_and_alternates(signed_in) -> None:
    tech = await signed_in("tech")
    kit = await tech.resolve("870650330")
    assert [(i.part.code, i.quantity) for i in kit.order] == [
        ("870650331", 1),
        ("870650332", 1),
        ("764130440", 2),
    ]
    hinges = [await tech.resolve(c) for c in ("690070150", "690070151")]
    assert [[i.part.code for i in h.order] for h in hinges] == [["696090012"], ["696090012"]]
    for code in ("818730099", "880350100"):
        none = await tech.resolve(code)
        assert none.status is ResolutionStatus.NONE and none.reason_code == "obsolete"
    knob = await tech.resolve("694972530")  # on order: orderable, nothing forced
    assert [i.part.code for i in knob.order] == ["694972530"]
    assert knob.order[0].part.availability is Availability.ON_ORDER


async def test_tree_shows_predecessors_successors_and_what_to_order(signed_in) -> None:
    tech = await signed_in("tech")
    tree = await tech.part_tree("810930094")
    assert [n.part.code for n in tree.predecessors] == ["810930088"]
    assert [n.part.code for n in tree.predecessors[0].children] == ["810930077"]
    nxt = tree.successors[0]
    assert nxt.part.code == "810930101" and not nxt.to_order
    assert nxt.children[0].part.code == "810930115" and nxt.children[0].to_order
    assert nxt.relation.reason == "Évolution technique de la bougie"
    assert tree.replaced
    alternates = await tech.part_tree("694972530")
    assert [n.part.code for n in alternates.interchangeable] == ["694972531"]


async def test_part_detail_has_the_centre_net_price(signed_in) -> None:
    tech = await signed_in("tech")
    detail = await tech.part("INOX-SP")
    assert detail.part.price == Decimal("9.45") and detail.discount_rate == Decimal("5")
    assert detail.net_price == Decimal("8.98")  # 9.45 less 5 %, half-up to the cent
    assert detail.where_used == 0 and detail.relations == []
    operator = await signed_in("operator")
    assert (await operator.part("INOX-SP")).net_price == Decimal("9.45")
    spark = await tech.part("810930077")
    assert spark.part.replaced and spark.relations[0].to_code == "810930088"
    with pytest.raises(NotFoundError):
        await tech.part("NO-SUCH-PART")


async def test_where_used_lists_every_model_using_a_part(signed_in) -> None:
    tech = await signed_in("tech")
    used = await tech.where_used("870650444")
    names = {(u.model.code, u.ref_num) for u in used.items}
    assert {("AP64-3", "43183"), ("AP641", "43183"), ("AP641B", "43183")} <= names
    assert (await tech.part("870650444")).where_used == used.total


async def test_a_bad_query_is_refused_with_the_field_named(http) -> None:
    token = (await http.post("/auth/login", json={"username": "tech", "password": "demo"})).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    answer = await http.get(
        "/catalogue/parts/870650223/resolution?production_date=2016-13-45", headers=headers
    )
    assert answer.status_code == 422 and "production_date" in answer.json()["fields"]
    answer = await http.get("/catalogue/models?limit=100000", headers=headers)
    assert answer.status_code == 422 and "limit" in answer.json()["fields"]


# --------------------------------------------------------------------------- cart lines


async def test_adding_a_superseded_part_orders_its_replacement_and_keeps_both(
    signed_in,
) -> None:
    tech = await signed_in("tech")
    added = await tech.add_to_cart(AddToCart(requested_code="870650222", quantity=2))
    assert [(x.requested_code, x.ordered_code, x.quantity) for x in added.lines] == [
        ("870650222", "870650444", 2)
    ]
    assert added.count == 1 == await tech.cart_count()
    again = await tech.add_to_cart(AddToCart(requested_code="870650222"))
    assert again.lines[0].quantity == 3 and again.count == 1  # same line, more of it


async def test_ordering_the_replaced_part_itself_is_refused_and_changes_nothing(
    signed_in, database_url
) -> None:
    tech = await signed_in("tech")
    before = await fingerprint(database_url)
    with pytest.raises(ValidationFailed) as refused:
        await tech.add_to_cart(AddToCart(requested_code="870650222", ordered_code="870650222"))
    assert "ordered_code" in refused.value.fields
    assert "870650444" in refused.value.fields["ordered_code"]
    with pytest.raises(ValidationFailed) as obsolete:
        await tech.add_to_cart(AddToCart(requested_code="818730099"))
    assert "obsolete" in obsolete.value.fields["requested_code"]
    with pytest.raises(ValidationFailed) as unknown:
        await tech.add_to_cart(AddToCart(requested_code="NOPE"))
    assert "requested_code" in unknown.value.fields
    with pytest.raises(ValidationFailed) as depends:
        await tech.add_to_cart(AddToCart(requested_code="870650223"))
    assert "870650447" in depends.value.fields["ordered_code"]
    assert await fingerprint(database_url) == before
    assert await tech.cart_count() == 0


async def test_quantity_and_unknown_fields_are_checked(http) -> None:
    token = (await http.post("/auth/login", json={"username": "tech", "password": "demo"})).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    for body, field in (
        ({"requested_code": "INOX-SP", "quantity": 0}, "quantity"),
        ({"requested_code": "INOX-SP", "quantity": 1000}, "quantity"),
        ({"requested_code": "INOX-SP", "qty": 1}, "qty"),
        ({"requested_code": ""}, "requested_code"),
    ):
        answer = await http.post("/cart/lines", json=body, headers=headers)
        assert answer.status_code == 422 and field in answer.json()["fields"], body


async def test_a_depending_part_is_added_once_the_technician_chooses(signed_in) -> None:
    tech = await signed_in("tech")
    added = await tech.add_to_cart(AddToCart(requested_code="870650223", ordered_code="870650447"))
    assert added.lines[0].ordered_code == "870650447"
    assert added.resolution.status is ResolutionStatus.DEPENDS


async def test_a_kit_adds_every_member_with_quantities(signed_in) -> None:
    tech = await signed_in("tech")
    added = await tech.add_to_cart(AddToCart(requested_code="870650330", quantity=2))
    assert [(x.ordered_code, x.quantity) for x in added.lines] == [
        ("870650331", 2),
        ("870650332", 2),
        ("764130440", 4),
    ]
    assert {x.requested_code for x in added.lines} == {"870650330"}


async def test_cart_line_prices_use_the_centre_discount_and_vat(signed_in) -> None:
    tech = await signed_in("tech")
    added = await tech.add_to_cart(AddToCart(requested_code="INOX-SP"))
    line = added.lines[0]
    assert (line.price, line.net, line.vat, line.total) == (
        Decimal("9.45"),
        Decimal("8.98"),
        Decimal("1.80"),
        Decimal("10.78"),
    )
    cart = await tech.cart()
    assert cart.count == 1 and cart.net == Decimal("8.98")


async def test_a_line_tied_to_a_ticket_uses_its_appliance(signed_in) -> None:
    tech = await signed_in("tech")
    added = await tech.add_to_cart(AddToCart(requested_code="810930077", ticket_id=116496))
    assert added.lines[0].ticket_id == 116496 and added.lines[0].ordered_code == "810930115"
    tech2 = await signed_in("tech2")
    with pytest.raises(ValidationFailed) as refused:
        await tech2.add_to_cart(AddToCart(requested_code="810930077", ticket_id=116496))
    assert "ticket_id" in refused.value.fields
    assert await tech2.cart_count() == 0


async def test_lines_are_the_users_own_and_operators_have_no_cart(signed_in) -> None:
    tech = await signed_in("tech")
    manager = await signed_in("manager")
    added = await tech.add_to_cart(AddToCart(requested_code="INOX-SP"))
    assert await manager.cart_count() == 0
    with pytest.raises(NotFoundError):
        await manager.remove_cart_line(added.lines[0].id)
    assert await tech.remove_cart_line(added.lines[0].id) == 0
    operator = await signed_in("operator")
    with pytest.raises(ForbiddenError):
        await operator.add_to_cart(AddToCart(requested_code="INOX-SP"))

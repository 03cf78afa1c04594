"""Ticket search: each filter and sort agrees with a plain filter over every ticket.

The oracle is the unfiltered result, read page by page through the same endpoint, then
filtered and sorted in Python: a filter that drops or adds a ticket, a sort that misplaces
one, or a page that skips one shows up as a difference.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Callable
from typing import Any

import httpx
import pytest

SummaryFilter = Callable[[dict[str, Any]], bool]


async def token(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await http.post("/auth/login", json={"username": username, "password": "demo"})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def everything(
    http: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> tuple[list[dict[str, Any]], int]:
    """Every item of a search, page by page; and the total the first page announced."""
    items: list[dict[str, Any]] = []
    offset, total = 0, None
    while True:
        answer = await http.get(
            "/tickets", params={**params, "limit": 200, "offset": offset}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert page["offset"] == offset
        total = page["total"] if total is None else total
        assert page["total"] == total
        items.extend(page["items"])
        if page["next_cursor"] is None:
            break
        offset = int(page["next_cursor"])
    assert len(items) == total
    return items, total


@pytest.fixture
async def operator(http: httpx.AsyncClient) -> dict[str, str]:
    return await token(http, "operator")


@pytest.fixture
async def all_tickets(http: httpx.AsyncClient, operator: dict[str, str]) -> list[dict[str, Any]]:
    items, _ = await everything(http, operator)
    return items


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


FILTERS: list[tuple[dict[str, Any], SummaryFilter]] = [
    ({"status": ["to_contact"]}, lambda t: t["status"] == "to_contact"),
    (
        {"status": ["confirmed", "waiting_parts"]},
        lambda t: t["status"] in ("confirmed", "waiting_parts"),
    ),
    ({"postal_code": "67"}, lambda t: t["postal_code"].startswith("67")),
    ({"city": "mol"}, lambda t: t["city"].lower().startswith("mol")),
    ({"model": "ap64"}, lambda t: t["model_code"].startswith("AP64")),
    ({"overdue": "true"}, lambda t: t["overdue"]),
    ({"waiting_parts": "true"}, lambda t: t["waiting_parts"]),
    ({"waiting_parts": "false"}, lambda t: not t["waiting_parts"]),
    (
        {"engineer": "marchal"},
        lambda t: t["engineer"] is not None and "marchal" in t["engineer"].lower(),
    ),
    (
        {"status": ["to_contact"], "postal_code": "6"},
        lambda t: t["status"] == "to_contact" and t["postal_code"].startswith("6"),
    ),
]


@pytest.mark.parametrize(("params", "keep"), FILTERS, ids=[str(params) for params, _ in FILTERS])
async def test_each_filter_keeps_exactly_the_matching_tickets(
    http: httpx.AsyncClient,
    operator: dict[str, str],
    all_tickets: list[dict[str, Any]],
    params: dict[str, Any],
    keep: SummaryFilter,
) -> None:
    expected = [t["id"] for t in all_tickets if keep(t)]
    assert expected, f"the demo data has no ticket for {params}: the test would prove nothing"
    assert len(expected) < len(all_tickets)
    found, total = await everything(http, operator, **params)
    assert ids(found) == expected
    assert total == len(expected)


async def test_date_range_is_inclusive_of_both_days(
    http: httpx.AsyncClient, operator: dict[str, str], all_tickets: list[dict[str, Any]]
) -> None:
    days = sorted({dt.datetime.fromisoformat(t["created_at"]).date() for t in all_tickets})
    first, last = days[len(days) // 3], days[len(days) // 2]
    expected = [
        t["id"]
        for t in all_tickets
        if first <= dt.datetime.fromisoformat(t["created_at"]).date() <= last
    ]
    found, _ = await everything(
        http, operator, created_from=first.isoformat(), created_to=last.isoformat()
    )
    assert ids(found) == expected and expected


async def test_free_text_finds_name_id_and_ignores_accents_and_case(
    http: httpx.AsyncClient, operator: dict[str, str], all_tickets: list[dict[str, Any]]
) -> None:
    found, _ = await everything(http, operator, q="REGGI")
    assert 116496 in ids(found) and 116497 in ids(found)
    assert all("Reggiani" in t["customer_name"] for t in found)

    found, _ = await everything(http, operator, q="11649")  # a prefix of the ticket number
    assert {116496, 116497} <= set(ids(found))
    assert all(
        str(t["id"]).startswith("11649")
        or str(t["group_id"]).startswith("11649")
        or "Reggiani" in t["customer_name"]
        for t in found
    )

    accented = next(t for t in all_tickets if "é" in t["customer_name"])
    word = next(w for w in accented["customer_name"].split() if "é" in w)
    bare = word.replace("é", "e").lower()
    found, _ = await everything(http, operator, q=bare)
    assert accented["id"] in ids(found)

    # every word must match: the group number finds both tickets of the group, the second
    # ticket's own number only that one
    found, _ = await everything(http, operator, q="reggiani emidio 116496")
    assert ids(found) == [116497, 116496]
    found, total = await everything(http, operator, q="reggiani 116497")
    assert ids(found) == [116497] and total == 1

    _, total = await everything(http, operator, q="zzzznotaname")
    assert total == 0


async def test_free_text_finds_a_serial_number(
    http: httpx.AsyncClient, operator: dict[str, str], app: Any
) -> None:
    from sqlalchemy import select

    from server.db import models as db

    async with app.state.sessions() as session:
        ticket_id, serial = (
            await session.execute(
                select(db.Ticket.id, db.Appliance.serial_number)
                .join(db.Appliance, db.Appliance.id == db.Ticket.appliance_id)
                .where(db.Appliance.serial_number != "")
                .order_by(db.Ticket.id)
                .limit(1)
            )
        ).one()
    found, _ = await everything(http, operator, q=serial)
    assert ticket_id in ids(found)


SORT_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "created_at": lambda t: dt.datetime.fromisoformat(t["created_at"]),
    "id": lambda t: t["id"],
    "city": lambda t: t["city"].lower(),  # the city as the search matches it
    "postal_code": lambda t: t["postal_code"],
    "model": lambda t: t["model_code"],
}


@pytest.mark.parametrize("sort", sorted(SORT_KEYS))
@pytest.mark.parametrize("desc", [False, True])
async def test_sort_orders_by_the_column_then_by_id(
    http: httpx.AsyncClient,
    operator: dict[str, str],
    all_tickets: list[dict[str, Any]],
    sort: str,
    desc: bool,
) -> None:
    key = SORT_KEYS[sort]
    expected = sorted(all_tickets, key=lambda t: (key(t), t["id"]), reverse=desc)
    found, _ = await everything(http, operator, sort=sort, desc=str(desc).lower())
    assert ids(found) == ids(expected)


async def test_sort_by_status_follows_the_status_machine(
    http: httpx.AsyncClient, operator: dict[str, str]
) -> None:
    from client.models import TicketStatus

    order = [s.value for s in TicketStatus]
    found, _ = await everything(http, operator, sort="status", desc="false")
    positions = [order.index(t["status"]) for t in found]
    assert positions == sorted(positions)
    assert len(set(positions)) > 3


async def test_a_technician_finds_only_their_centres_tickets(
    http: httpx.AsyncClient, all_tickets: list[dict[str, Any]]
) -> None:
    for username, centre in (("tech", "249050"), ("tech2", "249117")):
        found, _ = await everything(http, await token(http, username))
        assert ids(found) == [t["id"] for t in all_tickets if t["service_centre_code"] == centre]
    found, total = await everything(http, await token(http, "tech2"), q="reggiani")
    assert total == 0 and found == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 500}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"status": "nonsense"}, "status"),
        ({"sort": "colour"}, "sort"),
        ({"created_from": "yesterday"}, "created_from"),
        ({"q": "x" * 201}, "q"),
    ],
)
async def test_bad_parameters_are_refused_naming_the_field(
    http: httpx.AsyncClient, operator: dict[str, str], params: dict[str, Any], field: str
) -> None:
    answer = await http.get("/tickets", params=params, headers=operator)
    assert answer.status_code == 422
    assert field in answer.json()["fields"]


async def test_an_offset_past_the_end_gives_an_empty_page_and_the_total(
    http: httpx.AsyncClient, operator: dict[str, str], all_tickets: list[dict[str, Any]]
) -> None:
    answer = await http.get("/tickets", params={"offset": 10**6}, headers=operator)
    page = answer.json()
    assert page["items"] == [] and page["total"] == len(all_tickets)
    assert page["next_cursor"] is None


async def test_a_large_result_is_counted_up_to_the_limit_then_says_more(
    app: Any, http: httpx.AsyncClient, operator: dict[str, str], all_tickets: list[dict[str, Any]]
) -> None:
    """Past ``search_count_limit`` matches the count stops: the total is a lower bound
    (``total_exact`` false) and the pages still reach every ticket, the count reaching a row
    past each page until the end, where it is exact again."""
    app.state.settings.search_count_limit = 50
    assert len(all_tickets) > 100
    first = (await http.get("/tickets", params={"limit": 10}, headers=operator)).json()
    assert (first["total"], first["total_exact"], first["next_cursor"]) == (50, False, "10")
    assert ids(first["items"]) == ids(all_tickets[:10])

    items: list[dict[str, Any]] = []
    offset, pages = 0, []
    while True:
        page = (
            await http.get("/tickets", params={"limit": 40, "offset": offset}, headers=operator)
        ).json()
        items.extend(page["items"])
        pages.append((page["total"], page["total_exact"]))
        if page["next_cursor"] is None:
            break
        assert page["total"] > offset + len(page["items"]) or not page["total_exact"]
        offset = int(page["next_cursor"])
    assert ids(items) == ids(all_tickets)
    assert pages[:3] == [(50, False), (81, False), (121, False)]  # then a row past the page
    assert pages[-1] == (len(all_tickets), True)
    assert [total for total, _ in pages] == sorted(total for total, _ in pages)

    # under the limit the count is exact, with a filter as without
    app.state.settings.search_count_limit = 10_000
    small = (await http.get("/tickets", params={"q": "reggiani"}, headers=operator)).json()
    assert small["total_exact"] is True and small["total"] == len(small["items"]) > 0
    app.state.settings.search_count_limit = 3
    capped = (
        await http.get("/tickets", params={"status": "to_contact", "limit": 1}, headers=operator)
    ).json()
    to_contact = [t for t in all_tickets if t["status"] == "to_contact"]
    assert len(to_contact) > 3
    assert (capped["total"], capped["total_exact"]) == (3, False)
    assert ids(capped["items"]) == ids(to_contact[:1])


async def test_pages_read_along_an_index_are_the_pages_of_the_sorted_result(
    http: httpx.AsyncClient, operator: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large result's first pages are found by walking an index (the sort column's, or
    group after group for status, centre, engineer and appointment): with the threshold
    lowered so that the demo's few hundred tickets take that way, every sort both ways, alone
    and under filters, gives the same pages as the plain sorted query."""
    from server.services import ticket_query

    cases: list[dict[str, Any]] = [
        {"sort": sort, "desc": desc}
        for sort in (
            "created_at",
            "id",
            "customer",
            "city",
            "postal_code",
            "model",
            "status",
            "service_centre",
            "engineer",
            "appointment",
        )
        for desc in ("false", "true")
    ]
    cases += [
        {"postal_code": "6", "sort": "created_at"},
        {"status": "to_contact"},
        {"status": "to_contact", "sort": "id", "desc": "false"},
        {"city": "s", "sort": "created_at", "desc": "false"},
        {"status": ["confirmed", "closed", "to_contact"], "sort": "customer", "desc": "false"},
        {"q": "1", "sort": "id"},
        {"postal_code": "6", "sort": "status"},
        {"postal_code": "6", "sort": "engineer", "desc": "true"},
    ]
    for params in cases:
        monkeypatch.setattr(ticket_query, "DENSE", 10**9)
        expected, total = await everything(http, operator, **params)
        assert total > 20, params  # more than a page
        monkeypatch.setattr(ticket_query, "DENSE", 1)
        monkeypatch.setattr(ticket_query, "DENSE_FACTOR", 0)
        found: list[dict[str, Any]] = []
        for offset in range(0, min(total, 120), 20):
            page = (
                await http.get(
                    "/tickets", params={**params, "limit": 20, "offset": offset}, headers=operator
                )
            ).json()
            assert page["total"] == total
            found += page["items"]
        assert ids(found) == ids(expected)[: len(found)], params


async def test_search_needs_a_session(http: httpx.AsyncClient) -> None:
    assert (await http.get("/tickets")).status_code == 401
    assert (await http.get("/tickets.csv")).status_code == 401


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "reggiani"}, {"status": ["to_contact", "unreachable"], "sort": "customer"}],
    ids=str,
)
async def test_csv_export_is_the_search_result(
    http: httpx.AsyncClient, operator: dict[str, str], params: dict[str, Any]
) -> None:
    found, _ = await everything(http, operator, **params)
    answer = await http.get(
        "/tickets.csv", params={**params, "format": "machine"}, headers=operator
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [int(r["ticket"]) for r in rows] == ids(found)
    for row, item in zip(rows, found, strict=True):
        assert row["status"] == item["status"]
        assert row["customer"] == item["customer_name"]
        assert row["city"] == item["city"]
        assert row["model"] == item["model_code"]


async def test_csv_export_is_scoped_to_the_centre(
    http: httpx.AsyncClient, all_tickets: list[dict[str, Any]]
) -> None:
    answer = await http.get(
        "/tickets.csv", params={"format": "machine"}, headers=await token(http, "tech2")
    )
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert {r["service_centre"] for r in rows} == {"249117"}
    assert len(rows) == sum(1 for t in all_tickets if t["service_centre_code"] == "249117")


# --------------------------------------------------------------------------- CSV for people


BOM = b"\xef\xbb\xbf"


async def test_a_french_export_opens_in_columns_in_a_french_spreadsheet(
    http: httpx.AsyncClient, operator: dict[str, str]
) -> None:
    params = {"status": ["to_contact", "confirmed"], "sort": "id", "desc": "false"}
    found, _ = await everything(http, operator, **params)
    answer = await http.get(
        "/tickets.csv",
        params=params,
        headers={**operator, "Accept-Language": "fr-FR,fr;q=0.9", "Time-Zone": "Europe/Paris"},
    )
    assert answer.status_code == 200, answer.text
    data = answer.content
    assert data.startswith(BOM)  # Excel reads it as UTF-8
    text = data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096])
    assert dialect.delimiter == ";"
    rows = list(csv.reader(io.StringIO(text), dialect))
    assert rows[0] == [
        "Ticket",
        "Groupe",
        "Créé le",
        "Statut",
        "En retard",
        "Client",
        "Code postal",
        "Ville",
        "Modèle",
        "Centre technique",
        "Technicien",
        "Opérateur",
        "Rendez-vous",
        "En attente de pièces",
    ]
    assert [int(r[0]) for r in rows[1:]] == ids(found)
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    for row, item in zip(rows[1:], found, strict=True):
        created = dt.datetime.fromisoformat(item["created_at"]).astimezone(paris)
        assert row[2] == created.strftime("%d/%m/%Y %H:%M")
        assert (
            row[3] == {"to_contact": "Client à contacter", "confirmed": "Confirmé"}[item["status"]]
        )
        assert row[4] == ("oui" if item["overdue"] else "non")
        assert row[5] == item["customer_name"]


async def test_an_italian_export_opens_in_columns_with_italian_words(
    http: httpx.AsyncClient, operator: dict[str, str]
) -> None:
    answer = await http.get(
        "/tickets.csv",
        params={"status": ["to_contact", "confirmed"]},
        headers={**operator, "Accept-Language": "it-IT,it;q=0.9", "Time-Zone": "Europe/Rome"},
    )
    assert answer.status_code == 200, answer.text
    data = answer.content
    assert data.startswith(BOM)
    text = data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096])
    assert dialect.delimiter == ";"
    rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    assert list(rows[0])[:4] == ["Intervento", "Gruppo", "Creato il", "Stato"]
    assert "Centro assistenza" in rows[0] and "In attesa ricambi" in rows[0]
    assert {r["Stato"] for r in rows} == {"Da contattare", "Confermato"}
    assert all(r["In ritardo"] in ("sì", "no") for r in rows)
    moment = dt.datetime.strptime(rows[0]["Creato il"], "%d/%m/%Y %H:%M")
    assert moment.year > 2000


async def test_an_english_export_is_comma_separated_with_english_words(
    http: httpx.AsyncClient, operator: dict[str, str]
) -> None:
    answer = await http.get(
        "/tickets.csv", params={"status": "to_contact"}, headers={**operator, "Time-Zone": "UTC"}
    )
    data = answer.content
    assert data.startswith(BOM)
    text = data.decode("utf-8-sig")
    assert csv.Sniffer().sniff(text[:4096]).delimiter == ","
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {r["Status"] for r in rows} == {"To contact"}
    assert all(r["Overdue"] in ("yes", "no") for r in rows)
    moment = dt.datetime.strptime(rows[0]["Created"], "%b %d, %Y %I:%M %p")  # Dec 1, 2026 8:34 AM
    assert moment.year > 2000


async def test_a_machine_export_is_codes_iso_and_commas_whatever_the_language(
    http: httpx.AsyncClient, operator: dict[str, str], all_tickets: list[dict[str, Any]]
) -> None:
    answer = await http.get(
        "/tickets.csv",
        params={"format": "machine"},
        headers={**operator, "Accept-Language": "fr", "Time-Zone": "Europe/Paris"},
    )
    data = answer.content
    assert not data.startswith(BOM)
    text = data.decode("utf-8")
    assert text.splitlines()[0] == (
        "ticket,group,created_at,status,overdue,customer,postal_code,city,model,"
        "service_centre,engineer,operator,appointment_at,waiting_parts"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(all_tickets)
    statuses = {t["status"] for t in all_tickets}
    assert {r["status"] for r in rows} == statuses
    for row in rows:
        created = dt.datetime.fromisoformat(row["created_at"])
        assert created.utcoffset() == dt.timedelta(0)  # UTC, whatever the reader's zone
        assert row["overdue"] in ("yes", "no")


@pytest.mark.parametrize(
    ("params", "headers", "field"),
    [
        ({}, {"Time-Zone": "Europe/Atlantis"}, "Time-Zone"),
        ({}, {"Time-Zone": "../../etc/passwd"}, "Time-Zone"),
        ({"format": "excel"}, {}, "format"),
    ],
)
async def test_a_bad_zone_or_format_is_refused(
    http: httpx.AsyncClient,
    operator: dict[str, str],
    params: dict[str, str],
    headers: dict[str, str],
    field: str,
) -> None:
    answer = await http.get("/tickets.csv", params=params, headers={**operator, **headers})
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["fields"]


async def test_phone_and_city_are_searched_as_the_customer_has_them_now(
    app: Any, http: httpx.AsyncClient, operator: dict[str, str]
) -> None:
    """The phone filter matches the phone's digits and the city filter the city in lower
    case, both kept in stored columns: a new customer is found by them at once, and after
    the phone and the city change, by the new ones and no longer by the old."""
    from sqlalchemy import select

    from server.db import models as db

    models = await http.get("/catalogue/models", params={"limit": 1}, headers=operator)
    model_code = models.json()["items"][0]["code"]
    created = await http.post(
        "/tickets",
        headers={**operator, "Idempotency-Key": "search-keys"},
        json={
            "last_name": "Quetzal",
            "street": "1 rue",
            "postal_code": "91000",
            "city": "Évry-Courcouronnes",
            "home_phone": "+33 (0)1.64-97 25 81",
            "model_code": model_code,
            "problem": "no heat",
        },
    )
    assert created.status_code == 201, created.text
    ticket = created.json()["id"]

    async def found(**params: str) -> bool:
        answer = await http.get("/tickets", params={**params, "limit": 200}, headers=operator)
        assert answer.status_code == 200, answer.text
        return ticket in ids(answer.json()["items"])

    assert await found(phone="64 97 2")
    assert await found(phone="3301649725")  # digits across the "+", brackets and dots
    assert await found(city="évry-c")
    assert await found(city="ÉVRY")

    async with app.state.sessions() as session:
        customer_id = (
            await session.execute(select(db.Ticket.customer_id).where(db.Ticket.id == ticket))
        ).scalar_one()
        customer = await session.get(db.Customer, customer_id)
        assert customer is not None
        assert (customer.phone_digits, customer.city_key) == ("330164972581", "évry-courcouronnes")
        customer.home_phone = "06 12 34 56 78"
        customer.city = "Lisses"
        await session.commit()

    assert not await found(phone="6497258")
    assert await found(phone="12345678")
    assert not await found(city="évry")
    assert await found(city="liss")


async def test_a_customer_inserted_without_its_search_keys_gets_them(app: Any) -> None:
    """A Core INSERT that gives the phone and the city but not their keys (as an import
    would) stores the keys all the same; and every demo customer's keys are its own."""
    from sqlalchemy import insert, select

    from server.db import models as db

    async with app.state.sessions() as session:
        new_id = (
            await session.execute(
                insert(db.Customer)
                .values(first_name="Ada", last_name="Zed", home_phone="03.88-77 66", city="Ôbs")
                .returning(db.Customer.id)
            )
        ).scalar_one()
        await session.commit()
        rows = (
            await session.execute(
                select(
                    db.Customer.id,
                    db.Customer.home_phone,
                    db.Customer.city,
                    db.Customer.phone_digits,
                    db.Customer.city_key,
                )
            )
        ).all()
    keys = {row.id: (row.phone_digits, row.city_key) for row in rows}
    assert keys[new_id] == ("03887766", "ôbs")
    assert len(rows) > 100
    for row in rows:
        assert (row.phone_digits, row.city_key) == (
            db.phone_digits_of(row.home_phone),
            db.city_key_of(row.city),
        ), row


async def test_the_phone_filter_keeps_the_customers_whose_digits_hold_the_query(
    app: Any, http: httpx.AsyncClient, operator: dict[str, str]
) -> None:
    """Checked against the customers' phones read from the database (the summaries have no
    phone): a query of a few digits, written with separators, keeps exactly the tickets of
    the customers whose phone's digits contain them."""
    from sqlalchemy import select

    from server.db import models as db

    async with app.state.sessions() as session:
        phones = dict(
            (
                await session.execute(
                    select(db.Ticket.id, db.Customer.home_phone).join(
                        db.Customer, db.Customer.id == db.Ticket.customer_id
                    )
                )
            ).all()
        )
    sample = "".join(c for c in next(iter(phones.values())) if c.isdigit())
    for typed in (sample[-4:], f"{sample[2:4]} {sample[4:6]}", "0"):
        digits = "".join(c for c in typed if c.isdigit())
        expected = sorted(t for t, phone in phones.items() if digits in db.phone_digits_of(phone))
        assert expected, typed
        found, total = await everything(http, operator, phone=typed, sort="id", desc="false")
        assert ids(found) == expected and total == len(expected), typed


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "created_at", "desc": "true"},
        {"sort": "id", "desc": "false"},
        {"sort": "customer", "desc": "true"},
        {"sort": "engineer", "desc": "false"},
        {"sort": "appointment", "desc": "true"},
        {"sort": "status", "desc": "false"},
        {"postal_code": "6", "sort": "city", "desc": "false"},
        {"waiting_parts": "false", "sort": "model", "desc": "true"},
    ],
    ids=str,
)
async def test_pages_past_the_middle_read_from_the_end_are_the_same_pages(
    http: httpx.AsyncClient,
    operator: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    params: dict[str, Any],
) -> None:
    """A page past the middle of an exactly counted result is read in the opposite order
    from the end, then turned round: with every result taken as a large one, the pages
    (of an odd size, so that the last one is short) are those of the plain sorted query."""
    from server.services import ticket_query

    monkeypatch.setattr(ticket_query, "DENSE", 10**9)
    expected, total = await everything(http, operator, **params)
    monkeypatch.setattr(ticket_query, "DENSE", 1)
    monkeypatch.setattr(ticket_query, "DENSE_FACTOR", 0)
    found: list[dict[str, Any]] = []
    for offset in range(0, total, 7):
        page = (
            await http.get(
                "/tickets", params={**params, "limit": 7, "offset": offset}, headers=operator
            )
        ).json()
        assert page["total"] == total
        found += page["items"]
    assert ids(found) == ids(expected)


async def test_waiting_for_parts_by_date_is_the_flag_and_the_status(
    http: httpx.AsyncClient, operator: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages of "waiting for parts" walked along its partial index (the flag or the
    status, by date) are those of the plain query, both ways, at every depth."""
    from server.services import ticket_query

    for desc in ("true", "false"):
        params = {"waiting_parts": "true", "desc": desc}
        monkeypatch.setattr(ticket_query, "DENSE", 10**9)
        expected, total = await everything(http, operator, **params)
        assert total > 4
        monkeypatch.setattr(ticket_query, "DENSE", 1)
        monkeypatch.setattr(ticket_query, "DENSE_FACTOR", 0)
        found: list[dict[str, Any]] = []
        for offset in range(total):  # pages of one: the first quarter is walked
            page = (
                await http.get(
                    "/tickets", params={**params, "limit": 1, "offset": offset}, headers=operator
                )
            ).json()
            found += page["items"]
        assert ids(found) == ids(expected), desc


async def test_a_tickets_city_and_model_follow_its_customer_and_appliance(
    app: Any, http: httpx.AsyncClient, operator: dict[str, str]
) -> None:
    """The city and model filters match keys kept on each ticket (migration 0015): a new
    ticket is found by its customer's city and its appliance's model at once; after the
    customer moves and the appliance is corrected (the API's Core UPDATE) or edited (the
    ORM), by the new ones only; a ticket inserted without the keys gets them; and every
    ticket's keys are its customer's and its appliance's."""
    from sqlalchemy import insert, select

    from server.db import models as db

    async with app.state.sessions() as session:
        indexes = (
            await session.execute(select(db.CatalogueModel.code, db.CatalogueModel.service_index))
        ).all()
    codes = sorted({code for code, _index in indexes})
    assert len(codes) >= 2
    first, second = codes[0], codes[-1]
    second_index = next(index for code, index in indexes if code == second)
    created = await http.post(
        "/tickets",
        headers={**operator, "Idempotency-Key": "city-model-keys"},
        json={
            "last_name": "Quokka",
            "street": "1 rue",
            "postal_code": "91000",
            "city": "Évry-Courcouronnes",
            "home_phone": "01 64 97 25 82",
            "model_code": first,
            "service_index": next(index for code, index in indexes if code == first),
            "problem": "no heat",
        },
    )
    assert created.status_code == 201, created.text
    ticket = created.json()["id"]

    async def found(**params: str) -> bool:
        return ticket in ids((await everything(http, operator, **params))[0])

    assert await found(city="évry-c")
    assert await found(model=first)
    assert await found(city="ÉVRY", model=first)

    async with app.state.sessions() as session:
        row = await session.get(db.Ticket, ticket)
        assert row is not None
        assert (row.city_key, row.model_code) == ("évry-courcouronnes", first)
        customer = await session.get(db.Customer, row.customer_id)
        assert customer is not None
        customer.city = "Lisses"
        await session.commit()
    assert not await found(city="évry")
    assert await found(city="liss", model=first)

    version = (await http.get(f"/tickets/{ticket}", headers=operator)).json()["version"]
    corrected = await http.put(
        f"/tickets/{ticket}/appliance",
        json={"model_code": second, "service_index": second_index},
        headers={**operator, "If-Match": str(version)},
    )
    assert corrected.status_code == 200, corrected.text
    assert not await found(model=first, city="liss")
    assert await found(model=second, city="liss")

    async with app.state.sessions() as session:
        row = await session.get(db.Ticket, ticket)
        assert row is not None
        appliance = await session.get(db.Appliance, row.appliance_id)
        assert appliance is not None
        appliance.model_code = "QQ123"
        await session.commit()
    assert not await found(model=second, city="liss")
    assert await found(model="QQ1", city="liss")

    async with app.state.sessions() as session:
        template = await session.get(db.Ticket, ticket)
        assert template is not None
        await session.execute(
            insert(db.Ticket).values(
                id=ticket + 1_000_000,
                group_id=template.group_id,
                customer_id=template.customer_id,
                appliance_id=template.appliance_id,
                status=template.status,
                warranty=template.warranty,
                created_at=template.created_at,
                status_changed_at=template.status_changed_at,
                updated_at=template.updated_at,
            )
        )
        await session.commit()
        rows = (
            await session.execute(
                select(
                    db.Ticket.id,
                    db.Ticket.city_key,
                    db.Ticket.model_code,
                    db.Customer.city_key,
                    db.Appliance.model_code,
                )
                .join(db.Customer, db.Customer.id == db.Ticket.customer_id)
                .join(db.Appliance, db.Appliance.id == db.Ticket.appliance_id)
            )
        ).all()
    assert len(rows) > 100
    keys = {row[0]: (row[1], row[2]) for row in rows}
    assert keys[ticket + 1_000_000] == ("lisses", "QQ123")
    for _id, city_key, model_code, customer_city, appliance_model in rows:
        assert (city_key, model_code) == (customer_city, appliance_model), _id


async def test_waiting_for_parts_is_read_from_its_partial_index(app: Any) -> None:
    """``ticket_query.WAITING`` as each database receives it is the predicate of
    ``ix_tickets_waiting``: the planner may use the index (SQLite only for the very terms,
    ``waiting_parts = 1`` there; PostgreSQL only for a literal, not a bound value)."""
    from sqlalchemy import select, text

    from server.db import models as db
    from server.services import ticket_query

    t = db.Ticket
    stmt = select(t.id).where(ticket_query.WAITING).order_by(t.created_at.desc(), t.id.desc())
    async with app.state.sessions() as session:
        dialect = session.get_bind().dialect
        sql = str(stmt.limit(50).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        if dialect.name == "postgresql":  # a tiny table: a scan would be as cheap
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = (await session.execute(text(f"EXPLAIN {sql}"))).scalars().all()
        else:
            plan = [row[-1] for row in await session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    assert any("ix_tickets_waiting" in line for line in plan), plan

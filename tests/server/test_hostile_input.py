"""Hostile and careless input (issue 14): ids out of the columns' range, booleans for
numbers, dates at the calendar's ends, control characters, U+10FFFF in prefix filters.

Each is answered by a 4xx naming the field (422 from the contract, in the reader's language)
or, for a filter that is merely odd, by an empty page: never by a 500. Nothing is written,
and the server still answers ``/health`` afterwards. The same on SQLite and PostgreSQL (the
contract refuses what one database would take and the other would not, like NUL).

Each test runs its whole table in one app: one database copy per test, not per case.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from client.models import MAX_ID
from tests.server.order_helpers import SEED_TICKET
from tests.server.test_tenancy_probe import PROBES, ROUTES_WITH_ID, fingerprint, token_for

TOO_BIG = [str(MAX_ID + 1), str(2**63), "-63648509487233309343744", "0"]
"""Ids no column holds: int4's limit + 1 (PostgreSQL), int8's (SQLite), far below, zero."""

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


async def _send(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    method: str,
    url: str,
    body: Any = None,
) -> httpx.Response:
    if isinstance(body, bytes):  # JSON that httpx would not write (a lone surrogate)
        headers = {**headers, "Content-Type": "application/json"}
        return await http.request(method, url, content=body, headers=headers)
    if body is None:
        return await http.request(method, url, headers=headers)
    return await http.request(method, url, json=body, headers=headers)


async def _still_up(http: httpx.AsyncClient) -> None:
    answer = await http.get("/health")
    assert answer.status_code == 200 and answer.json()["status"] == "ok"


async def test_every_id_in_a_path_is_bounded(http: httpx.AsyncClient, database_url: str) -> None:
    """Every route with an id in its path (generated from the app, as the tenancy probe is):
    an id outside 1..2^31-1 is a 422 naming it, with a valid body, before any lookup."""
    operator = await token_for(http, "operator")
    before = await fingerprint(database_url)
    tried = 0
    for path, method in ROUTES_WITH_ID:
        names = [n for n in _PLACEHOLDER.findall(path) if n.endswith("_id")]
        if not names:
            continue
        body = PROBES[path].bodies.get(method)
        for name in names:
            for bad in TOO_BIG:
                values = {n: bad if n == name else "1" for n in names}
                url = path.format(**values, code="870650222")
                answer = await _send(http, operator, method, url, body)
                assert answer.status_code == 422, (method, url, answer.status_code, answer.text)
                assert name in answer.json()["fields"], (method, url, answer.json())
                tried += 1
    assert tried >= 4 * 30  # every {id} route of the API, four ids each
    assert await fingerprint(database_url) == before
    await _still_up(http)


T = f"/tickets/{SEED_TICKET}"
NUL = "nul\u0000byte"
REFUSED: list[tuple[str, str, str, Any, str]] = [
    # (user, method, path, body, the field named)
    # ---- ids out of range, in queries and bodies
    ("tech", "GET", "/tickets/2147483648", None, "ticket_id"),
    ("tech", "GET", "/tickets/9223372036854775808", None, "ticket_id"),
    ("operator", "POST", "/orders/validate", {"ids": [9223372036854775808]}, "ids.0"),
    ("operator", "POST", "/orders/validate", {"ids": [0]}, "ids.0"),
    (
        "tech",
        "POST",
        "/cart/lines",
        {"requested_code": "INOX-SP", "ticket_id": 9223372036854775808},
        "ticket_id",
    ),
    ("tech", "POST", "/cart/lines", {"requested_code": "INOX-SP", "model_id": -1}, "model_id"),
    ("tech", "GET", "/orders?ticket_id=9223372036854775808", None, "ticket_id"),
    ("tech", "GET", "/supplier-orders?ticket_id=2147483648", None, "ticket_id"),
    ("tech", "DELETE", "/cart/lines/-63648509487233309343744", None, "line_id"),
    (
        "tech",
        "GET",
        "/catalogue/parts/870650222/tree?model_id=-3806772216649412480335872",
        None,
        "model_id",
    ),
    (
        "tech",
        "GET",
        "/catalogue/parts/870650222/resolution?model_id=2147483648",
        None,
        "model_id",
    ),
    ("manager", "POST", "/vouchers", {"ticket_ids": [2147483648]}, "ticket_ids.0"),
    ("tech", "PUT", "/orders/1", {"lines": [{"id": 2**40, "quantity": 1}]}, "lines.0.id"),
    (
        "operator",
        "POST",
        "/orders/1/shipments",
        {"lines": [{"id": 0, "quantity": 1}]},
        "lines.0.id",
    ),
    ("tech", "POST", "/supplier-changes/apply", {"ids": [2**31]}, "ids.0"),
    (
        "tech",
        "POST",
        "/supplier-orders",
        {"supplier": "reference", "cart_line_ids": [2**63]},
        "cart_line_ids.0",
    ),
    (
        "tech",
        "POST",
        f"{T}/intervention/totals",
        {"parts": [{"order_line_id": 2**31}]},
        "parts.0.order_line_id",
    ),
    ("tech", "POST", f"{T}/intervention/totals", {"distance_km": 2**31}, "distance_km"),
    ("tech", "GET", "/tickets?offset=9223372036854775808", None, "offset"),
    ("operator", "GET", "/orders?offset=99999999999", None, "offset"),
    # ---- amounts that no rounding to the cent survives
    ("tech", "POST", f"{T}/intervention/totals", {"bonuses": "1e30"}, "bonuses"),
    ("tech", "POST", f"{T}/intervention/totals", {"rate": "-1e30"}, "rate"),
    ("tech", "POST", f"{T}/intervention/totals", {"bonuses": 1e308}, "bonuses"),
    ("tech", "POST", f"{T}/intervention/totals", {"rate": "NaN"}, "rate"),
    ("tech", "PUT", f"{T}/intervention", {"bonuses": "1e-30"}, "bonuses"),
    ("manager", "PUT", "/vouchers/1/centre-invoice", {"number": "F1", "amount": "1e30"}, "amount"),
    ("manager", "GET", "/vouchers?amount_min=1e30", None, "amount_min"),
    ("manager", "GET", "/vouchers?amount_max=Infinity", None, "amount_max"),
    # ---- a boolean (or a text) is not a number; a number is not a boolean
    ("tech", "POST", "/cart/lines", {"requested_code": "INOX-SP", "quantity": True}, "quantity"),
    ("tech", "POST", "/cart/lines", {"requested_code": "INOX-SP", "quantity": "3"}, "quantity"),
    ("tech", "POST", "/cart/lines", {"requested_code": "INOX-SP", "quantity": 2.0}, "quantity"),
    ("operator", "POST", "/orders/validate", {"ids": [True]}, "ids.0"),
    ("tech", "PUT", "/orders/1", {"lines": [{"id": 1, "quantity": True}]}, "lines.0.quantity"),
    ("tech", "POST", f"{T}/intervention/totals", {"distance_km": True}, "distance_km"),
    ("tech", "POST", "/supplier-changes/dismiss", {"all": 1}, "all"),
    # ---- dates at the ends of the calendar
    ("tech", "GET", "/tickets?created_to=9999-12-31", None, "created_to"),
    # a number is not a date (pydantic would read it as seconds since 1970)
    ("tech", "GET", "/tickets?created_to=0", None, "created_to"),
    ("tech", "GET", "/orders?created_from=1700000000", None, "created_from"),
    ("tech", "GET", "/invoicing?intervention_to=0", None, "intervention_to"),
    ("tech", "GET", "/tickets.csv?created_to=9999-12-31", None, "created_to"),
    ("tech", "GET", "/tickets?created_from=0001-01-01", None, "created_from"),
    ("tech", "GET", "/orders?created_to=9999-12-31", None, "created_to"),
    ("tech", "GET", "/reports/parts?month=9999-12", None, "month"),
    ("tech", "GET", "/reports/parts.csv?month=0000-01", None, "month"),
    ("operator", "GET", "/invoicing/periods?year=9999", None, "year"),
    ("tech", "GET", "/vouchers?created_to=9999-12-31", None, "created_to"),
    ("tech", "GET", "/invoicing?intervention_to=9999-12-31", None, "intervention_to"),
    (
        "tech",
        "GET",
        "/catalogue/parts/870650222/tree?production_date=9999-12-31",
        None,
        "production_date",
    ),
    (
        "tech",
        "POST",
        f"{T}/contacted",
        {"appointment_at": "9999-12-31T23:59:00-14:00"},
        "appointment_at",
    ),
    (
        "tech",
        "POST",
        f"{T}/unreachable",
        {"attempted_at": "0001-01-01T00:00:00+14:00", "means": "phone"},
        "attempted_at",
    ),
    (
        "operator",
        "POST",
        f"{T}/reschedule",
        {"appointment_at": "2101-01-01T08:00:00Z"},
        "appointment_at",
    ),
    (
        "tech",
        "PUT",
        f"{T}/appliance",
        {"model_code": "P64", "service_index": "SI00", "purchase_date": "1899-12-31"},
        "purchase_date",
    ),
    (
        "tech",
        "POST",
        f"{T}/intervention/totals",
        {"intervention_date": "9999-12-31"},
        "intervention_date",
    ),
    # ---- control characters (NUL: PostgreSQL refuses it; ESC: a terminal obeys it)
    ("tech", "POST", f"{T}/logs", {"note": NUL}, "note"),
    ("tech", "POST", f"{T}/logs", b'{"note": "lone \\ud800 surrogate"}', "note"),
    ("tech", "PUT", "/cart/note", {"note": NUL}, "note"),
    ("tech", "POST", "/cart/lines", {"requested_code": "INOX\u0000SP"}, "requested_code"),
    ("tech", "POST", "/cart/lines", {"requested_code": "INOX-SP", "note": NUL}, "note"),
    ("tech", "GET", "/tickets?city=%00", None, "city"),
    ("tech", "GET", "/tickets?engineer=%00", None, "engineer"),
    ("tech", "GET", "/tickets?q=%00", None, "q"),
    ("tech", "GET", "/tickets?q=%1B%5B2J", None, "q"),
    ("tech", "GET", "/tickets?postal_code=75%0A", None, "postal_code"),
    ("tech", "GET", "/orders?note=%00", None, "note"),
    ("tech", "GET", "/orders?number=FR%00", None, "number"),
    ("tech", "GET", "/catalogue/parts/INOX%00SP", None, "code"),
    ("tech", "GET", "/catalogue/parts?q=%00", None, "q"),
    ("tech", "GET", "/catalogue/models?q=%7F", None, "q"),
    ("tech", "GET", "/reports/parts?month=2026-10&model=%00", None, "model"),
    ("operator", "POST", f"{T}/cancel", {"note": "why\u0007"}, "note"),
    (
        "operator",
        "POST",
        f"{T}/assign",
        {"service_centre_code": "249\u0000117"},
        "service_centre_code",
    ),
    ("tech", "POST", f"{T}/logs", {"note": "x", "email_to": "a\u0000b@example.com"}, "email_to"),
    ("manager", "POST", "/addresses", {"label": "\u0000"}, "label"),
    (
        "manager",
        "PUT",
        "/vouchers/1/centre-invoice",
        {"number": "F\u0000", "amount": "1"},
        "number",
    ),
    (
        "anonymous",
        "POST",
        "/auth/login",
        {"username": "te\u0000ch", "password": "demo"},
        "username",
    ),
    (
        "operator",
        "POST",
        "/tickets",
        {
            "last_name": "Doe\u001b]0;pwned\u0007",
            "street": "1 rue",
            "postal_code": "75001",
            "city": "Paris",
            "home_phone": "0102030405",
            "model_code": "P64",
            "problem": "noise",
        },
        "last_name",
    ),
]


IF_MATCH = [
    # (method, path, body): each sent with a version no column holds, or no number at all
    ("PUT", f"{T}/appliance", {"model_code": "P64", "service_index": "SI00"}),
    ("POST", f"{T}/contacted", {"appointment_at": "2030-01-02T09:00:00+01:00"}),
    ("PUT", "/orders/1", {"note": "x"}),
    ("PUT", f"{T}/intervention", {}),
]
BAD_VERSIONS = ["99999999999999999999", "2147483648", "\u00b2", "-1", "1e3"]


async def test_hostile_input_is_refused_naming_the_field_and_changes_nothing(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tokens = {name: await token_for(http, name) for name in ("tech", "manager", "operator")}
    tokens["anonymous"] = {}
    before = await fingerprint(database_url)
    for user, method, path, body, field in REFUSED:
        answer = await _send(http, tokens[user], method, path, body)
        case = (user, method, path, body)
        assert answer.status_code == 422, (*case, answer.status_code, answer.text)
        shown = answer.json()
        assert shown["code"] == "invalid" and field in shown["fields"], (*case, shown)
        assert field in shown["message"] and shown["fields"][field], (*case, shown)
    for method, path, body in IF_MATCH:
        for version in BAD_VERSIONS:
            headers = {**tokens["tech"], "If-Match": version.encode("latin-1")}
            answer = await http.request(method, path, json=body, headers=headers)
            assert answer.status_code == 422, (method, path, version, answer.text)
            assert "If-Match" in answer.json()["fields"], (method, path, version, answer.text)
    assert await fingerprint(database_url) == before
    await _still_up(http)


async def test_the_refusals_are_in_the_readers_language(http: httpx.AsyncClient) -> None:
    tech = await token_for(http, "tech")
    cases = [
        ("/tickets?city=%00", "city", "Control characters are not allowed"),
        ("/tickets?created_to=9999-12-31", "created_to", "Date should be between"),
        ("/tickets/2147483648", "ticket_id", "less than or equal to 2147483647"),
    ]
    for path, field, english in cases:
        shown = {}
        for lang in ("en", "fr", "it"):
            answer = await http.get(path, headers={**tech, "Accept-Language": lang})
            assert answer.status_code == 422, (path, lang, answer.text)
            shown[lang] = answer.json()["fields"][field]
        assert english in shown["en"], (path, shown)
        assert len({shown["en"], shown["fr"], shown["it"]}) == 3, (path, shown)
    answer = await http.get(
        "/tickets?created_to=9999-12-31", headers={**tech, "Accept-Language": "fr"}
    )
    assert "1900-01-01" in answer.json()["fields"]["created_to"]


MAX_CHAR = "%F4%8F%BF%BF"  # U+10FFFF, the last code point: chr(ord(c) + 1) overflows
BEFORE_SURROGATES = "%ED%9F%BF"  # U+D7FF: the next code point is a surrogate
ODD_FILTERS = [
    ("operator", f"/orders?number=FR{MAX_CHAR}"),
    ("operator", f"/orders?number={MAX_CHAR}"),
    ("operator", f"/orders?number=FR{BEFORE_SURROGATES}"),
    ("operator", f"/orders?part=870{MAX_CHAR}"),
    ("tech", f"/tickets?postal_code={MAX_CHAR}"),
    ("tech", f"/tickets?postal_code=75{MAX_CHAR}{MAX_CHAR}"),
    ("tech", f"/tickets?model=P{MAX_CHAR}"),
    ("tech", f"/tickets?model={BEFORE_SURROGATES}"),
    ("tech", f"/tickets.csv?model=P{MAX_CHAR}&format=machine"),
    ("manager", f"/vouchers?number={MAX_CHAR}"),
    ("manager", f"/reports/parts?month=2026-10&model=P{MAX_CHAR}"),
    ("tech", "/tickets?created_from=1900-01-01&created_to=2100-12-31"),
    ("tech", "/orders?created_to=2100-12-31"),
]


async def test_odd_but_valid_filters_find_nothing_rather_than_fail(
    http: httpx.AsyncClient, database_url: str
) -> None:
    """U+10FFFF (and U+D7FF) end a prefix filter: the range's upper end is computed without
    overflowing nor landing on a surrogate; the calendar's bounds themselves are accepted."""
    tokens = {name: await token_for(http, name) for name in ("tech", "manager", "operator")}
    before = await fingerprint(database_url)
    for user, path in ODD_FILTERS:
        answer = await http.get(path, headers=tokens[user])
        assert answer.status_code == 200, (user, path, answer.status_code, answer.text)
        if path.startswith("/tickets.csv"):
            assert answer.text.count("\n") == 1, (path, answer.text)  # the header alone
        elif "created" not in path:
            shown = answer.json()
            found = shown["models"] if "models" in shown else shown["items"]
            assert found == [], (path, shown)
    assert await fingerprint(database_url) == before
    await _still_up(http)


async def test_a_note_keeps_its_lines_and_tabs(http: httpx.AsyncClient) -> None:
    """Notes span lines: tab, line feed and carriage return are text, not control."""
    tech = await token_for(http, "tech")
    note = "first line\r\n\tsecond line"
    answer = await http.post(f"{T}/logs", json={"note": note}, headers=tech)
    assert answer.status_code == 201, answer.text
    assert answer.json()["note"] == note
    answer = await http.put("/cart/note", json={"note": note}, headers=tech)
    assert answer.status_code == 200 and answer.json()["note"] == note


# Texts without a pattern: paging cursors (decoded and validated by the server:
# tests/server/test_limits.py), a password (only ever hashed), amounts (decimal text,
# bounded by max_digits: the REFUSED cases above).
UNPATTERNED = {"cursor", "password", "rate", "bonuses", "amount", "amount_min", "amount_max"}


def _inputs(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every path/query parameter and request body property of the API: (where, schema)."""
    schemas = spec["components"]["schemas"]

    def walk(where: str, schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        while "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        found = [(where, schema)]
        for key in ("anyOf", "oneOf", "allOf"):
            for option in schema.get(key, []):
                found += walk(where, option)
        if "items" in schema:
            found += walk(f"{where}[]", schema["items"])
        for name, prop in schema.get("properties", {}).items():
            found += walk(f"{where}.{name}", prop)
        return found

    found: list[tuple[str, dict[str, Any]]] = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for param in operation.get("parameters", []):
                if param["in"] in ("path", "query"):
                    found += walk(f"{method.upper()} {path} {param['name']}", param["schema"])
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            if body is not None:
                found += walk(f"{method.upper()} {path} body", body)
    return found


def test_the_contract_bounds_every_input() -> None:
    """From the OpenAPI document, so that a new route or field cannot forget: every integer
    a client sends has a minimum and a maximum, every text a pattern (no control
    characters), an enum or a format (a date)."""
    from server.app import create_app
    from server.settings import Settings

    spec = create_app(Settings(database_url="sqlite+aiosqlite://")).openapi()
    unbounded = []
    inputs = _inputs(spec)
    for where, schema in inputs:
        name = where.rsplit(".", 1)[-1].rsplit(" ", 1)[-1].removesuffix("[]")
        kind = schema.get("type")
        if kind == "integer" and not {"minimum", "maximum"} <= set(schema):
            unbounded.append(where)
        if kind == "string" and name not in UNPATTERNED:
            if not {"pattern", "enum", "format", "const"} & set(schema):
                unbounded.append(where)
    assert len(inputs) > 300
    assert not unbounded, unbounded

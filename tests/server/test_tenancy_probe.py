"""Cross-tenant and role probes, generated from the app's own routes.

Every route whose path takes an id is called by ``tech2`` (another service centre) on an
object of ``tech``'s centre: it must answer 404, exactly like a missing object, and change
nothing in the database. A route that takes an id and is missing from ``PROBES`` fails
``test_every_route_with_an_id_is_probed``: a new route cannot skip the probe.
Operator-only actions answer 403 to a technician of the ticket's own centre, and change
nothing either.

The parts catalogue is the manufacturer's data, the same for every centre: its routes are
probed as ``shared`` (another centre reads exactly what the owner reads; a missing object is
still a 404). Cart lines belong to a user: another user's line answers 404.

The PDF documents are probed like their JSON routes (the owner reads them, another centre
gets 404), and e-mailing the report is the centre's (403 to operators).

Routes without an id are probed too: the order and voucher searches, the monthly parts report,
the voucher period view and the addresses show only the user's own centre (the invoicing
list: tests/server/test_invoicing.py; the reports in detail: tests/server/test_reports.py);
operator-only validation answers 403 to the centres' staff; the centres' actions (cart
changes, addresses, checkout, order changes) answer 403 to operators, who have no centre;
only a centre's manager invoices. Every refusal changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from server.app import create_app
from server.db import models as db
from server.db.session import create_engine
from server.settings import Settings

SEED_CENTRE = "249050"


async def _centre_id(conn: AsyncConnection) -> int:
    return (
        await conn.execute(select(db.ServiceCentre.id).where(db.ServiceCentre.code == SEED_CENTRE))
    ).scalar_one()


async def _ticket_of_centre(conn: AsyncConnection) -> int:
    return (
        await conn.execute(
            select(db.Ticket.id)
            .where(db.Ticket.service_centre_id == await _centre_id(conn))
            .limit(1)
        )
    ).scalar_one()


async def _group_of_centre(conn: AsyncConnection) -> int:
    return (
        await conn.execute(
            select(db.TicketGroup.id)
            .where(db.TicketGroup.service_centre_id == await _centre_id(conn))
            .limit(1)
        )
    ).scalar_one()


@dataclass
class Probe:
    """How to name one of tech's objects in a route's path, and a valid body per method."""

    params: Callable[[AsyncConnection], Awaitable[dict[str, Any]]]
    bodies: dict[str, Any] = field(default_factory=dict)
    shared: bool = False  # not tenant data: every signed-in user reads the same


async def _p_centre(c: AsyncConnection) -> dict[str, Any]:
    return {"centre_id": await _centre_id(c)}


async def _p_ticket(c: AsyncConnection) -> dict[str, Any]:
    return {"ticket_id": await _ticket_of_centre(c)}


async def _p_group(c: AsyncConnection) -> dict[str, Any]:
    return {"group_id": await _group_of_centre(c)}


_SOON = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
_EARLIER = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat()


async def _p_model(c: AsyncConnection) -> dict[str, Any]:
    model = select(db.CatalogueModel.id).where(db.CatalogueModel.code == "AP64-3")
    return {"model_id": (await c.execute(model)).scalar_one()}


async def _p_part(c: AsyncConnection) -> dict[str, Any]:
    return {"code": "870650222"}


async def _p_cart_line(c: AsyncConnection) -> dict[str, Any]:
    """A cart line of tech's (the demo data has none): added here and committed."""
    user = (await c.execute(select(db.User.id).where(db.User.username == "tech"))).scalar_one()
    part = (await c.execute(select(db.Part.id).where(db.Part.code == "INOX-SP"))).scalar_one()
    await c.execute(db.Cart.__table__.insert().values(user_id=user, note="", version=1))
    line = await c.execute(
        db.CartLine.__table__.insert()
        .values(
            user_id=user,
            requested_part_id=part,
            part_id=part,
            quantity=1,
            note="",
            added_at=dt.datetime.now(dt.UTC),
        )
        .returning(db.CartLine.__table__.c.id)
    )
    line_id = line.scalar_one()
    await c.commit()
    return {"line_id": line_id}


async def _p_order(c: AsyncConnection) -> dict[str, Any]:
    """An order of tech's centre awaiting validation (the demo data has some)."""
    order = select(db.Order.id).where(
        db.Order.service_centre_id == await _centre_id(c),
        db.Order.status == "awaiting_validation",
    )
    return {"order_id": (await c.execute(order.limit(1))).scalar_one()}


async def _p_voucher(c: AsyncConnection) -> dict[str, Any]:
    """A payment voucher of tech's centre (the demo data has some)."""
    voucher = select(db.Voucher.id).where(db.Voucher.service_centre_id == await _centre_id(c))
    return {"voucher_id": (await c.execute(voucher.limit(1))).scalar_one()}


async def _verified_of_centre(c: AsyncConnection) -> list[int]:
    return list(
        (
            await c.execute(
                select(db.Ticket.id).where(
                    db.Ticket.service_centre_id == await _centre_id(c),
                    db.Ticket.status == "verified",
                )
            )
        ).scalars()
    )


_FORM = {
    "faulty_component_code": "BRU",
    "fault_code": "R01",
    "work_done_code": "W02",
    "intervention_date": dt.datetime.now(dt.UTC).date().isoformat(),
}
"""A closing form that a centre's staff could send for the seed ticket."""


async def _p_supplier_account(c: AsyncConnection) -> dict[str, Any]:
    """A supplier account of tech's centre (the demo data has none): added and committed."""
    from server.suppliers.db_models import SupplierAccount

    user = (await c.execute(select(db.User.id).where(db.User.username == "manager"))).scalar_one()
    now = dt.datetime.now(dt.UTC)
    row = await c.execute(
        SupplierAccount.__table__.insert()
        .values(
            service_centre_id=await _centre_id(c),
            supplier="reference",
            user_name="demo",
            customer_id="100200",
            saved_by_id=user,
            saved_at=now,
            checked_at=now,
            version=1,
        )
        .returning(SupplierAccount.__table__.c.id)
    )
    account_id = row.scalar_one()
    await c.commit()
    return {"account_id": account_id}


async def _p_supplier_order(c: AsyncConnection) -> dict[str, Any]:
    """A draft supplier order of tech's centre, for one of its tickets: added and committed."""
    from server.suppliers.db_models import SupplierAccount
    from server.suppliers.orders_models import SupplierOrder, SupplierOrderLine

    centre = await _centre_id(c)
    account = (
        await c.execute(
            select(SupplierAccount.id).where(SupplierAccount.service_centre_id == centre)
        )
    ).scalar_one_or_none() or (await _p_supplier_account(c))["account_id"]
    user = (await c.execute(select(db.User.id).where(db.User.username == "tech"))).scalar_one()
    row = await c.execute(
        SupplierOrder.__table__.insert()
        .values(
            service_centre_id=centre,
            supplier_account_id=account,
            client_reference=f"PROBE-{dt.datetime.now(dt.UTC).timestamp()}",
            status="draft",
            created_at=dt.datetime.now(dt.UTC),
            created_by=user,
            note="",
            version=1,
        )
        .returning(SupplierOrder.__table__.c.id)
    )
    order_id = row.scalar_one()
    await c.execute(
        SupplierOrderLine.__table__.insert().values(
            supplier_order_id=order_id,
            line_no=1,
            ticket_id=await _ticket_of_centre(c),
            requested_code="870650447",
            ordered_code="870650447",
            part_name="",
            quantity=1,
        )
    )
    await c.commit()
    return {"supplier_order_id": order_id}


async def _p_supplier_order_id(c: AsyncConnection) -> dict[str, Any]:
    return {"order_id": (await _p_supplier_order(c))["supplier_order_id"]}


PROBES: dict[str, Probe] = {
    "/service-centres/{centre_id}": Probe(_p_centre),
    "/tickets/{ticket_id}": Probe(_p_ticket),
    "/ticket-groups/{group_id}": Probe(_p_group),
    "/tickets/{ticket_id}/history": Probe(_p_ticket),
    "/tickets/{ticket_id}/previous": Probe(_p_ticket),
    "/tickets/{ticket_id}/logs": Probe(
        _p_ticket, {"POST": {"type": "note", "note": "probe", "email_to": "x@example.com"}}
    ),
    "/tickets/{ticket_id}/appliance": Probe(
        _p_ticket, {"PUT": {"model_code": "P64", "service_index": "SI00"}}
    ),
    "/tickets/{ticket_id}/assign": Probe(_p_ticket, {"POST": {"service_centre_code": "249117"}}),
    "/tickets/{ticket_id}/contacted": Probe(_p_ticket, {"POST": {"appointment_at": _SOON}}),
    "/tickets/{ticket_id}/unreachable": Probe(
        _p_ticket, {"POST": {"attempted_at": _EARLIER, "means": "phone"}}
    ),
    "/tickets/{ticket_id}/request_exchange": Probe(_p_ticket, {"POST": {"note": "probe"}}),
    "/tickets/{ticket_id}/cancel": Probe(_p_ticket, {"POST": {"note": "probe"}}),
    "/tickets/{ticket_id}/reject": Probe(_p_ticket, {"POST": {"note": "probe"}}),
    "/tickets/{ticket_id}/reschedule": Probe(_p_ticket, {"POST": {"appointment_at": _SOON}}),
    "/tickets/{ticket_id}/verify": Probe(_p_ticket, {"POST": {"note": "probe"}}),
    "/tickets/{ticket_id}/intervention": Probe(_p_ticket, {"PUT": _FORM}),
    "/tickets/{ticket_id}/intervention/totals": Probe(_p_ticket, {"POST": _FORM}),
    "/tickets/{ticket_id}/close": Probe(_p_ticket, {"POST": _FORM}),
    "/tickets/{ticket_id}/parts_received": Probe(_p_ticket, {"POST": {"note": "probe"}}),
    "/tickets/{ticket_id}/intervention.pdf": Probe(_p_ticket),
    "/tickets/{ticket_id}/intervention/email": Probe(_p_ticket, {"POST": {"to": "x@example.com"}}),
    "/catalogue/models/{model_id}": Probe(_p_model, shared=True),
    "/catalogue/parts/{code}": Probe(_p_part, shared=True),
    "/catalogue/parts/{code}/where-used": Probe(_p_part, shared=True),
    "/catalogue/parts/{code}/tree": Probe(_p_part, shared=True),
    "/catalogue/parts/{code}/resolution": Probe(_p_part, shared=True),
    "/cart/lines/{line_id}": Probe(
        _p_cart_line, bodies={"DELETE": None, "PUT": {"quantity": 2, "note": "probe"}}
    ),
    "/orders/{order_id}": Probe(
        _p_order, bodies={"PUT": {"note": "probe", "lines": []}, "DELETE": None}
    ),
    "/orders/{order_id}/shipments": Probe(_p_order, bodies={"POST": {"lines": []}}),
    "/supplier-accounts/{account_id}": Probe(_p_supplier_account, bodies={"DELETE": None}),
    "/supplier-orders/{order_id}": Probe(_p_supplier_order_id),
    "/supplier-orders/{order_id}/send": Probe(_p_supplier_order_id, bodies={"POST": {}}),
    "/supplier-orders/{order_id}/cancel": Probe(_p_supplier_order_id, bodies={"POST": None}),
    "/vouchers/{voucher_id}": Probe(_p_voucher),
    "/vouchers/{voucher_id}/centre-invoice": Probe(
        _p_voucher, {"PUT": {"number": "FA-PROBE", "amount": "10.00"}}
    ),
    "/vouchers/{voucher_id}.pdf": Probe(_p_voucher),
    "/orders/{order_id}.pdf": Probe(_p_order),
}

OPERATOR_ONLY = ("assign", "request_exchange", "cancel", "reject", "verify", "reschedule")

_SPEC = create_app(Settings(database_url="sqlite+aiosqlite://")).openapi()
ROUTES_WITH_ID = sorted(
    (path, method.upper())
    for path, item in _SPEC["paths"].items()
    if "{" in path
    for method in item
)
IGNORED_TABLES = {"auth_tokens", "login_throttle"}  # signing in writes these, by design


async def fingerprint(url: str) -> dict[str, str]:
    """A digest of every table's rows, to prove that a refused call changed nothing."""
    engine = create_engine(url)
    digests = {}
    async with engine.connect() as conn:
        for table in db.Base.metadata.sorted_tables:
            if table.name in IGNORED_TABLES:
                continue
            rows = (await conn.execute(select(table).order_by(*table.primary_key.columns))).all()
            digests[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    await engine.dispose()
    return digests


async def token_for(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await http.post("/auth/login", json={"username": username, "password": "demo"})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_every_route_with_an_id_is_probed() -> None:
    missing = sorted({path for path, _ in ROUTES_WITH_ID} - set(PROBES))
    assert not missing, f"add these routes to PROBES in {__file__}: {missing}"
    for path, method in ROUTES_WITH_ID:
        if method != "GET":
            assert method in PROBES[path].bodies, f"PROBES[{path!r}] needs a body for {method}"


@pytest.mark.parametrize(("path", "method"), ROUTES_WITH_ID)
async def test_another_centre_gets_404_and_changes_nothing(
    http: httpx.AsyncClient, database_url: str, path: str, method: str
) -> None:
    probe = PROBES[path]
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        params = await probe.params(conn)
    await engine.dispose()
    url = path.format(**params)
    body = probe.bodies.get(method)
    # the reader's language and zone change how an answer reads, never what it may show
    reader = {"Accept-Language": "fr", "Time-Zone": "Europe/Paris"}
    headers2 = await token_for(http, "tech2") | reader
    headers1 = await token_for(http, "tech") | reader
    if method == "GET":  # the positive control: the owner sees it
        assert (await http.get(url, headers=headers1)).status_code == 200
    before = await fingerprint(database_url)
    answer = await http.request(method, url, json=body, headers=headers2)
    if probe.shared:  # the manufacturer's data: the other centre reads the same answer
        assert answer.status_code == 200, (url, answer.status_code, answer.text)
        theirs, ours = answer.json(), (await http.get(url, headers=headers1)).json()
        for own in ("discount_rate", "net_price"):  # each centre's own discount
            theirs.pop(own, None), ours.pop(own, None)
        assert theirs == ours
        missing_params = dict.fromkeys(params, 999_999_999)
        missing = await http.get(path.format(**missing_params), headers=headers2)
        assert missing.status_code == 404
        return
    assert answer.status_code == 404, (url, answer.status_code, answer.text)
    assert answer.json()["code"] == "not_found"
    assert await fingerprint(database_url) == before
    # and the answer is the same as for an object that does not exist at all
    missing_params = dict.fromkeys(params, 999_999_999)
    missing = await http.request(method, path.format(**missing_params), json=body, headers=headers2)
    assert missing.status_code == 404


async def test_operator_sees_every_centre_and_technician_only_theirs(
    http: httpx.AsyncClient,
) -> None:
    operator = (
        await http.get("/service-centres", headers=await token_for(http, "operator"))
    ).json()
    tech = (await http.get("/service-centres", headers=await token_for(http, "tech"))).json()
    assert operator["total"] == 3
    assert [c["code"] for c in tech["items"]] == [SEED_CENTRE]


@pytest.mark.parametrize("action", OPERATOR_ONLY)
async def test_a_technician_gets_403_for_operator_actions_and_changes_nothing(
    http: httpx.AsyncClient, database_url: str, action: str
) -> None:
    path = f"/tickets/{{ticket_id}}/{action}"
    probe = PROBES[path]
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        params = await probe.params(conn)
    await engine.dispose()
    headers = await token_for(http, "tech")
    assert (await http.get(f"/tickets/{params['ticket_id']}", headers=headers)).status_code == 200
    before = await fingerprint(database_url)
    answer = await http.post(path.format(**params), json=probe.bodies["POST"], headers=headers)
    assert answer.status_code == 403, answer.text
    assert answer.json()["code"] == "forbidden" and "operator" in answer.json()["message"]
    assert await fingerprint(database_url) == before


_NEW_TICKET = {
    "last_name": "Probe",
    "street": "1 rue",
    "postal_code": "67120",
    "city": "Molsheim",
    "home_phone": "0388000000",
    "model_code": "P64",
    "problem": "probe",
}
_SUPPLIER_ACCOUNT = {"supplier": "reference", "user_name": "demo", "customer_id": "100200"}
_SUPPLIER_ORDER = {"supplier": "reference", "lines": [{"code": "870650447", "quantity": 1}]}
ROLE_PROBES: list[tuple[str, str, str, Any]] = [
    # (user, method, path, body): each must answer 403 and change nothing
    ("tech", "POST", "/orders/validate", {"ids": [1]}),
    ("manager", "POST", "/orders/validate", {"ids": [1]}),
    ("operator", "PUT", "/cart/note", {"note": "probe"}),
    ("operator", "DELETE", "/cart", None),
    ("operator", "GET", "/addresses", None),
    (
        "operator",
        "POST",
        "/addresses",
        {
            "label": "probe",
            "company": "C",
            "street": "S",
            "postal_code": "1",
            "city": "X",
            "country": "FR",
            "vat_id": "FR1",
        },
    ),
    (
        "operator",
        "POST",
        "/orders",
        {
            "shipping": {
                "company": "C",
                "street": "S",
                "postal_code": "1",
                "city": "X",
                "country": "FR",
                "vat_id": "FR1",
            },
            "fingerprint": "x",
        },
    ),
    ("operator", "PUT", "/orders/{order_id}", {"note": "probe", "lines": []}),
    ("operator", "DELETE", "/orders/{order_id}", None),
    # closing is the centre's: operators verify, they do not fill in the form
    ("operator", "PUT", "/tickets/{ticket_id}/intervention", _FORM),
    ("operator", "POST", "/tickets/{ticket_id}/close", _FORM),
    ("operator", "POST", "/tickets/{ticket_id}/parts_received", {"note": "probe"}),
    # operators record the customers' requests
    ("tech", "POST", "/tickets", _NEW_TICKET),
    ("manager", "POST", "/tickets", _NEW_TICKET),
    # the manufacturer's warehouse records shipments, not the centres
    ("tech", "POST", "/orders/{order_id}/shipments", {"lines": []}),
    ("manager", "POST", "/orders/{order_id}/shipments", {"lines": []}),
    # the report is e-mailed by the centre's staff; operators read it as a PDF
    ("operator", "POST", "/tickets/{ticket_id}/intervention/email", {"to": "x@example.com"}),
    # supplier accounts: the centre's manager enters them; operators have none
    ("tech", "POST", "/supplier-accounts", _SUPPLIER_ACCOUNT),
    ("operator", "POST", "/supplier-accounts", _SUPPLIER_ACCOUNT),
    ("operator", "GET", "/supplier-accounts", None),
    ("operator", "GET", "/suppliers", None),
    ("operator", "GET", "/supplier-availability?code=870650447", None),
    # supplier orders: who orders the manufacturer's parts (the centre's staff) orders these
    ("operator", "GET", "/supplier-orders", None),
    ("operator", "POST", "/supplier-orders", _SUPPLIER_ORDER),
    ("operator", "GET", "/supplier-orders/{supplier_order_id}", None),
    ("operator", "POST", "/supplier-orders/{supplier_order_id}/send", {}),
    ("operator", "POST", "/supplier-orders/{supplier_order_id}/cancel", None),
    # only the centre's manager invoices; technicians and operators see
    ("tech", "POST", "/vouchers", {"ticket_ids": ["{verified}"]}),
    ("operator", "POST", "/vouchers", {"ticket_ids": ["{verified}"]}),
    # the centre's manager records the centre's invoice against a voucher; others see
    ("tech", "PUT", "/vouchers/{voucher_id}/centre-invoice", {"number": "F1", "amount": "1"}),
    ("operator", "PUT", "/vouchers/{voucher_id}/centre-invoice", {"number": "F1", "amount": "1"}),
    # the supplier sync and its diff are the centre's: operators have none
    ("operator", "POST", "/supplier-sync", None),
    ("operator", "GET", "/supplier-changes", None),
    ("operator", "POST", "/supplier-changes/apply", {"all": True}),
    ("operator", "POST", "/supplier-changes/dismiss", {"all": True}),
]


@pytest.mark.parametrize(("username", "method", "path", "body"), ROLE_PROBES)
async def test_the_wrong_role_gets_403_and_changes_nothing(
    http: httpx.AsyncClient, database_url: str, username: str, method: str, path: str, body: Any
) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        params = await _p_order(conn) | await _p_ticket(conn) | await _p_voucher(conn)
        if "{supplier_order_id}" in path:
            params |= await _p_supplier_order(conn)
        verified = await _verified_of_centre(conn)
    await engine.dispose()
    if body and body.get("ticket_ids") == ["{verified}"]:
        body = {"ticket_ids": verified[:2]}
    headers = await token_for(http, username)
    headers |= {"If-Match": "1", "Idempotency-Key": "probe-key"}
    before = await fingerprint(database_url)
    answer = await http.request(method, path.format(**params), json=body, headers=headers)
    assert answer.status_code == 403, (path, answer.status_code, answer.text)
    assert answer.json()["code"] == "forbidden"
    assert await fingerprint(database_url) == before


async def test_order_search_and_addresses_show_only_the_own_centre(
    http: httpx.AsyncClient,
) -> None:
    def centres(page: dict[str, Any]) -> set[str]:
        return {o["service_centre_code"] for o in page["items"]}

    tech2 = await token_for(http, "tech2")
    operator = await token_for(http, "operator")
    mine = (await http.get("/orders", params={"limit": 200}, headers=tech2)).json()
    assert mine["total"] > 0 and centres(mine) == {"249117"}
    everyone = (await http.get("/orders", params={"limit": 200}, headers=operator)).json()
    assert centres(everyone) == {"249050", "249117", "310224"}
    # naming another centre finds nothing rather than its orders
    other = await http.get("/orders", params={"centre": SEED_CENTRE}, headers=tech2)
    assert other.status_code == 200 and other.json()["total"] == 0
    only = (await http.get("/orders", params={"centre": "FR10015195"}, headers=operator)).json()
    assert only["total"] > 0 and centres(only) == {SEED_CENTRE}
    vouchers = (await http.get("/vouchers", params={"limit": 200}, headers=tech2)).json()
    assert vouchers["total"] > 0 and centres(vouchers) == {"249117"}
    every = (await http.get("/vouchers", params={"limit": 200}, headers=operator)).json()
    assert centres(every) == {"249050", "249117", "310224"}
    other = await http.get("/vouchers", params={"centre": SEED_CENTRE}, headers=tech2)
    assert other.status_code == 200 and other.json()["total"] == 0
    today = dt.datetime.now(dt.UTC).date()
    months = [f"{(today.year * 12 + today.month - 1 - n) // 12}-"
              f"{(today.month - 1 - n) % 12 + 1:02d}" for n in range(12)]  # fmt: skip
    for month in months:  # the latest month with parts installed at the seed centre
        params = {"month": month, "centre": SEED_CENTRE}
        if (await http.get("/reports/parts", params=params, headers=operator)).json()["models"]:
            break
    for path, params in (
        ("/reports/parts", {"month": month}),
        ("/invoicing/periods", {"year": str(today.year)}),
    ):
        mine = await http.get(path, params=params, headers=tech2)
        named = await http.get(path, params=params | {"centre": SEED_CENTRE}, headers=tech2)
        seed = await http.get(path, params=params | {"centre": SEED_CENTRE}, headers=operator)
        assert mine.status_code == named.status_code == seed.status_code == 200
        assert named.json() != seed.json()  # another centre's figures are never shown
    book = (await http.get("/addresses", headers=tech2)).json()
    assert book["default"]["city"] == "Lyon"
    assert [a["label"] for a in book["saved"]] == ["Siège (avec n° TVA)"]


@pytest.mark.parametrize(
    "params",
    [{"format": "machine"}, {"format": "spreadsheet"}, {}],
    ids=["machine", "spreadsheet", "default"],
)
async def test_the_csv_export_in_every_format_shows_only_the_own_centre(
    http: httpx.AsyncClient, params: dict[str, str]
) -> None:
    import csv
    import io

    headers = await token_for(http, "tech2") | {"Accept-Language": "fr", "Time-Zone": "UTC"}
    answer = await http.get("/tickets.csv", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    text = answer.content.decode("utf-8-sig")
    machine = params.get("format") == "machine"
    rows = list(csv.reader(io.StringIO(text), delimiter="," if machine else ";"))
    centre = rows[0].index("service_centre" if machine else "Centre technique")
    assert len(rows) > 1 and {r[centre] for r in rows[1:]} == {"249117"}


async def _p_supplier_change(c: AsyncConnection) -> int:
    """A pending supplier change on a sent order of tech's centre (the demo data has none)."""
    from server.suppliers.orders_models import SupplierOrder, SupplierOrderLine
    from server.suppliers.sync_models import SupplierOrderChange

    account = (await _p_supplier_account(c))["account_id"]
    centre = await _centre_id(c)
    user = (await c.execute(select(db.User.id).where(db.User.username == "tech"))).scalar_one()
    now = dt.datetime.now(dt.UTC)
    order = await c.execute(
        SupplierOrder.__table__.insert()
        .values(
            service_centre_id=centre,
            supplier_account_id=account,
            client_reference="PROBE-1",
            supplier_order_number="SO-PROBE",
            status="sent",
            created_at=now,
            created_by=user,
            sent_at=now,
            note="",
            version=1,
        )
        .returning(SupplierOrder.__table__.c.id)
    )
    order_id = order.scalar_one()
    line = await c.execute(
        SupplierOrderLine.__table__.insert()
        .values(
            supplier_order_id=order_id,
            line_no=1,
            ticket_id=await _ticket_of_centre(c),
            requested_code="870650444",
            ordered_code="870650444",
            part_name="BRULEUR AUXILIAIRE",
            quantity=1,
        )
        .returning(SupplierOrderLine.__table__.c.id)
    )
    change = await c.execute(
        SupplierOrderChange.__table__.insert()
        .values(
            service_centre_id=centre,
            supplier_order_id=order_id,
            supplier_order_line_id=line.scalar_one(),
            field="part_name",
            old="BRULEUR AUXILIAIRE",
            new="BRULEUR AUX. V2",
            detected_at=now,
            updated_at=now,
            status="pending",
        )
        .returning(SupplierOrderChange.__table__.c.id)
    )
    change_id = change.scalar_one()
    await c.commit()
    return int(change_id)


@pytest.mark.parametrize("decision", ["apply", "dismiss"])
async def test_another_centre_cannot_see_or_decide_supplier_changes(
    http: httpx.AsyncClient, database_url: str, decision: str
) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        change_id = await _p_supplier_change(conn)
    await engine.dispose()
    tech, tech2 = await token_for(http, "tech"), await token_for(http, "tech2")
    mine = (await http.get("/supplier-changes", headers=tech)).json()
    assert [c["id"] for c in mine["items"]] == [change_id]  # the positive control
    theirs = (await http.get("/supplier-changes", headers=tech2)).json()
    assert theirs["items"] == [] and theirs["total"] == 0
    before = await fingerprint(database_url)
    path = f"/supplier-changes/{decision}"
    named = await http.post(path, json={"ids": [change_id]}, headers=tech2)
    assert named.status_code == 404 and named.json()["code"] == "not_found", named.text
    missing = await http.post(path, json={"ids": [999_999_999]}, headers=tech2)
    assert missing.status_code == 404
    every = await http.post(path, json={"all": True}, headers=tech2)
    assert every.status_code == 200 and every.json()["done"] == []
    synced = await http.post("/supplier-sync", headers=tech2)  # tech2's centre has no order
    assert synced.status_code == 200 and synced.json()["orders_checked"] == 0
    after = await fingerprint(database_url)
    assert {k: v for k, v in after.items() if k != "supplier_sync_runs"} == {
        k: v for k, v in before.items() if k != "supplier_sync_runs"
    }

"""Availability at every supplier of the centre, side by side, through sav's API."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import select

from server.db import models as db
from server.db.session import create_engine
from server.settings import Settings
from server.suppliers.adapter import HttpSupplierClient, RetryPolicy, SupplierCredentials
from server.suppliers.db_models import SupplierAccount
from tests.suppliers.fake_hostile_supplier import FakeHostileSupplier


async def _headers(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await http.post("/auth/login", json={"username": username, "password": "demo"})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _add_account(database_url: str, supplier: str) -> None:
    """An account the API could not have checked (its supplier does not answer)."""
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        manager = (await conn.execute(select(db.User).where(db.User.username == "manager"))).one()
        now = dt.datetime.now(dt.UTC)
        await conn.execute(
            SupplierAccount.__table__.insert().values(
                service_centre_id=manager.service_centre_id,
                supplier=supplier,
                user_name="demo",
                customer_id="100200",
                saved_by_id=manager.id,
                saved_at=now,
                checked_at=now,
                version=1,
            )
        )
    await engine.dispose()


@pytest.fixture
async def with_reference(http: httpx.AsyncClient) -> None:
    body = {"supplier": "reference", "user_name": "demo", "customer_id": "100200"}
    answer = await http.post(
        "/supplier-accounts", json=body, headers=await _headers(http, "manager")
    )
    assert answer.status_code == 201, answer.text


async def test_a_part_and_its_successor_at_the_supplier(
    http: httpx.AsyncClient, with_reference: None
) -> None:
    answer = await http.get(
        "/supplier-availability",
        params=[("code", "870650222"), ("code", "870650444")],
        headers=await _headers(http, "tech"),
    )
    assert answer.status_code == 200, answer.text
    (reference,) = answer.json()["suppliers"]
    assert reference["status"] == "ok"
    old, new = reference["offers"]
    assert (old["replaced_by"], old["stock"], old["purchase_price"]) == ("870650444", 12, "13.90")
    assert (new["code"], new["lead_time_days"], new["sale_price"]) == ("870650444", 2, "17.90")


async def test_a_supplier_that_does_not_answer_does_not_hold_up_the_others(
    http: httpx.AsyncClient, database_url: str, with_reference: None
) -> None:
    await _add_account(database_url, "closed")
    answer = await http.get(
        "/supplier-availability", params={"code": "870650447"}, headers=await _headers(http, "tech")
    )
    closed, reference = answer.json()["suppliers"]
    assert (closed["supplier"], closed["status"], closed["offers"]) == ("closed", "no_answer", [])
    assert reference["status"] == "ok" and reference["offers"][0]["stock"] == 9


@pytest.mark.parametrize(
    ("mode", "status"),
    [("timeout", "no_answer"), ("garbage", "bad_answer"), ("negative-price", "bad_answer")],
)
async def test_a_hostile_supplier_is_reported_not_shown(
    http: httpx.AsyncClient,
    app: object,
    settings: Settings,
    database_url: str,
    with_reference: None,
    mode: str,
    status: str,
) -> None:
    await _add_account(database_url, "closed")
    settings.supplier_timeout_seconds = 0.5
    fake = FakeHostileSupplier(mode)

    def factory(supplier: str, url: str, credentials: SupplierCredentials) -> HttpSupplierClient:
        transport = httpx.ASGITransport(app=fake) if supplier == "closed" else None
        return HttpSupplierClient(supplier, url, credentials, transport=transport)

    app.state.supplier_client_factory = factory  # type: ignore[attr-defined]
    answer = await http.get(
        "/supplier-availability", params={"code": "870650447"}, headers=await _headers(http, "tech")
    )
    closed, reference = answer.json()["suppliers"]
    assert (closed["status"], closed["offers"]) == (status, [])
    assert reference["status"] == "ok"


async def test_no_account_no_supplier_and_operators_have_none(http: httpx.AsyncClient) -> None:
    tech = await _headers(http, "tech")
    answer = await http.get("/supplier-availability", params={"code": "870650447"}, headers=tech)
    assert answer.json() == {"codes": ["870650447"], "suppliers": []}
    operator = await _headers(http, "operator")
    refused = await http.get("/supplier-availability", params={"code": "X"}, headers=operator)
    assert refused.status_code == 403
    bad = await http.get("/supplier-availability", params={"code": "a b"}, headers=tech)
    assert bad.status_code == 422


@pytest.mark.parametrize("mode", ["500", "timeout"])
async def test_a_supplier_found_down_is_not_asked_again_for_a_while(
    http: httpx.AsyncClient,
    app: object,
    settings: Settings,
    database_url: str,
    mode: str,
) -> None:
    await _add_account(database_url, "closed")
    settings.supplier_timeout_seconds = 0.5
    fake = FakeHostileSupplier(mode)
    fast = RetryPolicy(attempts=2, timeout=1, wait_initial=0.01, wait_max=0.01, wait_jitter=0)

    def factory(supplier: str, url: str, credentials: SupplierCredentials) -> HttpSupplierClient:
        transport = httpx.ASGITransport(app=fake)
        return HttpSupplierClient(supplier, url, credentials, transport=transport, retry=fast)

    app.state.supplier_client_factory = factory  # type: ignore[attr-defined]
    tech = await _headers(http, "tech")
    for _ in range(3):
        answer = await http.get("/supplier-availability", params={"code": "X1"}, headers=tech)
        assert answer.json()["suppliers"][0]["status"] == "no_answer"
    # asked on the first request only (with its retry on a 500), then left alone
    assert fake.calls["/v1/availability"] == (2 if mode == "500" else 1)

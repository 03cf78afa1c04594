"""Supplier accounts through sav's API: entered by the manager, checked with the platform
(running as its own process), kept with the secret encrypted, shown to the centre only."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from server.db.session import create_engine
from server.settings import Settings
from server.suppliers import accounts
from server.suppliers.db_models import SupplierAccount
from server.suppliers.secrets import secret_box

SECRET = "demo-secret"
ATELIER = {"supplier": "reference", "user_name": "atelier", "customer_id": "100300"}
DEMO = {"supplier": "reference", "user_name": "demo", "customer_id": "100200"}


async def _headers(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await http.post("/auth/login", json={"username": username, "password": "demo"})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _rows(database_url: str) -> list[Any]:
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(SupplierAccount.__table__))).all()
    await engine.dispose()
    return list(rows)


async def test_the_manager_enters_an_account_once_and_the_centre_sees_it(
    http: httpx.AsyncClient, database_url: str
) -> None:
    manager = await _headers(http, "manager")
    answer = await http.post("/supplier-accounts", json=DEMO, headers=manager)
    assert answer.status_code == 201, answer.text
    saved = answer.json()
    assert (saved["user_name"], saved["has_secret"], saved["saved_by"]) == (
        "demo",
        False,
        "manager",
    )
    tech = await _headers(http, "tech")
    listed = (await http.get("/supplier-accounts", headers=tech)).json()
    assert [a["id"] for a in listed] == [saved["id"]]
    one = await http.get(f"/supplier-accounts/{saved['id']}", headers=tech)
    assert one.json() == saved
    # entered again: replaced, still one account per supplier
    again = await http.post("/supplier-accounts", json=DEMO, headers=manager)
    assert again.json()["id"] == saved["id"] and len(await _rows(database_url)) == 1
    # another centre sees none of it
    tech2 = await _headers(http, "tech2")
    assert (await http.get("/supplier-accounts", headers=tech2)).json() == []


async def test_the_secret_is_encrypted_never_returned_never_logged(
    http: httpx.AsyncClient,
    database_url: str,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    manager = await _headers(http, "manager")
    answer = await http.post(
        "/supplier-accounts", json={**ATELIER, "secret": SECRET}, headers=manager
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["has_secret"] is True and SECRET not in answer.text
    listed = await http.get("/supplier-accounts", headers=manager)
    assert SECRET not in listed.text
    (row,) = await _rows(database_url)
    assert SECRET.encode() not in row.secret_encrypted
    assert secret_box(settings).decrypt(row.secret_encrypted) == SECRET
    assert SECRET not in caplog.text
    # the kept account works: a client made from it signs in at the supplier
    engine = create_engine(database_url)
    from sqlalchemy.ext.asyncio import AsyncSession

    from server.db import models as db

    async with AsyncSession(engine) as session:
        user = (
            await session.execute(select(db.User).where(db.User.username == "tech"))
        ).scalar_one()
        client = await accounts.client_for(session, user, "reference", settings)
        try:
            await client.check_credentials()
            (item,) = await client.availability(["870650447"])
        finally:
            await client.aclose()
    await engine.dispose()
    assert item.stock == 9


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({**ATELIER, "secret": "wrong-one"}, 422, "secret"),
        (ATELIER, 422, "secret"),  # this account needs its secret
        ({**DEMO, "customer_id": "999"}, 422, "customer_id"),
        ({**DEMO, "supplier": "acme"}, 422, "supplier"),
        ({**DEMO, "supplier": "closed"}, 503, None),
        ({**DEMO, "user_name": ""}, 422, "user_name"),
    ],
    ids=["wrong-secret", "no-secret", "wrong-customer", "unknown-supplier", "down", "blank"],
)
async def test_a_wrong_account_is_answered_beside_the_field_and_nothing_is_kept(
    http: httpx.AsyncClient,
    database_url: str,
    body: dict[str, str],
    status: int,
    field: str | None,
) -> None:
    manager = await _headers(http, "manager")
    answer = await http.post("/supplier-accounts", json=body, headers=manager)
    assert answer.status_code == status, answer.text
    if field:
        assert field in answer.json()["fields"], answer.json()
    else:
        assert answer.json()["code"] == "supplier_unavailable"
        assert "not saved" in answer.json()["message"]
    assert "wrong-one" not in answer.text
    assert await _rows(database_url) == []


async def test_only_the_manager_changes_accounts_and_operators_have_none(
    http: httpx.AsyncClient, database_url: str
) -> None:
    manager, tech = await _headers(http, "manager"), await _headers(http, "tech")
    saved = (await http.post("/supplier-accounts", json=DEMO, headers=manager)).json()
    refused = await http.post("/supplier-accounts", json=DEMO, headers=tech)
    assert refused.status_code == 403
    assert (await http.delete(f"/supplier-accounts/{saved['id']}", headers=tech)).status_code == 403
    operator = await _headers(http, "operator")
    assert (await http.get("/supplier-accounts", headers=operator)).status_code == 403
    tech2 = await _headers(http, "tech2")
    gone = await http.delete(f"/supplier-accounts/{saved['id']}", headers=tech2)
    assert gone.status_code == 404 and len(await _rows(database_url)) == 1
    deleted = await http.delete(f"/supplier-accounts/{saved['id']}", headers=manager)
    assert deleted.status_code == 204 and await _rows(database_url) == []


async def test_a_team_server_without_a_key_refuses_secrets(database_url: str) -> None:
    from server.suppliers.secrets import NoSupplierKey

    with pytest.raises(NoSupplierKey, match="SAV_SUPPLIER_KEY"):
        secret_box(Settings(database_url="postgresql+asyncpg://x@h/db"))


def test_an_embedded_server_keeps_its_key_beside_its_database(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'sav.db'}")
    sealed = secret_box(settings).encrypt(SECRET)
    key = tmp_path / "supplier.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert secret_box(settings).decrypt(sealed) == SECRET  # the same key, read again


async def test_a_refused_secret_is_not_echoed(http: httpx.AsyncClient, database_url: str) -> None:
    manager = await _headers(http, "manager")
    secret = "S" * 150 + "-very-secret-" + "S" * 150
    answer = await http.post(
        "/supplier-accounts", json={**ATELIER, "secret": secret}, headers=manager
    )
    assert answer.status_code == 422 and "secret" in answer.json()["fields"]
    assert "very-secret" not in answer.text
    assert await _rows(database_url) == []

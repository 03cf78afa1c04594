"""The embedded server starts the reference platform the first time a supplier is needed."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from server.settings import Settings
from server.suppliers.launcher import launcher_for, stop_platforms


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:  # type: ignore[override]
    """An embedded server's settings: no supplier URL, the platform's file in its data folder."""
    from cryptography.fernet import Fernet

    return Settings(
        database_url=database_url,
        demo=True,
        outbox_dir=tmp_path / "outbox",
        supplier_key=Fernet.generate_key().decode(),
        suppliers={},
        supplier_platform_database=tmp_path / "data" / "supplier-platform.db",
    )


async def _headers(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await http.post("/auth/login", json={"username": username, "password": "demo"})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def test_started_on_first_use_with_its_demo_accounts_and_stopped_with_the_server(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    launcher = launcher_for(settings)
    assert launcher is not None
    try:
        manager = await _headers(http, "manager")
        listed = await http.get("/supplier-accounts", headers=manager)
        assert listed.json() == [] and not launcher.running  # not started with the server
        known = await http.get("/suppliers", headers=manager)
        assert [s["supplier"] for s in known.json()] == ["reference"] and not launcher.running
        body = {"supplier": "reference", "user_name": "demo", "customer_id": "100200"}
        saved = await http.post("/supplier-accounts", json=body, headers=manager)
        assert saved.status_code == 201, saved.text
        assert launcher.running and launcher.database.exists()  # in the data folder
        process = launcher.process
        answer = await http.get(
            "/supplier-availability",
            params=[("code", "870650447")],
            headers=await _headers(http, "tech"),
        )
        (reference,) = answer.json()["suppliers"]
        assert (reference["status"], reference["offers"][0]["stock"]) == ("ok", 9)
        assert launcher.process is process  # the same platform, not a second one
    finally:
        stop_platforms()
    assert process is not None and process.poll() is not None
    assert not launcher.running

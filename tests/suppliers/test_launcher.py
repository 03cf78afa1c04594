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


def test_the_embedded_server_starts_it_in_its_data_folder_and_stops_it_with_itself(
    tmp_path: Path,
) -> None:
    """``python -m server.embedded`` as ``sav`` starts it: no platform until a supplier is
    needed, then one child process; stopping the server stops it."""
    import os
    import subprocess
    import sys
    import time

    import psutil

    from tests.suppliers.conftest import ROOT, _free_port

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAV_SUPPLIER")}
    env["SAV_HOME"] = str(tmp_path / "home")
    database = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'sav.db'}"
    (tmp_path / "data").mkdir()
    server = subprocess.Popen(
        [sys.executable, "-m", "server.embedded", "--database", database, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.2)
        assert psutil.Process(server.pid).children() == []  # nothing at start-up
        token = httpx.post(
            f"{url}/auth/login", json={"username": "manager", "password": "demo"}
        ).json()["access_token"]
        body = {"supplier": "reference", "user_name": "demo", "customer_id": "100200"}
        saved = httpx.post(
            f"{url}/supplier-accounts",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert saved.status_code == 201, saved.text
        (platform,) = psutil.Process(server.pid).children()
        assert "server.suppliers.launcher" in " ".join(platform.cmdline())
        assert (tmp_path / "data" / "supplier-platform.db").exists()
    finally:
        server.terminate()
        server.wait(timeout=15)
    platform.wait(timeout=5)  # gone with the server
    assert not platform.is_running()

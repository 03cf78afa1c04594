"""No log keeps a secret or a customer's data (issue 14).

Two real server processes on the test database: the team server (``sav serve``, its access
log on) and the embedded backend the TUI starts (``python -m server.embedded``, whose output
is the TUI's ``backend.log``), each with its output captured to a file. One scripted session
against each, full of known secrets and customer data: a password (right and wrong), the
token, a made-up token, a supplier account's secret, a customer's phone, e-mail and name in a
new ticket, searches by them, a log note, the CSV export, and requests that fail (an id out
of range, a NUL byte). Then every line both servers wrote is scanned: no hit for any of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy import update

from bench.serving import serving
from server.db import models as db
from server.db.session import create_engine
from server.services.passwords import hash_password_sync

PASSWORD = "Pw-logscan-7f3c9a1e"
WRONG_PASSWORD = "Pw-wrong-52b1d0c4"
FAKE_TOKEN = "tok-logscan-9d8e7f6a5b4c"
SUPPLIER_SECRET = "sup-secret-4e5f6a7b"
PHONE = "0611223344"
EMAIL = "zoe.logscan@example.org"
LAST_NAME = "Logscanova"
NOTE = "door code 4471B"


async def _set_password(database_url: str, username: str, password: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                update(db.User)
                .where(db.User.username == username)
                .values(password_hash=hash_password_sync(password))
            )
    finally:
        await engine.dispose()


@contextlib.contextmanager
def _server(command: list[str], log_path: Path, home: Path) -> Iterator[str]:
    env = {**os.environ, "SAV_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    with serving(command, env, log_path) as url:
        yield url


def _session(url: str, run: str, tokens: list[str]) -> list[int]:
    """The scripted session; the statuses it got (so the test knows it did something)."""
    statuses: list[int] = []
    with httpx.Client(base_url=url, timeout=30) as http:

        def call(method: str, path: str, **kwargs: object) -> httpx.Response:
            answer = http.request(method, path, **kwargs)  # type: ignore[arg-type]
            statuses.append(answer.status_code)
            return answer

        call("POST", "/auth/login", json={"username": "operator", "password": WRONG_PASSWORD})
        login = call("POST", "/auth/login", json={"username": "operator", "password": PASSWORD})
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        tokens.append(token)
        auth = {"Authorization": f"Bearer {token}"}
        call("GET", "/me", headers={"Authorization": f"Bearer {FAKE_TOKEN}"})
        model = call("GET", "/catalogue/models", headers=auth, params={"limit": 1})
        model_code = model.json()["items"][0]["code"]
        created = call(
            "POST",
            "/tickets",
            headers={**auth, "Idempotency-Key": f"logscan-{run}"},
            json={
                "last_name": LAST_NAME,
                "first_name": "Zoé",
                "street": "12 rue des Secrets",
                "postal_code": "67000",
                "city": "Strasbourg",
                "country": "FR",
                "home_phone": PHONE,
                "email": EMAIL,
                "privacy_agreed": True,
                "model_code": model_code,
                "problem": f"does not heat; call {PHONE}",
            },
        )
        assert created.status_code == 201, created.text
        ticket = created.json()["id"]
        for params in ({"phone": PHONE}, {"q": LAST_NAME}, {"q": EMAIL}, {"phone": PHONE[-6:]}):
            found = call("GET", "/tickets", headers=auth, params=params)
            assert found.status_code == 200, found.text
        call("GET", f"/tickets/{ticket}", headers=auth)
        call("GET", f"/tickets/{ticket}/history", headers=auth)
        call("POST", f"/tickets/{ticket}/logs", headers=auth, json={"note": f"{NOTE} {PHONE}"})
        call("POST", f"/tickets/{ticket}/logs", headers=auth, json={"note": f"{NOTE}\x00{EMAIL}"})
        csv = call("GET", "/tickets.csv", headers=auth, params={"phone": PHONE})
        assert PHONE in csv.text or LAST_NAME in csv.text
        # answers that fail, with customer data in the request
        call("GET", f"/tickets/{PHONE}", headers=auth, params={"q": EMAIL})
        call("GET", "/tickets/9223372036854775808", headers=auth, params={"phone": PHONE})
        call("GET", "/tickets", headers=auth, params={"q": f"{LAST_NAME}\x00", "city": EMAIL})
        call("POST", "/tickets", headers={**auth, "Idempotency-Key": f"bad-{run}"}, json={
            "last_name": LAST_NAME, "home_phone": PHONE, "email": EMAIL})  # fmt: skip
        call("POST", "/auth/logout", headers=auth)

        manager = call("POST", "/auth/login", json={"username": "manager", "password": "demo"})
        if manager.status_code == 200:
            tokens.append(manager.json()["access_token"])
            auth = {"Authorization": f"Bearer {tokens[-1]}"}
            account = {
                "supplier": "reference",
                "user_name": "centre-logscan",
                "customer_id": "C-1",
                "secret": SUPPLIER_SECRET,
            }
            call("POST", "/supplier-accounts", headers=auth, json=account)
            call(
                "POST", "/supplier-accounts", headers=auth, json={**account, "supplier": "x" * 300}
            )
            call("POST", "/auth/logout", headers=auth)
    return statuses


def test_no_log_line_keeps_a_secret_or_customer_data(database_url: str, tmp_path: Path) -> None:
    asyncio.run(_set_password(database_url, "operator", PASSWORD))
    serve_log, embedded_log = tmp_path / "serve.log", tmp_path / "backend.log"
    sav = [sys.executable, "-m", "tui.cli"]
    embedded = [sys.executable, "-m", "server.embedded", "--database", database_url]
    tokens: list[str] = []
    with (
        _server([*sav, "serve", "--database", database_url], serve_log, tmp_path / "a") as url,
        _server(embedded, embedded_log, tmp_path / "b") as embedded_url,
    ):
        statuses = _session(url, "serve", tokens)
        _session(embedded_url, "embedded", tokens)
    assert 201 in statuses and 401 in statuses and 422 in statuses

    written = {"sav serve": serve_log.read_text(), "embedded backend": embedded_log.read_text()}
    # the access log is there (so the scan reads something), with route templates only
    assert "POST /tickets/{ticket_id}/logs 201" in written["sav serve"]
    assert "GET /tickets 200" in written["sav serve"]
    secrets = {
        "password": PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "made-up token": FAKE_TOKEN,
        "supplier secret": SUPPLIER_SECRET,
        "phone": PHONE,
        "phone's end": PHONE[-6:],
        "e-mail": EMAIL,
        "e-mail's user": EMAIL.split("@")[0],
        "name": LAST_NAME,
        "log note": NOTE,
        **{f"token {n}": token for n, token in enumerate(tokens)},
    }
    hits = [
        f"{where}: {what} in {line!r}"
        for where, text in written.items()
        for line in text.splitlines()
        for what, value in secrets.items()
        if value.lower() in line.lower()
    ]
    assert hits == []

"""Shared fixtures: a real database with the demo data, the real app, a client over ASGI.

The demo data is seeded once into a template; every test gets its own copy (a file copy
on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL), so a test may write freely
and "changes nothing" can be checked against the whole database.

PostgreSQL: set ``SAV_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test``
(``.ci/run`` does when one answers); otherwise everything runs on SQLite.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from client.api import SavClient
from server.app import create_app
from server.db.migrate import upgrade
from server.db.session import create_engine
from server.settings import Settings

PG_URL = os.environ.get("SAV_TEST_DATABASE_URL", "")
DEMO_TICKETS = 150
_counter = itertools.count()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the user's data, config, keyring or token."""
    monkeypatch.setenv("SAV_HOME", str(tmp_path / "sav-home"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("SAV_TOKEN", raising=False)
    monkeypatch.delenv("SAV_USER", raising=False)


async def _seed(url: str) -> None:
    from server.demo import seed_demo

    engine = create_engine(url)
    try:
        await upgrade(url, engine)
        await seed_demo(engine, tickets=DEMO_TICKETS, now=dt.datetime.now(dt.UTC))
    finally:
        await engine.dispose()


async def _admin(url: str, *statements: str) -> None:
    import asyncpg

    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@dataclass
class TemplateDb:
    backend: str
    url: str
    path: Path | None = None


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateDb]:
    if PG_URL:
        name = f"sav_tpl_{os.getpid()}"
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        asyncio.run(
            _admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        )
        asyncio.run(_seed(url))
        yield TemplateDb("postgresql", url)
        asyncio.run(_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        url = f"sqlite+aiosqlite:///{path}"
        asyncio.run(_seed(url))
        yield TemplateDb("sqlite", url, path)


@pytest.fixture
def database_url(template_db: TemplateDb, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the seeded template for this test."""
    if template_db.backend == "postgresql":
        template = make_url(template_db.url).database
        name = f"sav_t_{os.getpid()}_{next(_counter)}"
        asyncio.run(_admin(PG_URL, f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        asyncio.run(_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        assert template_db.path is not None
        target = tmp_path / "sav.db"
        shutil.copy(template_db.path, target)
        yield f"sqlite+aiosqlite:///{target}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # e-mailed logs go to this test's outbox (on PostgreSQL the default would be the cwd's)
    return Settings(database_url=database_url, demo=True, outbox_dir=tmp_path / "outbox")


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[object]:
    application = create_app(settings)
    yield application
    await application.state.engine.dispose()


@pytest.fixture
async def http(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def make_client(app: object) -> Iterator[object]:
    """SavClient factory over the real app (each with its own token)."""
    clients: list[SavClient] = []

    def factory(**kwargs: object) -> SavClient:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        client = SavClient(http, **kwargs)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield factory


@pytest.fixture
async def signed_in(make_client: object) -> object:
    """``await signed_in("tech")`` -> a SavClient signed in as that demo user."""

    async def sign_in(username: str) -> SavClient:
        client = make_client()  # type: ignore[operator]
        await client.login(username, "demo")
        return client

    return sign_in


SERIAL_FOLDERS = ("tests/pty/", "tests/ssh/")
"""Where the serial tests live: ``make test-serial`` collects only these folders (collecting
the whole suite again would cost half a minute), the Makefile's SERIAL_TESTS."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives a real pty (marked ``pty``) is also ``serial``: ``make test``
    runs the rest on two workers, then these alone, so that the other worker does not
    disturb their timings. Runs before ``-m`` selects. A serial test elsewhere than in
    SERIAL_FOLDERS would run in neither part: refused."""
    for item in items:
        if item.get_closest_marker("pty") is not None:
            item.add_marker(pytest.mark.serial)
        if item.get_closest_marker("serial") is not None and not item.nodeid.startswith(
            SERIAL_FOLDERS
        ):
            raise pytest.UsageError(
                f"{item.nodeid} is marked serial (or pty) outside {' '.join(SERIAL_FOLDERS)}: "
                "make test-serial would not run it; move it there, or add its folder to "
                "SERIAL_FOLDERS in tests/conftest.py and SERIAL_TESTS in the Makefile"
            )


def unique_key() -> str:
    return f"test-{uuid.uuid4()}"


def pytest_report_header(config: pytest.Config) -> str:
    if PG_URL:
        shown = make_url(PG_URL).render_as_string(hide_password=True)
        return f"sav test database: PostgreSQL ({shown}), a fresh database per test"
    return "sav test database: SQLite (set SAV_TEST_DATABASE_URL to run on PostgreSQL)"

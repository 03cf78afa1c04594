"""TUI fixtures: the real app over ASGI behind the client, no mock of our backend."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from client.api import SavClient
from server.app import create_app
from server.db.migrate import upgrade
from server.db.session import create_engine
from server.settings import Settings
from tests.conftest import DEMO_TICKETS, unique_key
from tui import i18n
from tui.app import SavApp
from tui.backend import ClientBackend


def tui_for(backend_app: object, **kwargs: object) -> SavApp:
    """A SavApp talking to ``backend_app`` through the real client (English unless told)."""
    transport = httpx.ASGITransport(app=backend_app)  # type: ignore[arg-type]
    client = SavClient(httpx.AsyncClient(transport=transport, base_url="http://testserver"))
    backend = ClientBackend(client, label="http://testserver", credential_key=unique_key())
    kwargs.setdefault("language", "en")
    kwargs.setdefault("language_forced", True)
    # whatever the terminal running the tests (TERM, NO_COLOR): full colours and unicode
    kwargs.setdefault("colours", "full")
    kwargs.setdefault("glyph_mode", "unicode")
    return SavApp(backend, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def english_between_tests() -> Iterator[None]:
    """The interface's language is process-wide: each test starts in English and leaves it so
    (a French test run first no longer changes what the next one reads)."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def terminal_in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Screens show local times: the tests' terminal is in UTC, whatever the machine's zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def make_tui(app: object) -> Callable[..., SavApp]:
    """A SavApp whose backend is the real app (for async Pilot tests)."""
    return lambda **kwargs: tui_for(app, **kwargs)


# Snapshots show counts: the data is seeded and served at one fixed instant, so that what
# they show does not depend on the day or the hour the tests run.
SNAPSHOT_NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def snapshot_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("snapshots") / "snapshots.db"
    url = f"sqlite+aiosqlite:///{path}"

    async def seed() -> None:
        from server.demo import seed_demo

        engine = create_engine(url)
        await upgrade(url, engine)
        await seed_demo(engine, tickets=DEMO_TICKETS, now=SNAPSHOT_NOW)
        await engine.dispose()

    asyncio.run(seed())
    return url


@pytest.fixture
def snapshot_tui(snapshot_database: str, tmp_path: Path) -> Iterator[Callable[..., SavApp]]:
    """A SavApp for snapshot tests, which run the app in their own event loop.

    Each test gets its own copy of the seeded database: a snapshot that writes (a cart
    line, an action) must not change what the next one shows."""
    apps: list[object] = []
    source = Path(snapshot_database.removeprefix("sqlite+aiosqlite:///"))
    copy = tmp_path / "snapshot.db"
    shutil.copy(source, copy)
    database_url = f"sqlite+aiosqlite:///{copy}"

    def factory(**kwargs: object) -> SavApp:
        settings = Settings(database_url=database_url, demo=True, now=SNAPSHOT_NOW)
        backend_app = create_app(settings)
        apps.append(backend_app)
        app = tui_for(backend_app, **kwargs)
        app.clock = lambda: SNAPSHOT_NOW  # the SLA clock counts from the server's instant
        return app

    yield factory
    for backend_app in apps:
        engine = backend_app.state.engine  # type: ignore[attr-defined]
        asyncio.run(engine.dispose())

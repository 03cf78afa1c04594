"""TUI fixtures: the real app over ASGI behind the client, no mock of our backend."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import httpx
import pytest

from client.api import SavClient
from server.app import create_app
from server.settings import Settings
from tests.conftest import unique_key
from tui.app import SavApp
from tui.backend import ClientBackend


@pytest.fixture
def make_tui(app: object) -> Callable[..., SavApp]:
    """A SavApp whose backend is the real app (for async Pilot tests)."""

    def factory(**kwargs: object) -> SavApp:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        client = SavClient(httpx.AsyncClient(transport=transport, base_url="http://testserver"))
        backend = ClientBackend(client, label="http://testserver", credential_key=unique_key())
        kwargs.setdefault("language", "en")
        kwargs.setdefault("language_forced", True)
        return SavApp(backend, **kwargs)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def snapshot_tui(database_url: str) -> Iterator[Callable[..., SavApp]]:
    """A SavApp for snapshot tests, which run the app in their own event loop."""
    apps: list[object] = []

    def factory(**kwargs: object) -> SavApp:
        backend_app = create_app(Settings(database_url=database_url, demo=True))
        apps.append(backend_app)
        transport = httpx.ASGITransport(app=backend_app)
        client = SavClient(httpx.AsyncClient(transport=transport, base_url="http://testserver"))
        backend = ClientBackend(client, label="http://testserver", credential_key=unique_key())
        kwargs.setdefault("language", "en")
        kwargs.setdefault("language_forced", True)
        return SavApp(backend, **kwargs)  # type: ignore[arg-type]

    yield factory
    for backend_app in apps:
        engine = backend_app.state.engine  # type: ignore[attr-defined]
        asyncio.run(engine.dispose())

"""Fixtures for the pty tests: a seeded SQLite file per test, and ``sav`` started on it."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from server.db.migrate import upgrade
from server.db.session import create_engine
from tests.conftest import DEMO_TICKETS
from tests.pty.harness import SavTerminal


@pytest.fixture(scope="session")
def pty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pty") / "template.db"
    url = f"sqlite+aiosqlite:///{path}"

    async def seed() -> None:
        from server.demo import seed_demo

        engine = create_engine(url)
        try:
            await upgrade(url, engine)
            await seed_demo(engine, tickets=DEMO_TICKETS, now=dt.datetime.now(dt.UTC))
        finally:
            await engine.dispose()

    asyncio.run(seed())
    return path


@pytest.fixture
def pty_database(pty_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "sav.db"
    shutil.copy(pty_template, target)
    return target


@pytest.fixture
def query(pty_database: Path) -> Callable[..., list[tuple[object, ...]]]:
    """Read the test's database directly (to choose a ticket, or check what was saved)."""

    def run(sql: str, *params: object) -> list[tuple[object, ...]]:
        with sqlite3.connect(pty_database) as connection:
            return list(connection.execute(sql, params))

    return run


@pytest.fixture
def start_sav(pty_database: Path, tmp_path: Path) -> Iterator[Callable[..., SavTerminal]]:
    """``start_sav(lang="en", term=...)`` -> ``sav`` in a pty on this test's database."""
    started: list[SavTerminal] = []

    def start(**kwargs: object) -> SavTerminal:
        home = tmp_path / f"home-{len(started)}"
        home.mkdir()
        terminal = SavTerminal(f"sqlite+aiosqlite:///{pty_database}", home, **kwargs)  # type: ignore[arg-type]
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.close()

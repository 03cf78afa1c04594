"""The real embedded backend process on a Unix socket, and the `sav` commands, end to end."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from client.api import SavClient
from client.profiles import runtime_dir
from tui.backend import EmbeddedBackend, stop_process


def sav(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def short_sav_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A SAV_HOME with a short path: under pytest-xdist the test's tmp_path (.../popen-gw1/
    test_embedded_backend_boots_migrates0/sav-home/run/backend-PID.sock) is past the 100
    bytes a Unix socket's path may have, and the backend would listen on a port instead."""
    home = Path(tempfile.mkdtemp(prefix="sav-"))
    monkeypatch.setenv("SAV_HOME", str(home))
    yield home
    shutil.rmtree(home, ignore_errors=True)


async def test_embedded_backend_boots_migrates_seeds_and_answers(
    tmp_path: Path, short_sav_home: Path
) -> None:
    database = tmp_path / "embedded.db"
    backend = EmbeddedBackend(
        database_url=f"sqlite+aiosqlite:///{database}",
        runtime_dir=runtime_dir(),
        log_path=tmp_path / "backend.log",
    )
    backend.start()
    try:
        client, health = await backend.connect()
        assert health.status == "ok" and health.database == "sqlite"
        assert {a.username for a in health.demo_accounts} >= {"tech", "operator"}
        assert backend.socket_path is not None
        assert stat.S_IMODE(os.stat(backend.socket_path).st_mode) & 0o077 == 0  # only the owner
        assert stat.S_IMODE(os.stat(runtime_dir()).st_mode) == 0o700
        await client.login("tech", "demo")
        board = await client.dashboard()
        assert board.service_centre_code == "249050"
        await client.aclose()
    finally:
        await backend.close()
    assert backend.process is not None and backend.process.poll() is not None
    assert not Path(backend.socket_path).exists()  # cleaned up on exit
    assert database.exists()


async def test_a_backend_that_cannot_start_says_why(tmp_path: Path) -> None:
    backend = EmbeddedBackend(
        database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none",
        runtime_dir=runtime_dir(),
        log_path=tmp_path / "backend.log",
        startup_timeout=30,
    )
    from tui.backend import BackendUnavailable

    backend.start()
    with pytest.raises(BackendUnavailable) as failure:
        await backend.connect()
    assert "stopped" in failure.value.message
    assert any("backend.log" in line for line in failure.value.tried)
    stop_process(backend.process)


def test_help_lists_the_commands() -> None:
    result = sav("--help")
    assert result.returncode == 0
    for word in ("serve", "db", "demo", "auth", "info", "--server", "--lang", "F1"):
        assert word in result.stdout


def test_db_upgrade_and_demo_on_a_fresh_file(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    upgraded = sav("db", "upgrade", "--database", url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "latest schema" in upgraded.stdout
    demo = sav("demo", "--database", url, "--tickets", "60")
    assert demo.returncode == 0, demo.stderr
    assert "demo data loaded" in demo.stdout
    again = sav("demo", "--database", url)
    assert again.returncode == 1 and "already holds data" in again.stdout


def test_info_and_auth_status_without_a_keyring(tmp_path: Path) -> None:
    env = {"SAV_HOME": str(tmp_path / "home")}
    info = sav("info", env=env)
    assert info.returncode == 0, info.stderr
    assert str(tmp_path / "home") in info.stdout and "token:" in info.stdout
    status = sav("auth", "status", env=env)
    assert status.returncode == 0 and "signed out" in status.stdout
    with_env_token = sav("auth", "status", env={**env, "SAV_TOKEN": "abc", "SAV_USER": "tech"})
    assert "SAV_TOKEN" in with_env_token.stdout and "tech" in with_env_token.stdout
    assert "abc" not in with_env_token.stdout  # a token is never printed
    logout = sav("auth", "logout", env=env)
    assert logout.returncode == 0 and "no token was remembered" in logout.stdout


async def test_serve_runs_a_team_server(tmp_path: Path) -> None:
    import socket
    import time

    url = f"sqlite+aiosqlite:///{tmp_path / 'team.db'}"
    assert sav("demo", "--database", url, "--tickets", "60").returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve", "--database", url, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        client = SavClient(httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}"), retries=0)
        deadline = time.monotonic() + 30
        while True:
            try:
                health = await client.health()
                break
            except Exception:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                await asyncio.sleep(0.1)
        assert health.demo_accounts == []  # a team server does not advertise passwords
        assert (await client.login("operator", "demo")).user.role.value == "operator"
        await client.aclose()
    finally:
        process.terminate()
        process.wait(10)


def test_an_unknown_server_profile_is_a_clear_error(tmp_path: Path) -> None:
    result = sav("--server", "bogus", env={"SAV_HOME": str(tmp_path)})
    assert result.returncode == 2
    assert "'bogus' is neither a saved profile nor an http(s):// URL" in result.stderr
    assert "Traceback" not in result.stderr

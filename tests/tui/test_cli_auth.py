"""``sav auth status|logout`` and ``sav info``, run as commands (a subprocess with its own
SAV_HOME and no keyring: tokens kept in the 0600 file) against the real database and a
real HTTP server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.serving import app_in_thread
from client.credentials import CredentialStore, token_file_path
from server.app import create_app
from server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def sav(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "LANG": "C.UTF-8", "LANGUAGE": "", **env},
    )


def keep(key: str, username: str, token: str) -> None:
    """What the app does with --store-token-in-file when no keyring is usable."""
    assert CredentialStore(key, allow_file=True).save(username, token) == "file"


def kept() -> dict[str, object]:
    path = token_file_path()
    return json.loads(path.read_text()) if path.exists() else {}


async def sign_in(http: httpx.AsyncClient, username: str = "tech") -> str:
    answer = await http.post("/auth/login", json={"username": username, "password": "demo"})
    assert answer.status_code == 200
    token: str = answer.json()["access_token"]
    return token


async def valid(http: httpx.AsyncClient, token: str) -> bool:
    answer = await http.get("/me", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code == 200


@pytest.fixture
def server_url(settings: Settings) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, in a thread."""
    with app_in_thread(create_app(settings)) as url:
        yield url


async def test_embedded_status_info_and_logout_with_the_token_file(
    http: httpx.AsyncClient, database_url: str
) -> None:
    token = await sign_in(http)
    keep(f"embedded:{database_url}", "tech", token)

    status = sav("--database", database_url, "auth", "status")
    assert status.returncode == 0, status.stderr
    assert "signed in as tech" in status.stdout and "tokens.json" in status.stdout
    assert "--store-token-in-file" in status.stdout  # sav reads it only when asked to
    assert token not in status.stdout + status.stderr
    info = sav("--database", database_url, "info")
    assert info.returncode == 0, info.stderr
    assert [line for line in info.stdout.splitlines() if line.startswith("token:")] == [
        f"token:       file {token_file_path()} (0600) (tech)"
    ]
    # the subcommand's own --database is the same option
    again = sav("auth", "status", "--database", database_url)
    assert "signed in as tech" in again.stdout, again.stdout

    logout = sav("--database", database_url, "auth", "logout")
    assert logout.returncode == 0, logout.stderr
    assert "forgot the token" in logout.stdout and "the server revoked the token" in logout.stdout
    assert kept() == {}
    assert not await valid(http, token)  # revoked in the embedded backend's database
    status = sav("--database", database_url, "auth", "status")
    assert "signed out" in status.stdout


async def test_logout_from_a_team_server_forgets_and_revokes_that_servers_token(
    http: httpx.AsyncClient, server_url: str
) -> None:
    remote, embedded = await sign_in(http, "tech"), await sign_in(http, "manager")
    keep(server_url, "tech", remote)
    keep("embedded:sqlite+aiosqlite:////nowhere/sav.db", "manager", embedded)

    status = sav("--lang", "fr", "--server", server_url, "auth", "status")
    assert status.returncode == 0, status.stderr
    assert f"serveur : {server_url}" in status.stdout and "connecté" in status.stdout
    # given twice with two values: refused, nothing forgotten
    twice = sav("--server", server_url, "auth", "logout", "--server", "http://127.0.0.1:9")
    assert twice.returncode == 2 and "--server" in twice.stderr
    assert set(kept()) == {server_url, "embedded:sqlite+aiosqlite:////nowhere/sav.db"}

    logout = sav("--server", server_url, "auth", "logout")
    assert logout.returncode == 0, logout.stderr
    assert f"forgot the token for {server_url}" in logout.stdout
    assert "the server revoked the token" in logout.stdout
    assert set(kept()) == {"embedded:sqlite+aiosqlite:////nowhere/sav.db"}  # not the other
    assert not await valid(http, remote) and await valid(http, embedded)


def test_logout_when_the_server_cannot_be_reached(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    keep(url, "tech", "a-token-the-server-never-hears-of")
    logout = sav("auth", "logout", "--server", url)
    assert logout.returncode == 1
    assert "forgot the token" in logout.stdout
    assert "could not be told" in logout.stderr and "until it expires" in logout.stderr
    assert kept() == {}
    # the embedded backend's database does not exist: said so, not created
    database = tmp_path / "none.db"
    keep(f"embedded:sqlite+aiosqlite:///{database}", "tech", "another-token")
    logout = sav("--database", f"sqlite+aiosqlite:///{database}", "auth", "logout")
    assert logout.returncode == 1 and "no database at" in logout.stderr
    assert not database.exists() and kept() == {}

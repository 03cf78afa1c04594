"""The reference supplier platform running as its own process, for the supplier tests.

One ``sav supplier serve`` per test session, on a free port, with a database in a temporary
folder; it is stopped at the end. Tests use their own client references, so they share it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RunningPlatform:
    url: str
    database: Path

    def sav(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``sav supplier …`` against this platform's database."""
        return subprocess.run(
            [sys.executable, "-m", "tui.cli", "supplier", *args, "--database", str(self.database)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=30,
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def supplier_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    folder = tmp_path_factory.mktemp("supplier-platform")
    database = folder / "platform.db"
    port = _free_port()
    env = {**os.environ, "SAV_HOME": str(folder / "home")}
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "tui.cli", "supplier", "serve", "--port", str(port)),
            *("--database", str(database), "--seed", "7"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the platform stopped: {process.stdout.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the supplier platform did not start within 20 s")
            time.sleep(0.1)
        yield RunningPlatform(url, database)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def reference() -> str:
    """A client reference no other test uses."""
    return f"T-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path, supplier_platform: RunningPlatform) -> object:
    """sav's settings for the supplier tests: the reference supplier is the running platform,
    ``closed`` a supplier nobody answers for; a fresh server key."""
    from cryptography.fernet import Fernet

    from server.settings import Settings

    return Settings(
        database_url=database_url,
        demo=True,
        outbox_dir=tmp_path / "outbox",
        supplier_key=Fernet.generate_key().decode(),
        suppliers={"reference": supplier_platform.url, "closed": "http://127.0.0.1:9"},
    )

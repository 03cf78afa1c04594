"""A sav server started as its own process, on a free port, for the benches and the tests
that talk to it over a socket (schemathesis, the log scan, keystroke -> results)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerDidNotStart(RuntimeError):
    pass


@contextlib.contextmanager
def serving(
    command: list[str], env: dict[str, str], log_path: Path, timeout: float = 60
) -> Iterator[str]:
    """``command --port N`` (``sav serve`` or the embedded backend) on a free port, once its
    ``/health`` answers, until the block ends: its URL. Its output goes to ``log_path``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise ServerDidNotStart(
                    f"the server stopped (exit {process.returncode}): {log_path.read_text()}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise ServerDidNotStart(f"the server did not answer within {timeout:.0f} s")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def app_in_thread(app: object, timeout: float = 60) -> Iterator[str]:
    """The app under uvicorn, in a thread of this process, on a free loopback port, until
    the block ends: its URL (for a test that must reach it over a real socket, yet patch
    or read the server's state in process)."""
    import threading

    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise ServerDidNotStart("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def isolated_environment(home: Path) -> dict[str, str]:
    """The environment of a bench's ``sav`` processes: its own ``SAV_HOME`` and XDG folders
    under ``home``, no real keyring, no inherited Textual or colour settings, UTC, UTF-8."""
    import os

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TEXTUAL") and k not in ("NO_COLOR", "FORCE_COLOR", "SAV_TOKEN")
    }
    env.update(
        SAV_HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        COLORTERM="truecolor",
        LANG="C.UTF-8",
        TZ="UTC",
    )
    return env


@contextlib.contextmanager
def sav_serve(database: str, home: Path, timeout: float = 90) -> Iterator[str]:
    """``sav serve --database URL`` in its own process for a bench (its log in ``home``):
    its base URL. A server that does not start ends the bench with the reason. A busy
    machine can take over a minute to import and migrate: at least 90 s are given."""
    import sys

    command = [sys.executable, "-m", "tui.cli", "serve", "--database", database]
    home.mkdir(parents=True, exist_ok=True)
    try:
        with serving(
            command, isolated_environment(home), home / "serve.log", max(timeout, 90)
        ) as base:
            yield base
    except ServerDidNotStart as e:
        raise SystemExit(f"sav serve: {e}") from e

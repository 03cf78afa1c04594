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

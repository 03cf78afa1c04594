"""The reference supplier platform, started by the embedded server the first time it is needed.

The embedded server (``server/embedded.py``) sets ``supplier_platform_database``: the supplier
``reference`` is then the reference platform (``platform/``), run as its own process with its
SQLite file in the data folder, its demo accounts, on a free loopback port. It is started on
the first call to a supplier, not with the server (the login paint and the memory targets hold
without it), and stopped with the server: at its shutdown, or by itself within a second when
the server is gone (it watches its parent). A team server has no such thing: its suppliers are
URLs in its settings (``SAV_SUPPLIERS``).

The child picks its own port (it binds port 0) and writes it on its first line, already
listening: no race for a port between choosing it and binding it.

    python -m server.suppliers.launcher --database PATH [--parent-pid PID] [--seed N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

from server.settings import Settings
from server.suppliers.adapter import SupplierUnavailable

log = logging.getLogger("sav.suppliers")

REFERENCE = "reference"
STARTUP_TIMEOUT = 30.0


class PlatformLauncher:
    """One reference platform process for one SQLite file, started on the first ``url()``."""

    def __init__(self, database: Path, *, startup_timeout: float = STARTUP_TIMEOUT) -> None:
        self.database = database
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._url: str | None = None
        self._lock = asyncio.Lock()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def url(self) -> str:
        """The platform's URL, starting it first if it is not running (once, however many
        callers ask at the same time)."""
        async with self._lock:
            if self.running and self._url is not None:
                return self._url
            self._url = await self._start()
            return self._url

    def _spawn(self, log_path: Path) -> subprocess.Popen[bytes]:
        self.database.parent.mkdir(parents=True, exist_ok=True)
        command = [
            *(sys.executable, "-m", "server.suppliers.launcher"),
            *("--database", str(self.database), "--parent-pid", str(os.getpid())),
        ]
        with open(log_path, "ab") as errors:
            return subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                start_new_session=True,
            )

    async def _start(self) -> str:
        log_path = self.database.with_suffix(".log")
        process = await asyncio.to_thread(self._spawn, log_path)
        self.process = process
        assert process.stdout is not None
        try:
            line = await asyncio.wait_for(
                asyncio.to_thread(process.stdout.readline), self.startup_timeout
            )
        except TimeoutError:
            line = b""
        if not line.strip().isdigit():
            self.stop()
            log.warning("the reference supplier platform did not start (see %s)", log_path)
            raise SupplierUnavailable(REFERENCE, f"the platform did not start (see {log_path})")
        url = f"http://127.0.0.1:{int(line)}"
        log.info("reference supplier platform started on %s (database %s)", url, self.database)
        return url

    def stop(self, timeout: float = 3.0) -> None:
        process, self.process, self._url = self.process, None, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()


_launchers: dict[Path, PlatformLauncher] = {}


def launcher_for(settings: Settings) -> PlatformLauncher | None:
    """This process's launcher for the settings' embedded platform (None: a team server)."""
    if settings.supplier_platform_database is None:
        return None
    path = Path(settings.supplier_platform_database).expanduser().resolve()
    launcher = _launchers.get(path)
    if launcher is None:
        launcher = _launchers[path] = PlatformLauncher(path)
    return launcher


def known_suppliers(settings: Settings) -> list[str]:
    """The suppliers this server may talk to."""
    names = set(settings.suppliers)
    if settings.supplier_platform_database is not None:
        names.add(REFERENCE)
    return sorted(names)


async def supplier_url(settings: Settings, supplier: str) -> str | None:
    """Where ``supplier`` answers (None: not one this server knows). The embedded platform is
    started here the first time; ``SupplierUnavailable`` when it cannot be."""
    if supplier == REFERENCE:
        launcher = launcher_for(settings)
        if launcher is not None:
            return await launcher.url()
    return settings.suppliers.get(supplier)


def stop_platforms() -> None:
    """Stop every platform this process started (the server's shutdown)."""
    for launcher in _launchers.values():
        launcher.stop()


# --- the child process --------------------------------------------------------------------------
async def _watch_parent(parent_pid: int, server: object) -> None:
    while True:
        await asyncio.sleep(1.0)
        if os.getppid() != parent_pid:
            server.should_exit = True  # type: ignore[attr-defined]
            return


async def _serve(database: Path, seed: int, parent_pid: int | None) -> None:
    import uvicorn

    from server.suppliers.platform.app import create_platform_app

    app = create_platform_app(database, seed)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    # listening already: a request sent now waits in the backlog until uvicorn takes it
    print(sock.getsockname()[1], flush=True)
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # nobody reads the pipe after the port: never block on it
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    watcher = asyncio.create_task(_watch_parent(parent_pid, server)) if parent_pid else None
    try:
        await server.serve(sockets=[sock])
    finally:
        if watcher:
            watcher.cancel()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sav-supplier-platform")
    parser.add_argument("--database", required=True)
    parser.add_argument("--parent-pid", type=int)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(Path(args.database), args.seed, args.parent_pid))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The embedded backend: started by ``sav`` beside the TUI, in a child process.

It listens on a Unix socket in a private (0700) runtime directory, or on loopback
where Unix sockets are unavailable; migrates its SQLite file, seeds the demo data on
first run, and exits when its parent goes away. A child process rather than a thread:
the TUI process stays small and its event loop never competes with the backend's
(``bench/`` measures both start-ups).

    python -m server.embedded --database URL (--socket PATH | --port N) [--parent-pid PID]
        [--nice N] [--ready-fd FD]

Its start-up is on the path from the user's Enter on the login screen to the home screen:
only the standard library is imported before ``main`` has lowered the priority (``--nice``),
the routers the first requests do not need are imported once it answers
(``create_app(defer_routes=True)``), and it says on ``--ready-fd`` the moment it listens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import signal
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger("sav.embedded")

LEFT_OUT = ("pydantic.v1", "httpx._main")
"""Modules this process never uses, which libraries import when they can: FastAPI checks every
route's models against pydantic.v1's (~0.1 s to import), httpx loads its command-line client
(click, rich, pygments) when they are installed. Marked missing, both go on without them."""


async def prepare(database_url: str, *, demo_tickets: int = 400) -> None:
    """Migrate the database and seed the demo data if it is empty."""
    from sqlalchemy import text

    from server.db.migrate import upgrade
    from server.db.session import create_engine

    engine = create_engine(database_url)
    try:
        await upgrade(database_url, engine)
        async with engine.connect() as conn:  # server.demo.is_seeded, without importing it
            seeded = (await conn.execute(text("SELECT 1 FROM users LIMIT 1"))).first()
        if seeded is None:
            from server.demo import seed_demo

            gc.enable()  # off since main: seeding makes garbage, and happens once
            summary = await seed_demo(engine, tickets=demo_tickets)
            log.info("seeded the demo data: %s", summary)
    finally:
        await engine.dispose()


def platform_database(database_url: str) -> Path:
    """The embedded supplier platform's SQLite file: beside sav's own, in the data folder
    (where ``sav supplier change`` looks by default)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.drivername.startswith("sqlite") and url.database and url.database != ":memory:":
        return Path(url.database).expanduser().resolve().parent / "supplier-platform.db"
    from client.profiles import data_dir

    return data_dir() / "supplier-platform.db"


async def _watch_parent(parent_pid: int, server: uvicorn.Server) -> None:
    while True:
        await asyncio.sleep(1.0)
        if os.getppid() != parent_pid:
            log.info("parent %s went away: stopping", parent_pid)
            server.should_exit = True
            return


async def serve(args: argparse.Namespace) -> None:
    import uvicorn

    from server.app import create_app
    from server.services.mail import outbox_dir
    from server.settings import Settings

    await prepare(args.database)
    settings = Settings(database_url=args.database, demo=True)
    if settings.supplier_platform_database is None and "SAV_SUPPLIERS" not in os.environ:
        # the supplier path works on the first run: the reference platform, started on first use
        settings.supplier_platform_database = platform_database(args.database)
    # No SMTP here unless SAV_SMTP_HOST is set: e-mailed logs go to an outbox beside the database.
    log.info("e-mailed logs without SMTP go to %s", outbox_dir(settings))
    app = create_app(settings, defer_routes=True)
    collecting = asyncio.create_task(_collect_once_started(app))
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=args.port or 0,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    server = _ready_server(config, args.ready_fd)
    watcher = None
    if args.parent_pid:
        watcher = asyncio.create_task(_watch_parent(args.parent_pid, server))
    sockets = [_private_socket(args.socket)] if args.socket else None
    # uvicorn re-raises the SIGTERM it handled once it has shut down, with the handler
    # that was there before it; with the default one we would die before cleaning up.
    signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        await server.serve(sockets=sockets)
    finally:
        collecting.cancel()
        if watcher:
            watcher.cancel()
        if args.socket:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(args.socket)


async def _collect_once_started(app: object) -> None:
    """The garbage collector, off since ``main`` (``gc.disable``), on again once the routes
    are all imported: the start-up (imports, the first sign-in) creates ~110,000 objects and
    almost no garbage, and the collector's passes over them cost ~10 % of that CPU, on the
    path from the user's Enter to the home screen. What exists by then is frozen
    (``gc.freeze``: modules, classes, routes, for the life of the process): later passes
    skip it."""
    late = getattr(getattr(app, "state", None), "late_routes", None)
    try:
        if late is not None:
            await late.done.wait()
    finally:
        gc.freeze()
        gc.enable()


def _ready_server(config: uvicorn.Config, ready_fd: int | None) -> uvicorn.Server:
    """uvicorn's server, which writes a line to ``ready_fd`` once it listens: the TUI waits
    on that pipe rather than polling the socket (``tui.backend.EmbeddedBackend``)."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if ready_fd is not None and self.started:
                with contextlib.suppress(OSError):  # the TUI went away: nobody to tell
                    os.write(ready_fd, b"ready\n")
                with contextlib.suppress(OSError):
                    os.close(ready_fd)

    return Server(config)


def _private_socket(path: str) -> socket.socket:
    """A Unix socket only its owner can connect to (uvicorn would make its own 0666)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)
    try:
        sock.bind(path)
    finally:
        os.umask(old_umask)
    os.chmod(path, 0o600)
    return sock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sav-embedded")
    parser.add_argument("--database", required=True)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--socket")
    where.add_argument("--port", type=int)
    parser.add_argument("--parent-pid", type=int)
    parser.add_argument(
        "--nice", type=int, default=0, help="lower this process's CPU priority by N"
    )
    parser.add_argument(
        "--ready-fd", type=int, help="a pipe to write a line to once the server listens"
    )
    args = parser.parse_args(argv)
    gc.disable()  # until the routes are imported (_collect_once_started)
    if args.nice:
        # Beside a TUI, the terminal comes first: our work waits when both want the CPU.
        os.nice(args.nice)
    for name in LEFT_OUT:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # backend.log beside the TUI: errors, not one line per request
    logging.getLogger("sav.access").setLevel(logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())

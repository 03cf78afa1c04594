"""The embedded backend: started by ``sav`` beside the TUI, in a child process.

It listens on a Unix socket in a private (0700) runtime directory, or on loopback
where Unix sockets are unavailable; migrates its SQLite file, seeds the demo data on
first run, and exits when its parent goes away. A child process rather than a thread:
the TUI process stays small and its event loop never competes with the backend's
(``bench/`` measures both start-ups).

    python -m server.embedded --database URL (--socket PATH | --port N) [--parent-pid PID]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from pathlib import Path

import uvicorn

from server.app import create_app
from server.db.migrate import upgrade
from server.db.session import create_engine
from server.services.mail import outbox_dir
from server.settings import Settings

log = logging.getLogger("sav.embedded")


async def prepare(database_url: str, *, demo_tickets: int = 400) -> None:
    """Migrate the database and seed the demo data if it is empty."""
    from server.demo import is_seeded, seed_demo

    engine = create_engine(database_url)
    try:
        await upgrade(database_url, engine)
        if not await is_seeded(engine):
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
    await prepare(args.database)
    settings = Settings(database_url=args.database, demo=True)
    if settings.supplier_platform_database is None and "SAV_SUPPLIERS" not in os.environ:
        # the supplier path works on the first run: the reference platform, started on first use
        settings.supplier_platform_database = platform_database(args.database)
    # No SMTP here unless SAV_SMTP_HOST is set: e-mailed logs go to an outbox beside the database.
    log.info("e-mailed logs without SMTP go to %s", outbox_dir(settings))
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=args.port or 0,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
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
        if watcher:
            watcher.cancel()
        if args.socket:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(args.socket)


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
    args = parser.parse_args(argv)
    if args.nice:
        # Beside a TUI, the terminal comes first: our work waits when both want the CPU.
        os.nice(args.nice)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # backend.log beside the TUI: errors, not one line per request
    logging.getLogger("sav.access").setLevel(logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The backend's commands, reached through ``sav``: serve, db upgrade, demo."""

from __future__ import annotations

import asyncio
import time

from server.db.session import is_sqlite


def serve(database_url: str, host: str, port: int, workers: int = 1) -> int:
    """Run the team server under uvicorn (stateless: run several behind a load balancer)."""
    import uvicorn

    from server.db.migrate import upgrade

    asyncio.run(upgrade(database_url))
    print(f"sav backend on http://{host}:{port} (database: {_redact(database_url)})", flush=True)
    from server import http_protocol
    from server.observability import uvicorn_log_config

    # uvicorn's access log writes query strings (a search by phone number): ours instead,
    # method, route template, status and duration (server/observability.py)
    config = {
        "host": host,
        "port": port,
        "log_level": "info",
        "proxy_headers": True,
        "access_log": False,
        "log_config": uvicorn_log_config(),
        "http": http_protocol.PATH,  # Nagle off on every connection, with workers too
    }
    if workers > 1:
        import os

        os.environ["SAV_DATABASE_URL"] = database_url
        uvicorn.run("server.app:create_app", factory=True, workers=workers, **config)  # type: ignore[arg-type]
    else:
        from server.app import create_app
        from server.settings import Settings

        uvicorn.run(create_app(Settings(database_url=database_url)), **config)  # type: ignore[arg-type]
    return 0


def db_upgrade(database_url: str) -> int:
    from server.db.migrate import upgrade

    asyncio.run(upgrade(database_url))
    print(f"database at {_redact(database_url)} is at the latest schema")
    return 0


def demo(database_url: str, tickets: int, seed: int) -> int:
    """Migrate, then load the demo data into an empty database."""
    from server.db.migrate import upgrade
    from server.db.session import create_engine
    from server.demo import is_seeded, seed_demo

    async def run() -> int:
        engine = create_engine(database_url)
        try:
            await upgrade(database_url, engine)
            if await is_seeded(engine):
                print(
                    "this database already holds data: demo data goes into an empty one "
                    "(give another --database, or remove the file)"
                )
                return 1
            started = time.perf_counter()
            summary = await seed_demo(engine, tickets=tickets, seed=seed)
            print(f"demo data loaded in {time.perf_counter() - started:.1f} s: {summary}")
            return 0
        finally:
            await engine.dispose()

    return asyncio.run(run())


def revoke_tokens(database_url: str, tokens: list[str]) -> None:
    """Revoke ``tokens`` in this database, as ``POST /auth/logout`` does (``sav auth logout``
    on the embedded backend, which runs only beside the app). Raises when the database
    cannot be reached: a SQLite file that does not exist is not created."""
    import datetime as dt
    from pathlib import Path

    from sqlalchemy.engine import make_url

    from server.db.session import create_engine, session_factory
    from server.services.auth import revoke_token

    if is_sqlite(database_url):
        path = make_url(database_url).database
        if not path or path == ":memory:" or not Path(path).is_file():
            raise FileNotFoundError(2, "no database", path)

    async def run() -> None:
        engine = create_engine(database_url)
        try:
            async with session_factory(engine)() as session:
                now = dt.datetime.now(dt.UTC)
                for token in tokens:
                    await revoke_token(session, token, now)
        finally:
            await engine.dispose()

    asyncio.run(run())


def catalogue_import(database_url: str, folder: str) -> int:
    """Import a manufacturer's catalogue from the CSV files of ``folder`` (all or nothing)."""
    from pathlib import Path

    from server.db.migrate import upgrade
    from server.db.session import create_engine
    from server.services.catalogue_import import CatalogueImportError, import_catalogue

    async def run() -> int:
        engine = create_engine(database_url)
        try:
            await upgrade(database_url, engine)
            try:
                summary = await import_catalogue(engine, Path(folder))
            except CatalogueImportError as exc:
                import sys

                for error in exc.errors:
                    print(f"error: {error}", file=sys.stderr)
                print("nothing was imported", file=sys.stderr)
                return 1
            print(f"catalogue imported from {folder}: {summary}")
            return 0
        finally:
            await engine.dispose()

    return asyncio.run(run())


def codes_import(database_url: str, path: str) -> int:
    """Import the closing form's coded lists from a CSV file (all or nothing)."""
    from pathlib import Path

    from server.db.migrate import upgrade
    from server.db.session import create_engine
    from server.services.closing_codes import CodesImportError, import_codes

    async def run() -> int:
        engine = create_engine(database_url)
        try:
            await upgrade(database_url, engine)
            try:
                summary = await import_codes(engine, Path(path))
            except CodesImportError as exc:
                import sys

                for error in exc.errors:
                    print(f"error: {error}", file=sys.stderr)
                print("nothing was imported", file=sys.stderr)
                return 1
            print(f"codes imported from {path}: {summary}")
            return 0
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _redact(url: str) -> str:
    """The URL without its password, fit for a terminal or a log."""
    if is_sqlite(url):
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)

"""Schemathesis against the live backend: ``make schemathesis`` (``make test`` calls it).

A fresh demo database (``sav db upgrade`` then ``sav demo``), the real team server in its own
process (``sav serve`` on a free port, its log in a file), then ``schemathesis run`` with every
check, once signed in as a technician (``tech``) and once as an operator (``operator``), each
with a fixed seed and a bounded number of cases. It fails on any failure schemathesis reports
(a 5xx, an answer the OpenAPI document does not declare, ...) and prints the figure of each run.

    python -m tests.live.schemathesis_run [--database URL] [--max-examples N] [--seed N]

On PostgreSQL (``SAV_TEST_DATABASE_URL`` set, or ``--database postgresql+asyncpg://...``) it
creates its own database ``sav_schemathesis_<pid>`` next to the given one and drops it after.

Left out of the run: ``POST /auth/logout`` revokes the token the run is signed in with (every
later case would test the 401 path only). Everything else is exercised, writes included: the
database is thrown away afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.serving import ServerDidNotStart, serving

ROLES = ("tech", "operator")  # the demo users (password "demo")
PASSWORD = "demo"
EXCLUDED = {"logout_auth_logout_post": "POST /auth/logout revokes the run's own token"}
DEFAULT_MAX_EXAMPLES = 5
PHASES = {"operator": "examples,fuzzing,stateful"}
"""The coverage phase (every boundary of every input: most of the cases) as the technician
only: the inputs are the same for the operator, whose run is about the role's answers."""
DEFAULT_SEED = 2026
DEMO_TICKETS = 120
SAV = (sys.executable, "-m", "tui.cli")
CONFIG = """\
# positive_data_acceptance: a request the schema allows may still be refused by a rule no
# schema can hold: dates in order, an appointment in the future, a reference that must
# exist, an opaque paging cursor made up, a stale version (412). Every other check (a 5xx,
# an undeclared status, a body or header off the schema, a schema-violating request
# accepted) keeps schemathesis's defaults.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "428", "429", "5xx"]

# a missing If-Match or Idempotency-Key is answered 428 Precondition Required (RFC 6585)
[checks.missing_required_header]
expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]
"""
FIGURE = re.compile(r"(\d+) generated(?:, (\d+) found (\d+) unique failures?)?")


def _sav(*args: str, env: dict[str, str]) -> None:
    command = [*SAV, *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"sav {' '.join(args)} failed (exit {result.returncode})")


async def _pg_admin(url: str, statement: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@contextlib.contextmanager
def fresh_database(given: str | None, folder: Path, name: str | None = None) -> Iterator[str]:
    """A new empty database: a SQLite file in ``folder``, or a PostgreSQL database of ours."""
    if not given or given.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{folder / 'schemathesis.db'}"
        return
    from sqlalchemy.engine import make_url

    name = name or f"sav_schemathesis_{os.getpid()}"
    base = make_url(given)
    asyncio.run(_pg_admin(given, f'DROP DATABASE IF EXISTS "{name}"'))
    asyncio.run(_pg_admin(given, f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_pg_admin(given, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def live_server(database_url: str, env: dict[str, str], log_path: Path) -> Iterator[str]:
    """``sav serve`` on a free port until the block ends; its output goes to ``log_path``."""
    command = [*SAV, "serve", "--database", database_url, "--host", "127.0.0.1"]
    try:
        with serving(command, env, log_path) as url:
            yield url
    except ServerDidNotStart as exc:
        raise SystemExit(f"{exc} ({log_path})") from exc


def sign_in(url: str, username: str) -> str:
    answer = httpx.post(
        f"{url}/auth/login", json={"username": username, "password": PASSWORD}, timeout=30
    )
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


def start_schemathesis(
    url: str,
    token: str,
    *,
    seed: int,
    max_examples: int,
    config: Path,
    env: dict[str, str],
    phases: str = "",
) -> subprocess.Popen[str]:
    """One ``schemathesis run``, started (its output piped)."""
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--header",
        f"Authorization: Bearer {token}",
        "--seed",
        str(seed),
        "--max-examples",
        str(max_examples),
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--no-color",
    ]
    for operation_id in EXCLUDED:
        command += ["--exclude-operation-id", operation_id]
    if phases:
        command += ["--phases", phases]
    # in the run's folder: schemathesis keeps a cache of crashes (.schemathesis/) where it runs,
    # and replays them next time; each run starts from nothing, the same every time
    return subprocess.Popen(
        command,
        env=env,
        cwd=config.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish_schemathesis(process: subprocess.Popen[str], role: str) -> tuple[int, dict[str, int]]:
    """Wait for a run; show its output; its exit code and its figure (cases, failures)."""
    output, _ = process.communicate()
    print(f"== schemathesis as {role}: its output", flush=True)
    sys.stdout.write(output)
    figure = {"cases": 0, "failures": 0}
    for found in FIGURE.finditer(output):
        figure = {"cases": int(found[1]), "failures": int(found[3] or 0)}
    sys.stdout.flush()
    return process.returncode, figure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="schemathesis_run")
    parser.add_argument("--database", default=os.environ.get("SAV_TEST_DATABASE_URL") or None)
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--role", action="append", choices=ROLES, help="default: both")
    parser.add_argument("--keep", action="store_true", help="keep the folder (log, reports)")
    parser.add_argument(
        "--phases", help="for every role (default: all, the coverage phase as tech only)"
    )
    parser.add_argument("--pg-name", help="PostgreSQL: the database to create (and drop)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="sav-schemathesis-"))
    env = {**os.environ, "SAV_HOME": str(folder / "home"), "PYTHONUNBUFFERED": "1"}
    env.pop("SAV_TOKEN", None)
    started = time.monotonic()
    results: list[tuple[str, int, dict[str, int]]] = []
    try:
        with fresh_database(args.database, folder, args.pg_name) as database_url:
            _sav("db", "upgrade", "--database", database_url, env=env)
            _sav("demo", "--database", database_url, "--tickets", str(DEMO_TICKETS), env=env)
            log_path = folder / "server.log"
            with live_server(database_url, env, log_path) as url:
                config = folder / "schemathesis.toml"
                config.write_text(CONFIG)
                # the roles run side by side (two cores: about half the time)
                runs = {
                    role: start_schemathesis(
                        url,
                        sign_in(url, role),
                        seed=args.seed,
                        max_examples=args.max_examples,
                        config=config,
                        env=env,
                        phases=args.phases or PHASES.get(role, ""),
                    )
                    for role in args.role or ROLES
                }
                for role, process in runs.items():
                    code, figure = finish_schemathesis(process, role)
                    results.append((role, code, figure))
            backend = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"== schemathesis on {backend}, seed {args.seed}, {args.max_examples} examples")
    for role, code, figure in results:
        verdict = "ok" if code == 0 else f"FAILED (exit {code})"
        print(
            f"== schemathesis as {role}: {figure['cases']} cases, {figure['failures']} failures: "
            f"{verdict}"
        )
    print(f"== schemathesis took {time.monotonic() - started:.0f} s in all")
    if args.keep:
        print(f"== the server's log and the configuration in {folder}")
    return 0 if results and all(code == 0 for _role, code, _f in results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""``sav``: the terminal client, and the commands around it.

    sav                         the TUI on the embedded backend (SQLite in your data folder)
    sav --server URL|PROFILE    the TUI on a team server
    sav serve                   run the backend as a team server (uvicorn)
    sav db upgrade              migrate a database to the latest schema
    sav demo                    load the demo data into an empty database
    sav catalogue import PATH   load a manufacturer's catalogue from CSV files (see README)
    sav auth status | logout    where the remembered token is; forget it
    sav info                    paths, versions, credential store
    sav keys                    every key, its id, and yours (keys.toml in the config folder)

Only argparse is imported up front: the TUI paints its first frame before the HTTP
client or the backend are loaded.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from client.credentials import CredentialStore

EPILOG = """\
keys in the app: F1 or ? help · : command line (:t 116496 a ticket, :p 870650222 a part,
                 :m AP64-3 a model, :cart the cart, :o the orders, :av CODE a part at every
                 supplier, :supplier the supplier account, :redraw repaint the screen
                 when a line garbled it) · ctrl+p palette
                 Esc back · ctrl+q quit · y copy a number, Y the line, to your own clipboard
                 (OSC 52; in tmux: set -g set-clipboard on) · ctrl+e a note in $EDITOR
                 no alt+ key; F1 taken by the terminal: ? or :help; F10: ctrl+o
your keys: keys.toml in the config folder rebinds any action by its id ("tickets.export" =
           "f7"); sav keys prints every key, its id and what it does, yours marked *
orders: the cart is kept by the server per user; checkout sends an Idempotency-Key (one order
        however often it is sent); orders wait for the manufacturer's validation
catalogue: sav catalogue import PATH loads models.csv, parts.csv, views.csv and relations.csv
           (checked first, then all or nothing; see the README and examples/catalogue/)
settings (config.json in the config folder): "mouse": true (as --mouse), "cursor_blink": true
          (off by default: an idle screen sends nothing over SSH), "glyphs": "ascii", "csv"
codes: sav codes import FILE loads the closing form's coded lists per product family
       (faulty component, fault and its type, intervention code, work done; in en/fr/it)
closing: x on a ticket (centre staff) opens the closing form, F2 keeps a draft, ctrl+s closes;
         the operator checks the closing in the ticket's details, v verifies, r rejects
tickets (operators): n on the home screen records a new ticket (to assign, or to contact with a
           centre's code); t on a ticket reschedules its appointment
contact: c / u on a ticket is recorded on every ticket of its group still to contact; the 48 h
         clock stands still while the customer is unreachable
invoicing: i on the home screen; Space marks verified interventions, f makes the payment
           voucher (the centre's manager), s searches the vouchers
reports: p in invoicing (or :parts 2026-10) the monthly spare-parts report by model (F2/F3
         months, F6 CSV); m in the vouchers (or :periods 2026) the period view: to invoice,
         invoiced, your invoice against each voucher (c on a voucher records it, manager)
documents: F7 saves the PDF of a voucher, an order or an intervention report in exports/
           (and runs config.json's "print_command", e.g. "lp -d ATELIER", on it); F8 on the
           closing form e-mails the report with its PDF
suppliers: sav supplier serve runs the reference supplier platform (its own process and SQLite
           file); sav supplier change ORDER --delivery DATE changes one of its orders now;
           embedded, sav starts it on first use (team server: sav serve --supplier ID=URL
           or SAV_SUPPLIERS). In the app: availability side by side under a part, v in the
           cart and on a tree, :av CODE; s or :supplier enters the centre's supplier account
           (its manager); r asks again
           b in the cart or on a ticket orders from a supplier (c creates, o sends); :so lists them
           x on a supplier order drops the draft, or cancels a sent one at the supplier
           s on :so synchronises (every 3 h by itself): :changes shows the suppliers' changes
           old -> new with the tickets they touch; Space marks, a applies, d dismisses
environment: SAV_HOME (put data, config and sockets under one folder), SAV_TOKEN (a token to use),
             SAV_DATABASE_URL (default database of serve/db/demo)
"""


def _add_database(parser: argparse.ArgumentParser, *, sub: bool = True) -> None:
    # A subcommand's option has its own dest, merged by _merge_repeated: with the same dest,
    # the subcommand's default (None) would erase the value given before the subcommand.
    parser.add_argument(
        "--database",
        metavar="URL",
        dest="sub_database" if sub else "database",
        help="database URL: sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db "
        "(default: $SAV_DATABASE_URL, else the embedded SQLite file)",
    )


def build_parser() -> argparse.ArgumentParser:
    from server import __version__

    parser = argparse.ArgumentParser(
        prog="sav",
        description="sav: after-sales service from the terminal: tickets, parts, orders, invoices.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sav {__version__}")
    parser.add_argument(
        "--server", metavar="URL|PROFILE", help="a team server's URL or a saved profile name"
    )
    parser.add_argument(
        "--lang",
        choices=("en", "fr", "it"),
        help="interface language for this run, over your profile's (otherwise: the one last "
        "chosen on this terminal, F3 on the login screen or :lang, until you sign in; then "
        "your profile's)",
    )
    parser.add_argument(
        "--mouse",
        action="store_true",
        help='let the terminal report the mouse (clicks, wheel); off unless this or "mouse": '
        "true in config.json: each move of the mouse over the window would cross the line",
    )
    parser.add_argument(
        "--store-token-in-file",
        action="store_true",
        help="when no keyring is usable, keep the token in a 0600 file (never the password)",
    )
    _add_database(parser, sub=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the backend as a team server")
    _add_database(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.add_argument(
        "--supplier",
        action="append",
        metavar="ID=URL",
        help="a supplier platform sav may talk to (repeat for several; default $SAV_SUPPLIERS)",
    )

    db = commands.add_parser("db", help="database commands")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="migrate to the latest schema")
    _add_database(upgrade)

    demo = commands.add_parser("demo", help="load the demo data into an empty database")
    _add_database(demo)
    demo.add_argument("--tickets", type=int, default=400, help="how many tickets (default 400)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")

    catalogue = commands.add_parser(
        "catalogue", aliases=["catalog"], help="the parts catalogue: import CSV files"
    )
    catalogue_commands = catalogue.add_subparsers(
        dest="catalogue_command", metavar="ACTION", required=True
    )
    importer = catalogue_commands.add_parser(
        "import",
        help="import models.csv, parts.csv, views.csv, relations.csv from PATH "
        "(checked first, then all or nothing; format in the README)",
    )
    importer.add_argument("path", metavar="PATH", help="the folder holding the CSV files")
    _add_database(importer)

    codes = commands.add_parser(
        "codes", help="the closing form's coded lists (faults, components, work done)"
    )
    codes_commands = codes.add_subparsers(dest="codes_command", metavar="ACTION", required=True)
    codes_importer = codes_commands.add_parser(
        "import",
        help="import the coded lists from a CSV file: list,family,code,fault_type,"
        "name_en,name_fr,name_it (checked first, then all or nothing)",
    )
    codes_importer.add_argument("path", metavar="FILE", help="the CSV file")
    _add_database(codes_importer)

    auth = commands.add_parser("auth", help="the remembered sign-in token")
    auth_commands = auth.add_subparsers(dest="auth_command", metavar="ACTION", required=True)
    for name, text in (
        ("status", "where the token is kept"),
        ("logout", "revoke the token at the server and forget it"),
    ):
        sub = auth_commands.add_parser(name, help=text)
        sub.add_argument("--server", metavar="URL|PROFILE", dest="sub_server")
        _add_database(sub)

    commands.add_parser("info", help="paths, versions and the credential store")

    _add_supplier(commands)

    keys = commands.add_parser(
        "keys",
        help="the keys of every screen, with their ids, as your keys.toml makes them",
        description="Print every key of sav: where it works, the key (yours marked *), what "
        "it does and its id, the name to give it in keys.toml in the config folder.",
    )
    # SUPPRESS: without the option here, the --lang given before the command stays.
    keys.add_argument(
        "--lang", choices=("en", "fr", "it"), default=argparse.SUPPRESS, help="language of the list"
    )
    return parser


def _add_supplier(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    supplier = commands.add_parser(
        "supplier", help="the reference supplier platform: serve it, change an order now"
    )
    actions = supplier.add_subparsers(dest="supplier_command", metavar="ACTION", required=True)
    serve = actions.add_parser("serve", help="run the platform (its own process and database)")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--seed", type=int, default=2026, help="seed of the orders' changes")
    serve.add_argument(
        "--latency-ms", type=int, default=0, help="delay every answer (slow supplier)"
    )
    change = actions.add_parser("change", help="change a pending order now, as the supplier")
    change.add_argument("order", metavar="ORDER", help="its order number or client reference")
    change.add_argument("--line", type=int, default=1, help="the line changed (default 1)")
    change.add_argument("--delivery", metavar="DATE", help="new expected delivery, YYYY-MM-DD")
    change.add_argument("--price", metavar="AMOUNT", help="new purchase price, e.g. 14.90")
    change.add_argument("--sale-price", metavar="AMOUNT", help="new sale price")
    change.add_argument("--part", metavar="CODE", help="the part now sold under this code")
    change.add_argument("--name", metavar="TEXT", help="new part name")
    change.add_argument("--status", choices=("pending", "delivered", "cancelled"))
    for sub in (serve, change):
        # Its own dest: sav's --database (before the command) is a URL of sav's database.
        sub.add_argument(
            "--database", metavar="PATH", dest="platform", help="the platform's SQLite file"
        )


def _supplier(args: argparse.Namespace) -> int:
    from pathlib import Path

    from server.suppliers import cli

    database = Path(args.platform) if args.platform else cli.default_database()
    if args.supplier_command == "serve":
        return cli.serve(args.port, database, args.seed, args.host, args.latency_ms)
    return cli.change(
        database,
        args.order,
        line=args.line,
        delivery=args.delivery,
        price=args.price,
        sale_price=args.sale_price,
        part=args.part,
        name=args.name,
        status=args.status,
    )


def _database(args: argparse.Namespace) -> str:
    import os

    from client.profiles import default_database_url

    return args.database or os.environ.get("SAV_DATABASE_URL") or default_database_url()


def _credential_key(args: argparse.Namespace) -> tuple[str, str, str | None]:
    """(key under which the token is stored, what to call it, the team server's URL or
    None for the embedded backend) for the chosen server."""
    from client.profiles import load_settings, resolve_server

    settings = load_settings()
    server = resolve_server(args.server, settings)
    if server:
        return server, server, server
    from tui.i18n import _

    database = _database(args)
    return (
        f"embedded:{database}",
        _("embedded backend ({database})").format(database=database),
        None,
    )


def _use_language(args: argparse.Namespace) -> None:
    """The commands' messages in the interface's language (as ``sav keys``)."""
    from client.profiles import load_settings
    from tui import i18n

    i18n.set_language(args.lang or load_settings().language or i18n.system_language())


def _file_note(args: argparse.Namespace, store: str) -> str | None:
    """When the token is in the opt-in file but sav would not read it as things stand."""
    from client.credentials import STORE_FILE
    from client.profiles import load_settings
    from tui.i18n import _

    if store != STORE_FILE or args.store_token_in_file or load_settings().store_token_in_file:
        return None
    return _(
        'sav uses this file with --store-token-in-file or "store_token_in_file": true in '
        "config.json"
    )


def auth_command(args: argparse.Namespace) -> int:
    from client.credentials import CredentialStore
    from tui.i18n import _

    _use_language(args)
    key, label, server = _credential_key(args)
    # reading the opt-in file is harmless: whoever signed in with it wants to know it is there
    store = CredentialStore(key, allow_file=True)
    code = 0
    if args.auth_command == "status":
        stored = store.load()
        print(_("server: {label}").format(label=label))
        if stored is None:
            print(_("signed out: no token is remembered"))
        else:
            print(
                _("signed in as {user}; the token is in: {where}").format(
                    user=stored.username or "?", where=store.where()
                )
            )
            if (note := _file_note(args, stored.store)) is not None:
                print(_("note: {message}").format(message=note))
    else:
        tokens = _tokens_to_revoke(key, store)
        cleared = store.clear()
        stores = f" ({', '.join(cleared)})" if cleared else ""
        print(_("forgot the token for {label}").format(label=label) + stores)
        if not cleared:
            print(_("no token was remembered"))
        if tokens:
            error = _revoke(server, _database(args), tokens)
            if error is None:
                print(_("the server revoked the token"))
            else:
                print(
                    _(
                        "the server could not be told ({error}): the token was forgotten here "
                        "only, and stays valid there until it expires"
                    ).format(error=error),
                    file=sys.stderr,
                )
                code = 1
    for warning in store.warnings:
        print(_("note: {message}").format(message=warning), file=sys.stderr)
    return code


def _tokens_to_revoke(key: str, store: CredentialStore) -> list[str]:
    """The token in use (``SAV_TOKEN`` first, as the app takes it) and the one kept in the
    keyring or the file, if another: what ``sav auth logout`` ends at the server."""
    from client.credentials import CredentialStore

    tokens = []
    in_use = store.load()
    if in_use is not None:
        tokens.append(in_use.token)
    kept = CredentialStore(key, allow_file=True, env={})
    stored = kept.load()
    if stored is not None and stored.token not in tokens:
        tokens.append(stored.token)
    store.warnings.extend(w for w in kept.warnings if w not in store.warnings)
    return tokens


def _revoke(server: str | None, database: str, tokens: list[str]) -> str | None:
    """Revoke ``tokens`` at the team server, or in the embedded backend's database (the
    backend runs only beside the app); None when done, else why it could not be."""
    import asyncio

    from tui.i18n import _

    if server is None:
        from server.cli import revoke_tokens

        try:
            revoke_tokens(database, tokens)
        except FileNotFoundError as exc:
            return _("no database at {path}").format(path=exc.filename or database)
        except Exception as exc:  # a missing or foreign file, a database that will not open
            return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return None

    import httpx

    from client.api import SavClient, SavError

    async def run() -> str | None:
        http = httpx.AsyncClient(base_url=server, timeout=httpx.Timeout(10.0, connect=3.0))
        client = SavClient(http, retries=0)
        try:
            for token in tokens:
                client.token = token
                await client.logout()
        except SavError as exc:
            return exc.message
        finally:
            await client.aclose()
        return None

    return asyncio.run(run())


def info_command(args: argparse.Namespace) -> int:
    import platform
    from importlib.metadata import version

    from client import profiles
    from client.credentials import CredentialStore
    from server import __version__

    key, label, _server = _credential_key(args)
    store = CredentialStore(key, allow_file=True)
    print(f"sav {__version__} on Python {platform.python_version()} ({sys.executable})")
    for package in ("textual", "httpx", "pydantic", "fastapi", "sqlalchemy", "keyring"):
        print(f"  {package:<11} {version(package)}")
    print(f"data:        {profiles.data_dir()}")
    print(f"config:      {profiles.config_dir()}")
    print(f"runtime:     {profiles.runtime_dir()}")
    print(f"database:    {_database(args)}")
    print(f"backend log: {profiles.data_dir() / 'backend.log'}")
    print(f"server:      {label}")
    stored = store.load()
    print(f"token:       {store.where()}" + (f" ({stored.username})" if stored else ""))
    from tui.keymap import load

    user = load(check_ids=False)
    if user.path is None:
        print(f"keys:        as shipped (yours would be in {profiles.config_dir() / 'keys.toml'})")
    else:
        problems = f", {len(user.problems)} problem(s): sav keys" if user.problems else ""
        print(f"keys:        {len(user.keys)} of yours in {user.path}{problems}")
    if stored is not None and (note := _file_note(args, stored.store)) is not None:
        store.warnings.append(note)
    for warning in store.warnings:
        print(f"note: {warning}")
    return 0


def keys_command(args: argparse.Namespace) -> int:
    """``sav keys``: the effective key map, in the interface's language; what is wrong
    with keys.toml on stderr (exit code 1 when an entry was left out)."""
    from client.profiles import load_settings
    from tui import glyphs, i18n, keymap

    settings = load_settings()
    i18n.set_language(args.lang or settings.language or i18n.system_language())
    glyphs.use(glyphs.choose(settings.glyphs))  # ⏎ ↑ ↓ or their stand-ins on a console
    user = keymap.load()
    print(keymap.render(user))
    for problem in user.problems:
        print(problem.text(user.path), file=sys.stderr)
    return 1 if user.ignored else 0


def run_tui(args: argparse.Namespace) -> int:
    from tui import collector

    collector.pause()  # the start-up makes next to no garbage; SavApp resumes it
    from client import profiles
    from tui.backend import EmbeddedBackend, RemoteBackend

    settings = profiles.load_settings()
    server = profiles.resolve_server(args.server, settings)
    backend: EmbeddedBackend | RemoteBackend
    if server:
        backend = RemoteBackend(server)
    else:
        backend = EmbeddedBackend(
            database_url=_database(args),
            runtime_dir=profiles.runtime_dir(),
            log_path=profiles.data_dir() / "backend.log",
        )
        # First, before Textual is imported: the backend's start-up (a second or so of
        # imports) overlaps the TUI's, and a user who types at once waits less after Enter.
        backend.start()
    from tui import i18n

    language = args.lang or settings.language or i18n.system_language()
    # before the screens' modules: their keys are translated once, as they are read
    i18n.set_language(language)
    from tui.app import SavApp

    user_keys = None
    if (profiles.config_dir() / "keys.toml").exists():  # tui.keymap.FILE_NAME
        from tui import keymap  # not before the first frame when there is no file

        user_keys = keymap.load(check_ids=False)  # the ids are checked after the first frame

    app = SavApp(
        backend,
        language=language,
        language_forced=args.lang is not None,
        store_token_in_file=args.store_token_in_file or settings.store_token_in_file,
        csv_format=settings.csv,
        glyph_setting=settings.glyphs,
        keymap=user_keys,
        cursor_blink=settings.cursor_blink,
        print_command=settings.print_command,
    )
    try:
        app.run(mouse=args.mouse or settings.mouse)
    finally:
        if isinstance(backend, EmbeddedBackend):
            from tui.backend import stop_process

            stop_process(backend.process)
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from client.profiles import UnknownProfileError

    _merge_repeated(parser, args)
    try:
        return _dispatch(args)
    except UnknownProfileError as exc:
        parser.error(str(exc))  # a clear message and exit code 2, no traceback
        raise AssertionError("unreachable") from exc


def _merge_repeated(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """``--server`` and ``--database`` may be given before the command or after it: the
    same either way; twice with two values is an error (neither silently wins)."""
    for name in ("server", "database"):
        after = getattr(args, f"sub_{name}", None)
        if after is None:
            continue
        before = getattr(args, name)
        if before is not None and before != after:
            from tui.i18n import _

            _use_language(args)
            parser.error(
                _("--{option} is given twice ({first}, {second}): give it once").format(
                    option=name, first=before, second=after
                )
            )
        setattr(args, name, after)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "serve":
        from server.cli import serve

        if args.supplier:
            import json
            import os

            suppliers = dict(item.partition("=")[::2] for item in args.supplier)
            if not all(suppliers) or not all(suppliers.values()):
                print("error: --supplier takes ID=URL", file=sys.stderr)
                return 2
            os.environ["SAV_SUPPLIERS"] = json.dumps(suppliers)  # every worker reads it
        return serve(_database(args), args.host, args.port, args.workers)
    if args.command == "db":
        from server.cli import db_upgrade

        return db_upgrade(_database(args))
    if args.command == "demo":
        from server.cli import demo

        return demo(_database(args), args.tickets, args.seed)
    if args.command in ("catalogue", "catalog"):
        from server.cli import catalogue_import

        return catalogue_import(_database(args), args.path)
    if args.command == "codes":
        from server.cli import codes_import

        return codes_import(_database(args), args.path)

    if args.command == "supplier":
        return _supplier(args)
    if args.command == "auth":
        return auth_command(args)
    if args.command == "info":
        return info_command(args)
    if args.command == "keys":
        return keys_command(args)
    return run_tui(args)


if __name__ == "__main__":
    sys.exit(main())

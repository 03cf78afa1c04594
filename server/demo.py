"""Deterministic demo data: ``sav demo`` and the embedded backend's first run.

Everything is drawn from ``random.Random(seed)`` and placed relative to ``now``, so one
(tickets, seed, now) always gives the same rows (password hashes aside: argon2 salts its
hashes). Rows are built in plain Python (in a worker thread), with explicit primary keys,
and written in one transaction: Core bulk inserts (``conn.execute(insert(table), rows)``) in
chunks of 5,000, or the equivalent faster driver paths of :func:`_bulk_insert` on SQLite and
asyncpg (same stored values, checked by the tests). On PostgreSQL the id sequences are then
moved past the ids used.

What is in it
-------------
* 3 service centres: ``249050`` (the seed's: customer number ``FR10015195``, rate 72.00,
  VAT 20 %, discount 5 %), ``249117`` in Lyon (rate 78.00, VAT 20 %, **empty VAT id** on its
  default address: it must be completed before ordering; its saved address has one) and
  ``310224`` in Modena, Italy (rate 65.00, VAT 22 %, discount 3 %).
* Users: :data:`DEMO_ACCOUNTS` (password ``demo``), plus per centre one or two engineers and
  a manager, and a second operator (Alain Pleinet, the seed's), all with an unusable hash.
* The catalogue: 31 models (:data:`CATEGORIES`), each with an exploded view of 60-150 lines,
  about 2,500 parts with 9-digit codes shared between models (where-used finds several).
* Customers, appliances, ticket groups, tickets in every status, their history, orders,
  interventions and payment vouchers, consistent with the status machine of DOMAIN.md.

Conventions
-----------
Serial numbers (generated ones) have 18 digits: the model's 5-digit series, the production
date ``YYMMDD`` and a 7-digit progressive number. A serial range (``serial_from`` /
``serial_to``, on exploded-view lines and on part relations) is inclusive, ``None`` meaning
open, and compares as strings of equal length (hence numerically). The seed's own serials
(``123345``, ``613254671253762133``) predate this scheme; the P64 view has no serial variants.

Exploded-view validity dates (``valid_from`` / ``valid_to``) are inclusive and refer to the
appliance's production date. Several lines sharing a RefNum are variants of one position.

Part relations (``part_relations``):

* ``supersedes``, ``one_way``: ``from_part`` is the replaced (old) part, ``to_part`` its
  replacement. With no serial range, no production range and no model it is permanent
  (order the new one, always); with ``serial_from``/``serial_to`` (and ``model_id``) it applies
  only to those appliances' serials; with ``production_from``/``production_to`` only to
  appliances produced then. A part may have several conditional supersessions with disjoint
  conditions (a fork). Replacements chain.
* ``alternate``, ``two_way``: the two parts are interchangeable, either may be ordered.
* ``kit_member``, ``one_way``: ``from_part`` is a replaced part and ``to_part`` one part to
  order instead, ``quantity`` of it; ``kit_group`` names the replacement set. Every row with
  the same ``kit_group`` belongs to one set: replacing any ``from_part`` of a group means
  ordering every distinct ``to_part`` of the group once (with its quantity), and a single set
  covers all the group's ``from_part`` codes at once.

The named special cases (see the ``*_CODES`` constants):

* Depth-4 permanent chain: 810930077 (the seed's "BOUGIE D'ALLUMAGE MM.260 A2") -> 810930088
  -> 810930094 -> 810930101 -> 810930115 (the only one in stock). The generator adds random
  chains of depth 1-5 elsewhere.
* AP64-3 SI00 (the seed's lines, exactly): RefNum 43183 = 870650222 (valid to 2013-11-30)
  and 870650444; 43184 = 870650221 (valid to 2013-11-30) and 870650446; 43185 = 870650223
  (valid to 2013-11-30) and 870650447, quantity 2; the other seed lines (7382 878970607,
  7384, 11649, 41602 810930077, 43196-43198, 43527, 43528) as in the manual. The P64 SI00
  view has the same lines. 870650222 -> 870650444 and 870650221 -> 870650446 are permanent
  supersessions; 870650223 -> 870650447 is serial-dependent (AP64-3, series 25190: serials
  produced 2010-01-01 .. 2013-11-30 take the new burner, older ones keep the old one).
* Serial fork: 818730140 -> 818730155 for SF6381X SI00 serials up to production 2018-06-30,
  -> 818730162 from 2018-07-01.
* Production-date supersession: 764130901 -> 764130935 for FAB28ABL1 produced 2015-2019.
* Serial-dependent view variants: SF6381X SI00 RefNum 52210 = 695210250 (serial_to
  ``63810180331...``) and 695210398 (serial_from ``63810180401...``); the generator adds
  random date and serial variants to most views.
* Two-way alternates: 694972530 <-> 694972531 (knobs; the first is on order, the second in
  stock) and 824610447 <-> 824610568 (oven lamps).
* Kits: kit_group ``KIT-CHARNIERES-SF`` replaces the two hinges 690070150 and 690070151 by
  the single kit part 696090012 (one kit for both); kit_group ``KIT-BRULEUR-TC`` replaces
  870650330 by 870650331 x1 + 870650332 x1 + 764130440 x2.
* Obsolete ends: 818730099 (obsolete, unavailable, nothing replaces it) and the chain
  880350100 -> 880350125 whose end is obsolete and unavailable.
* ``INOX-SP`` "INOX SPLEND BOTTLE" at 9.45 EUR, in no view (bought by code).

Tickets and groups share one id counter, as in the seed (group 116496 holds tickets 116496
and 116497): a group's id is its first ticket's id. Generated ids start at 100000 in
creation order and skip the block 116470-116499 kept for the seed's records: Emidio
Reggiani (customer 81806; appliances 48526 = P64 serial 123345 and 48527 = FAB28ABL1) with
group 116496 (tickets 116496 P64 and 116497 FAB28ABL1, to contact, overdue), groups 116491
and 116493 (cancelled, operator mistake) and group 116470 (tickets 116470/116471, verified,
whose interventions are the seed's invoicing figures: 84.00 + 49.96 + 0.00 -> 160.75 and
72.00 -> 86.40). ``tickets`` counts these 7.

Interventions: one per ticket that went through ``closed`` (``closed_at`` = its last
closing; NULL again when the operator's rejection sent it back to ``confirmed``), plus
unsaved drafts (``closed_at`` NULL) for some tickets waiting for parts. ``fault_type`` is
``T`` (malfunction with component exchange: spares > 0), ``R`` (repair or adjustment
without parts), ``N`` (no fault found / misuse) or ``E`` (appliance exchanged). Payment
vouchers group a centre's invoiced interventions by calendar month; net = sum of rate +
spares + bonuses, VAT on that net; the invoiced tickets' last change is the voucher's time.
Orders: one per ticket that waited for parts (lines tied to the ticket), plus stock orders;
line net = price x quantity less the centre's discount, order VAT on the order's net.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import functools
import itertools
import random
import time
import unicodedata
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from client.models import (
    Availability,
    ContactMeans,
    HistoryType,
    OrderStatus,
    RelationDirection,
    RelationKind,
    Role,
    TicketStatus,
    Transport,
    WarrantyStatus,
)
from server.db import models as db
from server.services.money import from_cents, to_cents, vat_on
from server.services.passwords import hash_password_sync

UTC = dt.UTC
try:
    LOCAL_TZ: dt.tzinfo = zoneinfo.ZoneInfo("Europe/Paris")
except zoneinfo.ZoneInfoNotFoundError:  # no time zone database: UTC will do for notes
    LOCAL_TZ = UTC
CHUNK = 5000

DEMO_PASSWORD = "demo"
UNUSABLE_PASSWORD_HASH = "!unusable"  # not an argon2 hash: never verifies

DEMO_ACCOUNTS: list[tuple[str, str, str, str | None]] = [
    ("tech", DEMO_PASSWORD, Role.TECHNICIAN.value, "249050"),
    ("manager", DEMO_PASSWORD, Role.MANAGER.value, "249050"),
    ("operator", DEMO_PASSWORD, Role.OPERATOR.value, None),
    ("tech2", DEMO_PASSWORD, Role.TECHNICIAN.value, "249117"),
]
"""(username, password, role, service centre code) of the accounts one can sign in with."""

CATEGORIES = (
    "hobs",
    "ovens",
    "cookers",
    "dishwashers",
    "fridges",
    "washing_machines",
    "hoods",
    "microwaves",
)

SEED_CENTRE_CODE = "249050"
SEED_GROUP_ID = 116496
SEED_TICKET_IDS = (116496, 116497)
SEED_CUSTOMER_ID = 81806
RESERVED_TICKET_IDS = range(116470, 116500)
CHAIN_CODES = ("810930077", "810930088", "810930094", "810930101", "810930115")
ALTERNATE_CODES = (("694972530", "694972531"), ("824610447", "824610568"))
KIT_ONE_FOR_TWO = ("KIT-CHARNIERES-SF", ("690070150", "690070151"), "696090012")
KIT_SET = ("KIT-BRULEUR-TC", "870650330", (("870650331", 1), ("870650332", 1), ("764130440", 2)))
SERIAL_SUPERSESSION_CODES = ("870650223", "870650447")
SERIAL_FORK_CODES = ("818730140", "818730155", "818730162")
PRODUCTION_SUPERSESSION_CODES = ("764130901", "764130935")
SERIAL_VARIANT_CODES = ("695210250", "695210398")
OBSOLETE_END_CODES = ("818730099", "880350125")
MANUAL_PART_CODE = "INOX-SP"


class S:
    """Ticket statuses as plain strings (enum attribute access is slow in the hot loops)."""

    TO_ASSIGN = TicketStatus.TO_ASSIGN.value
    TO_CONTACT = TicketStatus.TO_CONTACT.value
    UNREACHABLE = TicketStatus.UNREACHABLE.value
    CONFIRMED = TicketStatus.CONFIRMED.value
    WAITING_PARTS = TicketStatus.WAITING_PARTS.value
    EXCHANGE_REQUESTED = TicketStatus.EXCHANGE_REQUESTED.value
    CLOSED = TicketStatus.CLOSED.value
    VERIFIED = TicketStatus.VERIFIED.value
    INVOICED = TicketStatus.INVOICED.value
    CANCELLED = TicketStatus.CANCELLED.value


IN_WARRANTY = WarrantyStatus.IN_WARRANTY.value
OUT_OF_WARRANTY = WarrantyStatus.OUT_OF_WARRANTY.value
H_STATUS_CHANGE = HistoryType.STATUS_CHANGE.value
H_NOTE = HistoryType.NOTE.value
H_EMAIL = HistoryType.EMAIL.value
H_APPLIANCE_UPDATE = HistoryType.APPLIANCE_UPDATE.value
O_AWAITING = OrderStatus.AWAITING_VALIDATION.value
O_VALIDATED = OrderStatus.VALIDATED.value
O_SHIPPED = OrderStatus.SHIPPED.value
O_DONE = OrderStatus.DONE.value
O_CANCELLED = OrderStatus.CANCELLED.value
TRANSPORTS = (Transport.TRUCK.value, Transport.EXPRESS.value)


@dataclass(frozen=True)
class DemoSummary:
    service_centres: int
    users: int
    customers: int
    appliances: int
    ticket_groups: int
    tickets: int
    history_entries: int
    catalogue_models: int
    parts: int
    exploded_view_lines: int
    part_relations: int
    orders: int
    order_lines: int
    interventions: int
    vouchers: int
    elapsed_seconds: float

    def __str__(self) -> str:
        return (
            f"{self.tickets} tickets in {self.ticket_groups} groups, "
            f"{self.history_entries} history entries, {self.customers} customers, "
            f"{self.parts} parts in {self.catalogue_models} models "
            f"({self.exploded_view_lines} view lines, {self.part_relations} relations), "
            f"{self.orders} orders ({self.order_lines} lines), "
            f"{self.interventions} interventions, {self.vouchers} vouchers "
            f"({self.elapsed_seconds:.1f} s)"
        )


# =========================================================================== public API


async def is_seeded(engine: AsyncEngine) -> bool:
    """True when the database already holds users (demo data goes into an empty one)."""
    async with engine.connect() as conn:
        row = (await conn.execute(select(db.User.id).limit(1))).first()
    return row is not None


async def seed_demo(
    engine: AsyncEngine,
    *,
    tickets: int = 400,
    seed: int = 2026,
    now: dt.datetime | None = None,
) -> DemoSummary:
    """Fill an empty, migrated database with the demo data; see the module docstring."""
    started = time.perf_counter()
    now = now or dt.datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    password_hash = await asyncio.to_thread(hash_password_sync, DEMO_PASSWORD)
    rows = await asyncio.to_thread(
        build_rows, tickets=tickets, seed=seed, now=now, password_hash=password_hash
    )
    async with engine.begin() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # a bigger page cache for the indexes being filled (this connection only)
            cache_size = (await conn.exec_driver_sql("PRAGMA cache_size")).scalar()
            await conn.exec_driver_sql("PRAGMA cache_size=-131072")  # 128 MiB
        for table in _TABLES:
            await _bulk_insert(conn, table, rows[table.name])
        if sqlite:
            await conn.exec_driver_sql(f"PRAGMA cache_size={int(cache_size or -2000)}")
        if conn.dialect.name == "postgresql":
            for table in _TABLES:
                id_column = table.c.get("id")
                if id_column is None or id_column.autoincrement is False:
                    continue
                await conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT MAX(id) FROM {table.name}))"
                    )
                )
    return DemoSummary(
        **{name: len(rows[name]) for name in _SUMMARY_TABLES},
        elapsed_seconds=round(time.perf_counter() - started, 3),
    )


async def _bulk_insert(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) in chunks, in ``conn``'s transaction.

    The plain way is Core's ``conn.execute(insert(table), rows)``. SQLAlchemy's per-row
    parameter handling costs more than the database's own work, so with ``_FAST_PATHS`` on:

    * SQLite: the Core statement is compiled once and the driver gets tuples, each column
      converted by its type's own bind processor for this dialect (or a faster function
      checked to give the same text);
    * PostgreSQL with asyncpg: ``COPY`` (``copy_records_to_table``) of the native values,
      which asyncpg encodes as it would the statement's parameters.

    The tests check that the stored values are the same as with the plain Core inserts.
    """
    if not rows:
        return
    if _FAST_PATHS and conn.dialect.name == "sqlite":
        await _sqlite_insert(conn, table, rows)
        return
    if _FAST_PATHS and conn.dialect.driver == "asyncpg":
        await conn.exec_driver_sql("SELECT 1")  # asyncpg opens the transaction lazily
        raw = await conn.get_raw_connection()
        if getattr(raw.dbapi_connection, "_transaction", None) is not None:
            keys = list(rows[0])
            await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                table.name, records=[tuple(row[k] for k in keys) for row in rows], columns=keys
            )
            return
    for start in range(0, len(rows), CHUNK):
        await conn.execute(insert(table), rows[start : start + CHUNK])


async def _sqlite_insert(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    keys = list(rows[0])
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=keys)
    order = list(compiled.positiontup or ())
    processors = []
    for key in order:
        column_type = table.c[key].type
        process = column_type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        fast = _FAST_BIND.get(type(column_type))
        if process is not None and fast is not None:
            sample = next((row[key] for row in rows if row[key] is not None), None)
            if sample is None or fast(sample) == process(sample):
                process = fast  # the same text, at a fraction of the cost
        processors.append(process)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        columns = []
        for key, process in zip(order, processors, strict=True):
            values = [row[key] for row in chunk]
            columns.append(values if process is None else list(map(process, values)))
        await conn.exec_driver_sql(compiled.string, list(zip(*columns, strict=True)))


def _fast_utc_datetime(value: dt.datetime | None) -> str | None:
    """What SQLAlchemy's SQLite DATETIME stores for a UTCDateTime value, computed faster."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


def _fast_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


# each checked against SQLAlchemy's own processor on a sample value before use
_FAST_BIND: dict[type, Any] = {db.UTCDateTime: _fast_utc_datetime, Date: _fast_date}
_FAST_PATHS = True  # the tests compare with the plain Core inserts by turning this off


def build_rows(
    *, tickets: int, seed: int, now: dt.datetime, password_hash: str
) -> dict[str, list[dict[str, Any]]]:
    """Every demo row, by table name, ready for ``insert(table)`` (no database needed)."""
    return _Demo(seed=seed, now=now, password_hash=password_hash).build(tickets)


_TABLES: tuple[Table, ...] = tuple(
    m.__table__  # type: ignore[misc]
    for m in (
        db.ServiceCentre,
        db.SavedAddress,
        db.User,
        db.CatalogueModel,
        db.Part,
        db.ExplodedViewLine,
        db.PartRelation,
        db.Customer,
        db.Appliance,
        db.TicketGroup,
        db.Ticket,
        db.HistoryEntry,
        db.OrderSequence,
        db.Order,
        db.OrderLine,
        db.Voucher,
        db.Intervention,
    )
)

_SUMMARY_TABLES = (
    "service_centres",
    "users",
    "customers",
    "appliances",
    "ticket_groups",
    "tickets",
    "history_entries",
    "catalogue_models",
    "parts",
    "exploded_view_lines",
    "part_relations",
    "orders",
    "order_lines",
    "interventions",
    "vouchers",
)

# =========================================================================== static data

CENTRES: list[dict[str, Any]] = [
    {
        "code": "249050",
        "customer_number": "FR10015195",
        "name": "2AM ASSISTANCE AUDIOVISUEL ET ÉLECTROMÉNAGER",
        "company": "2AM Assistance Audiovisuel et Électroménager SARL",
        "street": "14 rue du Général Leclerc",
        "postal_code": "67000",
        "city": "Strasbourg",
        "province": "Bas-Rhin",
        "country": "FR",
        "phone": "0388324519",
        "fax": "0388324520",
        "vat_id": "FR32512345678",
        "rate_cents": 7200,
        "vat_rate": Decimal("20.00"),
        "discount_rate": Decimal("5.00"),
        "region": "alsace",
        "lang": "fr",
    },
    {
        "code": "249117",
        "customer_number": "FR10015342",
        "name": "RHÔNE ÉLECTRO SERVICE",
        "company": "Rhône Électro Service SARL",
        "street": "27 rue de Gerland",
        "postal_code": "69007",
        "city": "Lyon",
        "province": "Rhône",
        "country": "FR",
        "phone": "0478615230",
        "fax": "",
        "vat_id": "",  # missing: must be completed before ordering
        "rate_cents": 7800,
        "vat_rate": Decimal("20.00"),
        "discount_rate": Decimal("0.00"),
        "region": "lyon",
        "lang": "fr",
    },
    {
        "code": "310224",
        "customer_number": "IT20031877",
        "name": "ASSISTENZA TECNICA EMILIANA",
        "company": "Assistenza Tecnica Emiliana S.r.l.",
        "street": "Via Emilia Est 118",
        "postal_code": "41121",
        "city": "Modena",
        "province": "MO",
        "country": "IT",
        "phone": "059238417",
        "fax": "059238418",
        "vat_id": "IT02345670361",
        "rate_cents": 6500,
        "vat_rate": Decimal("22.00"),
        "discount_rate": Decimal("3.00"),
        "region": "emilia",
        "lang": "it",
    },
]
CENTRE_WEIGHTS = (45, 35, 20)

SAVED_ADDRESSES: list[tuple[int, dict[str, str]]] = [
    (
        0,
        {
            "label": "Atelier Molsheim",
            "company": "2AM Assistance - Atelier",
            "street": "3 rue de l'Industrie",
            "postal_code": "67120",
            "city": "Molsheim",
            "province": "Bas-Rhin",
            "country": "FR",
            "phone": "0388497710",
            "fax": "",
            "vat_id": "FR32512345678",
        },
    ),
    (
        0,
        {
            "label": "Dépôt Colmar",
            "company": "2AM Assistance - Dépôt Colmar",
            "street": "45 route de Neuf-Brisach",
            "postal_code": "68000",
            "city": "Colmar",
            "province": "Haut-Rhin",
            "country": "FR",
            "phone": "0389201144",
            "fax": "",
            "vat_id": "FR32512345678",
        },
    ),
    (
        1,
        {
            "label": "Siège (avec n° TVA)",
            "company": "Rhône Électro Service SARL",
            "street": "27 rue de Gerland",
            "postal_code": "69007",
            "city": "Lyon",
            "province": "Rhône",
            "country": "FR",
            "phone": "0478615230",
            "fax": "",
            "vat_id": "FR45953158461",
        },
    ),
    (
        2,
        {
            "label": "Magazzino Sassuolo",
            "company": "Assistenza Tecnica Emiliana S.r.l.",
            "street": "Via Radici in Piano 310",
            "postal_code": "41049",
            "city": "Sassuolo",
            "province": "MO",
            "country": "IT",
            "phone": "0536801122",
            "fax": "",
            "vat_id": "IT02345670361",
        },
    ),
]

# (username, full name, role, centre index or None, language, usable password)
USERS: list[tuple[str, str, str, int | None, str, bool]] = [
    ("operator", "Chiara Benedetti", Role.OPERATOR.value, None, "it", True),
    ("apleinet", "Alain Pleinet", Role.OPERATOR.value, None, "fr", False),
    ("tech", "Julien Marchal", Role.TECHNICIAN.value, 0, "fr", True),
    ("manager", "Sophie Lambert", Role.MANAGER.value, 0, "en", True),
    ("nweber", "Nicolas Weber", Role.TECHNICIAN.value, 0, "fr", False),
    ("khaddad", "Karim Haddad", Role.TECHNICIAN.value, 0, "fr", False),
    ("tech2", "Thomas Girard", Role.TECHNICIAN.value, 1, "en", True),
    ("lbernard", "Lucas Bernard", Role.TECHNICIAN.value, 1, "fr", False),
    ("cdubois", "Claire Dubois", Role.MANAGER.value, 1, "fr", False),
    ("mrossi", "Marco Rossi", Role.TECHNICIAN.value, 2, "it", False),
    ("lbianchi", "Luca Bianchi", Role.TECHNICIAN.value, 2, "it", False),
    ("fromano", "Francesca Romano", Role.MANAGER.value, 2, "it", False),
]
# engineers per centre (user indexes into USERS) and their weights
ENGINEERS: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {
    0: ((2, 4, 5), (5, 3, 2)),
    1: ((6, 7), (6, 4)),
    2: ((9, 10), (1, 1)),
}
MANAGER_OF = {0: 3, 1: 8, 2: 11}
OPERATOR, PLEINET = 0, 1

# (code, service index, category, description, drawing, fixed series or None)
MODELS: list[tuple[str, str, str, str, str, str | None]] = [
    ("AP64-3", "SI00", "hobs", "Table de cuisson gaz 60 cm, 4 foyers, inox", "251908 - A", "25190"),
    (
        "AP641",
        "SI00",
        "hobs",
        "Table de cuisson gaz 60 cm, 4 foyers, inox brossé",
        "251911 - A",
        None,
    ),
    ("AP641B", "SI00", "hobs", "Table de cuisson gaz 60 cm, 4 foyers, noire", "251912 - A", None),
    (
        "AP642",
        "SI00",
        "hobs",
        "Table de cuisson mixte 60 cm, 3 gaz + 1 électrique",
        "251915 - B",
        None,
    ),
    ("AP6453", "SI00", "hobs", "Table de cuisson gaz 60 cm, grilles fonte", "251930 - A", None),
    ("P64", "SI00", "hobs", "Table de cuisson gaz 60 cm, 4 foyers", "250640 - C", None),
    ("GVIP640", "SI00", "hobs", "Table de cuisson gaz sur verre 60 cm", "252640 - A", None),
    (
        "SR975XGH",
        "SI00",
        "hobs",
        "Table de cuisson gaz 90 cm, 5 foyers, triple couronne",
        "253975 - A",
        None,
    ),
    ("SI5641D", "SI00", "hobs", "Table de cuisson à induction 60 cm", "254641 - A", None),
    ("SF6381X", "SI00", "ovens", "Four multifonction 60 cm, inox", "361381 - A", "63810"),
    ("SF6381X", "SI01", "ovens", "Four multifonction 60 cm, inox (série 2019)", "361381 - B", None),
    ("SFP6925NPZE", "SI00", "ovens", "Four pyrolyse 60 cm, verre noir", "369925 - A", None),
    ("SF6400TVX", "SI00", "ovens", "Four Victoria 60 cm, inox", "364400 - A", None),
    (
        "C9GMX9",
        "SI00",
        "cookers",
        "Cuisinière 90 cm, 5 feux gaz, four multifonction",
        "409900 - A",
        None,
    ),
    ("SUK91MFX9", "SI00", "cookers", "Cuisinière 90 cm, four électrique", "409191 - A", None),
    ("TR4110IP", "SI00", "cookers", "Cuisinière Victoria 110 cm", "404110 - A", None),
    (
        "LSAP6448X",
        "SI00",
        "dishwashers",
        "Lave-vaisselle 60 cm, 13 couverts, inox",
        "526448 - A",
        None,
    ),
    (
        "LSAP6445X",
        "SI00",
        "dishwashers",
        "Lave-vaisselle 60 cm, 13 couverts, blanc",
        "526445 - A",
        None,
    ),
    (
        "LP6470W",
        "SI00",
        "dishwashers",
        "Lave-vaisselle pose libre 60 cm, blanc",
        "526470 - A",
        None,
    ),
    ("STA6445", "SI00", "dishwashers", "Lave-vaisselle tout intégrable 60 cm", "527445 - A", None),
    ("LVS367SX", "SI00", "dishwashers", "Lave-vaisselle 45 cm, inox", "523367 - A", None),
    ("FAB28ABL1", "SI00", "fridges", "Réfrigérateur années 50, bleu azur", "612801 - A", "61325"),
    ("FAB28ARD1", "SI00", "fridges", "Réfrigérateur années 50, rouge", "612802 - A", None),
    (
        "FAB32RCR3",
        "SI00",
        "fridges",
        "Réfrigérateur-congélateur années 50, crème",
        "613203 - A",
        None,
    ),
    ("WHT1114LSIT", "SI00", "washing_machines", "Lave-linge 11 kg, blanc", "711114 - A", None),
    ("LBW50CIT", "SI00", "washing_machines", "Lave-linge années 50, crème", "715050 - A", None),
    ("KD90X", "SI00", "hoods", "Hotte décorative murale 90 cm, inox", "819090 - A", None),
    (
        "KD90X",
        "SI01",
        "hoods",
        "Hotte décorative murale 90 cm, inox (moteur EC)",
        "819090 - B",
        None,
    ),
    ("KSED95X", "SI00", "hoods", "Hotte îlot 90 cm, inox", "819595 - A", None),
    ("FMI325X", "SI00", "microwaves", "Micro-ondes encastrable 25 l", "903250 - A", None),
    ("MP322X1", "SI00", "microwaves", "Micro-ondes combiné 22 l", "903221 - A", None),
]
MODEL_POOLS = {
    "hobs": ("hobs",),
    "ovens": ("ovens",),
    "cookers": ("ovens", "hobs"),
    "dishwashers": ("dishwashers",),
    "fridges": ("fridges",),
    "washing_machines": ("washing_machines",),
    "hoods": ("hoods",),
    "microwaves": ("microwaves", "ovens"),
}

# the seed's AP64-3 SI00 lines: (ref_num, code, quantity, description, price, valid_to)
SEED_AP64_LINES: list[tuple[str, str, int, str, int, dt.date | None]] = [
    ("7382", "878970607", 1, "TUYAU VENTURI RAPIDE S/26/A", 680, None),
    ("7384", "878970609", 1, "TUYAU VENTURI AUX. S/26/A", 620, None),
    ("11649", "764130328", 1, 'JOINT EN GOMME "MIE DE PAIN" S24/A', 315, None),
    ("41602", "810930077", 1, "BOUGIE D'ALLUMAGE MM.260 A2", 1290, None),
    ("43183", "870650222", 1, "BRÛLEUR AUX. MONOPIÈCE SRV596X1", 2150, dt.date(2013, 11, 30)),
    ("43183", "870650444", 1, "BRULEUR AUXILIAIRE", 1840, None),
    ("43184", "870650221", 1, "BRÛLEUR RAPIDE MONOPIÈCE SRV574EB", 2490, dt.date(2013, 11, 30)),
    ("43184", "870650446", 1, "BRULEUR RAPIDE", 2230, None),
    (
        "43185",
        "870650223",
        2,
        "BRÛLEUR SEMI-RAPIDE MONOPIÈCE SRV596X1",
        2310,
        dt.date(2013, 11, 30),
    ),
    ("43185", "870650447", 2, "BRULEUR SEMI-RAPIDE", 2060, None),
    ("43196", "351050670", 1, "CHAPEAU RAPIDE MARRON SE64A", 980, None),
    ("43197", "351050669", 2, "CHAPEAU SEMI-RAPIDE MARRON SE64A", 870, None),
    ("43198", "351050668", 1, "CHAPEAU AUX. MARRON", 740, None),
    ("43527", "065612405", 1, "TABLE 4 FOYERS INOX SE64", 18900, None),
    ("43528", "821290349", 1, "CÂBLE D'ALIMENTATION 3X0,75 SR574", 1425, None),
]

# other fixed parts: code -> (description, price cents, availability, stock, lead, obsolete)
_IN, _ON, _UN = (
    a.value for a in (Availability.IN_STOCK, Availability.ON_ORDER, Availability.UNAVAILABLE)
)
FIXED_PARTS: dict[str, tuple[str, int, str, int, int, bool]] = {
    "810930088": ("BOUGIE D'ALLUMAGE MM.260 A3", 1340, _UN, 0, 0, False),
    "810930094": ("BOUGIE D'ALLUMAGE MM.280", 1410, _UN, 0, 0, False),
    "810930101": ("BOUGIE D'ALLUMAGE MM.280 AVEC CÂBLE", 1590, _UN, 0, 0, False),
    "810930115": ("BOUGIE D'ALLUMAGE UNIVERSELLE MM.300", 1650, _IN, 35, 2, False),
    "690070150": ("CHARNIÈRE PORTE FOUR GAUCHE SF64", 1890, _UN, 0, 0, False),
    "690070151": ("CHARNIÈRE PORTE FOUR DROITE SF64", 1890, _UN, 0, 0, False),
    "696090012": ("KIT CHARNIÈRES PORTE FOUR GAUCHE + DROITE", 3250, _IN, 9, 2, False),
    "870650330": ("BRÛLEUR TRIPLE COURONNE COMPLET SR975", 5800, _UN, 0, 0, False),
    "870650331": ("BRÛLEUR TRIPLE COURONNE SR975", 4120, _IN, 7, 2, False),
    "870650332": ("INJECTEUR TRIPLE COURONNE 1.35", 460, _IN, 40, 1, False),
    "764130440": ("JOINT BRÛLEUR TRIPLE COURONNE", 230, _IN, 60, 1, False),
    "694972530": ("MANETTE INOX SE64", 990, _ON, 0, 30, False),
    "694972531": ("MANETTE ALU SE64", 1040, _IN, 17, 2, False),
    "824610447": ("LAMPE FOUR 25W 300°C E14", 520, _IN, 48, 1, False),
    "824610568": ("LAMPE FOUR 25W 300°C E14 HAUTE TEMPÉRATURE", 610, _IN, 22, 1, False),
    "818730140": ("THERMOSTAT FOUR 50-250°C", 3900, _UN, 0, 0, False),
    "818730155": ("THERMOSTAT FOUR 50-250°C EGO 55.17052", 4250, _IN, 6, 2, False),
    "818730162": ("THERMOSTAT FOUR ÉLECTRONIQUE AVEC SONDE", 5780, _ON, 0, 10, False),
    "695210250": ("RÉSISTANCE CIRCULAIRE 2000W", 3460, _IN, 11, 2, False),
    "695210398": ("RÉSISTANCE CIRCULAIRE 2200W", 3690, _IN, 8, 2, False),
    "818730099": ("PROGRAMMATEUR ÉLECTROMÉCANIQUE 120 MIN", 6400, _UN, 0, 0, True),
    "880350100": ("MOTEUR VENTILATEUR 25W", 4500, _UN, 0, 0, False),
    "880350125": ("MOTEUR VENTILATEUR 25W BASSE CONSOMMATION", 4900, _UN, 0, 0, True),
    "764130901": ("JOINT DE PORTE RÉFRIGÉRATEUR BLEU AZUR", 5400, _IN, 4, 2, False),
    "764130935": ("JOINT DE PORTE RÉFRIGÉRATEUR BLEU AZUR MAGNÉTIQUE", 5800, _IN, 10, 2, False),
    MANUAL_PART_CODE: ("INOX SPLEND BOTTLE", 945, _IN, 120, 1, False),
}
SEED_AP64_AVAILABILITY = {
    "810930077": (_UN, 0, 0),
    "870650222": (_UN, 0, 0),
    "870650221": (_UN, 0, 0),
    "870650223": (_IN, 3, 2),
    "870650447": (_ON, 0, 12),
    "065612405": (_ON, 0, 21),
}
# fixed lines added to other models: model (code, si) -> [(ref_num, part code, quantity)]
FIXED_LINES: dict[tuple[str, str], list[tuple[str, str, int]]] = {
    ("AP641", "SI00"): [
        ("41602", "810930077", 1),
        ("43183", "870650444", 1),
        ("43184", "870650446", 1),
        ("43185", "870650447", 2),
        ("44120", "694972530", 4),
    ],
    ("AP641B", "SI00"): [
        ("43183", "870650444", 1),
        ("43184", "870650446", 1),
        ("43185", "870650447", 2),
    ],
    ("AP642", "SI00"): [
        ("43183", "870650444", 1),
        ("43185", "870650447", 2),
        ("44120", "694972530", 3),
    ],
    ("AP6453", "SI00"): [
        ("43183", "870650444", 1),
        ("43184", "870650446", 1),
        ("43185", "870650447", 2),
        ("44121", "694972531", 4),
    ],
    ("SR975XGH", "SI00"): [("45010", "870650330", 1), ("41602", "810930094", 1)],
    ("C9GMX9", "SI00"): [("45010", "870650330", 1), ("52301", "824610447", 1)],
    ("SF6381X", "SI00"): [
        ("51020", "690070150", 1),
        ("51021", "690070151", 1),
        ("52301", "824610447", 1),
        ("53400", "818730140", 1),
    ],
    ("SF6381X", "SI01"): [
        ("51020", "690070150", 1),
        ("51021", "690070151", 1),
        ("52455", "880350100", 1),
    ],
    ("SF6400TVX", "SI00"): [
        ("51020", "690070150", 1),
        ("51021", "690070151", 1),
        ("52302", "824610568", 1),
        ("53410", "818730099", 1),
    ],
    ("SFP6925NPZE", "SI00"): [("52301", "824610447", 1), ("52455", "880350100", 1)],
    ("FAB28ABL1", "SI00"): [("61230", "764130901", 1)],
    ("FAB28ARD1", "SI00"): [("61230", "764130901", 1)],
}

# part pools: pool -> [(noun, min euros, max euros)]
POOLS: dict[str, list[tuple[str, float, float]]] = {
    "common": [
        ("VIS TÔLE 3,9X9,5", 0.3, 1.2),
        ("VIS M4X10 INOX", 0.3, 1.0),
        ("ÉCROU M5", 0.2, 0.8),
        ("CÂBLE D'ALIMENTATION 3X1,5", 12, 30),
        ("BORNIER 3 PÔLES", 4, 12),
        ("PIED RÉGLABLE", 3, 11),
        ("RESSORT", 1, 5),
        ("CLIP DE FIXATION", 0.5, 3),
        ("NOTICE D'UTILISATION", 2, 6),
        ("SACHET VISSERIE", 3, 9),
        ("FAISCEAU CÂBLÉ", 15, 60),
        ("INTERRUPTEUR BIPOLAIRE", 6, 18),
        ("VOYANT LUMINEUX", 3, 10),
        ("FILTRE ANTIPARASITE", 10, 35),
        ("MICRO-INTERRUPTEUR", 4, 14),
        ("CONNECTEUR", 1, 6),
        ("ÉTIQUETTE SIGNALÉTIQUE", 1, 4),
        ("ENTRETOISE", 0.5, 3),
        ("RONDELLE", 0.2, 1),
        ("PASSE-CÂBLE", 0.8, 3),
        ("FUSIBLE THERMIQUE", 4, 15),
        ("SERRE-CÂBLE", 0.5, 2),
        ("CACHE VIS", 0.5, 2.5),
        ("SUPPORT DE FIXATION", 3, 15),
        ("PATTE DE FIXATION", 2, 9),
        ("COLLIER", 0.5, 4),
        ("PLINTHE", 12, 40),
        ("ISOLANT THERMIQUE", 6, 25),
    ],
    "hobs": [
        ("BRÛLEUR RAPIDE", 15, 35),
        ("BRÛLEUR SEMI-RAPIDE", 14, 30),
        ("BRÛLEUR AUXILIAIRE", 12, 28),
        ("BRÛLEUR TRIPLE COURONNE", 25, 60),
        ("CHAPEAU DE BRÛLEUR", 6, 16),
        ("COURONNE DE BRÛLEUR", 8, 20),
        ("INJECTEUR GAZ NATUREL", 2.5, 8),
        ("INJECTEUR BUTANE/PROPANE", 2.5, 8),
        ("THERMOCOUPLE", 8, 22),
        ("ROBINET GAZ", 25, 65),
        ("BOUGIE D'ALLUMAGE", 8, 20),
        ("ALLUMEUR ÉLECTRONIQUE", 20, 55),
        ("MANETTE", 5, 15),
        ("GRILLE FONTE", 30, 90),
        ("GRILLE ÉMAILLÉE", 25, 70),
        ("JOINT DE TABLE", 4, 12),
        ("RAMPE GAZ", 20, 60),
        ("TUYAU VENTURI", 5, 12),
        ("TABLE INOX", 120, 280),
        ("INDUCTEUR", 45, 120),
        ("CARTE DE PUISSANCE", 90, 240),
        ("CLAVIER TACTILE", 70, 180),
        ("VITROCÉRAMIQUE", 150, 380),
        ("SONDE NTC", 8, 22),
        ("RACCORD GAZ", 4, 14),
        ("VENTILATEUR DE REFROIDISSEMENT", 25, 60),
        ("SUPPORT WOK", 12, 30),
    ],
    "ovens": [
        ("RÉSISTANCE DE SOLE", 25, 65),
        ("RÉSISTANCE DE VOÛTE", 30, 70),
        ("RÉSISTANCE CIRCULAIRE", 25, 60),
        ("RÉSISTANCE GRIL", 30, 75),
        ("THERMOSTAT DE FOUR", 25, 70),
        ("THERMOSTAT DE SÉCURITÉ", 8, 22),
        ("MOTEUR VENTILATEUR", 30, 80),
        ("TURBINE", 6, 18),
        ("MOTEUR DE REFROIDISSEMENT", 30, 75),
        ("JOINT DE PORTE FOUR", 12, 35),
        ("CHARNIÈRE DE PORTE", 12, 35),
        ("VITRE INTÉRIEURE", 25, 75),
        ("VITRE EXTÉRIEURE", 40, 130),
        ("VITRE INTERMÉDIAIRE", 25, 65),
        ("LAMPE FOUR 25W 300°C", 3, 9),
        ("DOUILLE DE LAMPE", 4, 12),
        ("HUBLOT DE LAMPE", 4, 12),
        ("PROGRAMMATEUR ÉLECTRONIQUE", 80, 220),
        ("MINUTERIE", 20, 55),
        ("SONDE DE TEMPÉRATURE", 15, 40),
        ("GLISSIÈRE TÉLESCOPIQUE", 20, 55),
        ("LÈCHEFRITE ÉMAILLÉE", 18, 45),
        ("GRILLE DE FOUR", 15, 40),
        ("SERRURE PYROLYSE", 25, 70),
        ("POIGNÉE DE PORTE", 15, 45),
        ("COMMUTATEUR DE FONCTIONS", 20, 55),
        ("CARTE ÉLECTRONIQUE", 90, 260),
        ("AFFICHEUR LCD", 40, 120),
        ("CAPTEUR DE PORTE", 8, 20),
        ("BOUTON", 4, 12),
        ("FAÇADE", 60, 160),
        ("TOURNEBROCHE", 25, 60),
    ],
    "dishwashers": [
        ("POMPE DE VIDANGE", 25, 60),
        ("POMPE DE CYCLAGE", 60, 150),
        ("ÉLECTROVANNE", 18, 45),
        ("RÉSISTANCE DE CHAUFFE", 35, 90),
        ("BRAS DE LAVAGE SUPÉRIEUR", 12, 30),
        ("BRAS DE LAVAGE INFÉRIEUR", 12, 30),
        ("PANIER SUPÉRIEUR", 45, 110),
        ("PANIER INFÉRIEUR", 45, 110),
        ("PANIER À COUVERTS", 15, 40),
        ("DOSEUR LESSIVE", 25, 55),
        ("JOINT DE CUVE", 15, 35),
        ("FILTRE", 10, 28),
        ("PRESSOSTAT", 20, 45),
        ("AQUASTOP", 35, 80),
        ("ROULETTE DE PANIER", 2, 6),
        ("ADOUCISSEUR", 35, 90),
        ("CARTE ÉLECTRONIQUE", 90, 260),
        ("SERRURE DE PORTE", 15, 40),
        ("CHARNIÈRE", 10, 28),
        ("DÉBITMÈTRE", 15, 35),
        ("CAPTEUR DE TURBIDITÉ", 25, 60),
        ("TUYAU DE VIDANGE", 10, 25),
        ("TUYAU D'ARRIVÉE", 10, 25),
        ("BOUCHON DE SEL", 3, 8),
        ("PIED AVANT", 3, 9),
        ("CÂBLE DE CHARNIÈRE", 4, 10),
    ],
    "fridges": [
        ("THERMOSTAT", 25, 60),
        ("COMPRESSEUR", 150, 320),
        ("JOINT DE PORTE", 30, 80),
        ("CLAYETTE VERRE", 20, 55),
        ("BAC À LÉGUMES", 25, 65),
        ("BALCONNET", 15, 45),
        ("BALCONNET À BOUTEILLES", 18, 50),
        ("VENTILATEUR", 25, 60),
        ("SONDE NTC", 8, 22),
        ("RÉSISTANCE DE DÉGIVRAGE", 20, 50),
        ("LAMPE LED", 12, 35),
        ("CHARNIÈRE SUPÉRIEURE", 12, 30),
        ("CHARNIÈRE INFÉRIEURE", 12, 30),
        ("POIGNÉE CHROMÉE", 25, 60),
        ("ÉVAPORATEUR", 80, 180),
        ("FILTRE DÉSHYDRATEUR", 8, 20),
        ("RELAIS DE DÉMARRAGE", 12, 30),
        ("CARTE ÉLECTRONIQUE", 80, 220),
        ("PORTE CONGÉLATEUR", 60, 160),
        ("BAC À GLAÇONS", 4, 12),
        ("BOUCHON D'ÉVACUATION", 2, 6),
        ("LOGO CHROMÉ", 15, 35),
        ("PANNEAU DE PORTE", 120, 300),
    ],
    "washing_machines": [
        ("COURROIE", 10, 25),
        ("MOTEUR", 120, 280),
        ("POMPE DE VIDANGE", 25, 60),
        ("AMORTISSEUR", 12, 30),
        ("ROULEMENT", 8, 20),
        ("JOINT DE HUBLOT", 30, 75),
        ("SERRURE DE HUBLOT", 18, 40),
        ("RÉSISTANCE", 25, 60),
        ("PRESSOSTAT", 20, 45),
        ("ÉLECTROVANNE", 18, 40),
        ("BAC À PRODUITS", 15, 40),
        ("CROISILLON", 40, 95),
        ("CARTE ÉLECTRONIQUE", 90, 260),
        ("CHARBONS MOTEUR", 12, 28),
        ("POULIE DE TAMBOUR", 20, 45),
        ("CHARNIÈRE DE HUBLOT", 12, 30),
        ("HUBLOT COMPLET", 45, 110),
        ("FILTRE DE VIDANGE", 8, 20),
        ("CONTREPOIDS", 20, 50),
        ("RESSORT DE CUVE", 4, 10),
        ("SONDE CTN", 8, 20),
        ("PIED ANTIVIBRATION", 3, 9),
    ],
    "hoods": [
        ("MOTEUR D'ASPIRATION", 70, 180),
        ("FILTRE À GRAISSE MÉTALLIQUE", 15, 40),
        ("FILTRE À CHARBON", 15, 35),
        ("LAMPE LED", 10, 28),
        ("LAMPE HALOGÈNE 20W", 4, 10),
        ("CONDENSATEUR", 8, 20),
        ("CLAVIER DE COMMANDE", 30, 80),
        ("TURBINE", 20, 50),
        ("CLAPET ANTIRETOUR", 8, 20),
        ("CHEMINÉE DÉCORATIVE", 60, 150),
        ("TRANSFORMATEUR", 15, 40),
        ("CARTE ÉLECTRONIQUE", 60, 160),
        ("GRILLE DE SORTIE", 6, 15),
        ("VOLUTE", 25, 60),
    ],
    "microwaves": [
        ("MAGNÉTRON", 60, 130),
        ("PLATEAU TOURNANT", 15, 40),
        ("MOTEUR PLATEAU", 12, 30),
        ("DIODE HAUTE TENSION", 8, 20),
        ("CONDENSATEUR HAUTE TENSION", 15, 35),
        ("FUSIBLE", 2, 6),
        ("MICRO-INTERRUPTEUR DE PORTE", 5, 14),
        ("TRANSFORMATEUR HAUTE TENSION", 50, 110),
        ("GUIDE D'ONDES", 6, 15),
        ("ENTRAÎNEUR DE PLATEAU", 4, 10),
        ("CARTE ÉLECTRONIQUE", 70, 180),
        ("PORTE COMPLÈTE", 60, 150),
    ],
}
POOL_SIZES = {
    "common": 260,
    "hobs": 380,
    "ovens": 420,
    "dishwashers": 330,
    "fridges": 300,
    "washing_machines": 260,
    "hoods": 150,
    "microwaves": 120,
}
MULTI_QUANTITY = (
    "VIS",
    "ÉCROU",
    "RONDELLE",
    "CLIP",
    "ROULETTE",
    "PIED",
    "CACHE",
    "COLLIER",
    "INJECTEUR",
    "CHAPEAU",
    "MANETTE",
    "ENTRETOISE",
)
QUALIFIERS = (
    "INOX",
    "NOIR",
    "BLANC",
    "ANTHRACITE",
    "CRÈME",
    "ROUGE",
    "BLEU AZUR",
    "ALU",
    "CHROMÉ",
    "GAUCHE",
    "DROIT",
    "AVANT",
    "ARRIÈRE",
    "SUPÉRIEUR",
    "INFÉRIEUR",
    "CENTRAL",
    "230V",
    "1200W",
    "2000W",
    "D.60",
    "D.90",
    "L.450",
    "L.600",
    "Ø 55",
    "Ø 75",
)
SUFFIX_PREFIXES = ("SE", "SR", "SF", "SRV", "SA", "S/", "FA", "LV", "KD", "MM.", "SP")
REASONS = (
    "Évolution technique",
    "Nouveau fournisseur",
    "Amélioration de la fiabilité",
    "Pièce unifiée sur la gamme",
    "Changement de matériau",
)

REGIONS: dict[str, dict[str, Any]] = {
    "alsace": {
        "country": "FR",
        "cities": [
            ("67000", "Strasbourg"),
            ("67120", "Molsheim"),
            ("67210", "Obernai"),
            ("67600", "Sélestat"),
            ("67500", "Haguenau"),
            ("67700", "Saverne"),
            ("68000", "Colmar"),
            ("68100", "Mulhouse"),
            ("67400", "Illkirch-Graffenstaden"),
            ("67300", "Schiltigheim"),
            ("67800", "Bischheim"),
            ("67150", "Erstein"),
            ("67380", "Lingolsheim"),
            ("67160", "Wissembourg"),
            ("68500", "Guebwiller"),
            ("67200", "Strasbourg"),
            ("67100", "Strasbourg"),
            ("68200", "Mulhouse"),
            ("57000", "Metz"),
            ("54000", "Nancy"),
        ],
        "region": "Grand Est",
        "landline": "03",
    },
    "lyon": {
        "country": "FR",
        "cities": [
            ("69001", "Lyon"),
            ("69003", "Lyon"),
            ("69006", "Lyon"),
            ("69007", "Lyon"),
            ("69008", "Lyon"),
            ("69009", "Lyon"),
            ("69100", "Villeurbanne"),
            ("69200", "Vénissieux"),
            ("69300", "Caluire-et-Cuire"),
            ("69500", "Bron"),
            ("69120", "Vaulx-en-Velin"),
            ("69800", "Saint-Priest"),
            ("69400", "Villefranche-sur-Saône"),
            ("38200", "Vienne"),
            ("38300", "Bourgoin-Jallieu"),
            ("42000", "Saint-Étienne"),
            ("38000", "Grenoble"),
            ("74000", "Annecy"),
            ("73000", "Chambéry"),
            ("01000", "Bourg-en-Bresse"),
        ],
        "region": "Auvergne-Rhône-Alpes",
        "landline": "04",
    },
    "emilia": {
        "country": "IT",
        "cities": [
            ("41121", "Modena"),
            ("41012", "Carpi"),
            ("41049", "Sassuolo"),
            ("41043", "Formigine"),
            ("42121", "Reggio Emilia"),
            ("40121", "Bologna"),
            ("43121", "Parma"),
            ("42016", "Guastalla"),
            ("41037", "Mirandola"),
            ("41058", "Vignola"),
            ("41013", "Castelfranco Emilia"),
            ("42015", "Correggio"),
        ],
        "region": "Emilia-Romagna",
        "landline": "059",
    },
}
FR_FIRST = (
    "Julien",
    "Nicolas",
    "Pierre",
    "Thomas",
    "Antoine",
    "Maxime",
    "Alexandre",
    "Laurent",
    "Philippe",
    "Michel",
    "Jean",
    "François",
    "Olivier",
    "Christophe",
    "Stéphane",
    "Sébastien",
    "Patrick",
    "Éric",
    "David",
    "Frédéric",
    "Vincent",
    "Jérôme",
    "Mathieu",
    "Guillaume",
    "Romain",
    "Hugo",
    "Louis",
    "Lucas",
    "Bernard",
    "Alain",
    "Gérard",
    "Daniel",
    "Marc",
    "Yves",
    "Marie",
    "Sophie",
    "Isabelle",
    "Nathalie",
    "Catherine",
    "Sylvie",
    "Christine",
    "Valérie",
    "Sandrine",
    "Céline",
    "Julie",
    "Aurélie",
    "Émilie",
    "Camille",
    "Claire",
    "Anne",
    "Hélène",
    "Monique",
    "Françoise",
    "Chantal",
    "Martine",
    "Brigitte",
    "Laure",
    "Manon",
    "Léa",
    "Chloé",
    "Élodie",
    "Mélanie",
    "Pauline",
    "Margaux",
    "Odile",
    "Jeanne",
)
FR_LAST = (
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Da Silva",
    "Benali",
)
ALSACE_LAST = (
    "Muller",
    "Schmitt",
    "Meyer",
    "Weber",
    "Klein",
    "Wolff",
    "Fischer",
    "Koch",
    "Zimmermann",
    "Bauer",
    "Roth",
    "Hoffmann",
    "Schneider",
    "Keller",
    "Huber",
    "Wagner",
    "Becker",
    "Ostermann",
    "Kieffer",
    "Heitz",
    "Ehrhart",
    "Jung",
    "Walter",
    "Lang",
    "Ritter",
    "Frey",
)
IT_FIRST = (
    "Marco",
    "Luca",
    "Giuseppe",
    "Giovanni",
    "Andrea",
    "Francesco",
    "Alessandro",
    "Matteo",
    "Stefano",
    "Paolo",
    "Roberto",
    "Davide",
    "Simone",
    "Federico",
    "Lorenzo",
    "Emidio",
    "Massimo",
    "Claudio",
    "Giulia",
    "Francesca",
    "Chiara",
    "Sara",
    "Valentina",
    "Elena",
    "Laura",
    "Alessia",
    "Martina",
    "Federica",
    "Silvia",
    "Paola",
    "Anna",
    "Maria",
    "Roberta",
)
IT_LAST = (
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Costa",
    "Giordano",
    "Mancini",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Benedetti",
    "Malagoli",
    "Bertolani",
    "Guidetti",
)
FR_STREETS = (
    "rue Victor Hugo",
    "rue de la Gare",
    "avenue Jean Jaurès",
    "rue des Vosges",
    "rue du Maréchal Foch",
    "place de la République",
    "rue Pasteur",
    "rue des Tilleuls",
    "chemin des Vignes",
    "rue de l'Église",
    "boulevard Gambetta",
    "rue du Moulin",
    "allée des Peupliers",
    "impasse des Lilas",
    "rue des Sports",
    "rue des Jardins",
    "rue de la Paix",
    "avenue de la Liberté",
    "rue du Général de Gaulle",
    "rue des Écoles",
    "rue Principale",
    "rue des Acacias",
    "quai Saint-Nicolas",
    "rue de la Fontaine",
    "route de Lyon",
    "rue des Roses",
    "rue du Château",
    "cours Lafayette",
)
IT_STREETS = (
    "Via Roma",
    "Via Giuseppe Garibaldi",
    "Corso Canalgrande",
    "Viale Martiri della Libertà",
    "Via Giardini",
    "Via Vignolese",
    "Via Cavour",
    "Via Dante Alighieri",
    "Via Giacomo Matteotti",
    "Piazza Grande",
    "Via San Faustino",
    "Via Nonantolana",
    "Via Emilia Ovest",
    "Viale Italia",
    "Via Mazzini",
)
FR_MAIL = ("orange.fr", "free.fr", "gmail.com", "laposte.net", "sfr.fr", "wanadoo.fr")
IT_MAIL = ("libero.it", "gmail.com", "alice.it", "tiscali.it", "virgilio.it")
FR_RESELLERS = (
    "Darty",
    "Boulanger",
    "But",
    "Conforama",
    "Ubaldi",
    "Electro Dépôt",
    "Cuisines Schmidt",
    "Cuisinella",
    "Pulsat",
    "Extra",
)
IT_RESELLERS = ("MediaWorld", "Unieuro", "Euronics", "Expert", "Trony")
FR_CUSTOMER_NOTES = (
    "Code portail 4512B",
    "3e étage sans ascenseur",
    "Appeler avant de passer",
    "Chien dans le jardin",
    "Absent le mercredi",
    "Sonner chez le voisin si absent",
)
IT_CUSTOMER_NOTES = (
    "Citofono guasto, chiamare al cellulare",
    "Terzo piano senza ascensore",
    "Disponibile solo il pomeriggio",
)
FR_COMPANIES = (
    "SCI Les Tilleuls",
    "Restaurant Au Bœuf Rouge",
    "Boulangerie {last}",
    "Cabinet {last}",
    "Gîte du Moulin",
)
IT_COMPANIES = ("Ristorante Da {first}", "{last} S.r.l.", "Agriturismo Il Noce")

PROBLEMS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "hobs": (
            "Le brûleur avant gauche ne s'allume plus",
            "L'allumage électrique claque en continu",
            "Odeur de gaz à l'allumage",
            "La flamme s'éteint dès qu'on relâche la manette",
            "Une manette tourne dans le vide",
            "La zone induction arrière affiche F47",
        ),
        "ovens": (
            "Le four ne chauffe plus",
            "La porte ne ferme plus correctement",
            "Le ventilateur fait un bruit anormal",
            "La lampe intérieure ne s'allume plus",
            "Le programmateur ne répond plus",
            "La pyrolyse s'arrête au bout de 10 minutes",
            "La vitre extérieure est fêlée",
        ),
        "cookers": (
            "Le four chauffe mais les brûleurs ne s'allument plus",
            "Le thermostat du four ne régule plus la température",
            "Un brûleur fait des flammes jaunes",
            "Le tournebroche ne tourne plus",
        ),
        "dishwashers": (
            "N'évacue plus l'eau en fin de cycle",
            "Fuite d'eau sous la porte",
            "Affiche une erreur E3",
            "La vaisselle reste sale",
            "L'eau ne chauffe pas",
            "Le panier supérieur ne coulisse plus",
        ),
        "fridges": (
            "Ne refroidit plus",
            "Givre sur la paroi du fond",
            "Le joint de porte est déchiré",
            "Le compresseur fait du bruit",
            "Eau au fond du bac à légumes",
            "La lumière intérieure ne fonctionne plus",
        ),
        "washing_machines": (
            "Ne vidange plus",
            "Le tambour ne tourne plus",
            "Fuite au niveau du hublot",
            "Bruit très fort à l'essorage",
            "Le hublot reste verrouillé en fin de cycle",
        ),
        "hoods": (
            "Le moteur ne démarre plus",
            "L'éclairage ne fonctionne plus",
            "Aspiration très faible",
            "Vibrations et bruit au démarrage",
        ),
        "microwaves": (
            "Ne chauffe plus",
            "Le plateau ne tourne plus",
            "Étincelles à l'intérieur",
            "L'affichage reste éteint",
        ),
    },
    "it": {
        "hobs": (
            "Il bruciatore anteriore sinistro non si accende",
            "L'accensione elettrica scatta in continuazione",
            "La fiamma si spegne quando si rilascia la manopola",
        ),
        "ovens": (
            "Il forno non scalda più",
            "La porta non chiude bene",
            "La ventola fa un rumore anomalo",
            "La lampada interna non si accende",
        ),
        "cookers": (
            "I bruciatori non si accendono",
            "Il termostato del forno non regola",
            "Fiamma gialla su un bruciatore",
        ),
        "dishwashers": (
            "Non scarica l'acqua",
            "Perdita d'acqua sotto la porta",
            "Errore E3 sul display",
            "Le stoviglie restano sporche",
        ),
        "fridges": (
            "Non raffredda più",
            "Brina sulla parete di fondo",
            "La guarnizione della porta è strappata",
            "Il compressore è rumoroso",
        ),
        "washing_machines": (
            "Non scarica",
            "Il cestello non gira",
            "Perdita dall'oblò",
            "Rumore forte in centrifuga",
        ),
        "hoods": (
            "Il motore non parte",
            "L'illuminazione non funziona",
            "Aspirazione molto debole",
        ),
        "microwaves": ("Non scalda più", "Il piatto non gira", "Scintille all'interno"),
    },
}
TICKET_TYPES = {
    "fr": ("Réparation",) * 6 + ("Installation", "Contrôle", "Réclamation", ""),
    "it": ("Riparazione",) * 6 + ("Installazione", "Controllo", "Reclamo", ""),
}
CONTACT_MEANS = {
    "fr": {ContactMeans.PHONE: "téléphone", ContactMeans.SMS: "SMS", ContactMeans.EMAIL: "e-mail"},
    "it": {ContactMeans.PHONE: "telefono", ContactMeans.SMS: "SMS", ContactMeans.EMAIL: "e-mail"},
}
TEXTS: dict[str, dict[str, Any]] = {
    "fr": {
        "saved": "Ticket enregistré",
        "assigned": "Assigné : {centre}",
        "unreachable": "Client non joignable : tentative le {date} à {time} par {means}, {msg}",
        "unreachable_msgs": (
            "pas de réponse, message laissé",
            "messagerie pleine",
            "pas de réponse",
            "SMS envoyé, sans retour",
        ),
        "confirmed": "Client contacté : rendez-vous le {date} à {time}",
        "appointment_notes": (
            "3e étage sans ascenseur",
            "Code portail 2580",
            "Se garer dans la cour",
            "Client présent uniquement le matin",
            "Prévenir 30 min avant",
        ),
        "parts_received": "Pièces reçues : nouveau rendez-vous le {date} à {time}",
        "rejected": "Intervention rejetée : {reason}",
        "reject_reasons": (
            "numéro de série manquant",
            "photo de la plaque signalétique manquante",
            "pièces utilisées non renseignées",
            "facture d'achat illisible",
        ),
        "waiting_parts": "En attente de pièces : {parts}",
        "exchange": "Échange de l'appareil demandé : {reason}",
        "exchange_reasons": (
            "pièce indisponible",
            "appareil irréparable",
            "troisième panne sous garantie",
            "réparation plus chère que l'appareil",
        ),
        "closed": "Intervention clôturée",
        "verified": "Intervention vérifiée",
        "invoiced": "Facturée : bon à payer {voucher}",
        "cancelled": "Annulé : {reason}",
        "cancel_reasons": (
            "erreur opérateur",
            "doublon",
            "annulé par le client",
            "hors zone d'intervention",
            "devis refusé par le client",
        ),
        "notes": (
            "Appel le {date}, pas de réponse, message laissé",
            "Client rappelé, rendez-vous confirmé",
            "Le client demande à être rappelé après 18 h",
            "Client informé du délai de livraison",
            "Devis envoyé au client",
            "Photo de la plaque signalétique reçue",
            "Le revendeur demande un suivi",
        ),
        "email": "Informations transmises au revendeur",
        "appliance_update": (
            "Numéro de série corrigé d'après la plaque signalétique",
            "Date d'achat corrigée d'après la facture",
        ),
        "faults": (
            "Composant défectueux",
            "Court-circuit",
            "Usure",
            "Fuite",
            "Grippage",
            "Casse",
            "Encrassement",
        ),
        "no_fault": ("Aucun défaut constaté", "Mauvaise utilisation"),
        "work_part": "Remplacement : {part}. Essais OK.",
        "work_repair": (
            "Nettoyage et réglage, essais OK",
            "Resserrage des connexions",
            "Réglage de la porte et du joint",
            "Débouchage et nettoyage du filtre",
        ),
        "work_none": ("Démonstration d'utilisation au client", "Contrôle complet, aucun défaut"),
        "exchange_work": "Appareil échangé",
        "whole_appliance": "Appareil complet",
        "order_note": ("Réassort", "Urgent : client sans appareil", "Commande groupée", ""),
    },
    "it": {
        "saved": "Ticket salvato",
        "assigned": "Assegnato: {centre}",
        "unreachable": "Cliente non raggiungibile: tentativo il {date} alle {time} via {means}, "
        "{msg}",
        "unreachable_msgs": (
            "nessuna risposta, messaggio lasciato",
            "segreteria piena",
            "nessuna risposta",
        ),
        "confirmed": "Cliente contattato: appuntamento il {date} alle {time}",
        "appointment_notes": (
            "Terzo piano senza ascensore",
            "Citofonare a Bianchi",
            "Cliente presente solo al mattino",
        ),
        "parts_received": "Ricambi arrivati: nuovo appuntamento il {date} alle {time}",
        "rejected": "Intervento respinto: {reason}",
        "reject_reasons": ("numero di serie mancante", "ricambi usati non indicati"),
        "waiting_parts": "In attesa ricambi: {parts}",
        "exchange": "Richiesta sostituzione apparecchio: {reason}",
        "exchange_reasons": ("ricambio non disponibile", "apparecchio non riparabile"),
        "closed": "Intervento chiuso",
        "verified": "Intervento verificato",
        "invoiced": "Fatturato: buono di pagamento {voucher}",
        "cancelled": "Annullato: {reason}",
        "cancel_reasons": ("errore operatore", "duplicato", "annullato dal cliente"),
        "notes": (
            "Chiamato il {date}, nessuna risposta",
            "Cliente richiamato, appuntamento confermato",
            "Cliente informato dei tempi di consegna",
            "Preventivo inviato al cliente",
        ),
        "email": "Informazioni inviate al rivenditore",
        "appliance_update": (
            "Numero di serie corretto dalla targhetta",
            "Data di acquisto corretta dalla fattura",
        ),
        "faults": ("Componente difettoso", "Cortocircuito", "Usura", "Perdita", "Rottura"),
        "no_fault": ("Nessun difetto riscontrato", "Uso improprio"),
        "work_part": "Sostituzione: {part}. Prove OK.",
        "work_repair": ("Pulizia e regolazione, prove OK", "Serraggio dei collegamenti"),
        "work_none": ("Dimostrazione d'uso al cliente",),
        "exchange_work": "Apparecchio sostituito",
        "whole_appliance": "Apparecchio completo",
        "order_note": ("Riassortimento", "Urgente", ""),
    },
}
CONTACT_MEANS_ORDER = (ContactMeans.PHONE, ContactMeans.SMS, ContactMeans.EMAIL)
APPOINTMENT_HOURS = (6, 7, 8, 9, 11, 12, 13, 14, 15)  # UTC: 8:00-17:00 in France and Italy

# status weights of generated tickets
STATUS_WEIGHTS: dict[str, int] = {
    S.TO_ASSIGN: 5,
    S.TO_CONTACT: 13,
    S.UNREACHABLE: 5,
    S.CONFIRMED: 14,
    S.WAITING_PARTS: 8,
    S.EXCHANGE_REQUESTED: 3,
    S.CLOSED: 8,
    S.VERIFIED: 10,
    S.INVOICED: 24,
    S.CANCELLED: 10,
}
ALL_STATUSES = tuple(s.value for s in TicketStatus)
# hours between a ticket's last status change and now, by status (to_contact: see _recency)
RECENCY_HOURS: dict[str, tuple[float, float]] = {
    S.TO_ASSIGN: (0.05, 60),
    S.UNREACHABLE: (1, 96),
    S.CONFIRMED: (1, 240),
    S.WAITING_PARTS: (24, 480),
    S.EXCHANGE_REQUESTED: (24, 360),
    S.CLOSED: (1, 240),
    S.VERIFIED: (12, 1200),
    S.INVOICED: (24, 24 * 540),
    S.CANCELLED: (1, 24 * 400),
}

# =========================================================================== helpers


def _hours(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=round(value * 3600))


@functools.lru_cache(maxsize=4096)
def _ascii(value: str) -> str:
    norm = unicodedata.normalize("NFKD", value)
    return "".join(c for c in norm if c.isalnum() and c.isascii()).lower()


def _local(value: dt.datetime) -> dt.datetime:
    """A time as people in the centres read it (France and Italy share a time zone)."""
    return value.astimezone(LOCAL_TZ)


def _fmt_date(value: dt.datetime | dt.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def _fmt_time(value: dt.datetime) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def _ymd(value: dt.date) -> str:
    """YYMMDD, as in a serial number."""
    return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"


class _Random(random.Random):
    """random.Random with cheaper randint, choice and single weighted choices.

    The demo draws millions of numbers; the standard versions (rejection sampling, weights
    accumulated on every call) dominate the build time. Determinism is all that matters here.
    """

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self._cumulative: dict[tuple[float, ...], tuple[list[float], float]] = {}

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.random() * len(seq))]

    def choices(  # type: ignore[override]
        self,
        population: Sequence[Any],
        weights: Sequence[float] | None = None,
        *,
        cum_weights: Sequence[float] | None = None,
        k: int = 1,
    ) -> list[Any]:
        if k != 1 or cum_weights is not None or not isinstance(weights, tuple):
            return super().choices(population, weights, cum_weights=cum_weights, k=k)
        cached = self._cumulative.get(weights)
        if cached is None:
            cached = self._cumulative[weights] = (
                list(itertools.accumulate(weights)),
                float(sum(weights)),
            )
        cumulative, total = cached
        return [population[bisect.bisect_right(cumulative, self.random() * total)]]


class _Ids:
    """Sequential ids that skip reserved values."""

    def __init__(self, start: int = 1, reserved: Sequence[int] | range = ()) -> None:
        self.next_value = start
        self.reserved = frozenset(reserved)

    def take(self) -> int:
        return self.take_block(1)

    def take_block(self, size: int) -> int:
        while any(v in self.reserved for v in range(self.next_value, self.next_value + size)):
            self.next_value += 1
        value = self.next_value
        self.next_value += size
        return value


class _Ticket:
    """A ticket being generated: its path through the status machine and everything else."""

    __slots__ = (
        "appliance_id",
        "appointments",
        "centre",
        "customer_id",
        "engineer",
        "exchange",
        "external_ref",
        "follow",
        "id",
        "lang",
        "model",
        "notes",
        "operator",
        "order_parts",
        "path",
        "problem",
        "step_notes",
        "ticket_type",
        "times",
        "voucher_number",
        "warranty",
    )

    def __init__(self) -> None:
        self.id = 0
        self.centre: int | None = None
        self.customer_id = 0
        self.appliance_id = 0
        self.model = 0
        self.path: list[str] = []
        self.times: list[dt.datetime] = []
        self.appointments: dict[int, dt.datetime] = {}
        self.operator = OPERATOR
        self.engineer: int | None = None
        self.warranty = IN_WARRANTY
        self.ticket_type = ""
        self.problem = ""
        self.external_ref = ""
        self.follow = False
        self.exchange = False
        self.lang = "fr"
        self.order_parts: list[tuple[int, int, int]] = []  # (requested, ordered, quantity)
        self.step_notes: dict[int, str] | None = None  # fixed notes (seed tickets)
        self.notes = True  # add random notes
        self.voucher_number = ""

    @property
    def status(self) -> str:
        return self.path[-1]


class _Group:
    __slots__ = ("centre", "created_at", "customer_id", "fixed_id", "tickets")

    def __init__(self, customer_id: int, centre: int | None) -> None:
        self.customer_id = customer_id
        self.centre = centre
        self.tickets: list[_Ticket] = []
        self.created_at = dt.datetime.min.replace(tzinfo=UTC)
        self.fixed_id: int | None = None


# =========================================================================== the builder


class _Demo:
    def __init__(self, *, seed: int, now: dt.datetime, password_hash: str) -> None:
        self.rng = _Random(seed)
        self.now = now.astimezone(UTC).replace(microsecond=0)
        self.password_hash = password_hash
        self.rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in _TABLES}
        self.used_codes: set[str] = set()
        self.parts: list[dict[str, Any]] = []
        self.part_id: dict[str, int] = {}
        self.part_noun: dict[int, str] = {}
        self.model_ids: dict[tuple[str, str], int] = {}
        self.model_category: dict[int, str] = {}
        self.model_series: dict[int, str] = {}
        self.model_parts: dict[int, list[int]] = {}
        self.supersede_next: dict[int, int] = {}  # permanent supersessions
        self.conditional_from: set[int] = set()  # parts whose replacement depends on context
        self.related: set[int] = set()  # parts in any relation
        self.ticket_ids = _Ids(100000, RESERVED_TICKET_IDS)
        self.customer_ids = _Ids(1, (SEED_CUSTOMER_ID,))
        self.appliance_ids = _Ids(1, (48526, 48527))
        self.customers_by_region: dict[str, list[int]] = {r: [] for r in REGIONS}
        self.customer_region: dict[int, str] = {}
        self.appliances_of: dict[int, list[int]] = {}
        self.appliance_model: dict[int, int] = {}
        self.appliance_purchase: dict[int, dt.date | None] = {}
        self.reseller_of: dict[int, str] = {}

    # ------------------------------------------------------------------ entry point

    def build(self, tickets: int) -> dict[str, list[dict[str, Any]]]:
        self._centres_and_users()
        self._catalogue()
        groups = self._seed_groups() + self._generated_groups(max(0, tickets - 7))
        self._number(groups)
        all_tickets = [t for g in groups for t in g.tickets]
        self._vouchers(all_tickets)
        self._ticket_rows(groups)
        self._orders(all_tickets)
        self._interventions(all_tickets)
        return self.rows

    # ------------------------------------------------------------------ centres and users

    def _centres_and_users(self) -> None:
        for i, c in enumerate(CENTRES):
            self.rows["service_centres"].append(
                {
                    "id": i + 1,
                    **{k: v for k, v in c.items() if k not in ("region", "lang")},
                    "version": 1,
                }
            )
        for i, (centre, address) in enumerate(SAVED_ADDRESSES):
            self.rows["saved_addresses"].append(
                {"id": i + 1, "service_centre_id": centre + 1, **address}
            )
        for i, (username, name, role, centre, lang, usable) in enumerate(USERS):
            first, last = name.split(" ", 1)
            domain = (
                "constructeur.example"
                if centre is None
                else (f"{_ascii(CENTRES[centre]['name'].split()[0])}.example")
            )
            self.rows["users"].append(
                {
                    "id": i + 1,
                    "username": username,
                    "full_name": name,
                    "email": f"{_ascii(first)}.{_ascii(last)}@{domain}",
                    "role": role,
                    "language": lang,
                    "service_centre_id": None if centre is None else centre + 1,
                    "password_hash": self.password_hash if usable else UNUSABLE_PASSWORD_HASH,
                    "active": True,
                    "created_at": self.now - dt.timedelta(days=900 - 20 * i),
                }
            )

    # ------------------------------------------------------------------ catalogue

    def _new_code(self, prefix: str | None = None) -> str:
        rng = self.rng
        while True:
            code = (prefix or f"{rng.randint(10, 899):03d}") + f"{rng.randint(0, 999999):06d}"
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def _add_part(
        self,
        code: str,
        description: str,
        price_cents: int,
        availability: str,
        stock: int,
        lead: int,
        obsolete: bool = False,
        noun: str = "",
    ) -> int:
        self.used_codes.add(code)
        part_id = len(self.parts) + 1
        row = {
            "id": part_id,
            "code": code,
            "description": description,
            "price_cents": price_cents,
            "availability": availability,
            "stock": stock,
            "lead_time_days": lead,
            "obsolete": obsolete,
        }
        self.parts.append(row)
        self.part_id[code] = part_id
        self.part_noun[part_id] = noun or description
        return part_id

    def _random_stock(self) -> tuple[str, int, int]:
        r = self.rng.random()
        if r < 0.72:
            return _IN, self.rng.randint(1, 60), self.rng.randint(1, 3)
        if r < 0.92:
            return _ON, 0, self.rng.randint(5, 45)
        return _UN, 0, 0

    def _describe(self, noun: str) -> str:
        rng = self.rng
        words = [noun]
        if rng.random() < 0.45:
            words.append(rng.choice(QUALIFIERS))
        if rng.random() < 0.55:
            suffix = rng.choice(SUFFIX_PREFIXES) + str(rng.randint(20, 999))
            if rng.random() < 0.4:
                suffix += rng.choice("ABCNX")
            words.append(suffix)
        return " ".join(words)

    def _random_part(self, noun: str, lo: float, hi: float, prefix: str) -> int:
        availability, stock, lead = self._random_stock()
        price = round(self.rng.uniform(lo, hi) * 100)
        return self._add_part(
            self._new_code(prefix),
            self._describe(noun),
            max(price, 15),
            availability,
            stock,
            lead,
            noun=noun,
        )

    def _relation(
        self,
        from_id: int,
        to_id: int,
        kind: str,
        *,
        direction: str = RelationDirection.ONE_WAY.value,
        kit_group: str | None = None,
        quantity: int = 1,
        valid_from: dt.date | None = None,
        serial: tuple[str | None, str | None] = (None, None),
        production: tuple[dt.date | None, dt.date | None] = (None, None),
        model_id: int | None = None,
        reason: str = "",
    ) -> None:
        rows = self.rows["part_relations"]
        rows.append(
            {
                "id": len(rows) + 1,
                "from_part_id": from_id,
                "to_part_id": to_id,
                "kind": kind,
                "direction": direction,
                "kit_group": kit_group,
                "quantity": quantity,
                "valid_from": valid_from,
                "serial_from": serial[0],
                "serial_to": serial[1],
                "production_from": production[0],
                "production_to": production[1],
                "model_id": model_id,
                "reason": reason,
            }
        )
        self.related.add(from_id)
        self.related.add(to_id)
        if kind == RelationKind.SUPERSEDES.value:
            if serial == (None, None) and production == (None, None) and model_id is None:
                self.supersede_next[from_id] = to_id
            else:
                self.conditional_from.add(from_id)
        elif kind == RelationKind.KIT_MEMBER.value:
            self.conditional_from.add(from_id)

    def _catalogue(self) -> None:
        rng = self.rng
        # fixed parts first, so that their codes are never drawn at random
        for _ref, code, _q, desc, price, _vt in SEED_AP64_LINES:
            if code not in self.part_id:
                availability, stock, lead = SEED_AP64_AVAILABILITY.get(
                    code, (_IN, 10 + len(self.parts) % 20, 2)
                )
                self._add_part(code, desc, price, availability, stock, lead)
        for code, (desc, price, availability, stock, lead, obsolete) in FIXED_PARTS.items():
            self._add_part(code, desc, price, availability, stock, lead, obsolete)
        # random pools
        pools: dict[str, list[int]] = {}
        for pool, nouns in POOLS.items():
            prefixes = {noun: f"{rng.randint(10, 899):03d}" for noun, _lo, _hi in nouns}
            pools[pool] = [
                self._random_part(noun, lo, hi, prefixes[noun])
                for noun, lo, hi in (rng.choice(nouns) for _ in range(POOL_SIZES[pool]))
            ]
        # models
        series_used = {s for *_x, s in MODELS if s}
        for i, (code, si, category, description, drawing, series) in enumerate(MODELS):
            model_id = i + 1
            while series is None:
                candidate = f"{rng.randint(10000, 99999)}"
                if candidate not in series_used:
                    series = candidate
                    series_used.add(candidate)
            self.rows["catalogue_models"].append(
                {
                    "id": model_id,
                    "code": code,
                    "service_index": si,
                    "description": description,
                    "category": category,
                    "drawing": drawing,
                }
            )
            self.model_ids[(code, si)] = model_id
            self.model_category[model_id] = category
            self.model_series[model_id] = series
        for model_id in range(1, len(MODELS) + 1):
            self._view(model_id, pools)
        self._fixed_relations()
        self._random_relations(pools)
        self.rows["parts"] = self.parts

    def _view(self, model_id: int, pools: dict[str, list[int]]) -> None:
        """The exploded view of one model: fixed lines, then random ones and their variants."""
        rng = self.rng
        code, si, category, *_rest = MODELS[model_id - 1]
        series = self.model_series[model_id]
        # (ref_num int, order, part_id, quantity, valid_from, valid_to, serial_from, serial_to)
        lines: list[tuple[int, int, int, int, Any, Any, Any, Any]] = []
        if (code, si) in (("AP64-3", "SI00"), ("P64", "SI00")):
            for order, (ref, part_code, quantity, _d, _p, valid_to) in enumerate(SEED_AP64_LINES):
                lines.append(
                    (int(ref), order, self.part_id[part_code], quantity, None, valid_to, None, None)
                )
        for order, (ref, part_code, quantity) in enumerate(FIXED_LINES.get((code, si), [])):
            lines.append(
                (int(ref), order, self.part_id[part_code], quantity, None, None, None, None)
            )
        if (code, si) == ("SF6381X", "SI00"):
            old, new = (self.part_id[c] for c in SERIAL_VARIANT_CODES)
            lines.append((52210, 0, old, 1, None, None, None, f"{series}1803319999999"))
            lines.append((52210, 1, new, 1, None, None, f"{series}1804010000000", None))
        taken_refs = {ref for ref, *_x in lines}
        taken_parts = {line[2] for line in lines}
        target = rng.randint(60, 80) if code in ("AP64-3", "P64") else rng.randint(60, 150)
        pool_names = MODEL_POOLS[category]
        candidates_needed = max(0, target - len(lines))
        refs = sorted(
            r for r in rng.sample(range(1000, 60000), candidates_needed + 40) if r not in taken_refs
        )[:candidates_needed]
        variants_allowed = code != "P64"
        for ref in refs:
            pool = "common" if rng.random() < 0.2 else rng.choice(pool_names)
            part = rng.choice(pools[pool])
            tries = 0
            while part in taken_parts and tries < 5:
                part = rng.choice(pools[pool])
                tries += 1
            if part in taken_parts:
                continue
            taken_parts.add(part)
            noun = self.part_noun[part]
            quantity = (
                rng.randint(2, 6)
                if noun.startswith(MULTI_QUANTITY)
                else (2 if rng.random() < 0.08 else 1)
            )
            if variants_allowed and rng.random() < 0.06:
                new = self._variant_part(part)
                if rng.random() < 0.5:  # date variant
                    cut = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 4000))
                    lines.append((ref, 0, part, quantity, None, cut, None, None))
                    lines.append(
                        (ref, 1, new, quantity, cut + dt.timedelta(days=1), None, None, None)
                    )
                    if rng.random() < 0.5 and part not in self.related:
                        self._relation(
                            part,
                            new,
                            RelationKind.SUPERSEDES.value,
                            valid_from=cut + dt.timedelta(days=1),
                            reason=rng.choice(REASONS),
                        )
                else:  # serial variant
                    cut = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
                    after = cut + dt.timedelta(days=1)
                    lines.append(
                        (ref, 0, part, quantity, None, None, None, f"{series}{_ymd(cut)}9999999")
                    )
                    lines.append(
                        (ref, 1, new, quantity, None, None, f"{series}{_ymd(after)}0000000", None)
                    )
            else:
                lines.append((ref, 0, part, quantity, None, None, None, None))
        lines.sort(key=lambda line: (line[0], line[1]))
        rows = self.rows["exploded_view_lines"]
        used = []
        for ref, _o, part, quantity, valid_from, valid_to, serial_from, serial_to in lines:
            rows.append(
                {
                    "id": len(rows) + 1,
                    "model_id": model_id,
                    "ref_num": str(ref),
                    "part_id": part,
                    "quantity": quantity,
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "serial_from": serial_from,
                    "serial_to": serial_to,
                }
            )
            used.append(part)
        self.model_parts[model_id] = used

    def _variant_part(self, part: int) -> int:
        """A newer part for the same position: same noun, another description and code."""
        old = self.parts[part - 1]
        noun = self.part_noun[part]
        price = max(15, round(old["price_cents"] * self.rng.uniform(1.0, 1.25)))
        availability, stock, lead = self._random_stock()
        if availability == _UN:
            availability, stock, lead = _IN, self.rng.randint(1, 20), 2
        return self._add_part(
            self._new_code(old["code"][:3]),
            self._describe(noun),
            price,
            availability,
            stock,
            lead,
            noun=noun,
        )

    def _fixed_relations(self) -> None:
        p = self.part_id
        sup = RelationKind.SUPERSEDES.value
        for a, b in itertools.pairwise(CHAIN_CODES):
            self._relation(p[a], p[b], sup, reason="Évolution technique de la bougie")
        cut = dt.date(2013, 12, 1)
        self._relation(
            p["870650222"],
            p["870650444"],
            sup,
            valid_from=cut,
            reason="Brûleur monopièce remplacé par le brûleur standard",
        )
        self._relation(
            p["870650221"],
            p["870650446"],
            sup,
            valid_from=cut,
            reason="Brûleur monopièce remplacé par le brûleur standard",
        )
        ap64 = self.model_ids[("AP64-3", "SI00")]
        series = self.model_series[ap64]
        old, new = SERIAL_SUPERSESSION_CODES
        self._relation(
            p[old],
            p[new],
            sup,
            model_id=ap64,
            serial=(f"{series}1001010000000", f"{series}1311309999999"),
            reason="Appareils produits de 2010 à novembre 2013 : brûleur semi-rapide standard",
        )
        sf = self.model_ids[("SF6381X", "SI00")]
        series = self.model_series[sf]
        old, first, second = SERIAL_FORK_CODES
        self._relation(
            p[old],
            p[first],
            sup,
            model_id=sf,
            serial=(None, f"{series}1806309999999"),
            reason="Appareils produits jusqu'au 30/06/2018",
        )
        self._relation(
            p[old],
            p[second],
            sup,
            model_id=sf,
            serial=(f"{series}1807010000000", None),
            reason="Appareils produits à partir du 01/07/2018 (thermostat électronique)",
        )
        fab = self.model_ids[("FAB28ABL1", "SI00")]
        old, new = PRODUCTION_SUPERSESSION_CODES
        self._relation(
            p[old],
            p[new],
            sup,
            model_id=fab,
            production=(dt.date(2015, 1, 1), dt.date(2019, 12, 31)),
            reason="Production 2015-2019 : joint magnétique",
        )
        self._relation(p["880350100"], p["880350125"], sup, reason="Moteur basse consommation")
        for a, b in ALTERNATE_CODES:
            self._relation(
                p[a],
                p[b],
                RelationKind.ALTERNATE.value,
                direction=RelationDirection.TWO_WAY.value,
                reason="Pièces interchangeables",
            )
        group, olds, kit = KIT_ONE_FOR_TWO
        for old in olds:
            self._relation(
                p[old],
                p[kit],
                RelationKind.KIT_MEMBER.value,
                kit_group=group,
                reason="Charnières gauche et droite remplacées par un kit",
            )
        group, old, members = KIT_SET
        for member, quantity in members:
            self._relation(
                p[old],
                p[member],
                RelationKind.KIT_MEMBER.value,
                kit_group=group,
                quantity=quantity,
                reason="Brûleur complet livré en pièces détachées",
            )

    def _random_relations(self, pools: dict[str, list[int]]) -> None:
        rng = self.rng
        in_views = sorted({part for parts in self.model_parts.values() for part in parts})
        free = [part for part in in_views if part not in self.related]
        rng.shuffle(free)
        n_chains = max(1, len(free) // 30)
        heads, rest = free[:n_chains], free[n_chains:]
        for head in heads:
            depth = rng.choices((1, 2, 3, 4, 5), weights=(55, 25, 10, 6, 4))[0]
            current = head
            for _ in range(depth):
                old = self.parts[current - 1]
                if old["availability"] != _UN and rng.random() < 0.7:
                    old["availability"], old["stock"], old["lead_time_days"] = _UN, 0, 0
                new = self._variant_part(current)
                self._relation(
                    current,
                    new,
                    RelationKind.SUPERSEDES.value,
                    valid_from=dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 4500)),
                    reason=rng.choice(REASONS),
                )
                current = new
            if rng.random() < 0.05:  # an obsolete end
                end = self.parts[current - 1]
                end["obsolete"], end["availability"], end["stock"] = True, _UN, 0
                end["lead_time_days"] = 0
        # two-way alternates between parts of the same noun
        by_noun: dict[str, list[int]] = {}
        for part in rest:
            by_noun.setdefault(self.part_noun[part], []).append(part)
        pairs = 0
        for noun in sorted(by_noun):
            same = by_noun[noun]
            if len(same) >= 2 and pairs < max(2, len(free) // 100) and rng.random() < 0.5:
                a, b = same[0], same[1]
                self._relation(
                    a,
                    b,
                    RelationKind.ALTERNATE.value,
                    direction=RelationDirection.TWO_WAY.value,
                    reason="Pièces interchangeables",
                )
                pairs += 1
        # a few serial-dependent supersessions inside one model
        for model_id in sorted(self.model_parts)[::4]:
            parts = [q for q in self.model_parts[model_id] if q not in self.related]
            if not parts:
                continue
            part = rng.choice(parts)
            new = self._variant_part(part)
            series = self.model_series[model_id]
            cut = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
            self._relation(
                part,
                new,
                RelationKind.SUPERSEDES.value,
                model_id=model_id,
                serial=(f"{series}{_ymd(cut)}0000000", None),
                reason=rng.choice(REASONS),
            )
        # a few obsolete parts, nothing replacing them
        for part in rest[-max(2, len(rest) // 150) :]:
            if part not in self.related:
                row = self.parts[part - 1]
                row["obsolete"], row["availability"], row["stock"] = True, _UN, 0
                row["lead_time_days"] = 0

    # ------------------------------------------------------------------ customers, appliances

    def _customer(self, region: str) -> int:
        rng = self.rng
        info = REGIONS[region]
        italian = info["country"] == "IT"
        first = rng.choice(IT_FIRST if italian else FR_FIRST)
        if italian:
            last = rng.choice(IT_LAST)
        elif region == "alsace" and rng.random() < 0.45:
            last = rng.choice(ALSACE_LAST)
        else:
            last = rng.choice(FR_LAST)
        postal_code, city = rng.choice(info["cities"])
        number = rng.randint(1, 120)
        if italian:
            street = f"{rng.choice(IT_STREETS)} {number}"
            phone = (
                f"{info['landline']}{rng.randint(0, 9999999):07d}"
                if rng.random() < 0.4
                else f"3{rng.randint(20, 49)}{rng.randint(0, 9999999):07d}"
            )
            domain = rng.choice(IT_MAIL)
        else:
            bis = " bis" if rng.random() < 0.06 else ""
            street = f"{number}{bis} {rng.choice(FR_STREETS)}"
            phone = (
                f"{info['landline']}{rng.randint(0, 99999999):08d}"
                if rng.random() < 0.5
                else f"0{rng.choice('67')}{rng.randint(0, 99999999):08d}"
            )
            domain = rng.choice(FR_MAIL)
        email = ""
        if rng.random() < 0.8:
            tail = str(rng.randint(1, 99)) if rng.random() < 0.3 else ""
            email = f"{_ascii(first)}.{_ascii(last)}{tail}@{domain}"
        company = ""
        if rng.random() < 0.04:
            company = rng.choice(IT_COMPANIES if italian else FR_COMPANIES).format(
                first=first, last=last
            )
        note = ""
        if rng.random() < 0.08:
            note = rng.choice(IT_CUSTOMER_NOTES if italian else FR_CUSTOMER_NOTES)
        customer_id = self.customer_ids.take()
        self.rows["customers"].append(
            {
                "id": customer_id,
                "first_name": first,
                "last_name": last,
                "company": company,
                "privacy_agreed": rng.random() < 0.8,
                "street": street,
                "postal_code": postal_code,
                "city": city,
                "region": info["region"],
                "country": info["country"],
                "home_phone": phone,
                "email": email,
                "note": note,
            }
        )
        self.customers_by_region[region].append(customer_id)
        self.customer_region[customer_id] = region
        return customer_id

    def _appliance(self, customer_id: int, created: dt.datetime, italian: bool) -> int:
        rng = self.rng
        model_id = rng.randint(1, len(MODELS))
        code, si, *_rest = MODELS[model_id - 1]
        days_old = int(rng.triangular(30, 3650, 300))
        production = created.date() - dt.timedelta(days=days_old)
        purchase = production + dt.timedelta(days=rng.randint(15, 200))
        purchase = min(purchase, created.date() - dt.timedelta(days=1))
        serial = f"{self.model_series[model_id]}{_ymd(production)}{rng.randint(0, 9999999):07d}"
        reseller = rng.choice(IT_RESELLERS if italian else FR_RESELLERS)
        if rng.random() < 0.2:
            reseller = ""
        invoice = "" if rng.random() < 0.3 else f"F{rng.randint(100000, 99999999)}"
        appliance_id = self.appliance_ids.take()
        self.rows["appliances"].append(
            {
                "id": appliance_id,
                "customer_id": customer_id,
                "model_code": code,
                "service_index": si,
                "serial_number": serial,
                "production_date": production,
                "purchase_date": purchase,
                "invoice_number": invoice,
                "reseller": reseller,
            }
        )
        self.appliances_of.setdefault(customer_id, []).append(appliance_id)
        self.appliance_model[appliance_id] = model_id
        self.appliance_purchase[appliance_id] = purchase
        self.reseller_of[appliance_id] = reseller
        return appliance_id

    # ------------------------------------------------------------------ the seed's records

    def _seed_groups(self) -> list[_Group]:
        p64, fab = self.model_ids[("P64", "SI00")], self.model_ids[("FAB28ABL1", "SI00")]
        self.rows["customers"].append(
            {
                "id": SEED_CUSTOMER_ID,
                "first_name": "Emidio",
                "last_name": "Reggiani",
                "company": "",
                "privacy_agreed": False,
                "street": "Rue des Sports 7",
                "postal_code": "67120",
                "city": "Molsheim",
                "region": "Grand Est",
                "country": "FR",
                "home_phone": "0395421136",
                "email": "emidio.reggiani@cpsoftware.it",
                "note": "",
            }
        )
        for appliance_id, model_id, serial, purchase, invoice in (
            (48526, p64, "123345", dt.date(2018, 9, 2), "123456"),
            (48527, fab, "613254671253762133", dt.date(2019, 10, 8), ""),
        ):
            code, si, *_rest = MODELS[model_id - 1]
            self.rows["appliances"].append(
                {
                    "id": appliance_id,
                    "customer_id": SEED_CUSTOMER_ID,
                    "model_code": code,
                    "service_index": si,
                    "serial_number": serial,
                    "production_date": None,
                    "purchase_date": purchase,
                    "invoice_number": invoice,
                    "reseller": "",
                }
            )
            self.appliance_model[appliance_id] = model_id
            self.appliance_purchase[appliance_id] = purchase
            self.reseller_of[appliance_id] = ""
        self.appliances_of[SEED_CUSTOMER_ID] = [48526, 48527]

        day = (self.now - dt.timedelta(days=3)).date()
        base = dt.datetime.combine(day, dt.time(10, 29), UTC)  # 12:29 in Strasbourg
        minute = dt.timedelta(minutes=1)
        centre_label = f"{CENTRES[0]['name']} {CENTRES[0]['code']}"
        assigned = TEXTS["fr"]["assigned"].format(centre=centre_label)
        saved = TEXTS["fr"]["saved"]

        def ticket(
            tid: int,
            appliance: int,
            path: list[str],
            times: list[dt.datetime],
            problem: str,
            notes: dict[int, str],
        ) -> _Ticket:
            t = _Ticket()
            t.id, t.centre, t.customer_id, t.appliance_id = tid, 0, SEED_CUSTOMER_ID, appliance
            t.model = self.appliance_model[appliance]
            t.path, t.times, t.operator, t.engineer = path, times, PLEINET, 2
            t.problem, t.step_notes, t.notes = problem, notes, False
            return t

        groups = []
        # 116496: the seed's open group, to contact (overdue)
        g = _Group(SEED_CUSTOMER_ID, 0)
        g.fixed_id = SEED_GROUP_ID
        g.tickets = [
            ticket(
                116496,
                48526,
                [S.TO_ASSIGN, S.TO_CONTACT],
                [base - 2 * minute, base],
                "Le brûleur auxiliaire ne s'allume plus, l'allumage claque en continu.",
                {0: saved, 1: assigned},
            ),
            ticket(
                116497,
                48527,
                [S.TO_ASSIGN, S.TO_CONTACT],
                [base + minute, base + dt.timedelta(hours=2, minutes=27)],
                "Le réfrigérateur ne refroidit plus, givre sur la paroi du fond.",
                {0: saved, 1: assigned},
            ),
        ]
        groups.append(g)
        # 116493 and 116491: cancelled the same day (operator mistake)
        cancel = TEXTS["fr"]["cancelled"].format(reason="erreur opérateur")
        for gid, appliances, start in ((116491, [48527], 40), (116493, [48527, 48526], 20)):
            g = _Group(SEED_CUSTOMER_ID, 0)
            g.fixed_id = gid
            for k, appliance in enumerate(appliances):
                t0 = base - dt.timedelta(minutes=start - k)
                g.tickets.append(
                    ticket(
                        gid + k,
                        appliance,
                        [S.TO_ASSIGN, S.TO_CONTACT, S.CANCELLED],
                        [t0, t0 + 2 * minute, t0 + 5 * minute],
                        "Demande saisie par erreur",
                        {0: saved, 1: assigned, 2: cancel},
                    )
                )
            groups.append(g)
        # 116470: verified a month ago, the seed's invoicing figures
        g = _Group(SEED_CUSTOMER_ID, 0)
        g.fixed_id = 116470
        start = base - dt.timedelta(days=40)
        path = [S.TO_ASSIGN, S.TO_CONTACT, S.CONFIRMED, S.CLOSED, S.VERIFIED]
        for k, (appliance, problem) in enumerate(
            (
                (48526, "Odeur de gaz au niveau du brûleur semi-rapide."),
                (48527, "Le joint de porte ne colle plus."),
            )
        ):
            t0 = start + k * minute
            times = [
                t0,
                t0 + _hours(3),
                t0 + _hours(26),
                t0 + _hours(26 + 96),
                t0 + _hours(26 + 96 + 150),
            ]
            t = ticket(116470 + k, appliance, path, times, problem, {})
            t.appointments = {2: times[2] + _hours(70)}
            t.notes = True
            t.step_notes = None
            g.tickets.append(t)
        groups.append(g)
        for g in groups:
            g.created_at = min(t.times[0] for t in g.tickets)
        return groups

    # ------------------------------------------------------------------ generated tickets

    def _generated_groups(self, count: int) -> list[_Group]:
        rng = self.rng
        groups: list[_Group] = []
        forced: list[tuple[int, str, bool | None]] = []
        overdue_flag = True
        for centre in (0, 0, 1):
            for status in ALL_STATUSES:
                overdue: bool | None = None
                if status == S.TO_CONTACT and centre == 0:
                    overdue, overdue_flag = overdue_flag, not overdue_flag
                forced.append((centre, status, overdue))
        statuses = list(STATUS_WEIGHTS)
        weights = tuple(STATUS_WEIGHTS.values())
        made = 0
        while made < count:
            if forced:
                centre, status, overdue = forced.pop(0)
                size = 1
            else:
                centre = rng.choices((0, 1, 2), weights=CENTRE_WEIGHTS)[0]
                status = rng.choices(statuses, weights=weights)[0]
                overdue = None
                size = rng.choices((1, 2, 3), weights=(85, 12, 3))[0]
            size = min(size, count - made)
            groups.append(self._group(centre, status, overdue, size))
            made += size
        return groups

    def _group(self, centre: int, status: str, overdue: bool | None, size: int) -> _Group:
        rng = self.rng
        region = CENTRES[centre]["region"]
        lang = CENTRES[centre]["lang"]
        first = _Ticket()
        first.path = self._path(status)
        first.times = self._times_backward(first.path, status, overdue)
        known = self.customers_by_region[region]
        if known and rng.random() < 0.12:
            customer = rng.choice(known)
        else:
            customer = self._customer(region)
        group = _Group(customer, centre)
        tickets = [first]
        for k in range(1, size):
            t = _Ticket()
            keep = len(first.path) if rng.random() < 0.7 else rng.randint(1, len(first.path))
            shift = dt.timedelta(minutes=k * rng.randint(1, 4))
            limit = self.now - first.times[keep - 1]
            shift = min(shift, limit / 2)
            t.path = first.path[:keep]
            t.times = [x + shift for x in first.times[:keep]]
            tickets.append(t)
        owned = list(self.appliances_of.get(customer, []))
        for t in tickets:
            t.lang = lang
            t.customer_id = customer
            reuse = [
                a
                for a in owned
                if (self.appliance_purchase[a] or t.times[0].date()) < t.times[0].date()
                and rng.random() < 0.4
            ]
            if reuse:
                t.appliance_id = reuse[0]
                owned.remove(reuse[0])
            else:
                t.appliance_id = self._appliance(customer, t.times[0], lang == "it")
            t.model = self.appliance_model[t.appliance_id]
            self._fill_ticket(t, centre, first.appointments if t is not first else None)
            group.tickets.append(t)
        if all(t.centre is None for t in group.tickets):
            group.centre = None
        group.created_at = min(t.times[0] for t in group.tickets)
        return group

    def _path(self, status: str) -> list[str]:
        rng = self.rng
        path = [S.TO_ASSIGN]
        if status == S.TO_ASSIGN:
            return path
        if status == S.CANCELLED:
            prefixes = (
                [],
                [S.TO_CONTACT],
                [S.TO_CONTACT, S.UNREACHABLE],
                [S.TO_CONTACT, S.CONFIRMED],
            )
            prefix = rng.choices(prefixes, weights=(30, 35, 20, 15))[0]
            return [*path, *prefix, S.CANCELLED]
        path.append(S.TO_CONTACT)
        if status == S.TO_CONTACT:
            return path
        if status == S.UNREACHABLE:
            return path + [S.UNREACHABLE] * rng.choice((1, 1, 2))
        if rng.random() < 0.2:
            path.append(S.UNREACHABLE)
        path.append(S.CONFIRMED)
        if status == S.CONFIRMED:
            if rng.random() < 0.1:
                path += [S.WAITING_PARTS, S.CONFIRMED]
            return path
        if status in (S.WAITING_PARTS, S.EXCHANGE_REQUESTED):
            return [*path, status]
        r = rng.random()
        if r < 0.25:
            path.append(S.WAITING_PARTS)
            if rng.random() < 0.5:
                path.append(S.CONFIRMED)
        elif r < 0.32:
            path.append(S.EXCHANGE_REQUESTED)
        path.append(S.CLOSED)
        if rng.random() < 0.07:  # rejected by the operator once, then closed again
            path += [S.CONFIRMED, S.CLOSED]
        if status == S.CLOSED:
            return path
        path.append(S.VERIFIED)
        if status == S.VERIFIED:
            return path
        return [*path, S.INVOICED]

    def _gap(self, before: str, after: str) -> float:
        """Hours between two status changes."""
        u = self.rng.uniform
        if after == S.CANCELLED:
            return u(1, 240)
        if before == S.TO_ASSIGN:
            return u(0.08, 26)
        if before == S.TO_CONTACT:
            return u(2, 40) if after == S.UNREACHABLE else u(1, 30)
        if before == S.UNREACHABLE:
            return u(4, 30) if after == S.UNREACHABLE else u(1, 30)
        if before == S.CONFIRMED:
            return u(24, 200)
        if before == S.WAITING_PARTS:
            return u(72, 360)
        if before == S.EXCHANGE_REQUESTED:
            return u(120, 480)
        if before == S.CLOSED:
            return u(10, 120) if after == S.CONFIRMED else u(10, 240)
        return u(48, 900)  # verified -> invoiced

    def _recency(self, status: str, overdue: bool | None) -> float:
        """Hours between the last status change and now."""
        if status == S.TO_CONTACT:
            if overdue is None:
                overdue = self.rng.random() < 0.45
            return self.rng.uniform(49, 240) if overdue else self.rng.uniform(0.2, 46)
        return self.rng.uniform(*RECENCY_HOURS[status])

    def _times_backward(
        self, path: list[str], status: str, overdue: bool | None
    ) -> list[dt.datetime]:
        gaps = [self._gap(a, b) for a, b in itertools.pairwise(path)]
        end = self.now - _hours(self._recency(status, overdue))
        times = [end]
        for gap in reversed(gaps):
            times.append(times[-1] - _hours(max(gap, 0.02)))
        times.reverse()
        return times

    def _fill_ticket(
        self, t: _Ticket, centre: int, appointments: dict[int, dt.datetime] | None
    ) -> None:
        rng = self.rng
        lang = t.lang
        assigned = S.TO_CONTACT in t.path
        t.centre = centre if assigned else None
        t.operator = OPERATOR if lang == "it" or rng.random() < 0.65 else PLEINET
        if assigned:
            engineers, weights = ENGINEERS[centre]
            t.engineer = rng.choices(engineers, weights=weights)[0]
        category = self.model_category[t.model]
        t.problem = rng.choice(PROBLEMS[lang][category])
        t.ticket_type = rng.choice(TICKET_TYPES[lang])
        purchase = self.appliance_purchase[t.appliance_id]
        young = purchase is not None and (t.times[0].date() - purchase).days < 730
        t.warranty = IN_WARRANTY if young and rng.random() < 0.95 else OUT_OF_WARRANTY
        if rng.random() < 0.2:
            reseller = self.reseller_of[t.appliance_id]
            prefix = _ascii(reseller)[:6].upper() or "CL"
            t.external_ref = f"{prefix}-{rng.randint(1000000, 99999999)}"
        t.follow = rng.random() < 0.06
        t.exchange = S.EXCHANGE_REQUESTED in t.path
        # appointments: one per confirmed step (shared with the group's first ticket if given)
        for j, status in enumerate(t.path):
            if status != S.CONFIRMED:
                continue
            if appointments is not None and j in appointments:
                t.appointments[j] = appointments[j]  # one visit for the group's appliances
                continue
            nxt = t.times[j + 1] if j + 1 < len(t.times) else None
            t.appointments[j] = self._appointment(t.times[j], nxt)
        # parts ordered when waiting for parts
        if S.WAITING_PARTS in t.path:
            t.order_parts = self._pick_order_parts(t.model, rng.randint(1, 3))

    def _appointment(self, confirmed: dt.datetime, nxt: dt.datetime | None) -> dt.datetime:
        """A working-hours slot after ``confirmed`` (and before ``nxt``, the next change)."""
        rng = self.rng
        if nxt is None:
            day = (confirmed + dt.timedelta(days=rng.randint(1, 8))).date()
            return dt.datetime.combine(
                day, dt.time(rng.choice(APPOINTMENT_HOURS), rng.choice((0, 30))), UTC
            )
        days = (nxt.date() - confirmed.date()).days
        for _ in range(8):
            day = confirmed.date() + dt.timedelta(days=rng.randint(0, days))
            slot = dt.datetime.combine(
                day, dt.time(rng.choice(APPOINTMENT_HOURS), rng.choice((0, 30))), UTC
            )
            if confirmed < slot < nxt:
                return slot
        target = confirmed + (nxt - confirmed) * rng.uniform(0.35, 0.8)
        return target.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)

    def _orderable(self, part: int) -> int | None:
        """The part to order for ``part`` following permanent supersessions, or None."""
        if part in self.conditional_from:
            return None
        seen = 0
        while part in self.supersede_next and seen < 10:
            part = self.supersede_next[part]
            seen += 1
            if part in self.conditional_from:
                return None
        row = self.parts[part - 1]
        if row["obsolete"] or row["availability"] == _UN:
            return None
        return part

    def _pick_order_parts(self, model_id: int, count: int) -> list[tuple[int, int, int]]:
        rng = self.rng
        candidates = self.model_parts[model_id]
        picked: list[tuple[int, int, int]] = []
        for _ in range(count * 4):
            if len(picked) >= count:
                break
            requested = rng.choice(candidates)
            ordered = self._orderable(requested)
            if ordered is None or any(p[1] == ordered for p in picked):
                continue
            quantity = (
                rng.randint(2, 4) if self.part_noun[ordered].startswith(MULTI_QUANTITY) else 1
            )
            picked.append((requested, ordered, quantity))
        if not picked:
            picked.append((self.part_id["810930077"], self.part_id["810930115"], 1))
        return picked

    # ------------------------------------------------------------------ ids, vouchers

    def _number(self, groups: list[_Group]) -> None:
        """Ticket and group ids in creation order (the seed's keep their numbers)."""
        generated = sorted((g for g in groups if g.fixed_id is None), key=lambda g: g.created_at)
        for g in generated:
            g.fixed_id = self.ticket_ids.take_block(len(g.tickets))
        for g in groups:
            assert g.fixed_id is not None
            for k, t in enumerate(g.tickets):
                if not t.id:
                    t.id = g.fixed_id + k
        groups.sort(key=lambda g: g.fixed_id or 0)

    def _vouchers(self, tickets: list[_Ticket]) -> None:
        """Invoiced tickets grouped per centre and month into payment vouchers."""
        batches: dict[tuple[int, int, int], list[_Ticket]] = {}
        for t in tickets:
            if t.status == S.INVOICED and t.centre is not None:
                at = t.times[-1]
                batches.setdefault((t.centre, at.year, at.month), []).append(t)
        self.voucher_batches: list[tuple[int, dt.datetime, str, list[_Ticket]]] = []
        sequences: dict[tuple[int, int], int] = {}
        for key in sorted(batches, key=lambda k: (max(t.times[-1] for t in batches[k]), k)):
            centre = key[0]
            batch = sorted(batches[key], key=lambda t: t.id)
            at = max(t.times[-1] for t in batch)
            seq = sequences[(centre, at.year)] = sequences.get((centre, at.year), 0) + 1
            number = f"BP{CENTRES[centre]['code']}{at.year % 100:02d}{seq:04d}"
            for t in batch:
                t.times[-1] = at
                t.voucher_number = number
            self.voucher_batches.append((centre, at, number, batch))

    # ------------------------------------------------------------------ rows: tickets, history

    def _ticket_rows(self, groups: list[_Group]) -> None:
        group_rows = self.rows["ticket_groups"]
        ticket_rows = self.rows["tickets"]
        history = self.rows["history_entries"]
        for g in groups:
            group_rows.append(
                {
                    "id": g.fixed_id,
                    "customer_id": g.customer_id,
                    "service_centre_id": None if g.centre is None else g.centre + 1,
                    "created_by_id": g.tickets[0].operator + 1,
                    "created_at": g.created_at,
                }
            )
            for t in g.tickets:
                entries = self._history(t)
                last = max(e["at"] for e in entries)
                appointment = t.appointments[max(t.appointments)] if t.appointments else None
                ticket_rows.append(
                    {
                        "id": t.id,
                        "group_id": g.fixed_id,
                        "service_centre_id": None if t.centre is None else t.centre + 1,
                        "customer_id": t.customer_id,
                        "appliance_id": t.appliance_id,
                        "status": t.status,
                        "problem": t.problem,
                        "ticket_type": t.ticket_type,
                        "warranty": t.warranty,
                        "external_ref": t.external_ref,
                        "operator_id": t.operator + 1,
                        "engineer_id": None if t.engineer is None else t.engineer + 1,
                        "appointment_at": appointment,
                        "follow": t.follow,
                        "waiting_parts": t.status == S.WAITING_PARTS,
                        "exchange": t.exchange,
                        "created_at": t.times[0],
                        "status_changed_at": t.times[-1],
                        "updated_at": last,
                        "version": len(entries),
                    }
                )
                for e in entries:
                    e["id"] = len(history) + 1
                    history.append(e)

    def _author(self, t: _Ticket, status: str, before: str | None) -> int:
        if status in (S.TO_ASSIGN, S.TO_CONTACT, S.VERIFIED, S.CANCELLED):
            return t.operator
        if status == S.CONFIRMED and before == S.CLOSED:
            return t.operator  # rejected by the operator
        if status == S.INVOICED:
            return MANAGER_OF[t.centre or 0]
        return t.engineer if t.engineer is not None else t.operator

    def _status_note(self, t: _Ticket, j: int) -> str:
        rng = self.rng
        texts = TEXTS[t.lang]
        status = t.path[j]
        before = t.path[j - 1] if j else None
        if status == S.TO_ASSIGN:
            return texts["saved"]
        if status == S.TO_CONTACT:
            centre = CENTRES[t.centre or 0]
            return texts["assigned"].format(centre=f"{centre['name']} {centre['code']}")
        if status == S.UNREACHABLE:
            at = t.times[j] - dt.timedelta(minutes=rng.randint(2, 90))
            means = rng.choices(CONTACT_MEANS_ORDER, weights=(7, 2, 1))[0]
            return texts["unreachable"].format(
                date=_fmt_date(_local(at)),
                time=_fmt_time(_local(at)),
                means=CONTACT_MEANS[t.lang][means],
                msg=rng.choice(texts["unreachable_msgs"]),
            )
        if status == S.CONFIRMED:
            appointment = t.appointments.get(j)
            if before == S.CLOSED:
                return texts["rejected"].format(reason=rng.choice(texts["reject_reasons"]))
            when = (
                {"date": _fmt_date(_local(appointment)), "time": _fmt_time(_local(appointment))}
                if (appointment)
                else {"date": "", "time": ""}
            )
            if before == S.WAITING_PARTS:
                return texts["parts_received"].format(**when)
            note = texts["confirmed"].format(**when)
            if rng.random() < 0.25:
                note += f" ({rng.choice(texts['appointment_notes'])})"
            return note
        if status == S.WAITING_PARTS:
            parts = ", ".join(
                f"{self.parts[o - 1]['code']} {self.parts[o - 1]['description']}"
                for _r, o, _q in t.order_parts
            )
            return texts["waiting_parts"].format(parts=parts)
        if status == S.EXCHANGE_REQUESTED:
            return texts["exchange"].format(reason=rng.choice(texts["exchange_reasons"]))
        if status == S.CLOSED:
            return texts["closed"]
        if status == S.VERIFIED:
            return texts["verified"]
        if status == S.INVOICED:
            return texts["invoiced"].format(voucher=t.voucher_number)
        return texts["cancelled"].format(reason=rng.choice(texts["cancel_reasons"]))

    def _history(self, t: _Ticket) -> list[dict[str, Any]]:
        rng = self.rng
        entries: list[dict[str, Any]] = []
        for j, status in enumerate(t.path):
            before = t.path[j - 1] if j else None
            author = self._author(t, status, before)
            note = t.step_notes[j] if t.step_notes is not None else self._status_note(t, j)
            entries.append(
                {
                    "ticket_id": t.id,
                    "at": t.times[j],
                    "author_id": author + 1,
                    "author_name": USERS[author][1],
                    "status": status,
                    "appointment_at": t.appointments.get(j),
                    "type": H_STATUS_CHANGE,
                    "note": note,
                    "email_to": None,
                }
            )
        if t.notes:
            texts = TEXTS[t.lang]
            count = rng.choices((0, 1, 2, 3), weights=(50, 30, 15, 5))[0]
            start = t.times[0]
            end = min(self.now, t.times[-1] + dt.timedelta(hours=72))
            span = (end - start).total_seconds()
            for _ in range(count):
                at = start + dt.timedelta(seconds=int(span * rng.uniform(0.02, 0.98)) + 1)
                status = t.path[bisect.bisect_right(t.times, at) - 1]
                kind = rng.choices(
                    (H_NOTE, H_EMAIL, H_APPLIANCE_UPDATE),
                    weights=(80, 12, 8),
                )[0]
                email_to = None
                if kind == H_NOTE:
                    note = rng.choice(texts["notes"]).format(date=_fmt_date(_local(at)))
                elif kind == H_EMAIL:
                    note = texts["email"]
                    reseller = self.reseller_of[t.appliance_id]
                    email_to = f"sav@{_ascii(reseller) or 'revendeur'}.example"
                else:
                    note = rng.choice(texts["appliance_update"])
                if t.engineer is not None and rng.random() < 0.7:
                    author = t.engineer
                else:
                    author = t.operator
                entries.append(
                    {
                        "ticket_id": t.id,
                        "at": at,
                        "author_id": author + 1,
                        "author_name": USERS[author][1],
                        "status": status,
                        "appointment_at": None,
                        "type": kind,
                        "note": note,
                        "email_to": email_to,
                    }
                )
            entries.sort(key=lambda e: e["at"])
        return entries

    # ------------------------------------------------------------------ orders

    def _ship_to(self, centre: int) -> dict[str, str]:
        c = CENTRES[centre]
        saved = [a for i, a in SAVED_ADDRESSES if i == centre]
        if not c["vat_id"]:  # the default address lacks a VAT id: the saved one has it
            address = saved[0]
        elif saved and self.rng.random() < 0.2:
            address = self.rng.choice(saved)
        else:
            address = c
        return {
            f"ship_{k}": address[k]
            for k in (
                "company",
                "street",
                "postal_code",
                "city",
                "province",
                "country",
                "phone",
                "fax",
                "vat_id",
            )
        }

    def _orders(self, tickets: list[_Ticket]) -> None:
        rng = self.rng
        day = dt.timedelta(days=1)
        # (created_at, centre, created_by, lines, status, note)
        specs: list[
            tuple[dt.datetime, int, int, list[tuple[int, int, int, int | None]], str, str]
        ] = []

        def status_by_age(created: dt.datetime, finished: bool) -> str:
            age = self.now - created
            if finished:
                return O_DONE
            if age < dt.timedelta(hours=30):
                return O_AWAITING
            if age < 4 * day:
                return O_VALIDATED
            return O_SHIPPED

        per_centre = [0, 0, 0]
        for t in tickets:
            if t.centre is not None:
                per_centre[t.centre] += 1
            if not t.order_parts or t.centre is None:
                continue
            j = t.path.index(S.WAITING_PARTS)
            created = t.times[j] - dt.timedelta(minutes=rng.randint(5, 90))
            finished = t.status != S.WAITING_PARTS
            lines = [(r, o, q, t.id) for r, o, q in t.order_parts]
            specs.append(
                (
                    created,
                    t.centre,
                    t.engineer if t.engineer is not None else 2,
                    lines,
                    status_by_age(created, finished),
                    "",
                )
            )
        for centre in range(3):
            people = [*ENGINEERS[centre][0], MANAGER_OF[centre]]
            for _ in range(max(3, per_centre[centre] // 50)):
                created = self.now - _hours(rng.uniform(0.5, 24 * 240))
                age = self.now - created
                if age < dt.timedelta(hours=30):
                    status = O_AWAITING
                elif age < 4 * day:
                    status = O_VALIDATED
                elif age < 10 * day:
                    status = O_SHIPPED
                else:
                    status = O_CANCELLED if rng.random() < 0.1 else O_DONE
                model = rng.randint(1, len(MODELS))
                lines = [
                    (r, o, q, None) for r, o, q in self._pick_order_parts(model, rng.randint(1, 5))
                ]
                specs.append(
                    (
                        created,
                        centre,
                        rng.choice(people),
                        lines,
                        status,
                        rng.choice(TEXTS[CENTRES[centre]["lang"]]["order_note"]),
                    )
                )
        # the home screen of 249050 shows orders awaiting validation
        p = self.part_id
        awaiting = O_AWAITING
        specs.append(
            (
                self.now - _hours(3),
                0,
                2,
                [(p[MANUAL_PART_CODE], p[MANUAL_PART_CODE], 1, None)],
                awaiting,
                "Achat manuel",
            )
        )
        specs.append(
            (
                self.now - _hours(20),
                0,
                2,
                [
                    (p[CHAIN_CODES[0]], p[CHAIN_CODES[-1]], 2, None),
                    (p["870650444"], p["870650444"], 1, None),
                ],
                awaiting,
                "Réassort bougies et brûleurs",
            )
        )
        specs.sort(key=lambda s: (s[0], s[1]))

        orders, order_lines = self.rows["orders"], self.rows["order_lines"]
        sequences: dict[tuple[int, int], int] = {}
        for created, centre, author, lines, status, note in specs:
            c = CENTRES[centre]
            year = created.year
            seq = sequences[(centre, year)] = sequences.get((centre, year), 0) + 1
            order_id = len(orders) + 1
            validated = status not in (O_AWAITING, O_CANCELLED)
            validated_at = None
            if validated:
                validated_at = min(created + _hours(rng.uniform(1, 26)), self.now)
            net_total = Decimal(0)
            for requested, ordered, quantity, ticket_id in lines:
                part = self.parts[ordered - 1]
                net = from_cents(part["price_cents"]) * quantity * (100 - c["discount_rate"]) / 100
                net_cents = to_cents(net)
                net_total += from_cents(net_cents)
                reserved = shipped = done = 0
                if status == O_VALIDATED:
                    reserved = quantity if part["availability"] == _IN else 0
                elif status == O_SHIPPED:
                    reserved = shipped = quantity
                elif status == O_DONE:
                    reserved = shipped = done = quantity
                order_lines.append(
                    {
                        "id": len(order_lines) + 1,
                        "order_id": order_id,
                        "requested_part_id": requested,
                        "part_id": ordered,
                        "description": part["description"],
                        "quantity_requested": quantity,
                        "quantity_reserved": reserved,
                        "quantity_shipped": shipped,
                        "quantity_done": done,
                        "transport": (
                            rng.choices(TRANSPORTS, weights=(8, 2))[0] if validated else None
                        ),
                        "ticket_id": ticket_id,
                        "price_cents": part["price_cents"],
                        "discount_rate": c["discount_rate"],
                        "net_cents": net_cents,
                        "note": "",
                    }
                )
            vat = vat_on(net_total, c["vat_rate"])
            orders.append(
                {
                    "id": order_id,
                    "number": f"{c['customer_number']}{year % 100:02d}{seq:04d}",
                    "service_centre_id": centre + 1,
                    "created_by_id": author + 1,
                    "status": status,
                    "created_at": created,
                    "validated_at": validated_at,
                    "validated_by_id": OPERATOR + 1 if validated else None,
                    "erp_number": f"45{rng.randint(0, 99999999):08d}" if validated else "",
                    "note": note,
                    **self._ship_to(centre),
                    "net_cents": to_cents(net_total),
                    "vat_cents": to_cents(vat),
                    "total_cents": to_cents(net_total + vat),
                    "version": 1,
                }
            )
        self.rows["order_sequences"] = [
            {"service_centre_id": centre + 1, "year": year, "last_value": value}
            for (centre, year), value in sorted(sequences.items())
        ]

    # ------------------------------------------------------------------ interventions

    def _interventions(self, tickets: list[_Ticket]) -> None:
        rng = self.rng
        rows = self.rows["interventions"]
        voucher_of: dict[int, int] = {}
        vouchers = self.rows["vouchers"]
        fixed = {116470: (8400, 4996, 0), 116471: (7200, 0, 0)}
        money: dict[int, tuple[int, int, int, Decimal]] = {}
        for t in sorted(tickets, key=lambda t: t.id):
            closed = S.CLOSED in t.path
            draft = t.status == S.WAITING_PARTS and t.centre is not None and rng.random() < 0.3
            if not (closed or draft) or t.centre is None:
                continue
            c = CENTRES[t.centre]
            texts = TEXTS[t.lang]
            closed_at = None  # a draft, or reopened by the operator's rejection
            if t.status in (S.CLOSED, S.VERIFIED, S.INVOICED):
                closed_at = t.times[len(t.path) - 1 - t.path[::-1].index(S.CLOSED)]
            visit = t.appointments[max(t.appointments)] if t.appointments else None
            day = (visit or closed_at or t.times[-1]).date()
            if closed_at is not None and day > closed_at.date():
                day = closed_at.date()
            parts = [o for _r, o, _q in t.order_parts]
            spares = sum(self.parts[o - 1]["price_cents"] * q for _r, o, q in t.order_parts)
            if not parts and not t.exchange and rng.random() < 0.45:
                for _r, o, q in self._pick_order_parts(t.model, rng.randint(1, 2)):
                    parts.append(o)
                    spares += self.parts[o - 1]["price_cents"] * q
            if t.exchange:
                fault_type, component, work = "E", texts["whole_appliance"], texts["exchange_work"]
                fault = rng.choice(texts["faults"])
            elif parts:
                fault_type = "T"
                component = self.part_noun[parts[0]].capitalize()
                fault = rng.choice(texts["faults"])
                work = texts["work_part"].format(
                    part=", ".join(
                        f"{self.parts[o - 1]['code']} {self.parts[o - 1]['description']}"
                        for o in parts
                    )
                )
            elif rng.random() < 0.75:
                fault_type, component = (
                    "R",
                    self.part_noun[rng.choice(self.model_parts[t.model])].capitalize(),
                )
                fault, work = rng.choice(texts["faults"]), rng.choice(texts["work_repair"])
            else:
                fault_type, component = "N", ""
                fault, work = rng.choice(texts["no_fault"]), rng.choice(texts["work_none"])
            rate = c["rate_cents"] + (1200 if rng.random() < 0.1 else 0)
            bonuses = 0 if rng.random() < 0.85 else rng.choice((1000, 1500, 2500))
            if t.id in fixed:
                rate, spares, bonuses = fixed[t.id]
                fault_type = "T" if spares else "R"
            if draft:
                work = ""
            rows.append(
                {
                    "id": len(rows) + 1,
                    "ticket_id": t.id,
                    "intervention_date": day,
                    "distance_km": rng.randint(2, 65),
                    "warranty": t.warranty,
                    "ticket_type": t.ticket_type,
                    "faulty_component": component,
                    "fault": fault,
                    "fault_type": fault_type,
                    "intervention_code": f"{fault_type}{rng.randint(1, 12):02d}",
                    "work_done": work,
                    "fault_description": t.problem,
                    "rate_cents": rate,
                    "spares_cents": spares,
                    "bonuses_cents": bonuses,
                    "vat_rate": c["vat_rate"],
                    "closed_at": closed_at,
                    "voucher_id": None,
                    "version": 1,
                }
            )
            money[t.id] = (rate, spares, bonuses, c["vat_rate"])
            voucher_of[t.id] = len(rows)
        for i, (centre, at, number, batch) in enumerate(self.voucher_batches):
            net = sum((from_cents(sum(money[t.id][:3])) for t in batch), Decimal(0))
            vat = vat_on(net, CENTRES[centre]["vat_rate"])
            vouchers.append(
                {
                    "id": i + 1,
                    "number": number,
                    "service_centre_id": centre + 1,
                    "created_at": at,
                    "created_by_id": MANAGER_OF[centre] + 1,
                    "net_cents": to_cents(net),
                    "vat_cents": to_cents(vat),
                    "total_cents": to_cents(net + vat),
                }
            )
            for t in batch:
                rows[voucher_of[t.id] - 1]["voucher_id"] = i + 1

"""The demo data (server/demo/): deterministic, consistent, and holding the seed's records."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import sqlite3
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from client.models import (
    Availability,
    HistoryType,
    OrderStatus,
    RelationDirection,
    RelationKind,
    Role,
    TicketStatus,
)
from server import demo
from server.db import models as db
from server.db.models import Base
from server.db.session import create_engine
from server.demo import load as demo_load
from server.demo.data import UNUSABLE_PASSWORD_HASH
from server.services.money import from_cents, to_cents, vat_on
from server.services.passwords import verify_password_sync

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TICKETS = 400

# the status machine of DOMAIN.md (cancelled: from any open status, by an operator)
NEXT: dict[str, set[str]] = {
    "to_assign": {"to_contact", "cancelled"},
    "to_contact": {"confirmed", "unreachable", "cancelled"},
    "unreachable": {"confirmed", "unreachable", "cancelled"},
    "confirmed": {"waiting_parts", "exchange_requested", "closed", "cancelled"},
    "waiting_parts": {"confirmed", "closed", "cancelled"},
    "exchange_requested": {"closed", "cancelled"},
    "closed": {"verified", "confirmed"},
    "verified": {"invoiced"},
    "invoiced": set(),
    "cancelled": set(),
}


async def _create(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    await engine.dispose()


async def _seed(url: str, **kwargs: Any) -> demo.DemoSummary:
    await _create(url)
    engine = create_engine(url)
    try:
        return await demo.seed_demo(engine, **kwargs)
    finally:
        await engine.dispose()


def _raw_rows(path: Path, table: str, skip: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """A table's rows as SQLite stores them (text for datetimes), in rowid order."""
    with sqlite3.connect(path) as conn:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in skip]
        return conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid").fetchall()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, demo.DemoSummary]:
    path = tmp_path_factory.mktemp("demo") / "t.db"
    url = f"sqlite+aiosqlite:///{path}"
    summary = asyncio.run(_seed(url, tickets=TICKETS, seed=2026, now=NOW))
    return url, summary


@pytest.fixture
async def session(seeded: tuple[str, demo.DemoSummary]):  # type: ignore[no-untyped-def]
    engine = create_engine(seeded[0])
    async with AsyncSession(engine) as orm_session:
        yield orm_session
    await engine.dispose()


async def _all(session: AsyncSession, stmt: Any) -> list[Any]:
    """Rows (several entities or columns)."""
    return list((await session.execute(stmt)).all())


async def _objects(session: AsyncSession, stmt: Any) -> list[Any]:
    """The objects of a one-entity select."""
    return list((await session.execute(stmt)).scalars())


# --------------------------------------------------------------------------- the API


async def test_is_seeded_and_summary(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/t.db"
    await _create(url)
    engine = create_engine(url)
    try:
        assert not await demo.is_seeded(engine)
        summary = await demo.seed_demo(engine, tickets=50, seed=7, now=NOW)
        assert await demo.is_seeded(engine)
        async with engine.connect() as conn:
            for table in ("tickets", "history_entries", "parts", "orders", "vouchers"):
                count = (
                    await conn.execute(
                        select(func.count()).select_from(Base.metadata.tables[table])
                    )
                ).scalar_one()
                assert count == getattr(summary, table), table
    finally:
        await engine.dispose()
    assert summary.tickets == 50
    assert summary.elapsed_seconds > 0
    assert "50 tickets" in str(summary)


async def test_same_seed_and_now_give_the_same_rows(tmp_path: Path) -> None:
    paths = [tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"]
    await _seed(f"sqlite+aiosqlite:///{paths[0]}", tickets=150, seed=11, now=NOW)
    await _seed(f"sqlite+aiosqlite:///{paths[1]}", tickets=150, seed=11, now=NOW)
    await _seed(f"sqlite+aiosqlite:///{paths[2]}", tickets=150, seed=12, now=NOW)
    tables = (
        "customers",
        "appliances",
        "tickets",
        "history_entries",
        "parts",
        "exploded_view_lines",
        "part_relations",
        "orders",
        "order_lines",
        "interventions",
        "vouchers",
    )
    for table in tables:
        assert _raw_rows(paths[0], table) == _raw_rows(paths[1], table), table
    # argon2 salts each hash: everything else about the users is the same
    assert _raw_rows(paths[0], "users", ("password_hash",)) == _raw_rows(
        paths[1], "users", ("password_hash",)
    )
    assert _raw_rows(paths[0], "tickets") != _raw_rows(paths[2], "tickets")


async def test_sqlite_fast_path_stores_what_core_inserts_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, core = tmp_path / "fast.db", tmp_path / "core.db"
    await _seed(f"sqlite+aiosqlite:///{fast}", tickets=60, seed=3, now=NOW)
    monkeypatch.setattr(demo_load, "_FAST_PATHS", False)
    await _seed(f"sqlite+aiosqlite:///{core}", tickets=60, seed=3, now=NOW)
    for table in Base.metadata.tables:
        skip = ("password_hash",) if table == "users" else ()
        assert _raw_rows(fast, table, skip) == _raw_rows(core, table, skip), table


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("SAV_TEST_DATABASE_URL"), reason="SAV_TEST_DATABASE_URL is not set"
)
async def test_postgres_copy_path_stores_what_core_inserts_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each run in its own schema, dropped afterwards: the database itself is left alone."""
    url = make_url(os.environ["SAV_TEST_DATABASE_URL"]).set(drivername="postgresql+asyncpg")
    dumps = []
    for fast in (True, False):
        schema = f"sav_demo_test_{os.getpid()}_{int(fast)}"
        admin = create_async_engine(url)
        async with admin.begin() as conn:
            await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        engine = create_async_engine(url, connect_args={"server_settings": {"search_path": schema}})
        try:
            async with engine.begin() as conn:
                await conn.run_sync(Base.metadata.create_all)
            monkeypatch.setattr(demo_load, "_FAST_PATHS", fast)
            await demo.seed_demo(engine, tickets=60, seed=3, now=NOW)
            dump = {}
            async with engine.begin() as conn:
                for table in Base.metadata.sorted_tables:
                    columns = [c for c in table.c if c.name != "password_hash"]
                    stmt = select(*columns).order_by(*table.primary_key.columns)
                    dump[table.name] = [tuple(r) for r in (await conn.execute(stmt)).all()]
                # the id sequences continue after the seeded ids
                new_id = (
                    await conn.execute(
                        insert(db.Customer)
                        .values(first_name="A", last_name="B")
                        .returning(db.Customer.id)
                    )
                ).scalar_one()
                assert new_id > max(row[0] for row in dump["customers"])
            dumps.append(dump)
        finally:
            await engine.dispose()
            async with admin.begin() as conn:
                await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            await admin.dispose()
    assert dumps[0] == dumps[1]
    assert len(dumps[0]["tickets"]) == 60


async def test_small_and_empty_counts(tmp_path: Path) -> None:
    summary = await _seed(f"sqlite+aiosqlite:///{tmp_path}/s.db", tickets=0, now=NOW)
    assert summary.tickets == 7  # the seed's own tickets are always there
    summary = await _seed(f"sqlite+aiosqlite:///{tmp_path}/m.db", tickets=40, now=NOW)
    assert summary.tickets == 40


async def test_naive_now_is_refused(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/t.db"
    await _create(url)
    engine = create_engine(url)
    try:
        with pytest.raises(ValueError):
            await demo.seed_demo(engine, tickets=10, now=dt.datetime(2026, 1, 1))
    finally:
        await engine.dispose()


# --------------------------------------------------------------------------- centres, users


async def test_service_centres(session: Any) -> None:
    centres = {c.code: c for c in await _objects(session, select(db.ServiceCentre))}
    assert len(centres) == 3
    seed = centres["249050"]
    assert seed.customer_number == "FR10015195"
    assert seed.rate_cents == 7200
    assert seed.vat_rate == Decimal("20")
    assert seed.country == "FR" and seed.vat_id
    assert any(c.vat_id == "" for c in centres.values())
    assert any(c.country == "IT" and c.vat_rate == Decimal("22") for c in centres.values())
    assert all(c.street and c.postal_code and c.city for c in centres.values())


async def test_demo_accounts(session: Any) -> None:
    users = {u.username: u for u in await _objects(session, select(db.User))}
    centre_code = {c.id: c.code for c in await _objects(session, select(db.ServiceCentre))}
    assert [a[0] for a in demo.DEMO_ACCOUNTS] == ["tech", "manager", "operator", "tech2"]
    hashes = set()
    for username, password, role, centre in demo.DEMO_ACCOUNTS:
        user = users[username]
        assert user.role == role
        assert (centre_code.get(user.service_centre_id) if user.service_centre_id else None) == (
            centre
        )
        assert verify_password_sync(user.password_hash, password)
        hashes.add(user.password_hash)
    # each account has its own hash and its own salt ($argon2id$v=19$m=..,t=..,p=..$SALT$HASH)
    assert len({h.split("$")[4] for h in hashes}) == len(demo.DEMO_ACCOUNTS)
    assert users["tech"].language == "fr" and users["tech"].full_name == "Julien Marchal"
    assert users["manager"].language == "en" and users["manager"].role == Role.MANAGER.value
    assert users["operator"].service_centre_id is None
    assert users["tech2"].service_centre_id != users["tech"].service_centre_id
    others = [u for name, u in users.items() if name not in {a[0] for a in demo.DEMO_ACCOUNTS}]
    # no hash at all: nothing verifies (checking would cost a dummy argon2 run each)
    assert others and all(u.password_hash == UNUSABLE_PASSWORD_HASH for u in others)
    # every centre has at least two engineers (technicians)
    per_centre = Counter(
        u.service_centre_id for u in users.values() if u.role == Role.TECHNICIAN.value
    )
    assert sorted(per_centre) == [1, 2, 3] and min(per_centre.values()) >= 2


# --------------------------------------------------------------------------- catalogue


async def test_catalogue_sizes_and_search(session: Any) -> None:
    parts = (await session.execute(select(func.count()).select_from(db.Part))).scalar_one()
    assert parts >= 2000
    models = await _objects(session, select(db.CatalogueModel))
    assert len(models) >= 20
    assert {m.category for m in models} <= set(demo.CATEGORIES)
    assert len({m.category for m in models}) >= 6
    codes = {(m.code, m.service_index) for m in models}
    for wanted in (("AP64-3", "SI00"), ("AP641", "SI00"), ("P64", "SI00"), ("FAB28ABL1", "SI00")):
        assert wanted in codes
    assert {"AP64-3", "AP641"} <= {m.code for m in models if "p64" in m.code.lower()}
    per_model = Counter(
        r.model_id for r in await _all(session, select(db.ExplodedViewLine.model_id))
    )
    assert len(per_model) == len(models)
    assert min(per_model.values()) >= 60 and max(per_model.values()) <= 170
    codes_of = {p.id: p.code for p in await _all(session, select(db.Part.id, db.Part.code))}
    assert all(len(c) == 9 and c.isdigit() for c in codes_of.values() if c != "INOX-SP")
    # where-used: parts appear in several models
    used_in: dict[int, set[int]] = defaultdict(set)
    for line in await _objects(session, select(db.ExplodedViewLine)):
        used_in[line.part_id].add(line.model_id)
    assert sum(1 for m in used_in.values() if len(m) >= 3) >= 50
    burner = next(i for i, c in codes_of.items() if c == "870650444")
    assert len(used_in[burner]) >= 4


async def test_the_seed_exploded_view(session: Any) -> None:
    ap64 = (
        await session.execute(
            select(db.CatalogueModel).where(
                db.CatalogueModel.code == "AP64-3", db.CatalogueModel.service_index == "SI00"
            )
        )
    ).scalar_one()
    lines = await _all(
        session,
        select(db.ExplodedViewLine, db.Part)
        .join(db.Part, db.Part.id == db.ExplodedViewLine.part_id)
        .where(db.ExplodedViewLine.model_id == ap64.id)
        .order_by(db.ExplodedViewLine.id),
    )
    by_ref: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    for line, part in lines:
        by_ref[line.ref_num].append((line, part))
    ref43183 = by_ref["43183"]
    assert [(p.code, p.description) for _l, p in ref43183] == [
        ("870650222", "BRÛLEUR AUX. MONOPIÈCE SRV596X1"),
        ("870650444", "BRULEUR AUXILIAIRE"),
    ]
    assert ref43183[0][0].valid_to == dt.date(2013, 11, 30)
    assert ref43183[1][0].valid_to is None
    assert [(p.code, p.description) for _l, p in by_ref["41602"]] == [
        ("810930077", "BOUGIE D'ALLUMAGE MM.260 A2")
    ]
    assert [p.code for _l, p in by_ref["7382"]] == ["878970607"]
    assert by_ref["7382"][0][1].description == "TUYAU VENTURI RAPIDE S/26/A"
    assert [(p.code, line.quantity) for line, p in by_ref["43185"]] == [
        ("870650223", 2),
        ("870650447", 2),
    ]
    assert ap64.drawing.startswith("251908")


async def _relations(session: Any) -> list[tuple[Any, str, str]]:
    rows = await _objects(session, select(db.PartRelation))
    code = {p.id: p.code for p in await _all(session, select(db.Part.id, db.Part.code))}
    return [(r, code[r.from_part_id], code[r.to_part_id]) for r in rows]


def _permanent(relation: Any) -> bool:
    return (
        relation.kind == RelationKind.SUPERSEDES.value
        and relation.serial_from is None
        and relation.serial_to is None
        and relation.production_from is None
        and relation.production_to is None
        and relation.model_id is None
    )


async def test_supersessions_and_chains(session: Any) -> None:
    relations = await _relations(session)
    permanent = {a: b for r, a, b in relations if _permanent(r)}
    assert permanent["870650222"] == "870650444"
    assert "810930077" in permanent  # the seed's replaced part
    assert all(
        r.direction == RelationDirection.ONE_WAY.value
        for r, _a, _b in relations
        if r.kind == RelationKind.SUPERSEDES.value
    )

    def depth(code: str) -> int:
        seen = {code}
        n = 0
        while code in permanent:
            code = permanent[code]
            assert code not in seen, "cycle"
            seen.add(code)
            n += 1
        return n

    assert max(depth(c) for c in permanent) >= 4
    assert depth("810930077") == 4
    chain = ["810930077"]
    while chain[-1] in permanent:
        chain.append(permanent[chain[-1]])
    assert tuple(chain) == demo.CHAIN_CODES
    parts = {p.code: p for p in await _objects(session, select(db.Part))}
    end = parts[chain[-1]]
    assert end.availability == Availability.IN_STOCK.value and not end.obsolete
    assert all(parts[c].availability == Availability.UNAVAILABLE.value for c in chain[:-1])
    # a permanent supersession never starts from two places: one successor per part
    assert len(permanent) == sum(1 for r, _a, _b in relations if _permanent(r))


async def test_conditional_alternate_kit_and_obsolete(session: Any) -> None:
    relations = await _relations(session)
    parts = {p.code: p for p in await _objects(session, select(db.Part))}
    serial = [
        (r, a, b)
        for r, a, b in relations
        if r.kind == RelationKind.SUPERSEDES.value and (r.serial_from or r.serial_to)
    ]
    assert ("870650223", "870650447") in {(a, b) for _r, a, b in serial}
    fork = [(r, b) for r, a, b in serial if a == "818730140"]
    assert {b for _r, b in fork} == {"818730155", "818730162"}
    first = next(r for r, b in fork if b == "818730155")
    second = next(r for r, b in fork if b == "818730162")
    assert first.serial_to < second.serial_from  # disjoint ranges
    assert all(r.model_id is not None for r, _a, _b in serial)
    assert any(r.production_from for r, _a, _b in relations)

    alternates = {(a, b) for r, a, b in relations if r.kind == RelationKind.ALTERNATE.value}
    assert all(
        r.direction == RelationDirection.TWO_WAY.value
        for r, _a, _b in relations
        if r.kind == RelationKind.ALTERNATE.value
    )
    assert ("694972530", "694972531") in alternates

    kits: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for r, a, b in relations:
        if r.kind == RelationKind.KIT_MEMBER.value:
            assert r.kit_group
            kits[r.kit_group].append((a, b, r.quantity))
    assert sorted(kits["KIT-CHARNIERES-SF"]) == [
        ("690070150", "696090012", 1),
        ("690070151", "696090012", 1),
    ]
    assert len(kits["KIT-BRULEUR-TC"]) == 3
    assert {q for _a, _b, q in kits["KIT-BRULEUR-TC"]} == {1, 2}

    outgoing = {a for _r, a, _b in relations}
    for code in demo.OBSOLETE_END_CODES:
        assert parts[code].obsolete
        assert parts[code].availability == Availability.UNAVAILABLE.value
        assert code not in outgoing
    assert parts["INOX-SP"].description == "INOX SPLEND BOTTLE"
    assert parts["INOX-SP"].price_cents == 945


async def test_variants_share_a_ref_num(session: Any) -> None:
    lines = await _objects(session, select(db.ExplodedViewLine).order_by(db.ExplodedViewLine.id))
    groups: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for line in lines:
        groups[(line.model_id, line.ref_num)].append(line)
    shared = [g for g in groups.values() if len(g) > 1]
    assert len(shared) >= 20
    by_date = [g for g in shared if any(x.valid_to or x.valid_from for x in g)]
    by_serial = [g for g in shared if any(x.serial_from or x.serial_to for x in g)]
    assert by_date and len(by_serial) >= 3
    for g in shared:
        assert len({x.part_id for x in g}) == len(g)  # variants are different parts
        assert any(x.valid_to or x.valid_from or x.serial_from or x.serial_to for x in g)
    for g in by_serial:
        bounds = [x.serial_to for x in g if x.serial_to] + [
            x.serial_from for x in g if x.serial_from
        ]
        assert len({len(b) for b in bounds}) == 1  # comparable as strings


# --------------------------------------------------------------------------- tickets


async def test_the_seed_ticket_group(session: Any) -> None:
    group = (
        await session.execute(select(db.TicketGroup).where(db.TicketGroup.id == 116496))
    ).scalar_one()
    centre = await session.execute(
        select(db.ServiceCentre.code).where(db.ServiceCentre.id == group.service_centre_id)
    )
    assert centre.scalar_one() == "249050"
    customer = (
        await session.execute(select(db.Customer).where(db.Customer.id == group.customer_id))
    ).scalar_one()
    assert (customer.first_name, customer.last_name) == ("Emidio", "Reggiani")
    assert (customer.street, customer.postal_code, customer.city, customer.country) == (
        "Rue des Sports 7",
        "67120",
        "Molsheim",
        "FR",
    )
    rows = await _all(
        session,
        select(db.Ticket, db.Appliance)
        .join(db.Appliance, db.Appliance.id == db.Ticket.appliance_id)
        .where(db.Ticket.group_id == 116496)
        .order_by(db.Ticket.id),
    )
    assert [t.id for t, _a in rows] == [116496, 116497]
    (_t1, a1), (_t2, a2) = rows
    assert (a1.model_code, a1.service_index, a1.serial_number) == ("P64", "SI00", "123345")
    assert a1.purchase_date == dt.date(2018, 9, 2)
    assert (a2.model_code, a2.service_index) == ("FAB28ABL1", "SI00")
    for t, a in rows:
        assert t.problem and t.customer_id == customer.id == a.customer_id
        assert t.service_centre_id == group.service_centre_id
        assert t.status == TicketStatus.TO_CONTACT.value
        history = await _objects(
            session,
            select(db.HistoryEntry)
            .where(db.HistoryEntry.ticket_id == t.id)
            .order_by(db.HistoryEntry.at),
        )
        assert [h.status for h in history] == ["to_assign", "to_contact"]
        assert history[-1].at == t.status_changed_at
    # the seed's invoicing figures: 84.00 + 49.96 + 0.00 at 20 % -> 160.75; 72.00 -> 86.40
    for ticket_id, total in ((116470, Decimal("160.75")), (116471, Decimal("86.40"))):
        i = (
            await session.execute(
                select(db.Intervention).where(db.Intervention.ticket_id == ticket_id)
            )
        ).scalar_one()
        net = from_cents(i.rate_cents + i.spares_cents + i.bonuses_cents)
        assert net + vat_on(net, i.vat_rate) == total


async def test_statuses_centres_and_flags(session: Any) -> None:
    tickets = await _objects(session, select(db.Ticket))
    assert len(tickets) == TICKETS
    assert {t.status for t in tickets} == {s.value for s in TicketStatus}
    engineers = {u.id: u for u in await _objects(session, select(db.User))}
    confirmed_or_later = {
        "confirmed",
        "waiting_parts",
        "exchange_requested",
        "closed",
        "verified",
        "invoiced",
    }
    for t in tickets:
        if t.status == "to_assign":
            assert t.service_centre_id is None and t.engineer_id is None
        if t.service_centre_id is not None:
            assert t.engineer_id is not None
            assert engineers[t.engineer_id].service_centre_id == t.service_centre_id
        assert engineers[t.operator_id].role == Role.OPERATOR.value
        assert t.waiting_parts == (t.status == "waiting_parts")
        if t.status == "exchange_requested":
            assert t.exchange
        if t.status in confirmed_or_later:
            assert t.appointment_at is not None
        assert t.created_at <= t.status_changed_at <= t.updated_at <= NOW
    by_centre = Counter(t.service_centre_id for t in tickets)
    assert by_centre[1] > by_centre[3] and by_centre[2] > by_centre[3] > 0
    assert any(t.external_ref for t in tickets) and any(not t.external_ref for t in tickets)


async def test_overdue_contacts_for_249050(session: Any) -> None:
    rows = await _all(
        session,
        select(db.Ticket.status_changed_at)
        .join(db.ServiceCentre, db.ServiceCentre.id == db.Ticket.service_centre_id)
        .where(db.ServiceCentre.code == "249050", db.Ticket.status == "to_contact"),
    )
    limit = NOW - dt.timedelta(hours=48)
    assert any(at < limit for (at,) in rows)
    assert any(at > limit for (at,) in rows)


async def test_groups_ids_and_ownership(session: Any) -> None:
    groups = {g.id: g for g in await _objects(session, select(db.TicketGroup))}
    tickets = await _all(
        session,
        select(db.Ticket, db.Appliance.customer_id).join(
            db.Appliance, db.Appliance.id == db.Ticket.appliance_id
        ),
    )
    members: dict[int, list[int]] = defaultdict(list)
    for t, appliance_owner in tickets:
        members[t.group_id].append(t.id)
        assert appliance_owner == t.customer_id == groups[t.group_id].customer_id
        if t.service_centre_id is not None:
            assert groups[t.group_id].service_centre_id == t.service_centre_id
    for group_id, ids in members.items():
        ids.sort()
        assert ids[0] == group_id and ids == list(range(group_id, group_id + len(ids)))
    sizes = Counter(len(ids) for ids in members.values())
    assert sizes[1] > sizes[2] > 0
    generated = [g for g in groups if not 116470 <= g < 116500]
    assert min(generated) == 100000


async def test_history_follows_the_status_machine(session: Any) -> None:
    tickets = {t.id: t for t in await _objects(session, select(db.Ticket))}
    users = {u.id: u for u in await _objects(session, select(db.User))}
    history: dict[int, list[Any]] = defaultdict(list)
    for h in await _objects(session, select(db.HistoryEntry).order_by(db.HistoryEntry.id)):
        history[h.ticket_id].append(h)
    assert set(history) == set(tickets)
    average = sum(len(h) for h in history.values()) / len(history)
    assert 3 <= average <= 6
    types = Counter(h.type for hs in history.values() for h in hs)
    assert types[HistoryType.STATUS_CHANGE.value] > types[HistoryType.NOTE.value] > 0
    for ticket_id, entries in history.items():
        ticket = tickets[ticket_id]
        assert [h.at for h in entries] == sorted(h.at for h in entries)
        changes = [h for h in entries if h.type == HistoryType.STATUS_CHANGE.value]
        path = [h.status for h in changes]
        assert path[0] == "to_assign" and path[-1] == ticket.status, ticket_id
        for before, after in itertools.pairwise(path):
            assert after in NEXT[before], (ticket_id, path)
        assert changes[0].at == ticket.created_at
        assert changes[-1].at == ticket.status_changed_at
        for h in entries:
            assert h.author_name == users[h.author_id].full_name
            assert h.at <= NOW
        confirmations = [h for h in changes if h.status == "confirmed"]
        for h in confirmations:
            rejected = path[changes.index(h) - 1] == "closed"
            assert rejected or h.appointment_at is not None
        if confirmations:
            last = max((h.appointment_at for h in confirmations if h.appointment_at), default=None)
            assert ticket.appointment_at == last
        by_status = {h.status: users[h.author_id].role for h in changes}
        for status in ("to_contact", "verified", "cancelled"):
            if status in by_status:
                assert by_status[status] == Role.OPERATOR.value


async def test_history_is_written_as_events_with_typed_notes_apart(session: Any) -> None:
    from server.i18n import using
    from server.services.events import render

    history = await _objects(session, select(db.HistoryEntry))
    orders = {o.id: o.number for o in await _objects(session, select(db.Order))}
    ordered_for: dict[int, set[str]] = defaultdict(set)
    for line in await _objects(session, select(db.OrderLine)):
        if line.ticket_id is not None:
            ordered_for[line.ticket_id].add(orders[line.order_id])
    expected = {
        "to_assign": {"created"},
        "to_contact": {"assigned"},
        "unreachable": {"unreachable"},
        "confirmed": {"contacted", "rejected", "parts_received"},
        "waiting_parts": {"parts_ordered"},
        "exchange_requested": {"exchange_requested"},
        "closed": {"closed"},
        "verified": {"verified"},
        "invoiced": {"invoiced"},
        "cancelled": {"cancelled"},
    }
    seen = Counter()
    for h in history:
        if h.type == HistoryType.STATUS_CHANGE.value:
            assert h.event in expected[h.status], (h.ticket_id, h.status, h.event)
            seen[h.event] += 1
            for sentence in ("Assigné", "Client contacté", "Annulé", "Facturée", "Assegnato"):
                assert sentence not in h.note  # no sentence written by the system is left
        elif h.type == HistoryType.APPLIANCE_UPDATE.value:
            assert h.event == "appliance_corrected" and h.note  # the reason typed
        else:
            assert h.event is None and h.params is None and h.note
        if h.event == "parts_ordered":
            assert h.params["order"] in ordered_for[h.ticket_id]
        if h.event in ("contacted", "parts_received") and h.appointment_at is not None:
            assert dt.datetime.fromisoformat(h.params["appointment_at"]) == h.appointment_at
        for lang in ("en", "fr"):
            with using(lang):
                text = render(h.event, h.params, dt.UTC)
            assert (text != "") == (h.event is not None) and text != h.event
    assert seen["assigned"] and seen["unreachable"] and seen["parts_ordered"]
    centres = {c.code: c.language for c in await _objects(session, select(db.ServiceCentre))}
    assert centres == {"249050": "fr", "249117": "fr", "310224": "it"}


# --------------------------------------------------------------------------- orders


async def test_orders_totals_numbers_and_sequences(session: Any) -> None:
    centres = {c.id: c for c in await _objects(session, select(db.ServiceCentre))}
    orders = await _objects(session, select(db.Order).order_by(db.Order.id))
    lines: dict[int, list[Any]] = defaultdict(list)
    for line in await _objects(session, select(db.OrderLine)):
        lines[line.order_id].append(line)
    assert {o.service_centre_id for o in orders} == set(centres)
    last: dict[tuple[int, int], int] = {}
    for order in orders:
        centre = centres[order.service_centre_id]
        assert lines[order.id]
        net = Decimal(0)
        for line in lines[order.id]:
            expected = to_cents(
                from_cents(line.price_cents)
                * line.quantity_requested
                * (100 - line.discount_rate)
                / 100
            )
            assert line.net_cents == expected
            assert line.discount_rate == centre.discount_rate
            assert line.quantity_done <= line.quantity_shipped <= line.quantity_reserved
            assert line.quantity_reserved <= line.quantity_requested
            net += from_cents(line.net_cents)
        assert order.net_cents == to_cents(net)
        assert order.vat_cents == to_cents(vat_on(net, centre.vat_rate))
        assert order.total_cents == order.net_cents + order.vat_cents
        year = order.created_at.year
        prefix = f"{centre.customer_number}{year % 100:02d}"
        assert order.number.startswith(prefix) and len(order.number) == len(prefix) + 4
        seq = int(order.number[len(prefix) :])
        key = (centre.id, year)
        assert seq == last.get(key, 0) + 1  # numbered in creation order
        last[key] = seq
        assert order.ship_vat_id and order.ship_country
        validated = order.status not in ("awaiting_validation", "cancelled")
        assert (order.validated_by_id is not None) == validated
    sequences = {
        (s.service_centre_id, s.year): s.last_value
        for s in await _objects(session, select(db.OrderSequence))
    }
    assert sequences == last
    awaiting = Counter(
        o.service_centre_id for o in orders if o.status == OrderStatus.AWAITING_VALIDATION.value
    )
    seed_centre = next(c.id for c in centres.values() if c.code == "249050")
    assert awaiting[seed_centre] >= 2
    assert {o.status for o in orders} >= {"awaiting_validation", "validated", "shipped", "done"}
    # the parts ordered for a ticket waiting for them
    waiting = {
        t.id
        for t in await _all(
            session, select(db.Ticket.id).where(db.Ticket.status == "waiting_parts")
        )
    }
    tied = {line.ticket_id for ls in lines.values() for line in ls if line.ticket_id}
    assert waiting <= tied


# --------------------------------------------------------------------------- interventions


async def test_interventions_and_vouchers(session: Any) -> None:
    tickets = {t.id: t for t in await _objects(session, select(db.Ticket))}
    interventions = {i.ticket_id: i for i in await _objects(session, select(db.Intervention))}
    vouchers = {v.id: v for v in await _objects(session, select(db.Voucher))}
    centres = {c.id: c for c in await _objects(session, select(db.ServiceCentre))}
    paths: dict[int, list[str]] = defaultdict(list)
    for ticket_id, status in await _all(
        session,
        select(db.HistoryEntry.ticket_id, db.HistoryEntry.status)
        .where(db.HistoryEntry.type == HistoryType.STATUS_CHANGE.value)
        .order_by(db.HistoryEntry.id),
    ):
        paths[ticket_id].append(status)
    assert vouchers
    for t in tickets.values():
        i = interventions.get(t.id)
        if t.status in ("closed", "verified", "invoiced"):
            assert i is not None and i.closed_at is not None
            assert i.closed_at <= t.status_changed_at
            assert i.vat_rate == centres[t.service_centre_id].vat_rate
            assert (i.voucher_id is not None) == (t.status == "invoiced")
            assert i.work_done and i.fault
            assert i.fault_type in {"T", "R", "N", "E"}
            if i.fault_type == "T":  # component exchange: the parts are listed and paid
                assert i.spares_cents > 0
            assert (i.fault_type == "E") == (t.exchange and i.spares_cents == 0)
        elif i is not None:  # a draft, or an intervention the operator rejected
            assert i.closed_at is None
            assert t.status == "waiting_parts" or "closed" in paths[t.id], t.id
    members: dict[int, list[Any]] = defaultdict(list)
    for i in interventions.values():
        if i.voucher_id is not None:
            members[i.voucher_id].append(i)
    assert set(members) == set(vouchers)
    for voucher_id, items in members.items():
        voucher = vouchers[voucher_id]
        assert {tickets[i.ticket_id].service_centre_id for i in items} == {
            voucher.service_centre_id
        }
        net = sum(
            (from_cents(i.rate_cents + i.spares_cents + i.bonuses_cents) for i in items), Decimal(0)
        )
        assert voucher.net_cents == to_cents(net)
        # the voucher is the sum of its interventions, each rounded once at closing
        assert voucher.vat_cents == sum(i.vat_cents for i in items)
        assert voucher.total_cents == sum(i.total_cents for i in items)
        assert voucher.total_cents == voucher.net_cents + voucher.vat_cents
        for i in items:
            assert tickets[i.ticket_id].status_changed_at == voucher.created_at

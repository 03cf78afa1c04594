"""Migration 0004: the history's sentences become events, on SQLite and on PostgreSQL.

Rows are written as the server (in English) and the demo (in French and Italian) wrote them
up to 0003; after the upgrade each is its event, its parameters and the typed note left over,
and a row that cannot be read keeps its whole text. The downgrade writes the English
sentences back: the server's own rows come back as they were.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from server.db import models as db
from server.db.migrate import alembic_config
from server.db.session import create_engine
from tests.conftest import PG_URL, _admin
from tests.server.test_migrations import check_no_drift

UTC = dt.UTC
AT = dt.datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
APPOINTMENT = dt.datetime(2026, 12, 3, 14, 0, tzinfo=UTC)

# (type, status, note as written before 0004, appointment_at column) ->
#     (event, params, note left over)
S, N, A, CALL, MAIL = "status_change", "note", "appliance_update", "call", "email"
CASES: list[tuple[tuple[str, str, str, dt.datetime | None], tuple[Any, Any, str]]] = [
    # ---- the server, in English
    (
        (S, "to_contact", "Assigned to RHÔNE ÉLECTRO SERVICE 249117\ncloser to the customer", None),
        (
            "assigned",
            {"centre_code": "249117", "centre_name": "RHÔNE ÉLECTRO SERVICE"},
            "closer to the customer",
        ),
    ),
    (
        (
            S,
            "confirmed",
            "Customer contacted: appointment 2026-12-03 14:00 UTC\nring twice",
            APPOINTMENT,
        ),
        ("contacted", {"appointment_at": "2026-12-03T14:00:00+00:00"}, "ring twice"),
    ),
    (
        (S, "unreachable", "Customer not reachable: attempt 2026-12-01 08:34 UTC by phone", None),
        ("unreachable", {"attempted_at": "2026-12-01T08:34:00+00:00", "means": "phone"}, ""),
    ),
    (
        (S, "exchange_requested", "Exchange requested\ncustomer in a hurry\nsecond line", None),
        ("exchange_requested", {}, "customer in a hurry\nsecond line"),
    ),
    ((S, "cancelled", "Cancelled:\noperator mistake", None), ("cancelled", {}, "operator mistake")),
    (
        (S, "confirmed", "Intervention rejected:\nserial number missing", None),
        ("rejected", {}, "serial number missing"),
    ),
    ((S, "verified", "Intervention verified", None), ("verified", {}, "")),
    (
        (S, "waiting_parts", "Parts ordered\nOrder FR10015195260001", None),
        ("parts_ordered", {"order": "FR10015195260001"}, ""),
    ),
    (
        (N, "waiting_parts", "Parts ordered: order FR10015195260002", None),
        ("parts_ordered", {"order": "FR10015195260002"}, ""),
    ),
    (
        (N, "waiting_parts", "Order FR10015195260001 withdrawn", None),
        ("order_withdrawn", {"order": "FR10015195260001"}, ""),
    ),
    (
        (
            A,
            "to_contact",
            "Appliance corrected: serial number 123345 → 2519018091234567; "
            "purchase date (none) → 2018-09-03",
            None,
        ),
        (
            "appliance_corrected",
            {
                "changes": [
                    {"field": "serial_number", "old": "123345", "new": "2519018091234567"},
                    {"field": "purchase_date", "old": "", "new": "2018-09-03"},
                ]
            },
            "",
        ),
    ),
    # ---- typed by people: no event, the text as it was
    ((CALL, "to_contact", "Called, no answer", None), (None, None, "Called, no answer")),
    (
        (MAIL, "to_contact", "Informations transmises", None),
        (None, None, "Informations transmises"),
    ),
    ((N, "to_contact", "Assigned to nobody yet", None), (None, None, "Assigned to nobody yet")),
    # ---- a status change nobody can read: its status, and the whole text kept
    (
        (S, "confirmed", "Rendez-vous pris par le revendeur", None),
        ("status_changed", {"status": "confirmed"}, "Rendez-vous pris par le revendeur"),
    ),
    # ---- the demo, in French (moments in Paris time: UTC+1 in December)
    ((S, "to_assign", "Ticket enregistré", None), ("created", {}, "")),
    (
        (S, "to_contact", "Assigné : 2AM ASSISTANCE AUDIOVISUEL ET ÉLECTROMÉNAGER 249050", None),
        (
            "assigned",
            {
                "centre_code": "249050",
                "centre_name": "2AM ASSISTANCE AUDIOVISUEL ET ÉLECTROMÉNAGER",
            },
            "",
        ),
    ),
    (
        (
            S,
            "unreachable",
            "Client non joignable : tentative le 01/12/2026 à 09:34 par téléphone, "
            "pas de réponse, message laissé",
            None,
        ),
        (
            "unreachable",
            {"attempted_at": "2026-12-01T08:34:00+00:00", "means": "phone"},
            "pas de réponse, message laissé",
        ),
    ),
    (
        (
            S,
            "confirmed",
            "Client contacté : rendez-vous le 03/12/2026 à 15:00 (Code portail 2580)",
            APPOINTMENT,
        ),
        ("contacted", {"appointment_at": "2026-12-03T14:00:00+00:00"}, "Code portail 2580"),
    ),
    (
        (S, "confirmed", "Pièces reçues : nouveau rendez-vous le 10/12/2026 à 09:00", None),
        ("parts_received", {"appointment_at": "2026-12-10T08:00:00+00:00"}, ""),
    ),
    (
        (S, "confirmed", "Intervention rejetée : numéro de série manquant", None),
        ("rejected", {}, "numéro de série manquant"),
    ),
    (
        (
            S,
            "waiting_parts",
            "En attente de pièces : 810930115 BOUGIE D'ALLUMAGE, 870650444 BRULEUR AUXILIAIRE",
            None,
        ),
        ("parts_ordered", {"parts": ["810930115", "870650444"]}, ""),
    ),
    (
        (S, "waiting_parts", "En attente de pièces : la liste est chez le client", None),
        (
            "status_changed",
            {"status": "waiting_parts"},
            "En attente de pièces : la liste est chez le client",
        ),
    ),
    (
        (S, "exchange_requested", "Échange de l'appareil demandé : pièce indisponible", None),
        ("exchange_requested", {}, "pièce indisponible"),
    ),
    ((S, "closed", "Intervention clôturée", None), ("closed", {}, "")),
    ((S, "verified", "Intervention vérifiée", None), ("verified", {}, "")),
    (
        (S, "invoiced", "Facturée : bon à payer BP249050260001", None),
        ("invoiced", {"voucher": "BP249050260001"}, ""),
    ),
    ((S, "cancelled", "Annulé : erreur opérateur", None), ("cancelled", {}, "erreur opérateur")),
    (
        (A, "to_contact", "Numéro de série corrigé d'après la plaque signalétique", None),
        (
            "appliance_corrected",
            {"changes": []},
            "Numéro de série corrigé d'après la plaque signalétique",
        ),
    ),
    # ---- the demo, in Italian
    ((S, "to_assign", "Ticket salvato", None), ("created", {}, "")),
    (
        (S, "to_contact", "Assegnato: ASSISTENZA TECNICA EMILIANA 310224", None),
        ("assigned", {"centre_code": "310224", "centre_name": "ASSISTENZA TECNICA EMILIANA"}, ""),
    ),
    (
        (
            S,
            "unreachable",
            "Cliente non raggiungibile: tentativo il 01/12/2026 alle 09:34 via SMS, "
            "segreteria piena",
            None,
        ),
        (
            "unreachable",
            {"attempted_at": "2026-12-01T08:34:00+00:00", "means": "sms"},
            "segreteria piena",
        ),
    ),
    (
        (S, "confirmed", "Cliente contattato: appuntamento il 03/12/2026 alle 15:00", None),
        ("contacted", {"appointment_at": "2026-12-03T14:00:00+00:00"}, ""),
    ),
    (
        (S, "confirmed", "Ricambi arrivati: nuovo appuntamento il 10/12/2026 alle 09:00", None),
        ("parts_received", {"appointment_at": "2026-12-10T08:00:00+00:00"}, ""),
    ),
    (
        (S, "confirmed", "Intervento respinto: ricambi usati non indicati", None),
        ("rejected", {}, "ricambi usati non indicati"),
    ),
    (
        (S, "waiting_parts", "In attesa ricambi: 810930115 CANDELETTA", None),
        ("parts_ordered", {"parts": ["810930115"]}, ""),
    ),
    (
        (
            S,
            "exchange_requested",
            "Richiesta sostituzione apparecchio: apparecchio non riparabile",
            None,
        ),
        ("exchange_requested", {}, "apparecchio non riparabile"),
    ),
    ((S, "closed", "Intervento chiuso", None), ("closed", {}, "")),
    ((S, "verified", "Intervento verificato", None), ("verified", {}, "")),
    (
        (S, "invoiced", "Fatturato: buono di pagamento BP310224260001", None),
        ("invoiced", {"voucher": "BP310224260001"}, ""),
    ),
    ((S, "cancelled", "Annullato: duplicato", None), ("cancelled", {}, "duplicato")),
]
ENGLISH_SERVER_ROWS = 11
"""The first rows of CASES, written by the server: the downgrade gives them back exactly."""


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    """An empty database on the backend the suite runs on."""
    if PG_URL:
        name = f"sav_m4_{os.getpid()}"
        asyncio.run(
            _admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        )
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        asyncio.run(_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"


def _to(url: str, revision: str, *, down: bool = False) -> Any:
    def run(connection: Any) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)

    return run


CENTRES = (
    (1, "249050", "FR10015195", "2AM", "FR"),
    (2, "310224", "IT20031877", "ATE", "it"),
    (3, "990001", "DE99000001", "Kundendienst", "DE"),
)


def _insert_at_0003(model: Any, later: tuple[str, ...], **values: Any) -> Any:
    """An INSERT into ``model``'s table as it was at 0003: without the columns added
    later (``later``), the others' scalar defaults filled in as the model would."""
    columns = [c for c in model.__table__.c if c.name not in later]
    for c in columns:
        if c.name not in values and c.default is not None and c.default.is_scalar:
            values[c.name] = c.default.arg
    table = sa.table(model.__tablename__, *(sa.column(c.name, c.type) for c in columns))
    return table.insert().values(**values)


async def _old_rows(conn: Any) -> None:
    for centre_id, code, number, name, country in CENTRES:
        await conn.execute(
            text(
                "INSERT INTO service_centres (id, code, customer_number, name, rate_cents, "
                "vat_rate, discount_rate, version, company, street, postal_code, city, province,"
                " country, phone, fax, vat_id) VALUES (:id, :code, :number, :name, 7200, 20, 0,"
                " 1, :name, 'S', '1', 'X', '', :country, '', '', '')"
            ),
            {"id": centre_id, "code": code, "number": number, "name": name, "country": country},
        )
    await conn.execute(
        db.User.__table__.insert().values(
            id=1,
            username="tech",
            full_name="Julien Marchal",
            email="",
            role="technician",
            language="fr",
            service_centre_id=1,
            password_hash="x",
            active=True,
            created_at=AT,
        )
    )
    for part_id, code in ((1, "810930115"), (2, "870650444")):
        await conn.execute(
            db.Part.__table__.insert().values(
                id=part_id, code=code, description="P", price_cents=100, availability="in_stock"
            )
        )
    # the tables as they were at 0003: later columns with a Python default (a customer's
    # phone_digits, a ticket's postal_code: 0014) are not there yet
    await conn.execute(
        _insert_at_0003(
            db.Customer, ("phone_digits", "city_key"), id=1, first_name="E", last_name="R"
        )
    )
    await conn.execute(
        db.Appliance.__table__.insert().values(
            id=1, customer_id=1, model_code="P64", service_index="SI00"
        )
    )
    await conn.execute(
        db.TicketGroup.__table__.insert().values(
            id=116496, customer_id=1, service_centre_id=1, created_at=AT
        )
    )
    await conn.execute(
        _insert_at_0003(
            db.Ticket,
            ("postal_code",),
            id=116496,
            group_id=116496,
            service_centre_id=1,
            customer_id=1,
            appliance_id=1,
            status="to_contact",
            warranty="in_warranty",
            created_at=AT,
            status_changed_at=AT,
            updated_at=AT,
        )
    )
    history = db.HistoryEntry.__table__
    for position, ((kind, status, note, appointment), _expected) in enumerate(CASES, start=1):
        await conn.execute(
            history.insert().values(
                id=position,
                ticket_id=116496,
                at=AT + dt.timedelta(minutes=position),
                author_id=1,
                author_name="Julien Marchal",
                status=status,
                appointment_at=appointment,
                type=kind,
                note=note,
                email_to="sav@revendeur.example" if kind == MAIL else None,
            )
        )


async def _history(conn: Any, *, events: bool = True) -> list[Any]:
    columns = ["id", "note"] + (["event", "params"] if events else [])
    return (
        await conn.execute(text(f"SELECT {', '.join(columns)} FROM history_entries ORDER BY id"))
    ).all()


def test_0004_turns_the_old_sentences_into_events_and_back(empty_url: str) -> None:
    async def scenario() -> None:
        engine = create_engine(empty_url)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(_to(empty_url, "0003"))
                await _old_rows(conn)
            async with engine.begin() as conn:
                await conn.run_sync(_to(empty_url, "0004"))
            async with engine.connect() as conn:
                rows = await _history(conn)
                languages = dict(
                    (await conn.execute(text("SELECT code, language FROM service_centres"))).all()
                )
                # the ORM reads the params as JSON, SQL NULL where there is no event
                orm = (
                    (
                        await conn.execute(
                            select(db.HistoryEntry.params).order_by(db.HistoryEntry.id)
                        )
                    )
                    .scalars()
                    .all()
                )
            assert languages == {"249050": "fr", "310224": "it", "990001": "en"}
            for row, (old, (event, params, note)) in zip(rows, CASES, strict=True):
                assert (row.event, row.note) == (event, note), old
                assert orm[row.id - 1] == params, old
            # down again: the columns go, the server's own sentences come back as written,
            # every other row keeps its typed words
            async with engine.begin() as conn:
                await conn.run_sync(_to(empty_url, "0003", down=True))
            async with engine.connect() as conn:
                back = await _history(conn, events=False)
                columns = await conn.run_sync(
                    lambda sync: [c["name"] for c in inspect(sync).get_columns("history_entries")]
                )
            assert "event" not in columns and "params" not in columns
            for row, ((_kind, _status, note, _at), (_e, _p, typed)) in zip(
                back, CASES, strict=True
            ):
                if row.id <= ENGLISH_SERVER_ROWS:
                    assert row.note == note
                assert typed in row.note
            # and up once more: the same events
            async with engine.begin() as conn:
                await conn.run_sync(_to(empty_url, "head"))
            async with engine.connect() as conn:
                again = await _history(conn)
            assert [(r.event, r.note) for r in again[:ENGLISH_SERVER_ROWS]] == [
                (r.event, r.note) for r in rows[:ENGLISH_SERVER_ROWS]
            ]
        finally:
            await engine.dispose()

    asyncio.run(scenario())
    check_no_drift(empty_url)

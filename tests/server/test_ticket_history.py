"""A ticket's history (newest first, paged), logs e-mailed through a real local SMTP server
(aiosmtpd) or written to the outbox, and the previous tickets of a customer / appliance."""

from __future__ import annotations

import datetime as dt
import email
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, or_, select, update

from server.app import create_app
from server.db import models as db
from server.db.session import create_engine
from server.services.mail import outbox_dir
from server.settings import Settings
from tests.server.test_tenancy_probe import fingerprint
from tests.server.ticket_state import SEED_TICKET, headers_for

RECIPIENT = "sav@revendeur-test.example"


# --------------------------------------------------------------------------- history


async def test_history_pages_newest_first(http: httpx.AsyncClient, database_url: str) -> None:
    tech = await headers_for(http, "tech")
    for i in range(7):
        answer = await http.post(
            f"/tickets/{SEED_TICKET}/logs", json={"type": "call", "note": f"call {i}"}, headers=tech
        )
        assert answer.status_code == 201, answer.text
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        expected = [
            r.id
            for r in (
                await conn.execute(
                    select(db.HistoryEntry.id, db.HistoryEntry.at)
                    .where(db.HistoryEntry.ticket_id == SEED_TICKET)
                    .order_by(db.HistoryEntry.at.desc(), db.HistoryEntry.id.desc())
                )
            ).all()
        ]
    await engine.dispose()
    seen: list[int] = []
    offsets: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = (
            await http.get(f"/tickets/{SEED_TICKET}/history", params=params, headers=tech)
        ).json()
        assert page["total"] == len(expected)
        offsets.append(page["offset"])
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == expected
    assert offsets == list(range(0, len(expected), 3))
    first = (await http.get(f"/tickets/{SEED_TICKET}/history", headers=tech)).json()["items"][0]
    assert first["note"] == "call 6" and first["type"] == "call"
    assert first["author"] == "Julien Marchal" and first["status"] == "to_contact"


async def test_history_limits_and_cursors_are_checked(http: httpx.AsyncClient) -> None:
    tech = await headers_for(http, "tech")
    url = f"/tickets/{SEED_TICKET}/history"
    assert (await http.get(url, params={"limit": 201}, headers=tech)).status_code == 422
    bad = await http.get(url, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=tech)
    assert bad.status_code == 422 and "cursor" in bad.json()["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "status_change", "note": "x"}, "type"),
        ({"type": "note", "note": "  "}, "note"),
        ({"type": "note", "note": "x", "email_to": "not an address"}, "email_to"),
        ({"type": "note", "note": "x" * 4001}, "note"),
    ],
)
async def test_a_bad_log_names_the_field_and_changes_nothing(
    http: httpx.AsyncClient, database_url: str, body: dict[str, Any], field: str
) -> None:
    tech = await headers_for(http, "tech")
    before = await fingerprint(database_url)
    answer = await http.post(f"/tickets/{SEED_TICKET}/logs", json=body, headers=tech)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["fields"]
    assert await fingerprint(database_url) == before


# --------------------------------------------------------------------------- e-mail


class Collect:
    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.messages: list[Message] = []
        self.recipients: list[str] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.recipients += envelope.rcpt_tos
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=[False, True], ids=["accepting", "refusing"])
def smtp(request: pytest.FixtureRequest) -> Iterator[tuple[Collect, int]]:
    handler = Collect(refuse=request.param)
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await app.state.engine.dispose()


async def _log_with_email(client: httpx.AsyncClient) -> dict[str, Any]:
    tech = await headers_for(client, "tech")
    answer = await client.post(
        f"/tickets/{SEED_TICKET}/logs",
        json={"type": "email", "note": "Pièce commandée, livraison jeudi.", "email_to": RECIPIENT},
        headers=tech,
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def test_a_log_is_e_mailed_through_smtp_or_kept_in_the_outbox(
    database_url: str,
    tmp_path: Path,
    smtp: tuple[Collect, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    handler, port = smtp
    outbox = tmp_path / "outbox"
    settings = Settings(
        database_url=database_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="sav@centre.example",
        outbox_dir=outbox,
    )
    caplog.set_level(logging.INFO)
    async for client in _client(settings):
        entry = await _log_with_email(client)
        history = (
            await client.get(
                f"/tickets/{SEED_TICKET}/history", headers=await headers_for(client, "tech")
            )
        ).json()
    assert history["items"][0]["id"] == entry["id"]
    assert entry["email_to"] == RECIPIENT
    if handler.refuse:
        assert entry["email_delivery"] == "outbox"
        assert handler.messages == []
        files = list(outbox.glob("*.eml"))
        assert len(files) == 1
        message = email.message_from_bytes(files[0].read_bytes())
        assert files[0].stat().st_mode & 0o077 == 0
    else:
        assert entry["email_delivery"] == "sent"
        assert not outbox.exists() or not list(outbox.iterdir())
        assert handler.recipients == [RECIPIENT]
        (message,) = handler.messages
    assert message["To"] == RECIPIENT and message["From"] == "sav@centre.example"
    assert str(SEED_TICKET) in message["Subject"]
    text = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Pièce commandée, livraison jeudi." in text and "Julien Marchal" in text
    # what the backend logged (aiosmtpd, the test's SMTP server, logs as "mail.log")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert "e-mail for ticket 116496" in logged
    assert RECIPIENT not in logged and "livraison" not in logged
    assert "demo" not in logged  # no password either


async def test_without_smtp_the_e_mail_goes_to_the_outbox(
    database_url: str, tmp_path: Path
) -> None:
    outbox = tmp_path / "elsewhere" / "outbox"
    async for client in _client(Settings(database_url=database_url, outbox_dir=outbox)):
        entry = await _log_with_email(client)
    assert entry["email_delivery"] == "outbox"
    (file,) = outbox.glob("*.eml")
    assert email.message_from_bytes(file.read_bytes())["To"] == RECIPIENT


async def test_when_the_e_mail_can_go_nowhere_nothing_is_recorded(
    database_url: str, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    before = await fingerprint(database_url)
    settings = Settings(database_url=database_url, outbox_dir=blocker / "outbox")
    async for client in _client(settings):
        tech = await headers_for(client, "tech")
        answer = await client.post(
            f"/tickets/{SEED_TICKET}/logs",
            json={"note": "x", "email_to": RECIPIENT},
            headers=tech,
        )
    assert answer.status_code == 503 and answer.json()["code"] == "mail_failed"
    assert await fingerprint(database_url) == before


def test_the_outbox_sits_beside_the_sqlite_file(tmp_path: Path) -> None:
    db_file = tmp_path / "data" / "sav.db"
    assert outbox_dir(Settings(database_url=f"sqlite+aiosqlite:///{db_file}")) == (
        tmp_path / "data" / "outbox"
    )
    assert outbox_dir(Settings(database_url="sqlite+aiosqlite:///x.db", outbox_dir=tmp_path)) == (
        tmp_path
    )
    pg = outbox_dir(Settings(database_url="postgresql+asyncpg://u@h/sav"))
    assert pg == Path("outbox").resolve()


# --------------------------------------------------------------------------- previous


async def test_previous_tickets_of_the_customer_and_appliance(
    http: httpx.AsyncClient, database_url: str
) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        seed = (await conn.execute(select(db.Ticket).where(db.Ticket.id == SEED_TICKET))).one()
        serial = (
            await conn.execute(
                select(db.Appliance.serial_number).where(db.Appliance.id == seed.appliance_id)
            )
        ).scalar_one()
        same_serial = select(db.Appliance.id).where(db.Appliance.serial_number == serial)
        rows = (
            await conn.execute(
                select(db.Ticket.id, db.Ticket.service_centre_id)
                .where(
                    or_(
                        db.Ticket.customer_id == seed.customer_id,
                        db.Ticket.appliance_id == seed.appliance_id,
                        db.Ticket.appliance_id.in_(same_serial),
                    ),
                    db.Ticket.group_id != seed.group_id,
                )
                .order_by(db.Ticket.created_at.desc(), db.Ticket.id.desc())
            )
        ).all()
        total = (await conn.execute(select(func.count()).select_from(db.Ticket))).scalar_one()
    await engine.dispose()
    assert total > len(rows) > 0
    operator = await headers_for(http, "operator")
    tech = await headers_for(http, "tech")
    seen = (await http.get(f"/tickets/{SEED_TICKET}/previous", headers=operator)).json()
    assert [t["id"] for t in seen] == [r.id for r in rows][:50]
    assert {116491, 116493, 116494} <= {t["id"] for t in seen}  # the seed's cancelled groups
    mine = (await http.get(f"/tickets/{SEED_TICKET}/previous", headers=tech)).json()
    assert [t["id"] for t in mine] == [
        r.id for r in rows if r.service_centre_id == seed.service_centre_id
    ][:50]
    assert all(t["group_id"] != SEED_TICKET for t in mine)


# --------------------------------------------------------------------------- events, rendered


async def test_history_events_are_rendered_in_the_readers_language_and_zone(
    http: httpx.AsyncClient,
) -> None:
    tech = await headers_for(http, "tech")
    url = f"/tickets/{SEED_TICKET}/history"
    english = (await http.get(url, headers=tech)).json()["items"]
    french = (
        await http.get(url, headers={**tech, "Accept-Language": "fr", "Time-Zone": "Europe/Paris"})
    ).json()["items"]
    # the demo's seed ticket: recorded, then assigned to the seed's centre
    assert [e["event"] for e in english] == ["assigned", "created"]
    assert english[0]["params"] == {
        "centre_code": "249050",
        "centre_name": "2AM ASSISTANCE AUDIOVISUEL ET ÉLECTROMÉNAGER",
    }
    assert [e["text"] for e in english] == [
        "Assigned to 2AM ASSISTANCE AUDIOVISUEL ET ÉLECTROMÉNAGER 249050",
        "Ticket recorded",
    ]
    assert [e["text"] for e in french] == [
        "Assigné à 2AM ASSISTANCE AUDIOVISUEL ET ÉLECTROMÉNAGER 249050",
        "Ticket enregistré",
    ]
    assert all(e["note"] == "" for e in english + french)
    # a moment follows the reader's zone; a typed log has no event and no text
    await http.post(
        f"/tickets/{SEED_TICKET}/unreachable",
        json={"attempted_at": "2026-07-01T06:05:00Z", "means": "phone"},
        headers=tech,
    )
    logged = await http.post(
        f"/tickets/{SEED_TICKET}/logs",
        json={"type": "call", "note": "Rappeler après 18 h"},
        headers={**tech, "Accept-Language": "fr"},
    )
    assert logged.status_code == 201
    assert (logged.json()["event"], logged.json()["text"]) == (None, "")
    texts = {}
    for zone in ("UTC", "Europe/Paris", "America/New_York"):
        page = await http.get(url, headers={**tech, "Accept-Language": "fr", "Time-Zone": zone})
        texts[zone] = page.json()["items"][1]["text"]
    assert texts == {
        "UTC": "Client non joignable : tentative le 01/07/2026 à 06:05 par téléphone",
        "Europe/Paris": "Client non joignable : tentative le 01/07/2026 à 08:05 par téléphone",
        "America/New_York": "Client non joignable : tentative le 01/07/2026 à 02:05 par téléphone",
    }
    # no zone at all is UTC
    plain = (await http.get(url, headers=tech)).json()["items"][1]["text"]
    assert plain == "Customer not reachable: attempt on Jul 1, 2026 at 6:05 AM by phone"
    # the operator's Italian, in Rome
    italian = (
        await http.get(url, headers={**tech, "Accept-Language": "it", "Time-Zone": "Europe/Rome"})
    ).json()["items"]
    assert [e["text"] for e in italian][1:] == [
        "Cliente non raggiungibile: tentativo il 01/07/2026 alle 08:05 per telefono",
        "Assegnato a 2AM ASSISTANCE AUDIOVISUEL ET ÉLECTROMÉNAGER 249050",
        "Intervento registrato",
    ]


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe/", "/etc/localtime", "x" * 65])
async def test_a_zone_that_is_no_zone_is_refused(http: httpx.AsyncClient, zone: str) -> None:
    tech = await headers_for(http, "tech")
    answer = await http.get(f"/tickets/{SEED_TICKET}/history", headers={**tech, "Time-Zone": zone})
    assert answer.status_code == 422, answer.text
    assert "Time-Zone" in answer.json()["fields"]


async def test_an_unknown_event_or_bad_parameters_show_the_code(database_url: str) -> None:
    from server.i18n import using
    from server.services.events import render

    with using("fr"):
        assert render("teleported", {}, dt.UTC) == "teleported"
        assert render("unreachable", {"means": "phone"}, dt.UTC) == "unreachable"
        assert render(None, None, dt.UTC) == ""


# --------------------------------------------------------------------------- e-mail language


async def _emailed(
    database_url: str, tmp_path: Path, to: str, *, centre_language: str | None = None
) -> Message:
    if centre_language is not None:
        engine = create_engine(database_url)
        async with engine.begin() as conn:
            await conn.execute(
                update(db.ServiceCentre)
                .where(db.ServiceCentre.code == "249050")
                .values(language=centre_language)
            )
        await engine.dispose()
    outbox = tmp_path / "mail-outbox"
    async for client in _client(Settings(database_url=database_url, outbox_dir=outbox)):
        tech = await headers_for(client, "tech")
        answer = await client.post(
            f"/tickets/{SEED_TICKET}/logs",
            json={"type": "email", "note": "Pièce commandée, livraison jeudi.", "email_to": to},
            headers={**tech, "Accept-Language": "en"},  # the sender reads English
        )
        assert answer.status_code == 201, answer.text
    (file,) = outbox.glob("*.eml")
    return email.message_from_bytes(file.read_bytes())


async def test_an_e_mail_to_an_unknown_address_is_in_the_centres_language(
    database_url: str, tmp_path: Path
) -> None:
    message = await _emailed(database_url, tmp_path, RECIPIENT)
    assert message["Content-Language"] == "fr"
    assert message["Subject"] == f"Ticket {SEED_TICKET} : e-mail de Julien Marchal"
    text = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Pièce commandée, livraison jeudi." in text  # the note as typed
    assert f"Ticket {SEED_TICKET} (groupe {SEED_TICKET}), appareil P64 SI00, n° de série" in text


async def test_an_e_mail_to_an_english_centre_is_in_english(
    database_url: str, tmp_path: Path
) -> None:
    message = await _emailed(database_url, tmp_path, RECIPIENT, centre_language="en")
    assert message["Content-Language"] == "en"
    assert message["Subject"] == f"Ticket {SEED_TICKET}: e-mail from Julien Marchal"
    text = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Pièce commandée, livraison jeudi." in text
    assert f"Ticket {SEED_TICKET} (group {SEED_TICKET}), appliance P64 SI00, serial" in text


async def test_an_e_mail_to_an_italian_user_is_in_italian(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:  # the demo's operator reads Italian
        address = (
            await conn.execute(select(db.User.email).where(db.User.username == "operator"))
        ).scalar_one()
    await engine.dispose()
    message = await _emailed(database_url, tmp_path, address)
    assert message["Content-Language"] == "it"
    assert message["Subject"] == f"Intervento {SEED_TICKET}: e-mail da Julien Marchal"
    text = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Pièce commandée, livraison jeudi." in text  # the note as typed
    assert f"Intervento {SEED_TICKET} (gruppo {SEED_TICKET}), apparecchio P64 SI00" in text


async def test_an_e_mail_to_a_user_is_in_that_users_language(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:  # a colleague of the centre who reads English
        address = (
            await conn.execute(select(db.User.email).where(db.User.username == "manager"))
        ).scalar_one()
        await conn.execute(
            update(db.User).where(db.User.username == "manager").values(language="en")
        )
    await engine.dispose()
    message = await _emailed(database_url, tmp_path, address.upper())
    assert message["Content-Language"] == "en"
    assert message["Subject"] == f"Ticket {SEED_TICKET}: e-mail from Julien Marchal"

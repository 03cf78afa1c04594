"""The PDF documents, read back as text (pypdf): the intervention report, the payment voucher
and the order show the seed's figures in the reader's language, with the accents and the euro
sign; a voucher of hundreds of lines runs over numbered pages; the report e-mailed goes with
its PDF attached, once per Idempotency-Key."""

from __future__ import annotations

import datetime as dt
import email
import io
import uuid
from decimal import Decimal
from email.message import Message
from pathlib import Path

import httpx
from pypdf import PdfReader
from sqlalchemy import select

from client.models import InvoiceLine, VoucherDetail
from server.db import models as db
from server.db.session import create_engine
from server.documents import amounts
from server.documents import voucher as voucher_document
from server.i18n import money, using
from tests.server.test_tenancy_probe import fingerprint, token_for

SEED = 116470  # verified: 84.00 + 49.96 + 0.00 = 133.96 net -> 160.75
OTHER = 116471  # verified: 72.00 -> 86.40


def text_of(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


async def _headers(http: httpx.AsyncClient, user: str, lang: str) -> dict[str, str]:
    return await token_for(http, user) | {"Accept-Language": lang, "Time-Zone": "Europe/Paris"}


async def _pdf(http: httpx.AsyncClient, path: str, headers: dict[str, str]) -> str:
    answer = await http.get(path, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    return text_of(answer.content)[0]


async def test_the_intervention_report_shows_the_closing_in_the_readers_language(
    http: httpx.AsyncClient,
) -> None:
    text = await _pdf(http, f"/tickets/{SEED}/intervention.pdf", await _headers(http, "tech", "fr"))
    # the centre's letterhead, accents included
    assert "2AM ASSISTANCE AUDIOVISUEL ET ÉLECTROMÉNAGER" in text
    assert "14 rue du Général Leclerc" in text
    # the customer, the appliance, the codes with their names, the part, the figures
    assert "Emidio Reggiani" in text and "123345" in text and "P64" in text
    assert "T03 – Fuite, pièce échangée" in text
    assert "374063968" in text
    for figure in ("84,00 €", "49,96 €", "133,96 €", "26,79 €", "160,75 €"):
        assert figure in text, figure
    assert "Rapport d'intervention" in text and "Page 1 sur 1" in text
    english = await _pdf(
        http, f"/tickets/{OTHER}/intervention.pdf", await _headers(http, "operator", "en")
    )
    assert "Intervention report" in english and "€86.40" in english and "€72.00" in english


async def test_the_voucher_pdf_has_its_interventions_and_their_sums(
    http: httpx.AsyncClient,
) -> None:
    manager = await _headers(http, "manager", "it")
    answer = await http.post(
        "/vouchers",
        json={"ticket_ids": [SEED, OTHER]},
        headers=manager | {"Idempotency-Key": uuid.uuid4().hex},
    )
    assert answer.status_code == 201, answer.text
    voucher = answer.json()
    text = await _pdf(http, f"/vouchers/{voucher['id']}.pdf", await _headers(http, "tech", "it"))
    assert voucher["number"] in text and "Buono di pagamento" in text
    assert str(SEED) in text and str(OTHER) in text and "Reggiani" in text
    for figure in ("133,96", "160,75", "86,40", "247,15 €"):  # 160.75 + 86.40
        assert figure in text, figure


def test_a_voucher_of_hundreds_of_lines_runs_over_numbered_pages() -> None:
    lines = [
        InvoiceLine(
            ticket_id=200000 + i,
            intervention_id=i,
            ticket_created_at=dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC),
            intervention_date=dt.date(2026, 11, 3),
            model_code="FAB28ABL1",
            customer_name="Müller Hélène",
            service_centre_code="249050",
            rate=Decimal("72.00"),
            spares=Decimal("0.00"),
            bonuses=Decimal("0.00"),
            net=Decimal("72.00"),
            vat_rate=Decimal("20"),
            vat=Decimal("14.40"),
            total=Decimal("86.40"),
        )
        for i in range(250)
    ]
    voucher = VoucherDetail(
        id=1,
        number="BP249050260001",
        service_centre_code="249050",
        service_centre_name="2AM ASSISTANCE AUDIOVISUEL ET ÉLECTROMÉNAGER",
        created_at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC),
        created_by="Sophie Lambert",
        count=250,
        net=Decimal("18000.00"),
        vat=Decimal("3600.00"),
        total=Decimal("21600.00"),
        lines=lines,
    )
    with using("fr"):
        pdf = voucher_document.build(voucher, None, dt.UTC)
    text, pages = text_of(pdf)
    assert pages >= 4
    assert f"Page 1 sur {pages}" in text and f"Page {pages} sur {pages}" in text
    assert all(str(line.ticket_id) in text for line in lines)
    assert text.count("Müller Hélène") == 250
    assert "21 600,00 €" in text


async def test_the_order_pdf_has_its_lines_addresses_and_amounts(
    http: httpx.AsyncClient, database_url: str
) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        order_id = (
            await conn.execute(
                select(db.Order.id)
                .join(db.ServiceCentre, db.ServiceCentre.id == db.Order.service_centre_id)
                .where(db.ServiceCentre.code == "249050")
                .order_by(db.Order.id)
                .limit(1)
            )
        ).scalar_one()
    await engine.dispose()
    headers = await _headers(http, "tech", "en")
    order = (await http.get(f"/orders/{order_id}", headers=headers)).json()
    text = await _pdf(http, f"/orders/{order_id}.pdf", headers)
    assert f"Order {order['number']}" in text
    assert order["shipping"]["street"] in text and "Électroménager" in text
    for line in order["lines"]:
        assert line["ordered_code"] in text
    assert f"€{Decimal(order['total']):,.2f}" in text
    assert f"€{Decimal(order['net']):,.2f}" in text


def _pdf_attached(message: Message) -> bytes:
    for part in message.walk():
        if part.get_content_type() == "application/pdf":
            assert part.get_filename() == f"intervention-{SEED}.pdf"
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload
    raise AssertionError("no PDF attached")


async def test_the_report_e_mailed_goes_once_with_its_pdf_in_the_recipients_language(
    http: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    url = f"/tickets/{SEED}/intervention/email"
    tech = await _headers(http, "tech", "en")
    # without a key nothing goes, and nothing is written
    before = await fingerprint(database_url)
    refused = await http.post(url, json={"to": "someone@example.com"}, headers=tech)
    assert refused.status_code == 428
    assert await fingerprint(database_url) == before
    assert not outbox.exists() or not list(outbox.glob("*.eml"))
    # to nobody: the customer's address, in the centre's language (French)
    keyed = tech | {"Idempotency-Key": "report-1"}
    answer = await http.post(url, json={}, headers=keyed)
    assert answer.status_code == 200, answer.text
    sent = answer.json()
    assert sent == {
        "ticket_id": SEED,
        "to": "emidio.reggiani@cpsoftware.it",
        "language": "fr",
        "delivery": "outbox",
    }
    again = await http.post(url, json={}, headers=keyed)  # a retry: nothing sent again
    assert again.json() == sent and again.headers.get("Idempotency-Replayed") == "true"
    (file,) = outbox.glob("*.eml")
    message = email.message_from_bytes(file.read_bytes())
    assert message["To"] == "emidio.reggiani@cpsoftware.it"
    assert message["Content-Language"] == "fr" and str(SEED) in message["Subject"]
    text, _pages = text_of(_pdf_attached(message))
    assert "Rapport d'intervention" in text and "160,75 €" in text
    history = (await http.get(f"/tickets/{SEED}/history", headers=tech)).json()["items"]
    assert history[0]["email_to"] == "emidio.reggiani@cpsoftware.it"
    assert history[0]["text"] == "Intervention report e-mailed"
    # to a user: in that user's language (the operator works in Italian)
    engine = create_engine(database_url)
    async with engine.connect() as conn:
        address, language = (
            await conn.execute(
                select(db.User.email, db.User.language).where(db.User.username == "operator")
            )
        ).one()
    await engine.dispose()
    assert language == "it"
    other = await http.post(
        url, json={"to": address.upper()}, headers=tech | {"Idempotency-Key": "report-2"}
    )
    assert other.status_code == 200, other.text
    assert other.json()["language"] == "it"
    assert len(list(outbox.glob("*.eml"))) == 2


def test_the_fast_amounts_of_a_table_read_as_the_languages_money() -> None:
    values = [Decimal(v) for v in ("0.00", "0.05", "7.5", "86.40", "1234.56", "-1234.56")]
    values += [Decimal("123456789.99"), Decimal("1000000.00")]
    for lang in ("en", "fr", "it"):
        with using(lang):
            amount = amounts()
            assert [amount(v) for v in values] == [money(v) for v in values], lang

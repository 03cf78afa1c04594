"""The monthly spare-parts report (JSON and CSV), the voucher period view and the centre's
invoice recorded against a voucher, over HTTP with the demo data; checked against the
database itself."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select

from server.db import models as db
from server.db.session import create_engine
from tests.server.test_tenancy_probe import fingerprint, token_for

CENTRE = "249050"


async def _headers(http: httpx.AsyncClient, user: str, lang: str = "en") -> dict[str, str]:
    return await token_for(http, user) | {"Accept-Language": lang, "Time-Zone": "UTC"}


async def _installed(url: str) -> list[tuple[str, str, str, int, int, int, dt.date]]:
    """Every part installed in a closed intervention: (centre, model, code, quantity,
    value in cents, intervention, date)."""
    engine = create_engine(url)
    ip, i, t = db.InterventionPart, db.Intervention, db.Ticket
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(
                    db.ServiceCentre.code,
                    db.Appliance.model_code,
                    db.Part.code,
                    ip.quantity,
                    ip.quantity * ip.unit_price_cents,
                    i.id,
                    i.intervention_date,
                )
                .join(i, i.id == ip.intervention_id)
                .join(t, t.id == i.ticket_id)
                .join(db.ServiceCentre, db.ServiceCentre.id == t.service_centre_id)
                .join(db.Appliance, db.Appliance.id == t.appliance_id)
                .join(db.Part, db.Part.id == ip.installed_part_id)
                .where(i.closed_at.is_not(None), t.status.in_(("closed", "verified", "invoiced")))
            )
        ).all()
    await engine.dispose()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _busiest_month(rows: list[Any], centre: str) -> str:
    months = Counter(r[6].strftime("%Y-%m") for r in rows if r[0] == centre)
    return months.most_common(1)[0][0]


async def test_the_parts_report_sums_the_parts_installed_by_model(
    http: httpx.AsyncClient, database_url: str
) -> None:
    rows = await _installed(database_url)
    month = _busiest_month(rows, CENTRE)
    mine = [r for r in rows if r[0] == CENTRE and r[6].strftime("%Y-%m") == month]
    answer = await http.get(
        "/reports/parts", params={"month": month}, headers=await _headers(http, "tech")
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["month"] == month
    expected: dict[tuple[str, str], list[int]] = {}
    for _c, model, code, quantity, value, _i, _d in mine:
        expected.setdefault((model, code), [0, 0])
        expected[(model, code)][0] += quantity
        expected[(model, code)][1] += value
    got = {
        (m["model_code"], line["code"]): [line["quantity"], int(Decimal(line["value"]) * 100)]
        for m in report["models"]
        for line in m["lines"]
    }
    assert got == expected and got
    assert [m["model_code"] for m in report["models"]] == sorted({k[0] for k in expected})
    for m in report["models"]:
        assert m["quantity"] == sum(line["quantity"] for line in m["lines"])
        assert Decimal(m["value"]) == sum(Decimal(line["value"]) for line in m["lines"])
        assert m["interventions"] == len({r[5] for r in mine if r[1] == m["model_code"]})
    assert report["quantity"] == sum(v[0] for v in expected.values())
    assert Decimal(report["value"]) * 100 == sum(v[1] for v in expected.values())
    assert report["interventions"] == len({r[5] for r in mine})
    # the model filter: the start of a model code
    model = report["models"][0]["model_code"]
    only = (
        await http.get(
            "/reports/parts",
            params={"month": month, "model": model.lower()},
            headers=await _headers(http, "tech"),
        )
    ).json()
    assert {m["model_code"] for m in only["models"]} == {
        k[0] for k in expected if k[0].startswith(model)
    }


async def test_the_parts_report_follows_the_tenancy(
    http: httpx.AsyncClient, database_url: str
) -> None:
    rows = await _installed(database_url)
    month = _busiest_month(rows, CENTRE)
    everyone = {r[0] for r in rows if r[6].strftime("%Y-%m") == month}
    operator = await _headers(http, "operator")
    tech2 = await _headers(http, "tech2")

    async def quantity(headers: dict[str, str], **params: str) -> int:
        answer = await http.get(
            "/reports/parts", params={"month": month, **params}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        return int(answer.json()["quantity"])

    def of(*centres: str) -> int:
        return sum(r[3] for r in rows if r[0] in centres and r[6].strftime("%Y-%m") == month)

    assert await quantity(operator) == of(*everyone)
    assert await quantity(operator, centre=CENTRE) == of(CENTRE)
    assert await quantity(tech2) == of("249117")
    # naming another centre finds nothing rather than its parts
    assert await quantity(tech2, centre=CENTRE) == 0


async def test_a_bad_month_is_refused_by_name_in_the_readers_language(
    http: httpx.AsyncClient,
) -> None:
    for month in ("2026-13", "10/2026", "2026-1"):
        answer = await http.get(
            "/reports/parts", params={"month": month}, headers=await _headers(http, "tech", "fr")
        )
        assert answer.status_code == 422, answer.text
        assert "AAAA-MM" in answer.json()["fields"]["month"]


async def test_the_parts_csv_in_both_formats(http: httpx.AsyncClient, database_url: str) -> None:
    rows = await _installed(database_url)
    month = _busiest_month(rows, CENTRE)
    report = (
        await http.get(
            "/reports/parts", params={"month": month}, headers=await _headers(http, "tech")
        )
    ).json()
    machine = await http.get(
        "/reports/parts.csv",
        params={"month": month, "format": "machine"},
        headers=await _headers(http, "tech", "fr"),
    )
    assert machine.status_code == 200 and machine.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(machine.content.decode())))
    assert lines[0] == ["month", "model", "code", "description", "quantity", "value"]
    assert len(lines) - 1 == sum(len(m["lines"]) for m in report["models"])
    assert sum(Decimal(r[5]) for r in lines[1:]) == Decimal(report["value"])
    sheet = await http.get(
        "/reports/parts.csv", params={"month": month}, headers=await _headers(http, "tech", "fr")
    )
    text = sheet.content.decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text
    cells = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert cells[0] == ["Mois", "Modèle", "Code pièce", "Description", "Quantité", "Valeur (EUR)"]
    assert cells[-1][1] == "Total" and cells[-1][4] == str(report["quantity"])
    assert cells[-1][5] == report["value"].replace(".", ",")
    assert len(cells) == 2 + len(report["models"]) + sum(len(m["lines"]) for m in report["models"])


async def test_the_period_view_adds_up_with_the_invoicing_list_and_the_vouchers(
    http: httpx.AsyncClient,
) -> None:
    headers = await _headers(http, "manager")
    waiting = (await http.get("/invoicing", params={"limit": 200}, headers=headers)).json()
    vouchers = (await http.get("/vouchers", params={"limit": 200}, headers=headers)).json()
    years = {line["intervention_date"][:4] for line in waiting["items"]} | {
        v["created_at"][:4] for v in vouchers["items"]
    }
    pending_count, pending, invoiced, seen = 0, Decimal(0), Decimal(0), []
    for year in sorted(years):
        answer = await http.get("/invoicing/periods", params={"year": year}, headers=headers)
        assert answer.status_code == 200, answer.text
        view = answer.json()
        assert [m["month"] for m in view["months"]] == [f"{year}-{n:02d}" for n in range(1, 13)]
        for month in view["months"]:
            assert month["invoiced_count"] == sum(v["count"] for v in month["vouchers"])
            for v in month["vouchers"]:
                assert v["created_at"][:7] == month["month"]
                assert v["status"] == "missing" and v["invoice_number"] is None
            seen += [v["id"] for v in month["vouchers"]]
        pending_count += view["totals"]["pending_count"]
        pending += Decimal(view["totals"]["pending_amount"])
        invoiced += Decimal(view["totals"]["invoiced_amount"])
    assert pending_count == waiting["total"]
    assert pending == Decimal(waiting["sums"]["total"])
    assert sorted(seen) == sorted(v["id"] for v in vouchers["items"])
    assert invoiced == sum(Decimal(v["total"]) for v in vouchers["items"])
    # another centre's staff see only their own; naming this centre finds nothing
    tech2 = await _headers(http, "tech2")
    year = sorted(years)[-1]
    theirs = (await http.get("/invoicing/periods", params={"year": year}, headers=tech2)).json()
    codes = {v["service_centre_code"] for m in theirs["months"] for v in m["vouchers"]}
    assert codes <= {"249117"}
    other = await http.get(
        "/invoicing/periods", params={"year": year, "centre": CENTRE}, headers=tech2
    )
    assert other.json()["totals"]["pending_count"] == 0
    assert other.json()["totals"]["invoiced_count"] == 0
    assert (
        await http.get("/invoicing/periods", params={"year": 1999}, headers=tech2)
    ).status_code == 422


async def test_recording_the_centres_invoice_flags_a_difference(
    http: httpx.AsyncClient, database_url: str
) -> None:
    manager = await _headers(http, "manager")
    voucher = (await http.get("/vouchers", params={"limit": 1}, headers=manager)).json()["items"][0]
    url = f"/vouchers/{voucher['id']}/centre-invoice"
    detail = (await http.get(f"/vouchers/{voucher['id']}", headers=manager)).json()
    assert detail["centre_invoice"] is None
    version = detail["version"]
    # refusals, each naming its field, change nothing
    before = await fingerprint(database_url)
    for body, field in (
        ({"number": " ", "amount": "10.00"}, "number"),
        ({"number": "F-1", "amount": "-1"}, "amount"),
        ({"number": "F-1", "amount": "10.005"}, "amount"),
        ({"number": "F" * 41, "amount": "10"}, "number"),
        ({"number": "F-1", "amount": "abc"}, "amount"),
    ):
        answer = await http.put(url, json=body, headers=manager | {"If-Match": str(version)})
        assert answer.status_code == 422, (body, answer.text)
        assert field in answer.json()["fields"], answer.text
    no_version = await http.put(url, json={"number": "F-1", "amount": "1"}, headers=manager)
    assert no_version.status_code == 428
    assert await fingerprint(database_url) == before
    # a different amount is recorded, and flagged
    low = Decimal(voucher["total"]) - Decimal("1.50")
    answer = await http.put(
        url,
        json={"number": "FA-2026-0042", "amount": str(low)},
        headers=manager | {"If-Match": str(version)},
    )
    assert answer.status_code == 200, answer.text
    recorded = answer.json()
    assert recorded["version"] == version + 1
    assert recorded["centre_invoice"]["number"] == "FA-2026-0042"
    assert Decimal(recorded["centre_invoice"]["difference"]) == Decimal("-1.50")
    assert recorded["centre_invoice"]["recorded_by"]
    year = voucher["created_at"][:4]
    view = (await http.get("/invoicing/periods", params={"year": year}, headers=manager)).json()
    shown = next(v for m in view["months"] for v in m["vouchers"] if v["id"] == voucher["id"])
    assert shown["status"] == "differs" and Decimal(shown["difference"]) == Decimal("-1.50")
    assert view["totals"]["differences"] == 1
    # the stale version is refused, naming who changed it
    stale = await http.put(
        url,
        json={"number": "FA-2026-0042", "amount": voucher["total"]},
        headers=manager | {"If-Match": str(version)},
    )
    assert stale.status_code == 412 and stale.json()["changed_by"]
    # corrected: it matches
    fixed = await http.put(
        url,
        json={"number": "FA-2026-0042", "amount": voucher["total"]},
        headers=manager | {"If-Match": str(version + 1)},
    )
    assert fixed.status_code == 200 and Decimal(fixed.json()["centre_invoice"]["difference"]) == 0
    view = (await http.get("/invoicing/periods", params={"year": year}, headers=manager)).json()
    shown = next(v for m in view["months"] for v in m["vouchers"] if v["id"] == voucher["id"])
    assert shown["status"] == "matches"


async def test_the_parts_report_pdf_shows_the_same_figures_and_only_the_own_centre(
    http: httpx.AsyncClient, database_url: str
) -> None:
    import io

    from pypdf import PdfReader

    rows = await _installed(database_url)
    month = _busiest_month(rows, CENTRE)
    headers = await _headers(http, "tech", "fr")
    report = (await http.get("/reports/parts", params={"month": month}, headers=headers)).json()
    answer = await http.get("/reports/parts.pdf", params={"month": month}, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages)
    # the title in French with the month named, the centre's letterhead with its accents
    assert "Pièces de rechange installées en" in text
    assert "2AM ASSISTANCE AUDIOVISUEL ET ÉLECTROMÉNAGER" in text
    for model in report["models"]:
        assert f"Total {model['model_code']}" in text
        for line in model["lines"]:
            assert line["code"] in text
    total = Decimal(report["value"])
    assert f"{total:,.2f}".replace(",", "\u202f").replace(".", ",") in text or (
        f"{total:.2f}".replace(".", ",") in text
    ), text
    # another centre's technician gets a report of their own centre only: no line of ours
    other = await http.get(
        "/reports/parts.pdf", params={"month": month}, headers=await _headers(http, "tech2", "fr")
    )
    assert other.status_code == 200
    theirs = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(other.content)).pages)
    ours_only = {line["code"] for m in report["models"] for line in m["lines"]} - {
        r[2] for r in rows if r[0] != CENTRE and r[6].strftime("%Y-%m") == month
    }
    assert ours_only and not any(code in theirs for code in ours_only)
    # a bad month: 422 naming it, as the JSON route
    bad = await http.get("/reports/parts.pdf", params={"month": "2026-13"}, headers=headers)
    assert bad.status_code == 422

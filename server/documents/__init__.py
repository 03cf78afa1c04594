"""The PDF documents: an intervention report, a payment voucher, an order.

One module per document; each loads what it shows through the same services as the JSON
routes (so the same tenancy, the same roles, the same figures) and writes it in the
request's language (server.i18n) with the reader's time zone. ``base`` is the page they
share (A4, the centre's letterhead, page numbers, tables); a new report builds on it.

Rendering is CPU work: :func:`rendered` runs it in a thread, so the server keeps answering
others meanwhile (the thread sees the request's language: ``asyncio.to_thread`` copies the
context).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import cache

from server.db import models as db
from server.documents.base import Letterhead, Page
from server.i18n import _, day, language, moment, money

MEDIA_TYPE = "application/pdf"


def letterhead(centre: db.ServiceCentre | None) -> Letterhead:
    """The centre's name, its address, its phone and VAT number, as the top of each page."""
    if centre is None:
        return Letterhead("")
    town = " ".join(p for p in (centre.postal_code, centre.city) if p)
    place = ", ".join(p for p in (centre.street, town, centre.province, centre.country) if p)
    contact = []
    if centre.phone:
        contact.append(_("Phone {phone}").format(phone=centre.phone))
    if centre.vat_id:
        contact.append(_("VAT ID {vat_id}").format(vat_id=centre.vat_id))
    ids = _("Service centre {code} · customer number {number}").format(
        code=centre.code, number=centre.customer_number
    )
    lines = [line for line in (centre.company, place, " · ".join(contact), ids) if line]
    return Letterhead(centre.name, lines)


def page(centre: db.ServiceCentre | None, footer: str) -> Page:
    # TRANSLATORS: the page number at the bottom of each page of a PDF
    return Page(letterhead(centre), footer, _("Page {page} of {pages}"))


def when(value: dt.datetime | None, zone: dt.tzinfo) -> str:
    """A moment as the reader's language writes it, in the reader's zone ("" for none)."""
    if value is None:
        return ""
    date, time = moment(value, zone)
    return f"{date} {time}"


def by(at: dt.datetime | None, who: str | None, zone: dt.tzinfo) -> str:
    """ "<when> by <name>" in the reader's language and zone ("" when it did not happen)."""
    if at is None:
        return ""
    moment_text = when(at, zone)
    return _("{when} by {name}").format(when=moment_text, name=who) if who else moment_text


def date(value: dt.date | None) -> str:
    return day(value) if value is not None else ""


def amounts() -> Callable[[Decimal], str]:
    """``server.i18n.money`` for a table of many amounts (a voucher's hundreds of lines):
    the current language's group and decimal signs read once from Babel, then Python's own
    formatting, which is several times faster; the same text for every amount in cents."""
    return _amounts(language())


@cache
def _amounts(lang: str) -> Callable[[Decimal], str]:
    sample = money(Decimal("1234.50"))  # 1,234.50 / 1 234,50 / 1.234,50
    signs = str.maketrans({",": sample[1], ".": sample[-3]})
    return lambda value: f"{value:,.2f}".translate(signs)


async def rendered(build: Callable[[], bytes]) -> bytes:
    """``build()`` in a worker thread (with this request's language)."""
    return await asyncio.to_thread(build)

"""Numbers, money and dates in the interface's language: ``client.formats``'s rules with
the language the user reads (every screen formats through here)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from client import formats
from tui import i18n


def _lang(lang: str | None) -> str:
    return lang or i18n.language()


def number(value: Decimal | int | str, places: int = 0, lang: str | None = None) -> str:
    return formats.number(value, _lang(lang), places)


def decimal(value: Decimal | int | str, lang: str | None = None) -> str:
    return formats.decimal(value, _lang(lang))


def money(value: Decimal | str, lang: str | None = None) -> str:
    return formats.money(value, _lang(lang))


def money_eur(value: Decimal | str, lang: str | None = None) -> str:
    return formats.money_eur(value, _lang(lang))


def percent(value: Decimal | str, lang: str | None = None) -> str:
    return formats.percent(value, _lang(lang))


def day(value: dt.date | None, lang: str | None = None, empty: str = "") -> str:
    return formats.day(value, _lang(lang)) if value is not None else empty


def month(year: int, number: int, short: bool = False, lang: str | None = None) -> str:
    """October 2026 / octobre 2026 (short: Oct 2026 / oct. 2026)."""
    return formats.month(year, number, _lang(lang), short)


def short_day(value: dt.date | None, lang: str | None = None, empty: str = "") -> str:
    return formats.short_day(value, _lang(lang)) if value is not None else empty


def clock(value: dt.time | dt.datetime, lang: str | None = None) -> str:
    return formats.clock(value, _lang(lang))


def local(value: dt.datetime) -> dt.datetime:
    """A moment in the terminal's time zone."""
    return value.astimezone()


def moment(value: dt.datetime | None, lang: str | None = None, empty: str = "") -> str:
    """A moment in the terminal's time zone: Dec 3, 2026 8:34 AM / 03/12/2026 08:34."""
    return formats.moment(local(value), _lang(lang)) if value is not None else empty


def local_day(value: dt.datetime | None, lang: str | None = None, empty: str = "") -> str:
    """The day a moment falls on in the terminal's time zone."""
    return day(local(value).date(), lang) if value is not None else empty


def date_forms(lang: str | None = None) -> str:
    return formats.date_forms(_lang(lang))


def parse_date(text: str, lang: str | None = None) -> dt.date:
    return formats.parse_date(text, _lang(lang))


def parse_decimal(text: str, lang: str | None = None) -> Decimal:
    return formats.parse_decimal(text, _lang(lang))


LIST_DAY = 10
"""Cells a list's date takes at most: the full date when it fits (03/12/2026), else the
short one (Dec 3 26)."""


def list_day(value: dt.date | None, lang: str | None = None, empty: str = "") -> str:
    """A date for a list's column: 03/12/2026 / Dec 3 26."""
    if value is None:
        return empty
    full = day(value, lang)
    return full if len(full) <= LIST_DAY else short_day(value, lang)


def list_moment(value: dt.datetime | None, lang: str | None = None, empty: str = "") -> str:
    """A moment for a list's column, in the terminal's zone: 03/12/2026 08:34 / Dec 3 26 8:34 AM."""
    if value is None:
        return empty
    here = local(value)
    return f"{list_day(here.date(), lang)} {clock(here, lang)}"

"""Numbers, money and dates as each interface language writes them, and read back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from client import formats
from tui import formats as shown
from tui import i18n
from tui.widgets.form import FieldError, parse_date, parse_time
from tui.widgets.money import money, money_eur, percent

DAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("lang", "eur", "big", "rate", "day", "short", "clock"),
    [
        ("en", "€145.19", "1,234.50", "5.5%", "Dec 3, 2026", "Dec 3 26", "8:34 AM"),
        ("fr", "145,19 €", "1 234,50", "5,5 %", "03/12/2026", "03/12/26", "08:34"),
        ("it", "145,19 €", "1.234,50", "5,5 %", "03/12/2026", "03/12/26", "08:34"),
    ],
)
def test_each_language_writes_its_own(
    lang: str, eur: str, big: str, rate: str, day: str, short: str, clock: str
) -> None:
    assert formats.money_eur(Decimal("145.19"), lang) == eur
    assert formats.money(Decimal("1234.5"), lang) == big
    assert formats.percent(Decimal("5.5"), lang) == rate
    assert formats.day(DAY, lang) == day
    assert formats.short_day(DAY, lang) == short
    assert formats.clock(dt.time(8, 34), lang) == clock
    assert formats.parse_date(day, lang) == DAY  # what is shown can be typed back
    assert formats.parse_decimal(big, lang) == Decimal("1234.5")


@pytest.fixture
def english() -> Iterator[None]:
    before = i18n.language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def test_the_english_interface_prints_english_money(english: None) -> None:
    assert money_eur(Decimal("145.19")) == "€145.19"
    assert "145,19" not in money_eur(Decimal("145.19"))
    assert money(Decimal("1234.5")) == "1,234.50"
    assert percent(Decimal("20")) == "20%"
    assert shown.clock(dt.time(14, 5)) == "2:05 PM"


def test_the_interface_language_is_followed() -> None:
    before = i18n.language()
    try:
        i18n.set_language("fr")
        assert money_eur(Decimal("145.19")) == "145,19 €"
        assert shown.day(DAY) == "03/12/2026"
        i18n.set_language("it")
        assert money(Decimal("1234.5")) == "1.234,50"
    finally:
        i18n.set_language(before)


@pytest.mark.parametrize(
    "typed",
    [
        "2026-12-03",
        "03/12/2026",
        "3/12/26",
        "3.12.2026",
        "Dec 3, 2026",
        "3-dec-2026",
        "3 déc. 2026",
        "3 dicembre 2026",
    ],
)
def test_a_date_is_read_in_every_form(typed: str) -> None:
    assert formats.parse_date(typed) == DAY
    assert parse_date("date", typed) == DAY


@pytest.mark.parametrize("typed", ["31/02/2026", "12/31/2026", "tomorrow", "Dec 2026", ""])
def test_a_wrong_date_is_refused_with_the_forms(english: None, typed: str) -> None:
    with pytest.raises(FieldError, match="YYYY-MM-DD or Dec 3, 2026"):
        parse_date("date", typed)


def test_times_in_24_hours_or_am_pm() -> None:
    assert parse_time("t", "14:30") == parse_time("t", "2:30 PM") == dt.time(14, 30)
    assert parse_time("t", "14h30") == dt.time(14, 30)
    assert parse_time("t", "8:34 am") == dt.time(8, 34)

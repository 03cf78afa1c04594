"""Amounts and rates as people of the interface's language read them ("9,45" in French).

The server computes every amount; these only format what it sent (Babel's number formats).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from tui import i18n


@cache
def _locale(language: str) -> object:
    from babel import Locale

    return Locale.parse(language)


def money(value: Decimal) -> str:
    """An amount with two decimals and grouped thousands: 1,234.50 / 1 234,50."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.00", locale=_locale(i18n.language()))


def money_eur(value: Decimal) -> str:
    return money(value) + " €"


def percent(value: Decimal) -> str:
    """A rate in percent without trailing zeros: 20 %, 5.5 %."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.##", locale=_locale(i18n.language())) + " %"

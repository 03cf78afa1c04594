"""Numbers, money, dates and times as each language writes them, and read back (Babel).

One set of rules for every place that shows them: the TUI's screens (through
``tui.formats``, which adds the interface's language) and the server's renderings
(history events, e-mails, spreadsheet CSV, through ``server.i18n``).

    money_eur(145.19):  en "€145.19"        fr "145,19 €"        it "145,19 €"
    number(1234.5, 2):  en "1,234.50"       fr "1 234,50"        it "1.234,50"
    day(2026-12-03):    en "Dec 3, 2026"    fr "03/12/2026"      it "03/12/2026"
    short_day:          en "Dec 3 26"       fr "03/12/26"        it "03/12/26"
    clock(08:34):       en "8:34 AM"        fr "08:34"           it "08:34"

English writes the month by its name: "03/12/2026" reads 3 December in Europe and
March 12 in America. Reading a date accepts ISO (``2026-12-03``), the language's own form
and day-first numbers (``03/12/2026``, ``3/12/26``, in every language: the service's
house form), and English month names (``3-dec-2026``, ``Dec 3, 2026``). Babel's narrow
and no-break spaces become plain spaces: every terminal has those.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

LANGUAGES = ("en", "fr", "it")
_SPACES = str.maketrans({"\u202f": " ", "\xa0": " "})


@cache
def _locale(lang: str) -> Any:
    from babel import Locale

    locale = Locale.parse(lang if lang in LANGUAGES else "en")
    locale.number_symbols  # noqa: B018 (loads the language's data, which reads Babel's global data)
    _lean_global_data()
    _lean_locale_data(locale)
    return locale


_KEPT_LOCALE = (
    "currency_formats",
    "currency_names",
    "currency_names_plural",
    "currency_symbols",
    "date_formats",
    "day_periods",
    "decimal_formats",
    "months",
    "number_symbols",
    "plural_form",
    "time_formats",
)
"""What these rules read of a language's data (number, money, dates, times, parsing)."""


class _LeanLocaleData(dict[str, Any]):
    """A language's data cut to ``_KEPT_LOCALE``; any other key loads it all again (from
    Babel's files), so no answer ever changes."""

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        super().__init__((key, data[key]) for key in _KEPT_LOCALE if key in data)
        self.name = name

    def __missing__(self, key: str) -> Any:
        from babel import localedata

        self.update(localedata.load(self.name))
        return dict.__getitem__(self, key)


def _lean_locale_data(locale: Any) -> None:
    """Keep only what formatting reads of a language's data: the rest (names of every
    language, territory, unit and time zone, in this language and in Babel's root) is
    ~1.5 MiB of a TUI's memory that no screen reads."""
    from babel import localedata

    name = str(locale)
    data = locale._data  # a LocaleDataDict over the data merged with its parents'
    if isinstance(data._data, _LeanLocaleData):
        return
    lean: Any = _LeanLocaleData(name, data._data)
    locale._Locale__data = localedata.LocaleDataDict(lean)
    data_module: Any = localedata
    with data_module._cache_lock:  # the merged copies Babel keeps: loaded again if asked for
        for cache in (data_module._cache, getattr(data_module, "_dict_cache", {})):
            cache.pop(name, None)
            cache.pop("root", None)


_KEPT_GLOBALS = ("parent_exceptions", "currency_fractions")
"""What these rules read of Babel's global data once a language is loaded."""


class _LeanGlobalData(dict[str, Any]):
    """Babel's global data cut to ``_KEPT_GLOBALS``; any other key loads it all again (for
    whoever needs more: the server's negotiation, time zones), so no answer ever changes."""

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        import babel.core

        core: Any = babel.core
        core._global_data = None
        return core.get_global(key)


def _lean_global_data() -> None:
    """Keep only what formatting needs of Babel's global data: the rest (most of it, likely
    subtags of every language on earth) is 2 MiB of a TUI's memory, read once to find a
    language's parent and then never again."""
    import babel.core

    core: Any = babel.core
    data = core._global_data
    if data is None or isinstance(data, _LeanGlobalData):
        return
    core._global_data = _LeanGlobalData({key: data[key] for key in _KEPT_GLOBALS if key in data})


def number(value: Decimal | int | float | str, lang: str, places: int = 0) -> str:
    """A number with grouped thousands and exactly ``places`` decimals."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * places if places else "")
    text = format_decimal(Decimal(value), format=pattern, locale=_locale(lang))
    return str(text).translate(_SPACES)


def decimal(value: Decimal | int | float | str, lang: str) -> str:
    """A number without trailing zeros: 5.5 / 5,5; 2 / 2."""
    from babel.numbers import format_decimal

    text = format_decimal(Decimal(value), format="#,##0.###", locale=_locale(lang))
    return str(text).translate(_SPACES)


def money(value: Decimal | str, lang: str) -> str:
    """An amount with two decimals, no currency: 1,234.50 / 1 234,50."""
    return number(value, lang, 2)


def money_eur(value: Decimal | str, lang: str) -> str:
    """An amount in euros, the sign where the language puts it: €145.19 / 145,19 €."""
    from babel.numbers import format_currency

    text = format_currency(Decimal(value), "EUR", locale=_locale(lang))
    return str(text).translate(_SPACES)


def percent(value: Decimal | str, lang: str) -> str:
    """A rate in percent without trailing zeros: 20%, 5.5% / 20 %, 5,5 %."""
    sign = "%" if lang == "en" else " %"
    return decimal(value, lang) + sign


@lru_cache(maxsize=4096)
def day(value: dt.date, lang: str) -> str:
    """A date, the year in full: Dec 3, 2026 / 03/12/2026."""
    from babel.dates import format_date

    if lang == "en" or lang not in LANGUAGES:
        return str(format_date(value, format="medium", locale=_locale("en")))
    return str(format_date(value, format="dd/MM/yyyy", locale=_locale(lang)))


@lru_cache(maxsize=512)
def month(year: int, number: int, lang: str, short: bool = False) -> str:
    """A month of a year: October 2026 / octobre 2026 (short: Oct 2026 / oct. 2026)."""
    from babel.dates import format_date

    pattern = "LLL yyyy" if short else "LLLL yyyy"
    return str(format_date(dt.date(year, number, 1), format=pattern, locale=_locale(lang)))


@lru_cache(maxsize=4096)
def short_day(value: dt.date, lang: str) -> str:
    """A date in at most 9 cells, for a list's column: Dec 3 26 / 03/12/26."""
    from babel.dates import format_date

    if lang == "en" or lang not in LANGUAGES:
        return str(format_date(value, format="MMM d yy", locale=_locale("en")))
    return str(format_date(value, format="dd/MM/yy", locale=_locale(lang)))


@lru_cache(maxsize=1440)
def _clock(hour: int, minute: int, lang: str) -> str:
    from babel.dates import format_time

    if lang == "en" or lang not in LANGUAGES:
        text = format_time(dt.time(hour, minute), format="short", locale=_locale("en"))
        return str(text).translate(_SPACES)
    return f"{hour:02d}:{minute:02d}"


def clock(value: dt.time | dt.datetime, lang: str) -> str:
    """A time of day: 8:34 AM / 08:34."""
    return _clock(value.hour, value.minute, lang)


def moment(value: dt.datetime, lang: str) -> str:
    """A date and a time (as given: convert to the reader's zone first): Dec 3, 2026 8:34 AM."""
    return f"{day(value.date(), lang)} {clock(value, lang)}"


def date_forms(lang: str) -> str:
    """The forms :func:`parse_date` reads, for a message: "YYYY-MM-DD or Dec 3, 2026"."""
    sample = dt.date(2026, 12, 3)
    return f"YYYY-MM-DD {_OR.get(lang, 'or')} {day(sample, lang)}"


_OR = {"en": "or", "fr": "ou", "it": "o"}
_MONTHS = {
    name: month
    for month, names in enumerate(
        (
            ("jan", "january", "janv", "janvier", "gen", "gennaio"),
            ("feb", "february", "fév", "fev", "févr", "fevr", "février", "fevrier", "febbraio"),
            ("mar", "march", "mars", "marzo"),
            ("apr", "april", "avr", "avril", "aprile"),
            ("may", "mai", "mag", "maggio"),
            ("jun", "june", "juin", "giu", "giugno"),
            ("jul", "july", "juil", "juillet", "lug", "luglio"),
            ("aug", "august", "août", "aout", "ago", "agosto"),
            ("sep", "sept", "september", "septembre", "set", "settembre"),
            ("oct", "october", "octobre", "ott", "ottobre"),
            ("nov", "november", "novembre"),
            ("dec", "december", "déc", "decembre", "décembre", "dic", "dicembre"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$")
_WORDS = re.compile(r"[a-zà-ÿ]+\.?|\d+")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def parse_date(text: str, lang: str | None = None) -> dt.date:
    """A date typed as ISO, day-first numbers or with the month's name; ValueError else."""
    text = text.strip().lower()
    found = _ISO.match(text)
    if found:
        return dt.date(int(found[1]), int(found[2]), int(found[3]))
    found = _NUMERIC.match(text)
    if found:
        return dt.date(_year(found[3]), int(found[2]), int(found[1]))
    parts = [p.rstrip(".") for p in _WORDS.findall(text)]
    months = [p for p in parts if not p.isdigit()]
    digits = [p for p in parts if p.isdigit()]
    if len(months) == 1 and len(digits) == 2 and months[0] in _MONTHS:
        first, second = digits
        day_text, year_text = (first, second) if len(first) <= 2 else (second, first)
        if len(year_text) in (2, 4) and len(day_text) <= 2:
            return dt.date(_year(year_text), _MONTHS[months[0]], int(day_text))
    raise ValueError(text)


def parse_decimal(text: str, lang: str) -> Decimal:
    """A number typed as the language writes it (1 234,5 / 1,234.5) or plain (1234.5)."""
    from babel.numbers import NumberFormatError
    from babel.numbers import parse_decimal as babel_parse

    text = text.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    try:
        return Decimal(babel_parse(text, locale=_locale(lang), strict=True))
    except (NumberFormatError, InvalidOperation) as exc:
        raise ValueError(text) from exc

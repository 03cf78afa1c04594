"""The server's messages in the language of the request (gettext, domain ``sav_server``).

English is the source language; catalogues live in ``server/locale/<lang>/LC_MESSAGES``
(``make i18n`` extracts, merges and compiles them). :class:`LanguageMiddleware` reads each
request's ``Accept-Language`` into a context variable, so :func:`_` answers in that request's
language, and concurrent requests each in their own. Outside a request (the CLI, tests of a
service on its own) messages are English.

A message is translated where it is produced, inside the request: an error when it is raised,
an explanation when it is written. Module-level texts are marked with :func:`N_` and
translated at use; placeholders are named (``_("ticket {number} is {status}").format(...)``),
so that each language may order them as it reads. What is *stored* (history entries, notes)
is data, written once, and never translated.
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from client import formats

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "sav_server"
DEFAULT = "en"
LANGUAGES = ("en", "fr", "it")
"""English (the source) and the languages with a catalogue."""
MAX_HEADER = 500
"""Characters of an ``Accept-Language`` header read at most (it is bounded like every input)."""

_language: ContextVar[str] = ContextVar("sav_server_language", default=DEFAULT)


def N_(message: str) -> str:
    """Mark a string for translation without translating it now (translate it at use)."""
    return message


@cache
def translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    """``message`` in the current request's language."""
    return translation(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translation(_language.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, as meant in ``context`` (a word with several
    meanings: a CSV column's "Model", a contact means' "phone")."""
    return translation(_language.get()).pgettext(context, message)


def language() -> str:
    return _language.get()


@contextmanager
def using(language: str) -> Iterator[None]:
    """Produce messages in ``language`` within the block (the middleware does this per request)."""
    token = _language.set(language if language in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _language.reset(token)


# --------------------------------------------------------------------------- Accept-Language


def preferred(header: str | None) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most wanted first.

    ``fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5`` -> ``["fr-ch", "fr", "en"]``: ordered by quality
    (ties keep the header's order), without those refused (``q=0``), the wildcard, and what
    cannot be read. Tags are lower case with ``-`` as separator (``fr_FR`` is read as ``fr-fr``).
    """
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(header[:MAX_HEADER].split(",")):
        tag, *params = (part.strip() for part in item.split(";"))
        tag = tag.lower().replace("_", "-")
        if not tag or tag == "*" or not all(c.isalnum() or c == "-" for c in tag):
            continue
        quality = 1.0
        for param in params:
            name, _sep, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = -1.0
        if 0 < quality <= 1:
            ranked.append((-quality, index, tag))
    return [tag for _q, _i, tag in sorted(ranked)]


@lru_cache(maxsize=256)
def negotiate(header: str | None) -> str:
    """The language to answer in: the first wanted one we have (Babel's negotiation, which
    also matches ``fr-FR`` with ``fr``), else English."""
    wanted = preferred(header)
    if not wanted or wanted[0] in LANGUAGES:  # what Babel answers too, without importing it
        return wanted[0] if wanted else DEFAULT
    from babel.core import negotiate_locale

    found = negotiate_locale(wanted, LANGUAGES, sep="-")
    return found.lower() if found else DEFAULT


class LanguageMiddleware:
    """Pure ASGI: every message produced while handling a request is in its language."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = None
        for name, value in scope.get("headers") or ():
            if name == b"accept-language":
                header = value.decode("latin-1")
                break
        with using(negotiate(header)):
            await self.app(scope, receive, send)


# --------------------------------------------------------------------------- values in messages


class When:
    """A date or a moment inside a message. ``{when}`` is written as the message's language
    writes dates (``client.formats``: Dec 3, 2026 / 03/12/2026), a moment with its time and
    "UTC"; with a format spec it is ``strftime``'s, so a catalogue may choose
    (``{when:%d/%m/%Y}``). A moment is shown in UTC; ``None`` (an open bound) is ``…``."""

    def __init__(self, value: dt.date | dt.datetime | None) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        value = self.value
        if value is None:
            return "…"
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        if spec:
            return value.strftime(spec)
        if isinstance(value, dt.datetime):
            return formats.moment(value, language()) + " UTC"
        return formats.day(value, language())

    def __str__(self) -> str:
        return format(self, "")


def money(value: Decimal | str) -> str:
    """An amount as the TUI shows it in this language: 1,234.50 / 1 234,50 (no currency: every
    amount of the service is in the centre's one). The rules are ``client.formats``'s."""
    return formats.money(value, language())


def money_eur(value: Decimal | str) -> str:
    """An amount in euros as the TUI shows it: €145.19 / 145,19 €."""
    return formats.money_eur(value, language())


def rate(value: Decimal | str) -> str:
    """A rate in percent as the TUI shows it, without trailing zeros: 20, 5.5 / 5,5."""
    return formats.decimal(value, language())


def day(value: dt.date) -> str:
    """A date as this language writes it, the year in full: Dec 1, 2026 / 01/12/2026 (English
    names the month: 12/1/2026 reads differently on each side of the Atlantic)."""
    return formats.day(value, language())


def clock(value: dt.datetime | dt.time) -> str:
    """A time of day as this language writes it: 8:34 AM, 08:34."""
    return formats.clock(value, language())


def moment(value: dt.datetime, zone: dt.tzinfo) -> tuple[str, str]:
    """The date and the time of day of ``value`` in ``zone``, as this language writes them
    (messages place each: "on {date} at {time}")."""
    local = value.astimezone(zone)
    return day(local.date()), clock(local.time())


def either(items: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c`` in this language."""
    if len(items) <= 1:
        return "".join(items)
    return _("{items} or {last}").format(items=", ".join(items[:-1]), last=items[-1])


def quoted(name: str) -> str:
    """A name (a status) inside a sentence, quoted as this language does (English does not)."""
    # TRANSLATORS: how a status name is quoted inside a sentence ("« Confirmé »")
    return _("{name}").format(name=name)

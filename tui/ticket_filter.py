"""The search line of the ticket screen: free words plus ``key:value`` filters.

    reggiani st:contact,unreach cp:67 city:mol model:ap64 eng:marchal
    from:2026-11-01 to:30/11/2026 is:overdue is:parts sort:-customer
    reggiani st:attente,injoignable ville:mol tri:-date        (French)
    reggiani stato:attesa città:mol ordina:-data               (Italian)

Words without a key are free text (customer name, ticket number, serial number,
external reference). Keys, flags, sort columns and statuses are read in the user's
language and in English (``tui.search_words``). ``st:`` takes statuses by any
unambiguous start of their names, comma-separated. Dates are ISO (``YYYY-MM-DD``) or as
the user's language writes them (``tui.formats``). ``sort:`` names a column; a leading
``-`` sorts descending. Parsing is pure (no Textual), so it is tested alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from typing import TypeVar

from pydantic import ValidationError

from client.models import Query, TicketQuery, TicketSort, TicketStatus
from tui import formats, i18n, search_words
from tui.i18n import _
from tui.widgets.status import TICKET_STATUS

E = TypeVar("E", bound=StrEnum)


class FilterError(ValueError):
    """The search line cannot be read; the message names the part that is wrong."""


def status_by_start(
    word: str,
    statuses: type[E],
    lang: str | None = None,
    names: Mapping[str, Mapping[str, tuple[str, ...]]] = search_words.STATUS_NAMES,
    labels: Mapping[str, str] = TICKET_STATUS,
    key: str = "st",
) -> E:
    """The status a word names: its code, its name in English or the user's language, or
    any unambiguous start of one (``st:conf``, ``st:attente``)."""
    lang = lang or i18n.language()
    try:
        found = search_words.status_by_start(word, statuses, lang, names, labels)
    except search_words.Ambiguous as exc:
        shown = ", ".join(_(labels.get(s.value, s.value)) for s in exc.candidates)
        raise FilterError(
            _("{key}:{word} could be {names}").format(key=key, word=word, names=shown)
        ) from exc
    if found is None:
        shown = ", ".join(_(labels.get(s.value, s.value)) for s in statuses)
        raise FilterError(
            _("{key}:{word} is no status; statuses: {names}").format(
                key=key, word=word, names=shown
            )
        )
    return found


def filter_date(key: str, value: str, lang: str | None = None) -> dt.date:
    try:
        return formats.parse_date(value, lang)
    except ValueError:
        raise FilterError(
            _("{key}:{value} is not a date ({forms})").format(
                key=key, value=value, forms=formats.date_forms(lang)
            )
        ) from None


PHONE_SIGNS = frozenset("0123456789+.-/()")


def filter_phone(key: str, value: str) -> str:
    """A phone number as written (``06.12``, ``+39``): digits and the signs numbers are
    written with; a letter is refused rather than dropped (``tel:12ab`` would search 12)."""
    if not value or any(c not in PHONE_SIGNS for c in value) or not any(c.isdigit() for c in value):
        raise FilterError(
            _("{key}:{value} is not a phone number (digits, with + . - / if you like)").format(
                key=key, value=value
            )
        )
    return value


def tokens(
    text: str, keys: Mapping[str, str], shown: Iterable[str] | None = None
) -> Iterator[tuple[str, str | None, str]]:
    """The words of a search line: ``(key, field, value)`` for each filter that has a value
    (``keys`` maps its names, compared plain, to fields; one still being typed, ``st:``, is
    skipped), and ``("", None, word)`` for free text (``:x`` too). An unknown key is
    refused, naming it and the keys there are (``shown``, else every key)."""
    for token in text.split():
        key, sep, value = token.partition(":")
        if not sep or not key:
            yield "", None, token
            continue
        field = keys.get(search_words.plain(key))
        if field is None:
            names = " ".join(f"{k}:" for k in (shown if shown is not None else keys))
            raise FilterError(
                _("{key}: is not a filter; filters: {keys}").format(key=key, keys=names)
            )
        if value:
            yield key, field, value


def read_tokens(
    text: str, table: Mapping[str, Mapping[str, tuple[str, ...]]], lang: str
) -> Iterator[tuple[str, str | None, str]]:
    """:func:`tokens` with the keys of ``table`` a user of ``lang`` may type."""
    keys = search_words.keys_for(table, lang)
    return tokens(text, keys, search_words.shown_keys(table, lang))


Q = TypeVar("Q", bound=Query)


def build_query(query_type: type[Q], fields: dict[str, object], statuses: list[E]) -> Q:
    """The query a search line's fields make (statuses once each, in the order typed); a
    value the contract refuses (too long) is a FilterError naming it."""
    if statuses:
        fields["status"] = tuple(dict.fromkeys(statuses))
    try:
        return query_type.model_validate(fields)
    except ValidationError as exc:  # a value the contract refuses (too long, year 9999)
        from tui.widgets.form import refusal

        error = exc.errors()[0]
        typed = error.get("input")
        shown = formats.day(typed) if isinstance(typed, dt.date) else str(typed)
        shown = shown if len(shown) <= 24 else shown[:23] + "…"
        raise FilterError(f"{shown}: {refusal(error)}") from exc


def parse(text: str, base: TicketQuery | None = None, lang: str | None = None) -> TicketQuery:
    """The query a search line means (sort taken from ``base`` unless the line sets one),
    its words read in ``lang`` (the interface's language) and English."""
    lang = lang or i18n.language()
    fields: dict[str, object] = {}
    if base is not None:
        fields.update(sort=base.sort, desc=base.desc)
    words: list[str] = []
    statuses: list[TicketStatus] = []
    flags = search_words.words_for(search_words.FLAGS, lang)
    sorts = search_words.words_for(search_words.SORTS, lang)
    for key, field, value in read_tokens(text, search_words.TICKET_KEYS, lang):
        if field is None:
            words.append(value)
        elif field == "status":
            statuses.extend(
                status_by_start(v, TicketStatus, lang, key=key) for v in value.split(",") if v
            )
        elif field in ("created_from", "created_to"):
            fields[field] = filter_date(key, value, lang)
        elif field == "phone":
            fields[field] = filter_phone(key, value)
        elif field in ("is", "not"):
            flag = flags.get(search_words.plain(value))
            if flag is None:
                shown = " ".join(
                    f"{key}:{w}" for w in search_words.shown_words(search_words.FLAGS, lang)
                )
                raise FilterError(
                    _("{key}:{value}: use {choices}").format(key=key, value=value, choices=shown)
                )
            fields[flag] = field == "is"
        elif field == "sort":
            descending = value.startswith("-")
            sort = sorts.get(search_words.plain(value.lstrip("-+")))
            if sort is None:
                raise FilterError(
                    _("{key}:{value}: columns are {names}").format(
                        key=key,
                        value=value,
                        names=", ".join(search_words.shown_words(search_words.SORTS, lang)),
                    )
                )
            fields.update(sort=TicketSort(sort), desc=descending)
        else:
            fields[field] = value
    fields["q"] = " ".join(words)
    return build_query(TicketQuery, fields, statuses)

"""The search line of the ticket screen: free words plus ``key:value`` filters.

    reggiani st:contact,unreach cp:67 city:mol model:ap64 eng:marchal
    from:2026-11-01 to:30/11/2026 is:overdue is:parts sort:-customer

Words without a key are free text (customer name, ticket number, serial number,
external reference). ``st:`` takes statuses by any unambiguous start of their name,
comma-separated. Dates are ``YYYY-MM-DD`` or ``DD/MM/YYYY``. ``sort:`` names a column;
a leading ``-`` sorts descending. Parsing is pure (no Textual), so it is tested alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from enum import StrEnum
from typing import TypeVar

from client.models import Query, TicketQuery, TicketSort, TicketStatus
from tui.i18n import _

KEYS = {
    "st": "status",
    "status": "status",
    "cp": "postal_code",
    "pc": "postal_code",
    "zip": "postal_code",
    "city": "city",
    "tel": "phone",
    "phone": "phone",
    "model": "model",
    "m": "model",
    "eng": "engineer",
    "engineer": "engineer",
    "from": "created_from",
    "to": "created_to",
    "is": "is",
    "not": "not",
    "sort": "sort",
}
FLAGS = {"overdue": "overdue", "parts": "waiting_parts", "waiting": "waiting_parts"}
SORTS = {
    "date": TicketSort.CREATED_AT,
    "created": TicketSort.CREATED_AT,
    "id": TicketSort.ID,
    "ticket": TicketSort.ID,
    "customer": TicketSort.CUSTOMER,
    "name": TicketSort.CUSTOMER,
    "city": TicketSort.CITY,
    "cp": TicketSort.POSTAL_CODE,
    "postal": TicketSort.POSTAL_CODE,
    "model": TicketSort.MODEL,
    "status": TicketSort.STATUS,
    "centre": TicketSort.SERVICE_CENTRE,
    "engineer": TicketSort.ENGINEER,
    "appointment": TicketSort.APPOINTMENT,
}
E = TypeVar("E", bound=StrEnum)
SORT_WORD = {sort: word for word, sort in reversed(SORTS.items())}


class FilterError(ValueError):
    """The search line cannot be read; the message names the part that is wrong."""


def status_by_start(word: str, statuses: type[E]) -> E:
    """The status a word names: its value, or any unambiguous start of it (``st:conf``)."""
    word = word.strip().lower()
    exact = [s for s in statuses if s.value == word]
    if exact:
        return exact[0]
    matches = [s for s in statuses if s.value.startswith(word)]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(s.value for s in (matches or list(statuses)))
    if matches:
        raise FilterError(_("st:{word} could be {names}").format(word=word, names=names))
    raise FilterError(_("st:{word} is no status; statuses: {names}").format(word=word, names=names))


def filter_date(key: str, value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise FilterError(
        _("{key}:{value} is not a date (YYYY-MM-DD or DD/MM/YYYY)").format(key=key, value=value)
    )


def tokens(text: str, keys: dict[str, str]) -> Iterator[tuple[str, str | None, str]]:
    """The words of a search line: ``(key, field, value)`` for each filter that has a value
    (``keys`` maps its names to fields; one still being typed, ``st:``, is skipped), and
    ``("", None, word)`` for free text (``:x`` too). An unknown key is refused, naming it."""
    for token in text.split():
        key, sep, value = token.partition(":")
        if not sep or not key:
            yield "", None, token
            continue
        field = keys.get(key.lower())
        if field is None:
            raise FilterError(
                _("{key}: is not a filter; filters: {keys}").format(
                    key=key, keys=" ".join(f"{k}:" for k in sorted(set(keys)))
                )
            )
        if value:
            yield key, field, value


Q = TypeVar("Q", bound=Query)


def build_query(query_type: type[Q], fields: dict[str, object], statuses: list[E]) -> Q:
    """The query a search line's fields make (statuses once each, in the order typed); a
    value the contract refuses (too long) is a FilterError naming it."""
    if statuses:
        fields["status"] = tuple(dict.fromkeys(statuses))
    try:
        return query_type.model_validate(fields)
    except ValueError as exc:  # pydantic: a value too long
        raise FilterError(str(exc).splitlines()[0]) from exc


def parse(text: str, base: TicketQuery | None = None) -> TicketQuery:
    """The query a search line means (sort taken from ``base`` unless the line sets one)."""
    fields: dict[str, object] = {}
    if base is not None:
        fields.update(sort=base.sort, desc=base.desc)
    words: list[str] = []
    statuses: list[TicketStatus] = []
    for key, field, value in tokens(text, KEYS):
        if field is None:
            words.append(value)
        elif field == "status":
            statuses.extend(status_by_start(v, TicketStatus) for v in value.split(",") if v)
        elif field in ("created_from", "created_to"):
            fields[field] = filter_date(key, value)
        elif field in ("is", "not"):
            flag = FLAGS.get(value.lower())
            if flag is None:
                raise FilterError(
                    _("{key}:{value}: use is:overdue or is:parts").format(key=key, value=value)
                )
            fields[flag] = field == "is"
        elif field == "sort":
            descending = value.startswith("-")
            sort = SORTS.get(value.lstrip("-+").lower())
            if sort is None:
                raise FilterError(
                    _("sort:{value}: columns are {names}").format(
                        value=value, names=", ".join(sorted(SORTS))
                    )
                )
            fields.update(sort=sort, desc=descending)
        else:
            fields[field] = value
    fields["q"] = " ".join(words)
    return build_query(TicketQuery, fields, statuses)

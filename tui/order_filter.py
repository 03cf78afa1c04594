"""The search line of the orders screen: an order number, words of the notes, filters.

    FR1001519526 st:await t:116496 p:870650 from:01/11/2026 to:2026-11-30 sc:249050 urgent

A word that looks like an order number (letters then digits: ``FR10015195``) searches the
numbers by their start; other words search the order's and its lines' notes. ``st:`` takes
statuses by any unambiguous start of their names (``st:await,val``), ``t:`` a ticket
number, ``p:`` the start of a part code (requested or ordered), ``sc:`` a centre code or
customer number (operators). Keys and statuses are read in the user's language too
(``statut:attente``, ``stato:attesa``: ``tui.search_words``). Parsing is pure (no
Textual), so it is tested alone.
"""

from __future__ import annotations

import re

from client.models import OrderQuery, OrderStatus
from tui import i18n, search_words
from tui.i18n import _
from tui.ticket_filter import FilterError, build_query, filter_date, read_tokens, status_by_start
from tui.widgets.status import ORDER_STATUS

ORDER_NUMBER = re.compile(r"^[A-Za-z]{2}[A-Za-z0-9]*\d[0-9]*$")

__all__ = ["FilterError", "parse"]


def parse(text: str, lang: str | None = None) -> OrderQuery:
    """The query a search line means, its words read in ``lang`` (the interface's language)
    and English."""
    lang = lang or i18n.language()
    fields: dict[str, object] = {}
    notes: list[str] = []
    statuses: list[OrderStatus] = []
    for key, field, value in read_tokens(text, search_words.ORDER_KEYS, lang):
        if field is None:
            if ORDER_NUMBER.match(value) and "number" not in fields:
                fields["number"] = value.upper()
            else:
                notes.append(value)
            continue
        if field == "status":
            statuses.extend(
                status_by_start(
                    v, OrderStatus, lang, search_words.ORDER_STATUS_NAMES, ORDER_STATUS, key
                )
                for v in value.split(",")
                if v
            )
        elif field in ("created_from", "created_to"):
            fields[field] = filter_date(key, value, lang)
        elif field == "ticket_id":
            if not value.isdigit():
                raise FilterError(_("A ticket number is digits only: {arg}").format(arg=value))
            fields[field] = int(value)
        elif field == "note":
            notes.append(value)
        else:
            fields[field] = value
    fields["note"] = " ".join(notes)
    return build_query(OrderQuery, fields, statuses)

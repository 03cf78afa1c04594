"""Free-text search of tickets: the words a ticket is found by, and the query that finds them.

A ticket's ``search_document`` holds its words (ticket and group ids, customer name and
company, serial number, external reference), lower-cased, without accents, one space
between words. Each word the user types must start one of them (``regg 1164`` finds
Reggiani's ticket 116496). SQLite answers from the ``tickets_fts`` FTS5 table,
PostgreSQL from a GIN index on ``to_tsvector('simple', search_document)``: both made
by migration 0002 (PostgreSQL's vector stored in ``tickets.search_vector`` since 0015).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, bindparam, func, literal_column, select, text
from sqlalchemy.sql import Select

from server.db import models as db

_NOT_WORD = re.compile(r"[^0-9a-z]+")
MAX_WORDS = 8


def normalize(value: str) -> str:
    """Lower case, accents removed, every run of other characters made one space."""
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub(" ", bare).strip()


def document(
    *,
    ticket_id: int,
    group_id: int,
    last_name: str,
    first_name: str,
    company: str,
    serial_number: str,
    external_ref: str,
) -> str:
    """The words a ticket is found by (each distinct word once, in a stable order)."""
    words: list[str] = []
    for part in (
        str(ticket_id),
        str(group_id),
        last_name,
        first_name,
        company,
        serial_number,
        external_ref,
    ):
        for word in normalize(part).split():
            if word not in words:
                words.append(word)
    return " ".join(words)


def query_words(text_query: str) -> list[str]:
    """The words of a typed query (at most ``MAX_WORDS``)."""
    return normalize(text_query).split()[:MAX_WORDS]


TEXT_MATCH = "text_match"
"""The bound parameter of :func:`matching_ids_bound`: :func:`match_value`'s value."""


def match_value(dialect: str, words: Iterable[str]) -> str:
    """What the full-text index is asked for ``words``: FTS5's MATCH query on SQLite, the
    ``tsquery`` on PostgreSQL."""
    if dialect == "sqlite":
        return " ".join(f'"{w}"*' for w in words)
    return " & ".join(f"{w}:*" for w in words)


def _fts_ids() -> Select[Any]:
    fts: Select[Any] = select(literal_column("rowid", Integer)).select_from(text("tickets_fts"))
    return fts.where(text(f"tickets_fts MATCH :{TEXT_MATCH}"))


def matching_ids_bound(dialect: str) -> ColumnElement[bool]:
    """A condition on the ticket: every word starts a word of its document; the words'
    query is the bound parameter ``text_match`` (:func:`match_value`), so a statement is
    built once for every search."""
    if dialect == "sqlite":
        return db.Ticket.id.in_(_fts_ids())
    # the stored ``to_tsvector('simple', search_document)`` (migration 0015): not computed
    # again for each ticket a search reads
    return literal_column("tickets.search_vector").op("@@")(
        func.to_tsquery(literal_column("'simple'"), bindparam(TEXT_MATCH, type_=String))
    )


def matching_ids_only_bound(dialect: str) -> Select[Any]:
    """``SELECT`` the ids of the tickets every word matches (the bound parameter
    ``text_match``), from the full-text index alone on SQLite (counting them there reads no
    ticket)."""
    if dialect == "sqlite":
        return _fts_ids()
    return select(db.Ticket.id).where(matching_ids_bound(dialect))

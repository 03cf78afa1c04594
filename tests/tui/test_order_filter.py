"""The orders search line, read without Textual."""

from __future__ import annotations

import datetime as dt

import pytest

from client.models import OrderStatus
from tui.order_filter import FilterError, parse


def test_a_number_words_and_every_filter() -> None:
    query = parse("fr1001519526 st:await,val t:116496 p:870650 from:01/11/2026 to:2026-11-30 "
                  "sc:249050 urgent note:transport")  # fmt: skip
    assert query.number == "FR1001519526"
    assert query.status == (OrderStatus.AWAITING_VALIDATION, OrderStatus.VALIDATED)
    assert query.ticket_id == 116496 and query.part == "870650" and query.centre == "249050"
    assert query.created_from == dt.date(2026, 11, 1)
    assert query.created_to == dt.date(2026, 11, 30)
    assert query.note == "urgent transport"
    assert query.params()["status"] == ["awaiting_validation", "validated"]


def test_plain_words_are_notes_and_an_empty_line_filters_nothing() -> None:
    assert parse("").params() == {}
    assert parse("client waiting").note == "client waiting"
    assert parse("st:").status == ()  # a filter still being typed
    assert parse("st:d").status == (OrderStatus.DONE,)  # any unambiguous start


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("st:x", "st:x is no status"),
        ("st:wait", "st:wait is no status"),  # statuses are read by their start
        ("t:12a", "digits only"),
        ("from:31/02/2026", "from:31/02/2026 is not a date"),
        ("who:me", "who: is not a filter"),
    ],
)
def test_bad_filters_name_what_is_wrong(line: str, named: str) -> None:
    with pytest.raises(FilterError, match=named):
        parse(line)


def test_keys_and_statuses_in_french_and_italian() -> None:
    query = parse("statut:attente,term dossier:116496 pièce:870650 du:01/11/2026", lang="fr")
    assert query.status == (OrderStatus.AWAITING_VALIDATION, OrderStatus.DONE)
    assert (query.ticket_id, query.part) == (116496, "870650")
    assert query.created_from == dt.date(2026, 11, 1)
    query = parse("stato:conv,sped intervento:116496 ricambio:870650 al:2026-11-30", lang="it")
    assert query.status == (OrderStatus.VALIDATED, OrderStatus.SHIPPED)
    assert query.created_to == dt.date(2026, 11, 30)
    assert parse("st:await centre:249050", lang="fr").centre == "249050"  # English too

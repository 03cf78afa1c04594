"""The ticket search line, read without Textual, in English, French and Italian."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from client.models import TicketSort, TicketStatus
from tui import i18n
from tui.ticket_filter import FilterError, parse

S = TicketStatus


@pytest.fixture(params=["en", "fr", "it"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    """The interface in each language (status names come from its catalogue too)."""
    before = i18n.language()
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(before)


@pytest.fixture
def french() -> Iterator[None]:
    before = i18n.language()
    i18n.set_language("fr")
    yield
    i18n.set_language(before)


def test_english_keys_and_statuses() -> None:
    query = parse(
        "reggiani st:contact,unreach cp:67 city:mol tel:0395 model:ap64 eng:marchal "
        "from:2026-11-01 to:30/11/2026 is:overdue not:parts sort:-customer",
        lang="en",
    )
    assert query.q == "reggiani"
    assert query.status == (S.TO_CONTACT, S.UNREACHABLE)
    assert (query.postal_code, query.city, query.phone) == ("67", "mol", "0395")
    assert (query.model, query.engineer) == ("ap64", "marchal")
    assert query.created_from == dt.date(2026, 11, 1)
    assert query.created_to == dt.date(2026, 11, 30)
    assert query.overdue is True and query.waiting_parts is False
    assert (query.sort, query.desc) == (TicketSort.CUSTOMER, True)


def test_french_keys_and_statuses(french: None) -> None:
    query = parse(
        "reggiani st:attente,injoignable ville:mol cp:67 tél:0395 modèle:ap64 tech:marchal "
        "du:01/11/2026 au:2026-11-30 est:retard tri:-date",
        lang="fr",
    )
    assert query.q == "reggiani"
    assert query.status == (S.WAITING_PARTS, S.UNREACHABLE)
    assert (query.postal_code, query.city, query.phone) == ("67", "mol", "0395")
    assert (query.model, query.engineer) == ("ap64", "marchal")
    assert (query.created_from, query.created_to) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert query.overdue is True
    assert (query.sort, query.desc) == (TicketSort.CREATED_AT, True)
    # accents and case ignored, French names, and English still understood
    assert parse("MODELE:ap64 Statut:Conf", lang="fr").model == "ap64"
    assert parse("st:vérif,ANNUL,clôt", lang="fr").status == (S.VERIFIED, S.CANCELLED, S.CLOSED)
    assert parse("st:unreach city:mol sort:city", lang="fr").status == (S.UNREACHABLE,)


def test_italian_keys_and_statuses() -> None:
    query = parse(
        "reggiani stato:attesa,irrep città:mol cap:67 telefono:0395 modello:ap64 "
        "tecnico:marchal dal:01/11/2026 al:2026-11-30 è:ritardo non:ricambi ordina:citta",
        lang="it",
    )
    assert query.status == (S.WAITING_PARTS, S.UNREACHABLE)
    assert (query.postal_code, query.city, query.phone) == ("67", "mol", "0395")
    assert (query.model, query.engineer) == ("ap64", "marchal")
    assert (query.created_from, query.created_to) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert query.overdue is True and query.waiting_parts is False
    assert (query.sort, query.desc) == (TicketSort.CITY, False)
    assert parse("citta:mol e:ricambi", lang="it").waiting_parts is True  # without accents


def test_codes_and_english_work_in_every_language(lang: str) -> None:
    query = parse("st:to_contact,unreachable st:invoiced city:mol sort:-date", lang=lang)
    assert query.status == (S.TO_CONTACT, S.UNREACHABLE, S.INVOICED)
    assert (query.city, query.sort, query.desc) == ("mol", TicketSort.CREATED_AT, True)
    assert parse("st:", lang=lang).status == ()  # a filter still being typed


def test_a_whole_name_start_wins_over_a_word_start() -> None:
    # "verif" starts "Verified" and the word "verify" of "Closed, to verify"
    assert parse("st:verif", lang="en").status == (S.VERIFIED,)
    assert parse("st:contact", lang="en").status == (S.TO_CONTACT,)


@pytest.mark.parametrize(
    ("lang", "line", "named"),
    [
        ("en", "st:to", "st:to could be To assign, To contact"),
        ("en", "st:zz", "st:zz is no status"),
        ("fr", "st:client", "st:client peut être Client à contacter, Client non joignable"),
        ("fr", "statut:zz", "statut:zz n'est pas un statut ; statuts : À assigner"),
        ("en", "ville:mol", "ville: is not a filter"),  # French keys are for French users
        (
            "fr",
            "qui:moi",
            "qui:.* st: statut: état: cp: ville: tél: tel: téléphone: modèle: m: tech:",
        ),
        ("it", "stato:da", "stato:da può essere Da assegnare, Da contattare"),
        ("it", "ordina:zz", "ordina:zz: le colonne sono data, numero, intervento, cliente"),
        ("fr", "est:zz", "est:zz : utilisez est:retard est:pièces est:attente$"),
        ("fr", "du:31/02/2026", "du:31/02/2026 n'est pas une date .YYYY-MM-DD ou 03/12/2026"),
        ("en", "from:12/31/2026", "from:12/31/2026 is not a date .YYYY-MM-DD or Dec 3, 2026"),
        # letters in a phone are refused, not dropped (tel:12ab would have searched 12)
        ("en", "tel:12ab", "tel:12ab is not a phone number"),
        ("fr", "tél:06.12.3x", "tél:06.12.3x n'est pas un numéro de téléphone"),
        ("it", "tel:--", "tel:-- non è un numero di telefono"),
    ],
)
def test_bad_filters_name_what_is_wrong(lang: str, line: str, named: str) -> None:
    before = i18n.language()
    i18n.set_language(lang)
    try:
        with pytest.raises(FilterError, match=named):
            parse(line, lang=lang)
    finally:
        i18n.set_language(before)


def test_a_phone_is_searched_as_written() -> None:
    assert parse("tel:06.12.34", lang="en").phone == "06.12.34"
    assert parse("telefono:+39-02", lang="it").phone == "+39-02"
    assert parse("tél:(0)612", lang="fr").phone == "(0)612"


def test_dates_in_the_users_form_and_iso() -> None:
    assert parse("from:Dec-3-2026", lang="en").created_from == dt.date(2026, 12, 3)
    assert parse("from:3-dec-26", lang="en").created_from == dt.date(2026, 12, 3)
    assert parse("du:03/12/2026", lang="fr").created_from == dt.date(2026, 12, 3)
    assert parse("dal:3/12/26", lang="it").created_from == dt.date(2026, 12, 3)
    assert parse("dal:2026-12-03", lang="it").created_from == dt.date(2026, 12, 3)


def test_a_value_the_contract_refuses_is_said_in_words() -> None:
    # a date past the contract's years, a text past its length: named, not pydantic's dump
    with pytest.raises(FilterError) as found:
        parse("to:31/12/9999")
    assert str(found.value) == "Dec 31, 9999: A date from Jan 1, 1900 to Dec 31, 2100."
    with pytest.raises(FilterError) as found:
        parse("x" * 300)
    assert str(found.value) == "x" * 23 + "…: Too long."
    assert "validation error" not in str(found.value)

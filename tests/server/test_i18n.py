"""The server answers in the language of each request (``Accept-Language``; English by
default): its catalogue is complete and compiled, the header is read as HTTP says, and
refusals, stale edits, 404s, validation errors and the resolver's explanations come back in
French or English from the real app, without one request's language reaching another's."""

from __future__ import annotations

import asyncio
import datetime as dt
import gettext
import string
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from client.models import OrderStatus, TicketStatus
from server import i18n
from server.db.session import create_engine
from server.errors import validation_message
from server.services.status_machine import STATUS_NAMES
from tests.server.order_helpers import add, cart, order_body, place, set_part
from tests.server.test_tenancy_probe import token_for
from tests.server.ticket_state import SEED_TICKET, body_for, put_in_status

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "server" / "locale"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
FR = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.8"}


# --------------------------------------------------------------------------- the catalogue


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "server"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(lang: str) -> Any:
    with open(LOCALE / lang / "LC_MESSAGES" / "sav_server.po", "rb") as f:
        return read_po(f)


def test_the_server_has_messages_to_translate() -> None:
    messages = source_messages()
    assert len(messages) > 150
    assert "ticket {number} is {status}: {why}" in messages


@pytest.mark.parametrize("lang", ["fr", "en", "it"])
def test_every_server_message_is_translated(lang: str) -> None:
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalogue(lang)
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(source_messages() - translated)
    assert not missing, f"untranslated in {lang} (run `make i18n` and translate): {missing}"


def test_english_is_the_source_and_french_differs() -> None:
    for message in catalogue("en"):
        if message.id:
            assert message.string == message.id
    fr = catalogue("fr")
    assert fr["ticket {number} is {status}: {why}"].string == (
        "le ticket {number} est {status} : {why}"
    )
    same = [m.id for m in fr if m.id and m.string == m.id]
    # the words French writes as English does
    assert set(same) <= {"interchangeable", "SMS", "Ticket", "e-mail", "distance"} | {
        # the PDF documents' labels
        "(type {type})",
        "Date",
        "Description",
        "E-mail",
        "Intervention",
        "Interventions",
        "Net",
        "Note",
        "Total",
        "{km} km",
        # the monthly parts report's PDF
        "Code",
        "Total {model}",
        ("{n} intervention", "{n} interventions"),
    }, same


@pytest.mark.parametrize("lang", ["fr", "en", "it"])
def test_compiled_catalogue_matches_its_source(lang: str) -> None:
    compiled = gettext.translation("sav_server", LOCALE, languages=[lang])
    for message in catalogue(lang):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for n, form in ((1, 0), (2, 1)):
                expected = message.string[form]
                got = compiled.ngettext(message.id[0], message.id[1], n)
                assert got == expected, "run `make i18n`"
        elif message.context:
            got = compiled.pgettext(message.context, message.id)
            assert got == message.string, "run `make i18n`"
        else:
            assert compiled.gettext(message.id) == message.string, "run `make i18n`"


def _names(text: str) -> set[str]:
    return {name for _t, name, _s, _c in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", ["fr", "it"])
def test_translations_use_only_the_placeholders_of_their_message(lang: str) -> None:
    for message in catalogue(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        allowed = set().union(*(_names(i) for i in ids))
        for text in strings:
            assert _names(text) <= allowed, (message.id, text)


@pytest.mark.parametrize("lang", ["fr", "it"])
def test_status_names_read_as_the_tui_names_them(lang: str) -> None:
    """A status inside a server message has the name the interface gives it."""
    from tui.widgets.status import TICKET_STATUS

    tui = gettext.translation("sav", ROOT / "tui" / "locale", languages=[lang])
    server = gettext.translation("sav_server", LOCALE, languages=[lang])
    for status in TicketStatus:
        assert server.gettext(STATUS_NAMES[status]) == tui.gettext(TICKET_STATUS[status.value])
    from server.services.orders import ORDER_STATUS_NAMES
    from tui.widgets.status import ORDER_STATUS

    for order_status in OrderStatus:
        assert server.gettext(ORDER_STATUS_NAMES[order_status]) == tui.gettext(
            ORDER_STATUS[order_status.value]
        )


# --------------------------------------------------------------------------- Accept-Language


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr", "fr"),
        ("fr-FR", "fr"),
        ("FR_fr", "fr"),
        ("fr-CA, en;q=0.5", "fr"),
        ("fr;q=0.9,en;q=0.8", "fr"),
        ("en;q=0.8, fr;q=0.9", "fr"),
        ("en;q=0.5, fr", "fr"),
        ("de, fr;q=0.5, en;q=0.4", "fr"),  # German is not available: the next one wanted
        ("en-GB, fr", "en"),
        ("en", "en"),
        ("de", "en"),
        ("it", "it"),
        ("it-IT,it;q=0.9,en;q=0.8", "it"),
        ("de, it;q=0.5, fr;q=0.4", "it"),
        ("fr;q=0, en", "en"),  # q=0: not acceptable
        ("fr;q=0", "en"),
        ("*", "en"),
        ("*;q=0.5, fr;q=0.1", "fr"),
        ("fr;q=banana, en", "en"),  # an unreadable weight: that entry is dropped
        ("", "en"),
        (None, "en"),
        (" , ;q=1, fr ", "fr"),
    ],
)
def test_accept_language_is_negotiated(header: str | None, expected: str) -> None:
    assert i18n.negotiate(header) == expected


def test_accept_language_is_ordered_by_quality_then_by_position() -> None:
    assert i18n.preferred("da, en-gb;q=0.8, en;q=0.7, fr;q=0.8") == ["da", "en-gb", "fr", "en"]
    assert i18n.preferred("fr;q=1.5, en") == ["en"]  # a weight above 1 is not HTTP
    assert i18n.negotiate("x" * 10_000 + ", fr") == "en"  # only the start of a huge header


def test_outside_a_request_messages_are_english() -> None:
    assert i18n.language() == "en"
    with i18n.using("fr"):
        assert i18n._("someone") == "quelqu'un"
        with i18n.using("xx"):
            assert i18n.language() == "en"
        assert i18n.language() == "fr"
    assert i18n._("someone") == "someone"


# --------------------------------------------------------------------------- validation


class _Probe(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(min_length=2, max_length=3)]
    code: Annotated[str, StringConstraints(pattern=r"^\d+$")] = "1"
    quantity: int = Field(default=1, ge=1, le=9)
    day: dt.date | None = None
    status: TicketStatus = TicketStatus.TO_ASSIGN
    ids: list[int] = Field(default_factory=lambda: [1], min_length=1, max_length=2)


def _errors(data: dict[str, Any]) -> list[Any]:
    with pytest.raises(ValidationError) as caught:
        _Probe.model_validate(data)
    return caught.value.errors()


PROBES = [
    {},
    {"name": "a"},
    {"name": "abcd"},
    {"name": "ab", "code": "x"},
    {"name": "ab", "quantity": 0},
    {"name": "ab", "quantity": 10},
    {"name": "ab", "quantity": "x"},
    {"name": "ab", "quantity": 1.5},
    {"name": "ab", "day": "2016-13-45"},
    {"name": "ab", "status": "nope"},
    {"name": "ab", "ids": []},
    {"name": "ab", "ids": [1, 2, 3]},
    {"name": "ab", "other": 1},
    {"name": 3},
]


def test_english_validation_messages_are_pydantics_own() -> None:
    for data in PROBES:
        for error in _errors(data):
            assert validation_message(error) == error["msg"], error


def test_french_validation_messages() -> None:
    seen: dict[str, str] = {}
    with i18n.using("fr"):
        for data in PROBES:
            for error in _errors(data):
                seen[f"{error['type']} {error['loc']}"] = validation_message(error)
                assert validation_message(error) != error["msg"], error
    assert seen["missing ('name',)"] == "Champ obligatoire"
    assert seen["string_too_short ('name',)"] == "Au moins 2 caractères"
    assert seen["less_than_equal ('quantity',)"] == "Doit être inférieur ou égal à 9"
    assert seen["enum ('status',)"].startswith("Valeur attendue : 'to_assign', 'to_contact'")
    assert seen["enum ('status',)"].endswith(" ou 'cancelled'")
    assert seen["extra_forbidden ('other',)"] == "Champ inconnu"


# --------------------------------------------------------------------------- over HTTP


async def _put(database_url: str, status: str) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await put_in_status(conn, SEED_TICKET, status)
    await engine.dispose()


async def test_a_refused_action_in_french_and_in_english(
    http: httpx.AsyncClient, database_url: str
) -> None:
    await _put(database_url, "cancelled")
    tech = await token_for(http, "tech")
    path = f"/tickets/{SEED_TICKET}/contacted"
    french = await http.post(path, json=body_for("contacted"), headers={**tech, **FR})
    english = await http.post(path, json=body_for("contacted"), headers=tech)
    assert french.status_code == english.status_code == 409
    assert french.json()["code"] == english.json()["code"] == "not_allowed"
    assert french.json()["message"] == (
        f"le ticket {SEED_TICKET} est « Annulé » : contacter le client n'est possible qu'aux "
        "statuts « Client à contacter » ou « Client non joignable »"
    )
    assert english.json()["message"] == (
        f"ticket {SEED_TICKET} is cancelled: contacting the customer is possible only while "
        "to contact or unreachable"
    )
    forbidden = await http.post(
        f"/tickets/{SEED_TICKET}/cancel", json=body_for("cancel"), headers={**tech, **FR}
    )
    assert forbidden.status_code == 403
    assert forbidden.json()["message"] == "annuler le ticket est réservé à : opérateur"


async def test_a_stale_edit_names_who_and_when_in_french(http: httpx.AsyncClient) -> None:
    tech = await token_for(http, "tech")
    manager = await token_for(http, "manager")
    version = (await http.get(f"/tickets/{SEED_TICKET}", headers=tech)).json()["version"]
    first = await http.post(
        f"/tickets/{SEED_TICKET}/unreachable",
        json=body_for("unreachable"),
        headers={**tech, "If-Match": str(version)},
    )
    assert first.status_code == 200
    path = f"/tickets/{SEED_TICKET}/unreachable"
    headers = {**manager, "If-Match": str(version)}
    french = await http.post(path, json=body_for("unreachable"), headers={**headers, **FR})
    english = await http.post(path, json=body_for("unreachable"), headers=headers)
    assert french.status_code == english.status_code == 412
    error = french.json()
    assert error["changed_by"] == "Julien Marchal"
    at = dt.datetime.fromisoformat(error["changed_at"]).astimezone(dt.UTC)
    assert error["message"] == (
        f"le ticket {SEED_TICKET} a été modifié par Julien Marchal "
        f"le {at:%d/%m/%Y} à {at:%H:%M} UTC"
    )
    changed_at = dt.datetime.fromisoformat(english.json()["changed_at"]).astimezone(dt.UTC)
    hour = changed_at.strftime("%I").lstrip("0")
    assert english.json()["message"] == (  # English names the month: no 12/1 vs 1/12
        f"ticket {SEED_TICKET} was changed by Julien Marchal "
        f"at {changed_at:%b} {changed_at.day}, {changed_at:%Y} {hour}:{changed_at:%M %p} UTC"
    )


async def test_not_found_in_french_and_in_english(http: httpx.AsyncClient) -> None:
    tech = await token_for(http, "tech")
    tech2 = await token_for(http, "tech2")
    answers = {
        "fr": await http.get(f"/tickets/{SEED_TICKET}", headers={**tech2, **FR}),
        "en": await http.get(f"/tickets/{SEED_TICKET}", headers=tech2),
        "fr-order": await http.get("/orders/999999", headers={**tech, **FR}),
        "fr-part": await http.get("/catalogue/parts/NOPE-1", headers={**tech, **FR}),
        "fr-route": await http.get("/no/such/route", headers=FR),
    }
    assert {a.status_code for a in answers.values()} == {404}
    messages = {k: a.json()["message"] for k, a in answers.items()}
    assert messages == {
        "fr": f"ticket {SEED_TICKET} introuvable",  # another centre's: like a missing one
        "en": f"ticket {SEED_TICKET} not found",
        "fr-order": "commande 999999 introuvable",
        "fr-part": "pièce NOPE-1 introuvable",
        "fr-route": "Introuvable",
    }


async def test_errors_in_italian(http: httpx.AsyncClient) -> None:
    """The operator's language: a 404, an unknown route and a wrong sign-in answer in Italian."""
    tech = await token_for(http, "tech")
    tech2 = await token_for(http, "tech2")
    it = {"Accept-Language": "it-IT,it;q=0.9"}
    answers = {
        "ticket": await http.get(f"/tickets/{SEED_TICKET}", headers={**tech2, **it}),
        "order": await http.get("/orders/999999", headers={**tech, **it}),
        "part": await http.get("/catalogue/parts/NOPE-1", headers={**tech, **it}),
        "route": await http.get("/no/such/route", headers=it),
    }
    assert {k: a.json()["message"] for k, a in answers.items()} == {
        "ticket": f"intervento {SEED_TICKET} non trovato",
        "order": "ordine 999999 non trovato",
        "part": "ricambio NOPE-1 non trovato",
        "route": "Non trovato",
    }


async def test_validation_errors_name_the_field_in_french(http: httpx.AsyncClient) -> None:
    tech = await token_for(http, "tech")
    body = {"requested_code": "INOX-SP", "quantity": 0}
    french = await http.post("/cart/lines", json=body, headers={**tech, **FR})
    english = await http.post("/cart/lines", json=body, headers=tech)
    assert french.status_code == english.status_code == 422
    assert french.json()["message"] == "champ incorrect : quantity"
    assert french.json()["fields"] == {"quantity": "Doit être supérieur ou égal à 1"}
    assert english.json()["message"] == "invalid: quantity"
    assert english.json()["fields"] == {"quantity": "Input should be greater than or equal to 1"}
    several = await http.post("/cart/lines", json={"quantity": 1000}, headers={**tech, **FR})
    assert several.json()["message"] == "champs incorrects : requested_code, quantity"
    assert several.json()["fields"] == {
        "requested_code": "Champ obligatoire",
        "quantity": "Doit être inférieur ou égal à 999",
    }
    # a rule of the service, not of the schema: the appointment in the past
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).isoformat()
    refused = await http.post(
        f"/tickets/{SEED_TICKET}/contacted",
        json={"appointment_at": past, "note": ""},
        headers={**tech, **FR},
    )
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"appointment_at": "le rendez-vous est dans le passé"}


async def test_the_resolvers_explanations_in_french(http: httpx.AsyncClient) -> None:
    tech = await token_for(http, "tech")

    async def resolve(code: str, language: dict[str, str]) -> Any:
        answer = await http.get(f"/catalogue/parts/{code}/resolution", headers={**tech, **language})
        assert answer.status_code == 200, answer.text
        return answer.json()

    depends = await resolve("870650223", FR)
    assert depends["reason"] == (
        "le remplacement de 870650223 dépend de l'appareil (modèle, n° de série)"
    )
    conditions = [c["condition"] for c in depends["choices"]]
    assert conditions == ["n° de série 251901001010000000–251901311309999999", "otherwise"]
    assert (await resolve("870650223", {}))["reason"] == (
        "the replacement of 870650223 depends on the appliance's model, serial"
    )
    obsolete = await resolve("818730099", FR)
    assert obsolete["reason"] == "818730099 est obsolète et rien ne la remplace"
    burner = await resolve("870650222", FR)
    assert [s["why"] for s in burner["steps"]] == ["définitif"]
    assert burner["steps"][0]["reason"] == "Brûleur monopièce remplacé par le brûleur standard"
    kit = await resolve("870650330", FR)
    assert kit["steps"][-1]["why"] == "kit KIT-BRULEUR-TC : 2 x"
    tree = (await http.get("/catalogue/parts/870650223/tree", headers={**tech, **FR})).json()
    assert tree["successors"][0]["why"] == "dépend de l'appareil (modèle, n° de série)"


async def test_what_changed_in_the_cart_reads_amounts_as_french_does(
    http: httpx.AsyncClient, database_url: str
) -> None:
    tech2 = await token_for(http, "tech2")
    await add(http, tech2)
    shown = await cart(http, tech2)
    await set_part(database_url, "INOX-SP", price_cents=1000, availability="on_order")
    answer = await place(http, {**tech2, **FR}, order_body(shown["fingerprint"]))
    assert answer.status_code == 409 and answer.json()["code"] == "cart_changed"
    assert answer.json()["message"] == (
        "le panier a changé depuis son affichage : le prix de INOX-SP est passé de 9,45 à "
        "10,00; INOX-SP est maintenant sur commande (avant : en stock). Vérifiez-le et "
        "confirmez à nouveau."
    )
    english = await place(http, tech2, order_body(shown["fingerprint"]))
    assert "the price of INOX-SP changed from 9.45 to 10.00" in english.json()["message"]


async def test_concurrent_requests_each_answer_in_their_own_language(
    http: httpx.AsyncClient, database_url: str
) -> None:
    await _put(database_url, "cancelled")
    tech = await token_for(http, "tech")
    languages = ["fr", "en", "fr-FR", "de", "fr;q=0.9, en;q=0.8", "en-GB"] * 4

    async def refuse(language: str) -> str:
        answer = await http.post(
            f"/tickets/{SEED_TICKET}/contacted",
            json=body_for("contacted"),
            headers={**tech, "Accept-Language": language},
        )
        assert answer.status_code == 409
        return str(answer.json()["message"])

    messages = await asyncio.gather(*(refuse(lang) for lang in languages))
    for language, message in zip(languages, messages, strict=True):
        french = i18n.negotiate(language) == "fr"
        assert message.startswith("le ticket" if french else "ticket"), (language, message)
    assert i18n.language() == "en"  # nothing leaked into the test's own context


async def test_the_language_stays_with_its_request_across_awaits() -> None:
    """Two requests interleaved on purpose: the French one reads its language only after the
    English one has set its own, and the English one only after the French one has read."""
    b_started, a_read = asyncio.Event(), asyncio.Event()
    seen: dict[str, str] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["path"] == "/a":
            await b_started.wait()
            seen["/a"] = f"{i18n.language()} {i18n._('someone')}"
            a_read.set()
        else:
            b_started.set()
            await a_read.wait()
            seen["/b"] = f"{i18n.language()} {i18n._('someone')}"
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    transport = httpx.ASGITransport(app=i18n.LanguageMiddleware(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        await asyncio.gather(
            client.get("/a", headers={"Accept-Language": "fr"}),
            client.get("/b", headers={"Accept-Language": "en"}),
        )
    assert seen == {"/a": "fr quelqu'un", "/b": "en someone"}

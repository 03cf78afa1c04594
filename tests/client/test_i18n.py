"""SavClient(language=...) gets the server's messages in that language from the real app."""

from __future__ import annotations

import datetime as dt

import pytest

from client.api import (
    AuthError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    SavClient,
    ValidationFailed,
)
from client.models import AddToCart, ContactedRequest, MotivationRequest, TicketAction

SEED = 116496


def _soon() -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=2)


async def test_a_french_client_gets_french_messages(make_client, signed_in) -> None:
    operator = await signed_in("operator")
    await operator.ticket_action(SEED, TicketAction.CANCEL, MotivationRequest(note="doublon"))
    tech: SavClient = make_client(language="fr")
    await tech.login("tech", "demo")
    with pytest.raises(ConflictError) as refused:
        await tech.ticket_action(
            SEED, TicketAction.CONTACTED, ContactedRequest(appointment_at=_soon())
        )
    assert refused.value.code == "not_allowed"
    assert refused.value.message.startswith(f"le ticket {SEED} est « Annulé » : contacter")
    with pytest.raises(ForbiddenError) as forbidden:
        await tech.ticket_action(SEED, TicketAction.CANCEL, MotivationRequest(note="x"))
    assert forbidden.value.message == "annuler le ticket est réservé à : opérateur"
    with pytest.raises(NotFoundError) as missing:
        await tech.order(999_999)
    assert missing.value.message == "commande 999999 introuvable"
    with pytest.raises(ValidationFailed) as invalid:
        await tech.add_to_cart(AddToCart(requested_code="NO-SUCH-PART"))
    assert invalid.value.fields == {"requested_code": "aucune pièce NO-SUCH-PART au catalogue"}
    resolution = await tech.resolve("818730099")
    assert resolution.reason == "818730099 est obsolète et rien ne la remplace"


async def test_the_language_may_change_between_requests(make_client) -> None:
    client: SavClient = make_client()
    assert client.language is None
    with pytest.raises(AuthError) as english:
        await client.login("tech", "wrong")
    assert english.value.message == "wrong user name or password"
    client.language = "fr"
    with pytest.raises(AuthError) as french:
        await client.login("tech", "wrong")
    assert french.value.message == "nom d'utilisateur ou mot de passe incorrect"
    client.language = "it"
    with pytest.raises(AuthError) as italian:
        await client.login("tech", "wrong")
    assert italian.value.message == "nome utente o password errati"
    client.language = "de"  # no German catalogue on the server: English
    with pytest.raises(AuthError) as fallback:
        await client.login("tech", "wrong")
    assert fallback.value.message == "wrong user name or password"


async def test_what_the_client_says_itself_is_in_the_installed_language(tmp_path) -> None:
    """An unreachable server is the client's own message: in the language the program
    showing it installed (the TUI's catalogue), English without one."""
    import gettext
    from pathlib import Path

    import httpx

    from client import messages
    from client.api import UnavailableError

    locale = Path(__file__).resolve().parents[2] / "tui" / "locale"
    transport = httpx.AsyncHTTPTransport(uds=str(tmp_path / "nobody-listens.sock"))
    client = SavClient(
        httpx.AsyncClient(transport=transport, base_url="http://sav.test"), retries=0
    )
    try:
        messages.install(gettext.translation("sav", locale, languages=["it"]).gettext)
        with pytest.raises(UnavailableError) as italian:
            await client.health()
        messages.install(None)
        with pytest.raises(UnavailableError) as english:
            await client.health()
    finally:
        messages.install(None)
        await client.aclose()
    assert italian.value.message == "impossibile raggiungere il server http://sav.test"
    assert english.value.message == "cannot reach the server at http://sav.test"

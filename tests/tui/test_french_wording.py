"""The French wording a careful reader asked for, and the client's own messages translated."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Label

from client import messages
from tests.tui.test_login import settle, type_credentials
from tui import i18n
from tui.screens.login import LoginScreen


@pytest.fixture
def french() -> Iterator[None]:
    before = i18n.language()
    i18n.set_language("fr")
    yield
    i18n.set_language(before)


def test_the_clients_messages_follow_the_interface(french: None) -> None:
    assert messages._("cannot reach the server at {url}").format(url="http://x") == (
        "le serveur http://x est injoignable"
    )
    assert "mémoire" in messages._("the token is kept in memory for this session only")
    before = messages._gettext
    messages.install(None)  # a script without the TUI: English
    try:
        assert messages._("the server is unavailable") == "the server is unavailable"
    finally:
        messages.install(before)


def test_french_terms(french: None) -> None:
    _ = i18n._
    assert (
        _("{ordered} ordered instead of {requested} (replaced)").format(
            ordered="810930115", requested="810930077"
        )
        == "810930115 commandée à la place de 810930077 (remplacée)"
    )
    assert _("Done") == "Terminée"
    assert _("Save queue") == "Enregistrer la liste"
    assert _("on order: lead time {d} days").format(d=30) == "sur commande : délai 30 j"
    assert _("VAT ID") == "N° de TVA intracommunautaire"
    assert _("note") == "note de suivi"
    assert _("ORDER") == "COMMANDER"


async def test_french_login_captions_do_not_run_into_their_fields(make_tui) -> None:
    app = make_tui(language="fr")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        for caption in app.screen.query(".caption").results(Label):
            text = str(caption.render())
            assert caption.region.width >= len(text) + 1, text


async def test_where_the_token_went_is_said_in_the_users_language(make_tui) -> None:
    app = make_tui(language="en", language_forced=False)  # the terminal's English, tech's French
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await type_credentials(pilot, "tech", "demo")  # "remember" ticked, no keyring here
        await settle(app, pilot)
        assert app.token_store_name == "memory"
        said = [str(n.message) for n in app._notifications]
        assert said and all("keyring" not in text for text in said), said
        assert any("trousseau" in text or "jeton" in text for text in said), said

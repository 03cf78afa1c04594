"""Every user-visible string of the TUI has a French translation, and the compiled
catalogues match their sources (run `make i18n` after changing strings)."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "tui" / "locale"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "tui"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", ["fr", "en", "it"])
def test_every_message_is_translated(lang: str) -> None:
    with open(LOCALE / lang / "LC_MESSAGES" / "sav.po", "rb") as f:
        catalog = read_po(f)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(source_messages() - translated)
    assert not missing, f"untranslated in {lang} (run `make i18n` and translate): {missing}"


@pytest.mark.parametrize("lang", ["fr", "en", "it"])
def test_compiled_catalogue_matches_its_source(lang: str) -> None:
    with open(LOCALE / lang / "LC_MESSAGES" / "sav.po", "rb") as f:
        catalog = read_po(f)
    compiled = gettext.translation("sav", LOCALE, languages=[lang])
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        assert compiled.gettext(message.id) == message.string, "run `make i18n`"


def test_every_catalogue_is_complete_and_in_sync() -> None:
    """What ``make i18n`` reports (tui/locale/check_catalogues.py): in both domains and the
    three languages, no untranslated or fuzzy message, none missing from a catalogue or left
    there after the source dropped it, and every compiled catalogue up to date."""
    from tui.locale import check_catalogues

    reports = check_catalogues.check_all()
    assert {(r.domain, r.language) for r in reports} == {
        (d, lang) for d in ("sav", "sav_server") for lang in ("en", "fr", "it")
    }
    problems = [p for r in reports for p in r.problems]
    assert not problems, "\n".join(problems[:20])
    assert all(r.messages > 200 for r in reports)


def test_the_check_finds_an_empty_a_fuzzy_and_a_missing_message(tmp_path: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    from tui.locale import check_catalogues

    target = tmp_path / "it" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(LOCALE / "it" / "LC_MESSAGES" / "sav.po", "rb") as f:
        catalog = read_po(f)
    catalog["Cart"].string = ""
    catalog["Catalogue"].flags.add("fuzzy")
    catalog.delete("Checkout")
    with open(target / "sav.po", "wb") as f:
        write_po(f, catalog, width=100)
    with open(target / "sav.mo", "wb") as f:
        write_mo(f, catalog)
    domain = check_catalogues.Domain("sav", "tui", ("client",), locale_dir=tmp_path)
    report = check_catalogues.check(domain, "it")
    assert report.untranslated == ["Cart"]
    assert report.fuzzy == ["Catalogue"]
    assert report.missing == ["Checkout"]
    assert len(report.problems) == 3
    assert check_catalogues.check(domain, "fr").missing  # no French catalogue there


def test_the_check_finds_a_message_inside_an_f_string(tmp_path: Path) -> None:
    """Extraction does not see ``_()`` inside an f-string: the message would stay English."""
    from tui.locale import check_catalogues

    (tmp_path / "screen.py").write_text(
        "def label(n):\n"
        '    """Not this one: _(\'in a docstring\')."""\n'
        '    return f"{n} {_(\'ORDER\')}" + _("Seen")\n',
        encoding="utf-8",
    )
    calls = check_catalogues.literal_calls(check_catalogues.Domain("sav", str(tmp_path)))
    assert set(calls) == {"ORDER", "Seen"}
    assert calls["ORDER"].endswith("screen.py:3")


def test_italian_really_differs() -> None:
    from tui import i18n

    try:
        assert "it" in i18n.available()
        i18n.set_language("it")
        assert i18n.language() == "it"
        assert i18n._("What needs you today") == "Cosa ti aspetta oggi"
        assert i18n._("Cart") == "Carrello"
        assert i18n.ngettext("{n} ticket", "{n} tickets", 2) == "{n} interventi"
        assert i18n.ngettext("{n} ticket", "{n} tickets", 1) == "{n} intervento"
    finally:
        i18n.set_language("en")


def test_french_really_differs() -> None:
    from tui import i18n

    try:
        i18n.set_language("fr")
        assert i18n._("What needs you today") == "Ce qui vous attend aujourd'hui"
        assert i18n.ngettext(
            "{n} contact overdue (over 48 h)", "{n} contacts overdue (over 48 h)", 2
        ) == ("{n} contacts en retard (plus de 48 h)")
    finally:
        i18n.set_language("en")


async def test_a_server_refusal_is_shown_in_the_interfaces_language(make_tui, signed_in) -> None:
    """tech's profile is French: once signed in, the server answers the TUI in French, and
    in English again after ``:lang en``."""
    from textual.widgets import Static, TextArea

    from client.models import MotivationRequest, TicketAction
    from tests.tui.test_ticket import SEED, open_ticket
    from tui import i18n
    from tui.screens.confirm import ConfirmScreen
    from tui.widgets.form import ActionForm

    operator = await signed_in("operator")
    app = make_tui(language="en", language_forced=False)
    async with app.run_test(size=(80, 24)) as pilot:
        try:
            screen = await open_ticket(app, pilot)  # signs in as tech (French profile)
            assert app.client is not None and app.client.language == "fr"
            # meanwhile the back office cancels the ticket; the screen still offers contacting
            await operator.ticket_action(SEED, TicketAction.CANCEL, MotivationRequest(note="x"))

            async def refusal() -> str:
                await pilot.press("c")
                await pilot.pause()
                form = app.screen
                assert isinstance(form, ActionForm)
                form.query_one("#field-note", TextArea).text = "Rappel du client"
                await pilot.press("ctrl+s")
                for _ in range(3):
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                assert app.screen is form  # refused: the form stays, with the reason
                text = str(form.query_one("#form-error", Static).render())
                await pilot.press("escape")  # the note typed: leaving is asked first
                await pilot.pause()
                assert isinstance(app.screen, ConfirmScreen)
                await pilot.press("y")
                await pilot.pause()
                assert app.screen is screen
                return text

            assert f"le ticket {SEED} est « Annulé » : contacter le client" in await refusal()
            app.set_language("en")  # what :lang en does, the screen kept
            assert app.client.language == "en"
            assert f"ticket {SEED} is cancelled: contacting the customer" in await refusal()
        finally:
            i18n.set_language("en")

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


@pytest.mark.parametrize("lang", ["fr", "en"])
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


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compiled_catalogue_matches_its_source(lang: str) -> None:
    with open(LOCALE / lang / "LC_MESSAGES" / "sav.po", "rb") as f:
        catalog = read_po(f)
    compiled = gettext.translation("sav", LOCALE, languages=[lang])
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        assert compiled.gettext(message.id) == message.string, "run `make i18n`"


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

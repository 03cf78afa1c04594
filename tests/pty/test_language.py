"""The language chosen on the login screen, in a real terminal: F3 switches the screen at
once, and the next start of ``sav`` on this terminal (the same config folder) shows the
login screen in it before anyone signs in."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.pty.harness import sav_terminal

pytestmark = pytest.mark.pty


def argv(database: Path) -> list[str]:
    """``sav`` without ``--lang``: the language is the terminal's (``LANG=C``: English)
    until one is chosen."""
    return [sys.executable, "-m", "tui.cli", "--database", f"sqlite+aiosqlite:///{database}"]


def test_the_login_language_is_switched_with_f3_and_remembered(
    pty_database: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with sav_terminal("", home, argv=argv(pty_database)) as sav:
        sav.wait_for("Connected", 60)
        assert "Sign in" in sav.screen()
        sav.slowly("F3")  # English -> Français
        sav.wait_for("Connecté")
        sav.slowly("F3")  # -> Italiano
        sav.wait_for("Connesso")
        screen = sav.screen()
        assert "Accedi" in screen and "Italiano" in screen
        assert "Ricordami su questo terminale" in screen
        assert "Sign in" not in screen
    settings = json.loads((home / "config" / "config.json").read_text(encoding="utf-8"))
    assert settings["language"] == "it"
    with sav_terminal("", home, argv=argv(pty_database)) as sav:  # the next start
        sav.wait_for("Connesso", 60)
        assert "Accedi" in sav.screen()
        sav.slowly("tech", "Tab", "demo", "Enter")  # tech reads French: the profile wins
        sav.wait_for("Ce qui vous attend aujourd'hui", 30)

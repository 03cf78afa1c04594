"""What the client itself says to a person (the server's messages come translated from the
server): marked with :func:`_` here, extracted into the TUI's catalogue (domain ``sav``) and
translated at the moment they are produced with the translation the program installed
(:func:`install`; the TUI installs its own whenever its language changes). Without one,
English. This module imports nothing: the client stays free of Textual and of gettext files.
"""

from __future__ import annotations

from collections.abc import Callable


def _english(message: str) -> str:
    return message


_gettext: Callable[[str], str] = _english


def N_(message: str) -> str:
    """Mark a message for translation; translate it where it is used, with :func:`_`."""
    return message


def _(message: str) -> str:
    """``message`` in the language of the program showing it."""
    return _gettext(message)


def install(gettext: Callable[[str], str] | None) -> None:
    """Translate the client's messages with ``gettext`` from now on (``None``: English)."""
    global _gettext
    _gettext = gettext or _english

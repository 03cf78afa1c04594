"""The client's own messages (a server out of reach, where the token is kept) in the
interface's language: the TUI hands its translation in with :func:`use`; without one
(scripts, tests) they stay English. ``make i18n`` extracts ``tr("…")`` into the TUI's
catalogue."""

from __future__ import annotations

from collections.abc import Callable

_translate: Callable[[str], str] = str


def use(translate: Callable[[str], str]) -> None:
    """Translate every later message with ``translate`` (the TUI's gettext)."""
    global _translate
    _translate = translate


def tr(message: str) -> str:
    return _translate(message)


def N_(message: str) -> str:
    """Mark a message for translation, translated where it is shown."""
    return message

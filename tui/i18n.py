"""Every user-visible string goes through here (gettext, domain ``sav``).

English is the source language; catalogues live in ``tui/locale/<lang>/LC_MESSAGES``.
The language can change once the user has signed in (it follows their profile), so
key bindings, whose descriptions Textual fixes when a class is created, are declared
with English message ids and re-translated by :func:`set_language`.
"""

from __future__ import annotations

import gettext
import locale
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.dom import DOMNode

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "sav"
LANGUAGES = ("en", "fr", "it")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_NO_CATALOGUE = _translation
_language = "en"
_localized: list[type[DOMNode]] = []


def N_(message: str) -> str:
    """Mark a string for translation without translating it now."""
    return message


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def language() -> str:
    return _language


def available() -> tuple[str, ...]:
    """Languages with a catalogue (English is the source and always available)."""
    found = {p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return tuple(lang for lang in LANGUAGES if lang == "en" or lang in found)


def normalise(value: str | None) -> str | None:
    """'fr_FR.UTF-8' -> 'fr'; None or an unknown language -> None."""
    if not value:
        return None
    code = value.split(".")[0].split("_")[0].split("-")[0].lower()
    return code if code in LANGUAGES else None


def system_language() -> str:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        code = normalise(os.environ.get(var, "").split(":")[0])
        if code:
            return code
    code = normalise(locale.getlocale()[0])
    return code or "en"


def system_time_zone() -> str | None:
    """This machine's time zone as an IANA name (``Europe/Paris``): ``TZ`` when it names
    one, else the system's setting (tzlocal). None when it cannot be told: the server then
    writes its moments in UTC."""
    named = os.environ.get("TZ", "").removeprefix(":")
    if named:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(named)
        except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):
            pass  # a POSIX rule ("CET-1CEST"): ask the system
        else:
            return named
    try:
        import tzlocal

        return str(tzlocal.get_localzone_name()) or None
    except Exception:  # an unreadable or odd setting: UTC will do, the app must still start
        return None


def set_language(code: str) -> str:
    """Switch every later ``_()`` call, and every localized class's bindings, to ``code``."""
    global _translation, _language
    code = normalise(code) or "en"
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
    _language = code
    from client import messages  # what the client says (unreachable server, token notices)

    messages.install(_translation.gettext)
    for cls in _localized:
        if getattr(cls, "__translated_to__", None) != code:  # the app sets it again at start
            _translate_class(cls)
    return code


def localized(cls: Any) -> Any:
    """Class decorator: the class's BINDINGS hold English message ids; show them translated."""
    cls.__msgid_bindings__ = list(cls.BINDINGS)
    _localized.append(cls)
    _translate_class(cls)
    return cls


def _translate_binding(binding: Binding) -> Binding:
    return replace(
        binding,
        description=_(binding.description) if binding.description else "",
        tooltip=_(binding.tooltip) if binding.tooltip else "",
    )


def _translate_class(cls: Any) -> None:
    from textual.binding import Binding, BindingsMap

    cls.BINDINGS = [
        _translate_binding(b if isinstance(b, Binding) else Binding(*b))
        for b in cls.__msgid_bindings__
    ]
    merged = cls._merge_bindings()
    # Textual merges base classes first, so a key the class redeclares (the App's ctrl+q)
    # keeps its base's place; the footer shows keys in this order. The class's own order
    # wins: F1 Help stays in sight at 80 columns on a screen with many keys.
    own = BindingsMap(cls.BINDINGS).key_to_bindings
    bindings = merged.key_to_bindings
    merged.key_to_bindings = {
        **{key: bindings[key] for key in own if key in bindings},
        **{key: value for key, value in bindings.items() if key not in own},
    }
    cls._merged_bindings = merged
    # set_language skips a class already in its language (not one read before any catalogue)
    cls.__translated_to__ = None if _translation is _NO_CATALOGUE else _language


def refresh_node_bindings(node: DOMNode) -> None:
    """Give a live node (the App, a screen) the re-translated bindings of its class."""
    merged = type(node)._merged_bindings
    if merged is not None:
        node._bindings = merged.copy()

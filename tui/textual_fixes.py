"""Corrections to Textual that the app applies once, as ``tui.app`` is imported."""

from __future__ import annotations


def release_styles_caches() -> None:
    """Textual's ``StylesCache.get_inner_outer`` is an ``lru_cache`` on an instance method
    (its first parameter is named ``cls``, yet it is no classmethod): the cache's keys hold
    up to 1,024 ``StylesCache`` objects, one per widget painted, and with each the lines it
    rendered, long after the widget and its screen are gone (a ticket opened and closed
    kept ~1,700 strips, a few MiB an hour). The same colours, keyed on the colours alone."""
    from functools import lru_cache

    from textual._styles_cache import StylesCache
    from textual.color import Color
    from textual.style import Style

    if isinstance(StylesCache.__dict__.get("get_inner_outer"), staticmethod):
        return

    @lru_cache(1024)
    def inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
        return (
            Style(background=base_background + background),
            Style(background=base_background),
        )

    StylesCache.get_inner_outer = staticmethod(inner_outer)  # type: ignore[assignment,method-assign]

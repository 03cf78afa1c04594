"""What the terminal can show: colours (all, 16, none) and glyphs (unicode, ascii).

Chosen once, when the app starts, and applied at the level every line of output goes
through: Textual's *line filters*, which post-process each rendered line of each widget.

- **No colour** (``NO_COLOR`` set to anything but the empty string, per no-color.org, or
  a dumb terminal). Textual reads ``NO_COLOR`` itself but only turns colours into greys
  (its ``Monochrome`` filter: 256-colour greys are still sent, and a focused field differs
  from the others by one grey step) or, with an ANSI theme, into the *default* colours
  (``39``/``49``, colour codes still). Here every colour is removed from every segment:
  only attributes are sent (bold, reverse, underline).
- **16 colours** (Rich finds a ``standard`` colour system: ``TERM=linux``, ``xterm``,
  ``screen``...). A Linux console shows bright backgrounds (100–107) as plain ones, so
  none is sent: each becomes its plain colour. Nothing relies on a background colour.
- **Focus and states by attributes**: with 16 colours or none, the focused field is in
  reverse video, the cursor of a list is reverse video on its key cell and ``▶`` in its
  first cell; errors and overdue tickets are bold and carry a glyph (``✗``, ``!``). The
  app gets the class ``-low-colour`` (and ``-no-colour`` or ``-16-colours``) for the
  stylesheet, and the theme's cursor variables become attributes.
- **Glyphs** (``tui.glyphs``): in ``ascii`` mode the app gets the class ``-ascii``, the
  stylesheet's ``$frame`` borders are ``ascii`` (``+ - |``), and a last filter replaces
  any glyph a console font lacks, one cell for one cell.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from rich.color import Color as RichColor
from rich.color import ColorSystem, ColorType
from rich.segment import Segment
from rich.style import Style
from textual.filter import LineFilter, Monochrome, NoColor

from tui import glyphs
from tui.i18n import N_, _

if TYPE_CHECKING:
    from textual.app import App
    from textual.color import Color

Colours = Literal["full", "16", "none"]
COLOURS = {"full": N_("all colours"), "16": N_("16 colours"), "none": N_("no colour")}
GLYPHS = {"unicode": N_("unicode glyphs"), "ascii": N_("ascii glyphs")}


@dataclass(frozen=True)
class Appearance:
    colours: Colours = "full"
    glyphs: glyphs.Mode = "unicode"

    @property
    def low_colour(self) -> bool:
        """16 colours or none: focus and states are shown by attributes and glyphs."""
        return self.colours != "full"

    def describe(self) -> str:
        """In the reader's language: "16 colours, ascii glyphs"."""
        return f"{_(COLOURS[self.colours])}, {_(GLYPHS[self.glyphs])}"


def no_color(environ: Mapping[str, str] | None = None) -> bool:
    """``NO_COLOR`` set and not empty (no-color.org: "regardless of its value", but an
    empty one does not count)."""
    env = os.environ if environ is None else environ
    return bool(env.get("NO_COLOR", ""))


def colours_for(color_system: str | None, environ: Mapping[str, str] | None = None) -> Colours:
    """From ``NO_COLOR`` and the colour system Rich found for the terminal."""
    if no_color(environ) or color_system is None:
        return "none"
    if color_system in ("standard", "windows"):
        return "16"
    return "full"


# ---------------------------------------------------------------------- line filters


@lru_cache(4096)
def _colourless(style: Style) -> Style:
    plain = style.without_color  # keeps the attributes and the link, not the meta
    return plain + Style.from_meta(style.meta) if style._meta else plain


class NoColour(LineFilter):
    """Every colour removed: the terminal's own colours, and attributes only."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, None if style is None else _colourless(style), control)
            for text, style, control in segments
        ]


def _plain(colour: RichColor | None) -> RichColor | None:
    """The plain colour (0–7) of a bright one (8–15) once made one of 16; else None."""
    if colour is None or colour.type is ColorType.DEFAULT:
        return None
    number = colour.downgrade(ColorSystem.STANDARD).number
    if number is None or number < 8:
        return None
    return RichColor.from_ansi(number - 8)


@lru_cache(1024)
def _plain_background(style: Style) -> Style:
    background = _plain(style.bgcolor)
    if background is not None:
        style += Style(bgcolor=background)
    if style.reverse:  # the foreground is what shows as the background
        foreground = _plain(style.color)
        if foreground is not None:
            style += Style(color=foreground)
    return style


class PlainBackgrounds(LineFilter):
    """Backgrounds in the 8 colours a Linux console shows (bright ones become plain),
    including the foreground of reverse video, which shows as the background."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, None if style is None else _plain_background(style), control)
            for text, style, control in segments
        ]


class ConsoleGlyphs(LineFilter):
    """Each glyph a console font lacks replaced by its one-cell stand-in."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        cells = glyphs.cells
        return [
            Segment(text if control else cells(text), style, control)
            for text, style, control in segments
        ]


# ---------------------------------------------------------------------- the app


def detect(
    color_system: str | None,
    glyph_setting: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Appearance:
    return Appearance(colours_for(color_system, environ), glyphs.choose(glyph_setting, environ))


_current = Appearance()


def current() -> Appearance:
    return _current


def chosen(markup: str) -> str:
    """Markup for the chosen one of a few (a queue, a search mode): reverse video, or bold
    and underlined where colours are few (reverse video marks the focus there)."""
    if _current.low_colour:
        return f"[b u]{markup}[/]"
    return f"[reverse]{markup}[/reverse]"


def install(app: App[object], look: Appearance) -> None:
    """Filters, classes and glyph set for ``look`` (before the stylesheet is parsed)."""
    global _current
    _current = look
    glyphs.use(look.glyphs)
    filters = [f for f in app._filters if not isinstance(f, Monochrome | NoColor)]
    if look.colours == "none":
        filters.append(NoColour())
    elif look.colours == "16":
        filters.append(PlainBackgrounds())
    if look.glyphs == "ascii":
        filters.append(ConsoleGlyphs())
    app._filters[:] = filters
    app.no_color = look.colours == "none"  # Textual's ":nocolor" pseudo-class
    app.set_class(look.low_colour, "-low-colour", update=False)
    app.set_class(look.colours == "none", "-no-colour", update=False)
    app.set_class(look.colours == "16", "-16-colours", update=False)
    app.set_class(look.glyphs == "ascii", "-ascii", update=False)


ATTRIBUTE_VARIABLES = {
    # Lists, options, tabs, the tree: the cursor is reverse video when focused, bold when not.
    "block-cursor-background": "transparent",
    "block-cursor-text-style": "bold reverse",
    "block-cursor-blurred-background": "transparent",
    "block-cursor-blurred-text-style": "bold",
    "block-hover-background": "transparent",
    # The cursor in a text field (itself in reverse video when focused: see app.tcss).
    "input-cursor-background": "transparent",
    "input-cursor-text-style": "reverse",
    "button-focus-text-style": "bold reverse",
}


def css_variables(variables: dict[str, str], look: Appearance) -> dict[str, str]:
    """The theme's variables, with focus shown by attributes when colours are few, and
    ``$frame``, the border of the app's boxes (``round``, or ``ascii`` on a console), and
    ``$frame-side`` for a line between panes."""
    out = dict(variables)
    if look.low_colour:
        out.update(ATTRIBUTE_VARIABLES)
        out["block-cursor-foreground"] = out.get("foreground", "ansi_default")
        out["block-cursor-blurred-foreground"] = out.get("foreground", "ansi_default")
        out["input-cursor-foreground"] = out.get("foreground", "ansi_default")
    ascii = look.glyphs == "ascii"
    out["frame"] = "ascii" if ascii else "round"
    out["frame-side"] = "ascii" if ascii else "vkey"  # a line between two panes
    return out

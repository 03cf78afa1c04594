"""Colours and glyphs a terminal can show (``tui.appearance``, ``tui.glyphs``), and the
list cursor that reads without colour (``KeyTable``). What a real terminal receives is
tested through a pty in ``tests/pty/test_appearance.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.color import Color as TextualColor

from tui import appearance, glyphs
from tui.appearance import Appearance, ConsoleGlyphs, NoColour, PlainBackgrounds
from tui.widgets.key_table import KeyTable

BLACK = TextualColor(0, 0, 0)


@pytest.fixture(autouse=True)
def unicode_afterwards() -> Iterator[None]:
    yield
    glyphs.use("unicode")


# ---------------------------------------------------------------------- choosing


@pytest.mark.parametrize(
    ("environ", "setting", "expected"),
    [
        ({"TERM": "xterm-256color"}, None, "unicode"),
        ({"TERM": "linux"}, None, "ascii"),
        ({"TERM": "linux-16color"}, None, "ascii"),
        ({"TERM": "linux"}, "unicode", "unicode"),
        ({"TERM": "xterm"}, "ascii", "ascii"),
        ({"TERM": "xterm", "SAV_GLYPHS": "ascii"}, "unicode", "ascii"),
        ({"TERM": "linux", "SAV_GLYPHS": "Unicode"}, None, "unicode"),
        ({"TERM": "linux", "SAV_GLYPHS": "braille"}, None, "ascii"),
    ],
)
def test_the_glyph_mode(environ: dict[str, str], setting: str | None, expected: str) -> None:
    assert glyphs.choose(setting, environ) == expected


@pytest.mark.parametrize(
    ("environ", "system", "expected"),
    [
        ({}, "truecolor", "full"),
        ({}, "256", "full"),
        ({}, "standard", "16"),
        ({}, None, "none"),  # a dumb terminal
        ({"NO_COLOR": "1"}, "truecolor", "none"),
        ({"NO_COLOR": "0"}, "256", "none"),  # any value but the empty string
        ({"NO_COLOR": ""}, "256", "full"),
    ],
)
def test_the_colours(environ: dict[str, str], system: str | None, expected: str) -> None:
    assert appearance.colours_for(system, environ) == expected


# ---------------------------------------------------------------------- glyphs


def test_ascii_stand_ins_are_ascii_and_keep_their_meaning() -> None:
    for name, (_unicode, ascii_) in glyphs.TABLE.items():
        assert ascii_.isascii() and ascii_.isprintable(), name
    g = glyphs.ASCII
    assert len({g.applies, g.not_applies, "?", " "}) == 4  # first mark column of a part
    assert len({g.replaced, g.obsolete, g.conditional, " "}) == 4  # second mark column
    assert len({g.replaces, g.conditional, g.kit, g.two_way}) == 4  # supersession edges
    assert g.cursor != " " and g.marked != " "


def test_a_one_cell_stand_in_for_each_glyph_a_console_lacks() -> None:
    for glyph in "╭╮╰╯━╸╺▆▅▂▁⇒◀▶⏎≈⊂⇄†✓✗▉▊▎▔":
        assert glyph in glyphs.MISSING_ON_CONSOLE, glyph
    for glyph, stand_in in glyphs.CELL.items():
        assert len(stand_in) == 1 and stand_in.isascii(), glyph
    line = "╭─ ▶ 12 ⇒ 34 ≈ † ✓ ✗ ━━╸ ▆ ─╮"
    assert len(glyphs.cells(line)) == len(line)
    assert not set(glyphs.cells(line)) & glyphs.MISSING_ON_CONSOLE


def test_free_text_uses_the_stand_ins_in_ascii_mode_only() -> None:
    text = "⇒ replaced, ≈ depends, ⊂ kit, ⇄ both, ◀ ORDER, ✗ no, ⏎ opens"
    assert glyphs.text(text) == text
    glyphs.use("ascii")
    assert glyphs.text(text) == "=> replaced, ~ depends, K kit, <> both, < ORDER, ! no, Enter opens"
    assert glyphs.current().cursor == ">"
    assert glyphs.error_mark() == "! "


# ---------------------------------------------------------------------- line filters


def test_no_colour_keeps_the_attributes_and_the_meta() -> None:
    style = Style(color="red", bgcolor="#123456", bold=True, reverse=True) + Style.from_meta(
        {"row": 3}
    )
    [segment] = NoColour().apply([Segment("x", style)], BLACK)
    assert segment.style is not None
    assert segment.style.color is None and segment.style.bgcolor is None
    assert segment.style.bold and segment.style.reverse
    assert segment.style.meta == {"row": 3}


def test_16_colours_send_no_bright_background() -> None:
    bright = Style(color=Color.from_ansi(15), bgcolor=Color.from_ansi(8))
    [segment] = PlainBackgrounds().apply([Segment("x", bright)], BLACK)
    assert segment.style is not None and segment.style.bgcolor == Color.from_ansi(0)
    assert segment.style.color == Color.from_ansi(15)  # a bright foreground shows
    reverse = Style(color=Color.from_ansi(15), bgcolor=Color.from_ansi(4), reverse=True)
    [segment] = PlainBackgrounds().apply([Segment("x", reverse)], BLACK)
    assert segment.style is not None and segment.style.color == Color.from_ansi(7)


def test_console_glyphs_keep_each_line_s_width() -> None:
    segments = [Segment("╭──", Style(bold=True)), Segment("▶ ⇒", None)]
    out = ConsoleGlyphs().apply(segments, BLACK)
    assert [s.text for s in out] == ["+──", "> >"]
    assert out[0].style == Style(bold=True)


def test_css_variables_show_focus_by_attributes_where_colours_are_few() -> None:
    base = {"foreground": "#e0e0e0", "block-cursor-text-style": "bold"}
    full = appearance.css_variables(base, Appearance("full", "unicode"))
    assert full["block-cursor-text-style"] == "bold" and full["frame"] == "round"
    low = appearance.css_variables(base, Appearance("16", "ascii"))
    assert low["block-cursor-text-style"] == "bold reverse"
    assert low["input-cursor-text-style"] == "reverse"
    assert low["frame"] == "ascii"


# ---------------------------------------------------------------------- the list cursor


class TableApp(App[None]):
    def __init__(self, key_column: int | str = 0) -> None:
        super().__init__()
        self.key_column = key_column

    def compose(self) -> ComposeResult:
        yield KeyTable(id="table", key_column=self.key_column)

    def on_mount(self) -> None:
        table = self.query_one(KeyTable)
        table.add_column("", key="mark", width=1)
        table.add_column("Number", key="number", width=8)
        table.add_column("Status", key="status", width=10)
        for n in range(3):
            table.add_row("", f"FR{n:06}", "Done", key=str(n))


def _styled(table: KeyTable, y: int) -> list[tuple[str, bool, bool]]:
    """(character, reverse, bold) per cell of line ``y``."""
    out = []
    for segment in table.render_line(y):
        style = segment.style or Style()
        out.extend((c, bool(style.reverse), bool(style.bold)) for c in segment.text)
    return out


@pytest.mark.parametrize("key_column", ["number", 1])
async def test_the_cursor_row_has_a_marker_and_its_key_cell_reversed(key_column) -> None:
    app = TableApp(key_column)
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(KeyTable)
        table.focus()
        await pilot.pause()
        cells = _styled(table, 1)  # the first row, under the header
        text = "".join(c for c, _r, _b in cells)
        assert text.startswith("▶")
        number = text.index("FR000000")
        reversed_at = {i for i, (_c, r, _b) in enumerate(cells) if r}
        assert set(range(number, number + 8)) <= reversed_at
        assert reversed_at <= set(range(number - 1, number + 9))  # the key cell only
        other = _styled(table, 2)
        assert other[0][0] == " " and not any(r for _c, r, _b in other)

        await pilot.press("down")
        assert _styled(table, 1)[0][0] == " "
        assert _styled(table, 2)[0][0] == "▶"

        table.blur()
        await pilot.pause()
        cells = _styled(table, 2)
        assert not any(r for _c, r, _b in cells)  # without focus: bold, not reversed
        assert all(b for c, _r, b in cells if c in "FR000001")

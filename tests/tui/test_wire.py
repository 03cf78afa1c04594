"""tui.wire: the changed cells only, and a terminal that ends up showing the same thing.

Each frame is written twice to a terminal emulator (pyte): as Textual writes it (every
segment of every dirty region) and through ``ScreenModel`` (the changed cells only). After
every frame both terminals must show the same characters with the same attributes.
"""

from __future__ import annotations

import random

import pyte
import pytest
from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.geometry import Region
from textual.strip import Strip
from wcwidth import wcwidth

from tui.wire import ScreenModel

W, H = 30, 6
STYLES: list[Style | None] = []


@pytest.fixture(autouse=True)
def fresh_styles() -> None:
    """New styles for each test: Textual caches a style's codes in it, for one colour
    system (an app has one; these tests try several)."""
    STYLES[:] = [
        None,
        Style(color="red"),
        Style(bgcolor="blue", bold=True),
        Style(reverse=True),
        Style(color="#102030", bgcolor="#ffeedd", underline=True),
        Style(bold=True, underline=True, color="green"),
        Style(dim=True, italic=True, bgcolor="#ffeedd"),
        Style(bold=True, reverse=True, color="yellow", bgcolor="blue"),
        Style(strike=True),
    ]


TEXTS = ["abc", "▶", "Ré", "宽字", "x", "  ", "é", "━━", "⏎", " ", "a b"]


class Terminal:
    def __init__(self) -> None:
        self.screen = pyte.Screen(W, H)
        self.stream = pyte.Stream(self.screen)

    def feed(self, data: str) -> None:
        self.stream.feed(data)

    def cells(self) -> list[list[tuple[object, ...]]]:
        """Each cell's character and what shows of its attributes; half of a wide character
        that was overwritten reads as a blank (what xterm shows; pyte keeps the half)."""
        rows = []
        for y in range(H):
            line = self.screen.buffer[y]
            row: list[tuple[object, ...]] = []
            for x in range(W):
                c = line[x]
                wide = wcwidth(c.data[:1]) == 2 if c.data else False
                orphan_head = wide and (x + 1 >= W or line[x + 1].data != "")
                orphan_tail = c.data == "" and (x == 0 or wcwidth(line[x - 1].data[:1]) != 2)
                if orphan_head or orphan_tail:
                    row.append(("blank",))
                elif c.data == " " and not (
                    c.reverse or c.strikethrough
                ):  # its colour does not show
                    row.append((" ", c.fg if c.underscore else "", c.bg, c.underscore))
                else:
                    row.append(
                        (
                            c.data,
                            c.fg,
                            c.bg,
                            c.bold,
                            c.reverse,
                            c.underscore,
                            c.italics,
                            c.strikethrough,
                        )
                    )
            rows.append(row)
        return rows


def same(a: list[list[tuple[object, ...]]], b: list[list[tuple[object, ...]]]) -> bool:
    """Cell by cell; an overwritten half of a wide character matches anything (the
    terminals differ there: xterm blanks it, pyte keeps it)."""
    blank = ("blank",)
    return all(
        x == y or blank in (x, y)
        for row_a, row_b in zip(a, b, strict=True)
        for x, y in zip(row_a, row_b, strict=True)
    )


def console(system: str = "truecolor") -> Console:
    return Console(width=W, height=H, color_system=system, force_terminal=True)  # type: ignore[arg-type]


def strip_of(rng: random.Random, width: int) -> Strip:
    segments: list[Segment] = []
    length = 0
    while length < width:
        text = rng.choice(TEXTS)
        segment = Segment(text, rng.choice(STYLES))
        if length + segment.cell_length > width:
            segment = Segment(" " * (width - length), rng.choice(STYLES))
        segments.append(segment)
        length += segment.cell_length
    return Strip(segments, width)


def full(rng: random.Random) -> LayoutUpdate:
    return LayoutUpdate([[strip_of(rng, W)] for _ in range(H)], Region(0, 0, W, H))


def chops(rng: random.Random) -> ChopsUpdate:
    """A few regions of a few lines, as a widget's refresh gives them."""
    lines: list[dict[int, Strip | None]] = [{} for _ in range(H)]
    ends: list[list[int]] = [[] for _ in range(H)]
    spans = []
    for y in sorted(rng.sample(range(H), rng.randint(1, H))):
        x = rng.randrange(W - 1)
        width = rng.randint(1, W - x)
        lines[y] = {x: strip_of(rng, width)}
        ends[y] = [x + width]
        spans.append((y, x, x + width))
    return ChopsUpdate(lines, spans, ends)


def check(updates: list[CompositorUpdate], system: str = "truecolor") -> int:
    """Both ways, frame by frame; the bytes the model wrote."""
    out = console(system)
    textual, wire = Terminal(), Terminal()
    model = ScreenModel(W, H)
    sent = 0
    for number, update in enumerate(updates):
        textual.feed(update.render_segments(out))
        data = model.frame(update, out._color_system)
        sent += len(data.encode())
        wire.feed(data)
        assert same(wire.cells(), textual.cells()), f"frame {number}: {data!r}"
    return sent


@pytest.mark.parametrize("seed", range(60))
def test_the_screen_is_the_same_as_textual_writes_it(seed: int) -> None:
    rng = random.Random(seed)
    updates: list[CompositorUpdate] = [full(rng)]
    for _ in range(12):
        updates.append(full(rng) if rng.random() < 0.2 else chops(rng))
    check(updates, rng.choice(["truecolor", "256", "standard"]))


def test_an_unchanged_frame_sends_nothing() -> None:
    rng = random.Random(1)
    frame = full(rng)
    model = ScreenModel(W, H)
    system = console()._color_system
    assert model.frame(frame, system)
    assert model.frame(frame, system) == ""


def test_one_changed_cell_sends_a_move_and_the_cell() -> None:
    plain = Strip([Segment("a" * W)], W)
    other = Strip([Segment("a" * 10 + "b" + "a" * (W - 11))], W)
    model = ScreenModel(W, H)
    system = console()._color_system
    model.frame(LayoutUpdate([[plain]] * H, Region(0, 0, W, H)), system)
    data = model.frame(
        LayoutUpdate([[plain], [other], *[[plain]] * (H - 2)], Region(0, 0, W, H)), system
    )
    assert data == "\x1b[2;11Hb"


def test_a_wide_character_replaced_is_rubbed_out_whole() -> None:
    rng = random.Random(3)
    base = full(rng)
    wide = LayoutUpdate([[Strip([Segment("宽" * (W // 2))], W)]] * H, Region(0, 0, W, H))
    narrow = LayoutUpdate([[Strip([Segment("a" + "b" * (W - 1))], W)]] * H, Region(0, 0, W, H))
    check([base, wide, narrow, wide])


def test_invalidate_writes_every_cell_again() -> None:
    rng = random.Random(4)
    frame = full(rng)
    model = ScreenModel(W, H)
    system = console()._color_system
    model.frame(frame, system)
    model.invalidate()
    terminal = Terminal()
    terminal.feed("garbage " * 40)
    terminal.feed(model.frame(frame, system))
    reference = Terminal()
    reference.feed(frame.render_segments(console()))
    assert terminal.cells() == reference.cells()


def test_a_new_colour_system_starts_again() -> None:
    rng = random.Random(5)
    frame = full(rng)
    model = ScreenModel(W, H)
    model.frame(frame, ColorSystem.TRUECOLOR)
    assert model.frame(frame, ColorSystem.EIGHT_BIT)  # everything again, in 256 colours

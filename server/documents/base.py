"""What every PDF of sav shares: an A4 page with the service centre's name and address at the
top, the page number at the bottom, titles, label/value blocks and tables that run over as
many pages as they need (their heading repeated on each).

Rendering is reportlab's platypus. Its standard fonts (Helvetica) are written in WinAnsi
encoding: French and Italian accents and the euro sign render without shipping a font;
:func:`pdf_text` replaces what that encoding lacks, so no character is ever lost as a box.
Every text given here is already in the reader's language (server.i18n) and every amount
and date already formatted (``server.i18n.money``, ``day``): this module formats nothing.

:func:`table_document` is the whole of a simple report (a title, some header lines, one
table): the monthly parts report, for instance, needs nothing more.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
HEADER_HEIGHT = 24 * mm
"""Room at the top of every page for the centre's name and address."""
FOOTER_HEIGHT = 12 * mm
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN
GRID = colors.Color(0.55, 0.55, 0.55)
SHADE = colors.Color(0.92, 0.92, 0.92)

TABLE_FONT_SIZE = 8
CELL_PADDING = 2.5
_SPACES = dict.fromkeys(map(ord, "\u202f\u2009\u2007\u200a"), " ")

TEXT = ParagraphStyle("sav-text", fontName=FONT, fontSize=9, leading=11)
SMALL = ParagraphStyle("sav-small", parent=TEXT, fontSize=8, leading=9.5)
SMALL_RIGHT = ParagraphStyle("sav-small-right", parent=SMALL, alignment=TA_RIGHT)
TITLE = ParagraphStyle("sav-title", fontName=BOLD, fontSize=15, leading=18, spaceAfter=3 * mm)
HEADING = ParagraphStyle(
    "sav-heading", fontName=BOLD, fontSize=10.5, leading=13, spaceBefore=4 * mm, spaceAfter=1.5 * mm
)


def pdf_text(text: object) -> str:
    """``text`` as the standard fonts can write it: thin and narrow spaces become spaces; a
    character WinAnsi lacks becomes its unaccented form, else ``?`` (never a missing glyph)."""
    value = str(text).translate(_SPACES)
    try:
        value.encode("cp1252")
    except UnicodeEncodeError:
        out = []
        for char in value:
            try:
                char.encode("cp1252")
            except UnicodeEncodeError:
                plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
                char = plain or "?"
            out.append(char)
        value = "".join(out)
    return value


def markup(text: object) -> str:
    """``text`` for a Paragraph: escaped, line breaks kept."""
    value = pdf_text(text)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\n", "<br/>")


def para(text: object, style: ParagraphStyle = TEXT) -> Paragraph:
    return Paragraph(markup(text), style)


@dataclass(frozen=True)
class Letterhead:
    """What the top of every page says: the centre's name, then its address lines."""

    name: str
    lines: Sequence[str] = ()


@dataclass(frozen=True)
class Column:
    """A table column: its heading, its share of the width, where its text sits; a ``wrap``
    column breaks long text over lines (slower: for descriptions and names only). Text
    too wide for a left-aligned column is cut with "…"; a right-aligned one (amounts) is
    never cut: a figure is shown whole or not at all, so give it the width it needs."""

    title: str
    width: float = 1.0
    align: Literal["left", "right"] = "left"
    wrap: bool = False


@dataclass
class Page:
    """The running texts of every page: the letterhead, the document's name (bottom left)
    and the page number, as ``page_label`` words it (``{page}`` and ``{pages}``)."""

    letterhead: Letterhead
    footer: str = ""
    page_label: str = "{page} / {pages}"


@dataclass
class Document:
    """A document being assembled: add its parts in order, then :meth:`render`."""

    page: Page
    title: str = ""
    parts: list[Flowable] = field(default_factory=list)

    def heading(self, text: str) -> Document:
        self.parts.append(para(text, HEADING))
        return self

    def paragraph(self, text: str, style: ParagraphStyle = TEXT) -> Document:
        if text.strip():
            self.parts.append(para(text, style))
        return self

    def space(self, height: float = 3 * mm) -> Document:
        self.parts.append(Spacer(1, height))
        return self

    def fields(self, pairs: Sequence[tuple[str, str]], *, columns: int = 2) -> Document:
        """Label/value pairs side by side, ``columns`` pairs a row (empty values kept, so
        the reader sees a field was blank)."""
        self.parts.append(fields_table(pairs, columns=columns))
        return self

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[object]],
        *,
        totals: Sequence[Sequence[object]] = (),
    ) -> Document:
        self.parts.append(data_table(columns, rows, totals=totals))
        return self

    def keep(self, *parts: Flowable) -> Document:
        self.parts.append(KeepTogether(list(parts)))
        return self

    def render(self) -> bytes:
        parts = [para(self.title, TITLE), *self.parts] if self.title else list(self.parts)
        return render(self.page, parts, title=self.title)


def fields_table(pairs: Sequence[tuple[str, str]], *, columns: int = 2) -> Table:
    label_share, value_share = 0.16, 1 / columns - 0.16
    widths = [BODY_WIDTH * s for _ in range(columns) for s in (label_share, value_share)]
    rows: list[list[Any]] = []
    for start in range(0, len(pairs), columns):
        row: list[Any] = []
        for label, value in pairs[start : start + columns]:
            row += [para(label, SMALL), para(value, TEXT)]
        row += [""] * (2 * columns - len(row))
        rows.append(row)
    table = Table(rows or [[""]], colWidths=widths if rows else None, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for col in range(0, 2 * columns, 2):
        style.append(("TEXTCOLOR", (col, 0), (col, -1), colors.Color(0.3, 0.3, 0.3)))
    table.setStyle(TableStyle(style))
    return table


def data_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[object]],
    *,
    totals: Sequence[Sequence[object]] = (),
) -> Table:
    """A table with its heading repeated on every page it runs over; ``totals`` rows close
    it in bold. Cells are plain text (a ``wrap`` column's are paragraphs)."""
    share = sum(c.width for c in columns) or 1.0
    widths = [BODY_WIDTH * c.width / share for c in columns]
    head = [
        Paragraph(markup(c.title), SMALL_RIGHT if c.align == "right" else SMALL) for c in columns
    ]
    body: list[list[Any]] = [head]
    wrapped = [i for i, c in enumerate(columns) if c.wrap]
    cut = [(i, widths[i] - 2 * CELL_PADDING) for i, c in enumerate(columns) if _cuts(c)]
    for number, row in enumerate([*rows, *totals]):
        font = BOLD if number >= len(rows) else FONT
        cells: list[Any] = [pdf_text(v) for v in row]
        for i, room in cut:
            if i < len(cells):
                cells[i] = fit(cells[i], room, font, TABLE_FONT_SIZE)
        for i in wrapped:
            if i < len(cells) and cells[i]:
                cells[i] = Paragraph(markup(cells[i]), SMALL)
        body.append(cells)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, TABLE_FONT_SIZE),
        ("LEADING", (0, 0), (-1, -1), 9.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for i, column in enumerate(columns):
        if column.align == "right":
            style.append(("ALIGN", (i, 1), (i, -1), "RIGHT"))
    if totals:
        first = len(body) - len(totals)
        style += [
            ("FONT", (0, first), (-1, -1), BOLD, TABLE_FONT_SIZE),
            ("LINEABOVE", (0, first), (-1, first), 0.8, colors.black),
        ]
    table = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


def _cuts(column: Column) -> bool:
    return column.align == "left" and not column.wrap


def fit(text: str, width: float, font: str = FONT, size: float = TABLE_FONT_SIZE) -> str:
    """``text`` cut with "…" so that it takes at most ``width`` points."""
    if stringWidth(text, font, size) <= width:
        return text
    ellipsis = "…"
    room = width - stringWidth(ellipsis, font, size)
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle], font, size) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ellipsis


def table_document(
    *,
    page: Page,
    title: str,
    header_lines: Sequence[str],
    columns: Sequence[Column],
    rows: Sequence[Sequence[object]],
    totals: Sequence[Sequence[object]] = (),
) -> bytes:
    """A whole simple report: its title, a few lines under it, one table (over as many pages
    as it takes), its totals."""
    doc = Document(page, title)
    for line in header_lines:
        doc.paragraph(line)
    doc.space()
    doc.table(columns, rows, totals=totals)
    return doc.render()


def render(page: Page, parts: list[Flowable], *, title: str = "") -> bytes:
    """The PDF of ``parts`` on A4 pages carrying ``page``'s letterhead and footer."""
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT,
        bottomMargin=MARGIN + FOOTER_HEIGHT,
        title=pdf_text(title),
        author=pdf_text(page.letterhead.name),
        creator="sav",
        invariant=True,
    )

    def letterhead(canvas: Canvas, _doc: object) -> None:
        _draw_letterhead(canvas, page.letterhead)

    template.build(
        parts, onFirstPage=letterhead, onLaterPages=letterhead, canvasmaker=_numbered(page)
    )
    return out.getvalue()


def _draw_letterhead(canvas: Canvas, head: Letterhead) -> None:
    canvas.saveState()
    y = PAGE_HEIGHT - MARGIN - 4 * mm
    canvas.setFont(BOLD, 11)
    canvas.drawString(MARGIN, y, pdf_text(head.name))
    canvas.setFont(FONT, 8)
    for line in head.lines[:4]:
        y -= 3.6 * mm
        canvas.drawString(MARGIN, y, pdf_text(line))
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.5)
    rule = PAGE_HEIGHT - MARGIN - HEADER_HEIGHT + 3 * mm
    canvas.line(MARGIN, rule, PAGE_WIDTH - MARGIN, rule)
    canvas.restoreState()


def _numbered(page: Page) -> type[Canvas]:
    """A canvas that writes "page n of N" on each page once it knows N (the pages are kept
    until the document is saved)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # private, not in types-reportlab

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, total)
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColor(colors.Color(0.3, 0.3, 0.3))
            y = MARGIN + 2 * mm
            if page.footer:
                self.drawString(MARGIN, y, pdf_text(page.footer))
            label = page.page_label.format(page=number, pages=total)
            self.drawRightString(PAGE_WIDTH - MARGIN, y, pdf_text(label))
            self.restoreState()

    return NumberedCanvas

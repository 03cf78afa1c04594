"""Search payment vouchers (the seed's "Rechercher facturés"): by number (its start),
creation dates (``from:`` ``to:``), final amount (``min:`` ``max:``) and, for operators, a
centre (``sc:``); newest first. Enter opens a voucher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from client.models import VoucherQuery
from tui import formats, glyphs
from tui.i18n import N_, _, localized, ngettext
from tui.invoicing_filter import FilterError, parse_vouchers
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import right
from tui.widgets.money import money
from tui.widgets.search_line import SearchLine
from tui.widgets.session_bar import SessionBar

if TYPE_CHECKING:
    from client.models import Page, VoucherSummary
    from tui.app import SavApp

PAGE = 100
SEARCH_DELAY = 0.15


@dataclass
class VouchersLoaded(Message):
    generation: int
    page: Page[VoucherSummary] | None
    error: str = ""


@localized
class VouchersScreen(Screen[None]):
    HELP = N_(
        "Payment vouchers, newest first (operators: every centre's). Type a voucher number "
        "or its start (BP249050), and filters: from:01/10/2026 to:31/10/2026 (the day it "
        "was made), min:100 max:2500 (its total), sc:249050 (a centre). ↓ goes to the list, "
        "/ back to the search, Enter opens a voucher, m shows the period view (month by "
        "month, with your invoices against the vouchers)."
    )
    BINDINGS = [
        Binding("slash", "search", N_("Search"), show=False, id="vouchers.search"),
        Binding("down", "to_list", N_("To the list"), show=False, id="vouchers.to-list"),
        Binding("f5", "refresh", N_("Refresh"), id="vouchers.refresh"),
        Binding("m", "periods", N_("By month"), id="vouchers.periods"),
    ]

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.initial = text
        self.rows: list[VoucherSummary] = []
        self.total = 0
        self.generation = 0
        self.query_ = VoucherQuery()
        self._fetching = False

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        with Horizontal(id="search-row"):
            yield Label(_("Vouchers"), id="search-label")
            yield SearchLine(
                self.initial,
                id="vouchers-query",
                compact=True,
                max_length=200,
                placeholder=_("number, from: to: min: max:"),
            )
        yield Static("", id="vouchers-error", classes="-error")
        yield KeyTable(id="vouchers", cursor_type="row", zebra_stripes=True)
        yield Static("", id="vouchers-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#vouchers", DataTable)
        for title, width, key in (
            (_("Number"), 14, "number"),
            (_("Date"), 10, "date"),
            (_("Centre"), 6, "centre"),
            (_("Lines"), 6, "count"),
            (_("Total"), 10, "total"),
            (_("By"), 16, "by"),
        ):
            table.add_column(title, width=width, key=key)
        self.set_focus(self.query_one("#vouchers-query", Input))
        self._search(self.initial, pause=0.0)

    @on(Input.Changed, "#vouchers-query")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#vouchers-query")
    def _submitted(self) -> None:
        self.action_to_list()

    def action_search(self) -> None:
        self.set_focus(self.query_one("#vouchers-query", Input))

    def action_to_list(self) -> None:
        self.set_focus(self.query_one("#vouchers", DataTable))

    def action_refresh(self) -> None:
        self._search(self.query_one("#vouchers-query", Input).value, pause=0.0)

    def _search(self, text: str, pause: float = SEARCH_DELAY) -> None:
        error = self.query_one("#vouchers-error", Static)
        try:
            query = parse_vouchers(text)
        except FilterError as exc:
            error.update(glyphs.error_mark() + escape(str(exc)))
            return
        error.update("")
        self.query_ = query
        self.generation += 1
        self._fetching = True
        self._fetch(self.generation, query, 0, pause)

    @work(exclusive=True, group="vouchers", exit_on_error=False)
    async def _fetch(self, generation: int, query: VoucherQuery, offset: int, pause: float) -> None:
        import asyncio

        from client.api import SavError

        if pause:
            await asyncio.sleep(pause)
        assert self.sav.client is not None
        try:
            page = await self.sav.client.search_vouchers(query, limit=PAGE, offset=offset)
        except SavError as exc:
            self.post_message(VouchersLoaded(generation, None, exc.message))
            return
        self.post_message(VouchersLoaded(generation, page))

    @on(VouchersLoaded)
    def _loaded(self, message: VouchersLoaded) -> None:
        if message.generation != self.generation:
            return
        self._fetching = False
        page = message.page
        if page is None:
            self.query_one("#vouchers-error", Static).update(
                glyphs.error_mark() + escape(message.error)
            )
            return
        if page.offset not in (0, len(self.rows)):
            return
        table = self.query_one("#vouchers", DataTable)
        if page.offset == 0:
            table.clear()
            self.rows = []
        for voucher in page.items:
            self.rows.append(voucher)
            table.add_row(
                voucher.number,
                formats.list_day(voucher.created_at.astimezone()),
                voucher.service_centre_code,
                right(str(voucher.count)),
                right(money(voucher.total)),
                voucher.created_by,
                key=str(voucher.id),
            )
        self.total = page.total
        text = ngettext("{n} voucher", "{n} vouchers", self.total).format(n=self.total)
        if len(self.rows) < self.total:
            text += " · " + _("{n} loaded").format(n=len(self.rows))
        self.query_one("#vouchers-status", Static).update(escape(text))

    @on(DataTable.RowHighlighted, "#vouchers")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if (
            not self._fetching
            and len(self.rows) < self.total
            and event.cursor_row >= len(self.rows) - 10
        ):
            self._fetching = True
            self._fetch(self.generation, self.query_, len(self.rows), 0.0)

    @on(DataTable.RowSelected, "#vouchers")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.sav.open_voucher(int(event.row_key.value))

    def action_periods(self) -> None:
        self.sav.open_periods()

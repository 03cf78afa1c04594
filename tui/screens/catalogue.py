"""Catalogue search (Esploweb): models by code, description or category; parts by code or
description; where-used (every model using a part code). Results come as you type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from tui import appearance, glyphs
from tui.copy import COPY_BINDINGS, Copies, tab_line
from tui.i18n import N_, _, localized, ngettext
from tui.messages import LoadFailed, SearchAnswered
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.money import money
from tui.widgets.parts_list import availability_text
from tui.widgets.search_line import SearchLine
from tui.widgets.session_bar import SessionBar

if TYPE_CHECKING:
    from tui.app import SavApp

MODES = {
    "models": (N_("Models"), N_("model code, description or category, e.g. p64")),
    "parts": (N_("Parts"), N_("part code or description, e.g. 870650")),
    "where-used": (N_("Where used"), N_("a part code, e.g. 870650444")),
}
SEARCH_DELAY = 0.15
"""Seconds typing rests before the server is asked (each keystroke cancels the last wait)."""
FIRST_PAGE = 50
"""Rows asked for as you type; the next pages come as the cursor nears the end of the list."""
NEXT_PAGE = 100
AHEAD = 10
"""The next page is asked for when the cursor is this many rows from the end of the list."""


@dataclass
class MoreFailed(Message):
    """The next page of a search could not be read (the rows loaded stay)."""

    mode: str
    query: str
    offset: int
    message: str


@localized
class CatalogueScreen(Copies, Screen[None]):
    HELP = N_(
        "Find a model or a part; results come as you type. F2 models (by code: p64 finds "
        "AP64-3, AP641…; by description or category), F3 parts (by code or description), "
        "F4 where used (every model that uses a part code). ↓ or Enter goes to the results, "
        "/ back to the search; Enter opens the highlighted row. The status line gives the "
        "number of results; the list loads the next ones as the cursor nears its end (G or "
        "ctrl+End goes to the last row loaded). F6 buys a part by code (manual purchase). "
        ":m AP64-3 opens a model, :p 870650222 a part, from anywhere."
    )
    BINDINGS = [
        Binding("f2", "mode('models')", N_("Models"), id="catalogue.models"),
        Binding("f3", "mode('parts')", N_("Parts"), id="catalogue.parts"),
        Binding("f4", "mode('where-used')", N_("Where used"), id="catalogue.where-used"),
        Binding("f6", "buy", N_("Buy by code"), id="catalogue.buy",
                tooltip=N_("Manual purchase: add a part to the cart by its code")),
        Binding("down", "to_list", N_("To the list"), show=False, id="catalogue.to-list"),
        Binding("slash", "search", N_("Search"), show=False, id="catalogue.search"),
        Binding("f5", "refresh", N_("Refresh"), show=False, id="catalogue.refresh"),
        *COPY_BINDINGS,
    ]  # fmt: skip

    def __init__(self, mode: str = "models", query: str = "") -> None:
        super().__init__()
        self.mode = mode
        self.initial = query
        self.rows: list[Any] = []
        self.total = 0
        self.next_cursor: str | None = None
        self._query = ""
        """The search the rows answer (the next pages continue it)."""
        self._asked_offset: int | None = None
        """The offset of the page on its way, if one is."""

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        with Horizontal(id="catalogue-bar"):
            yield Label("", id="catalogue-mode")
            yield SearchLine(self.initial, id="catalogue-query", max_length=60, compact=True)
        yield Static("", id="catalogue-status")
        yield KeyTable(id="catalogue-results", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._set_mode(self.mode)
        self.set_focus(self.query_one("#catalogue-query", Input))

    # ------------------------------------------------------------------ modes

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        placeholder = MODES[mode][1]
        tabs = "  ".join(
            appearance.chosen(f" {escape(_(MODES[m][0]))} ") if m == mode else f" {_(MODES[m][0])} "
            for m in MODES
        )
        self.query_one("#catalogue-mode", Label).update(tabs)
        self.query_one("#catalogue-query", Input).placeholder = _(placeholder)
        table = self.query_one("#catalogue-results", DataTable)
        table.clear(columns=True)
        columns = {
            "models": [(_("Model"), 12), (_("SI"), 4), (_("Category"), 16), (_("Description"), 40)],
            "parts": [
                (_("Code"), 10),
                (_("Description"), 38),
                (_("Stock"), 5),
                (_("Price"), 8),
                ("", 2),
            ],
            "where-used": [(_("Model"), 12), (_("SI"), 4), (_("RefNum"), 6), (_("Qty"), 3),
                           (_("Description"), 36)],
        }[mode]  # fmt: skip
        for title, width in columns:
            table.add_column(title, width=width)
        self._forget()
        self.search(self.query_one("#catalogue-query", Input).value, pause=0.0)

    def action_mode(self, mode: str) -> None:
        if mode != self.mode:
            self._set_mode(mode)
        self.set_focus(self.query_one("#catalogue-query", Input))

    def action_search(self) -> None:
        self.set_focus(self.query_one("#catalogue-query", Input))

    def action_refresh(self) -> None:
        self.search(self.query_one("#catalogue-query", Input).value, pause=0.0)

    def action_buy(self) -> None:
        self.sav.open_add_to_cart("")

    # ------------------------------------------------------------------ search

    @on(Input.Changed, "#catalogue-query")
    def _typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @on(Input.Submitted, "#catalogue-query")
    def _to_results(self) -> None:
        self.set_focus(self.query_one("#catalogue-results", DataTable))

    def action_to_list(self) -> None:
        """↓ in the search field: to the list (the list's own ↓ moves its cursor)."""
        self.set_focus(self.query_one("#catalogue-results", DataTable))

    def _forget(self) -> None:
        """No rows, and no page of an older search to wait for."""
        self.workers.cancel_group(self, "more")
        self.rows, self.total, self.next_cursor = [], 0, None
        self._asked_offset = None

    @staticmethod
    async def _page(
        client: Any, mode: str, query: str, limit: int, cursor: str | None = None
    ) -> Any:
        if mode == "models":
            return await client.models(query, limit=limit, cursor=cursor)
        if mode == "parts":
            return await client.parts(query, limit=limit, cursor=cursor)
        return await client.where_used(query, limit=limit, cursor=cursor)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def search(self, text: str, pause: float = SEARCH_DELAY) -> None:
        import asyncio

        from client.api import NotFoundError, SavError

        if pause:
            await asyncio.sleep(pause)
        client = self.sav.client
        if client is None:
            return
        mode, query = self.mode, text.strip()
        if mode == "where-used" and not query:
            self.post_message(LoadFailed(_("Type a part code to see where it is used.")))
            return
        try:
            page = await self._page(client, mode, query, FIRST_PAGE)
        except NotFoundError:
            self.post_message(LoadFailed(_("No part {code} in the catalogue.").format(code=query)))
            return
        except SavError as exc:
            self.post_message(LoadFailed(exc.message))
            return
        self.post_message(SearchAnswered(mode, query, page))

    def _more(self) -> None:
        """Ask for the next page of the search shown, unless it is complete or on its way."""
        if self.next_cursor is None or self._asked_offset is not None:
            return
        self._asked_offset = len(self.rows)
        self._status()
        self.load_more(self.mode, self._query, self.next_cursor, len(self.rows))

    @work(exclusive=True, group="more", exit_on_error=False)
    async def load_more(self, mode: str, query: str, cursor: str, offset: int) -> None:
        from client.api import SavError

        client = self.sav.client
        if client is None:
            return
        try:
            page = await self._page(client, mode, query, NEXT_PAGE, cursor)
        except SavError as exc:
            self.post_message(MoreFailed(mode, query, offset, exc.message))
            return
        self.post_message(SearchAnswered(mode, query, page, offset))

    @on(SearchAnswered)
    def _answered(self, message: SearchAnswered) -> None:
        if message.mode != self.mode:
            return
        table = self.query_one("#catalogue-results", DataTable)
        if message.offset == 0:  # a new search: its first page
            table.clear()
            self._forget()
            self._query = message.query
        elif message.query != self._query or message.offset != len(self.rows):
            return  # a page of a search no longer shown
        self._asked_offset = None
        start = len(self.rows)
        self.rows.extend(message.page.items)
        self.total = message.page.total
        self.next_cursor = message.page.next_cursor if message.page.items else None
        for i, item in enumerate(self.rows[start:], start):
            if message.mode == "models":
                cells = [
                    item.code,
                    item.service_index,
                    item.category_name or item.category,
                    item.description,
                ]
            elif message.mode == "parts":
                g = glyphs.current()
                marks = g.obsolete if item.obsolete else g.replaced if item.replaced else ""
                cells = [
                    item.code,
                    item.description,
                    availability_text(item.availability, item.stock, item.lead_time_days),
                    money(item.price),
                    marks,
                ]
            else:
                cells = [
                    item.model.code,
                    item.model.service_index,
                    item.ref_num,
                    str(item.quantity),
                    item.model.description,
                ]
            table.add_row(*cells, key=str(i))
        self._status()
        if start and table.cursor_row >= len(self.rows) - AHEAD:
            self._more()  # the cursor is still near the end (e.g. End held down)

    def _status(self, error: str = "") -> None:
        text = ngettext("{n} result", "{n} results", self.total).format(n=self.total)
        if len(self.rows) < self.total:
            text += " · " + _("{n} loaded").format(n=len(self.rows))
            if self._asked_offset is not None:
                text += " · " + _("loading more…")
            else:
                text += " · " + _("more as you scroll down")
        if error:
            text += " · " + glyphs.error_mark() + error
        self.query_one("#catalogue-status", Static).update(escape(text))

    @on(DataTable.RowHighlighted, "#catalogue-results")
    def _near_the_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self.rows) - AHEAD:
            self._more()

    @on(MoreFailed)
    def _more_failed(self, message: MoreFailed) -> None:
        if message.mode == self.mode and message.offset == self._asked_offset:
            self._asked_offset = None  # moving the cursor again asks again
            self._status(message.message)

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        self.query_one("#catalogue-results", DataTable).clear()
        self._forget()
        self.query_one("#catalogue-status", Static).update(
            escape(glyphs.error_mark() + message.message)
        )

    def copy_text(self, whole: bool) -> tuple[str, str] | None:
        table = self.query_one("#catalogue-results", DataTable)
        row = table.cursor_row
        if not 0 <= row < len(self.rows):
            return None
        if whole:
            return tab_line(*table.get_row_at(row)), _("the line")
        item = self.rows[row]
        if self.mode == "parts":
            return item.code, _("the part number")
        model = item if self.mode == "models" else item.model
        return model.code, _("the model code")

    @on(DataTable.RowSelected, "#catalogue-results")
    def _open(self, event: DataTable.RowSelected) -> None:
        item = self.rows[int(str(event.row_key.value))]
        if self.mode == "models":
            self.sav.open_model(item.id)
        elif self.mode == "parts":
            self.sav.open_part(item.code)
        else:
            query = self.query_one("#catalogue-query", Input).value.strip()
            self.sav.open_model(item.model.id, select_code=query)

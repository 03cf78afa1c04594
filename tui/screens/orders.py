"""Orders (Esploweb's "Commandes"): search, the list, and the operators' validation.

Results follow the search line as you type (stale answers are dropped), newest first; more
rows are fetched as the cursor nears the end. Operators see every centre's orders, mark
several with Space and validate them with v: the server validates each one that still
awaits validation and says why it refused the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from client.models import OrderQuery, OrderStatus
from tui import formats, glyphs, i18n, search_words
from tui.copy import COPY_BINDINGS, Copies, tab_line
from tui.i18n import N_, _, localized, ngettext
from tui.order_filter import FilterError, parse
from tui.screens.confirm import ConfirmScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import right
from tui.widgets.money import money
from tui.widgets.search_line import SearchLine
from tui.widgets.session_bar import SessionBar
from tui.widgets.status import order_status, order_status_width

if TYPE_CHECKING:
    from client.models import OrderSummary, Page, ValidationResult
    from tui.app import SavApp

PAGE = 100
SEARCH_DELAY = 0.15
MIN_NOTE = 8
"""Cells below which the note column is left out (the line under the list shows it)."""


@dataclass
class OrdersLoaded(Message):
    generation: int
    page: Page[OrderSummary]


@dataclass
class OrdersFailed(Message):
    generation: int
    message: str


@dataclass
class Validated(Message):
    result: ValidationResult | None
    error: str = ""


async def validate(app: SavApp, ids: list[int]) -> Validated:
    """Ask the server to validate these orders; its answer, or why it could not."""
    from client.api import SavError

    assert app.client is not None
    try:
        return Validated(await app.client.validate_orders(ids))
    except SavError as exc:
        return Validated(None, exc.message)


def validation_text(result: ValidationResult) -> str:
    parts = []
    if result.validated:
        numbers = ", ".join(o.number for o in result.validated)
        parts.append(
            ngettext("Validated: {numbers}.", "Validated ({n}): {numbers}.", len(result.validated))
            .format(n=len(result.validated), numbers=numbers)
        )  # fmt: skip
    for refusal in result.refused:
        parts.append(
            _("Not validated {number}: {reason}").format(
                number=refusal.number or refusal.id, reason=refusal.reason
            )
        )
    return "\n".join(parts)


@localized
class OrdersScreen(Copies, Screen[None]):
    HELP = N_(
        "Your orders, newest first (operators: every centre's). Type to search: an order "
        "number or its start (FR1001519526), words of the notes, and the filters listed "
        "below in your language (English keys and status names work too). "
        "↓ goes to the list, / back to the search, Enter opens an order; under "
        "the list, the highlighted order's line count, who placed it and its whole note.\n\n"
        "Operators: Space marks orders, v validates the marked ones (or the highlighted "
        "one). Validated orders can no longer be changed."
    )

    def help_more(self) -> str:
        """The filters and statuses in the user's language."""
        return search_words.filters_help(
            search_words.ORDER_KEYS, i18n.language(), [order_status(s.value) for s in OrderStatus]
        )

    BINDINGS = [
        Binding("space", "mark", N_("Mark"), id="orders.mark"),
        Binding("v", "validate", N_("Validate"), id="orders.validate"),
        Binding("slash", "search", N_("Search"), show=False, id="orders.search"),
        Binding("down", "to_list", N_("To the list"), show=False, id="orders.to-list"),
        Binding("f5", "refresh", N_("Refresh"), id="orders.refresh"),
        Binding("f8", "app.open_supplier_orders", N_("Suppliers"), id="orders.supplier-orders",
                tooltip=N_("The orders to outside suppliers")),
        *COPY_BINDINGS,
    ]  # fmt: skip

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.initial = text
        self.rows: list[OrderSummary] = []
        self.total = 0
        self.marked: set[int] = set()
        self.generation = 0
        self.order_query = OrderQuery()
        self._fetching = False

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    @property
    def operator(self) -> bool:
        return self.sav.user is not None and self.sav.user.is_operator

    def compose(self) -> ComposeResult:
        yield SessionBar()
        with Horizontal(id="search-row"):
            yield Label(_("Orders"), id="search-label")
            yield SearchLine(
                self.initial,
                id="orders-query",
                compact=True,
                max_length=200,
                placeholder=_("number, words, st:await t:ticket p:part from: to:"),
            )
        yield Static("", id="orders-error", classes="-error")
        yield KeyTable(id="orders", cursor_type="row", zebra_stripes=True, key_column="number")
        yield Static("", id="orders-info")
        yield Static("", id="orders-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._set_columns()
        self.set_focus(self.query_one("#orders-query", Input))
        self._search(self.initial, pause=0.0)

    def _columns(self, width: int) -> list[tuple[str, int, str]]:
        """The columns at ``width`` cells: the status as wide as its longest name in the
        interface's language (``En attente de validation``), the note in the room left
        (none when too little is: the line under the list shows it whole)."""
        columns = [
            (_("Number"), 16, "number"),
            (_("Date"), 10, "date"),
            (_("Status"), order_status_width(), "status"),
            (_("Total"), 9, "total"),
        ]
        if self.operator:  # operators mark orders to validate, across centres
            columns = [("", 1, "mark"), *columns, (_("Centre"), 6, "centre")]
        # each column has a cell of padding either side
        room = width - sum(w + 2 for _t, w, _k in columns) - 2
        if room >= MIN_NOTE:
            columns.append((_("Note"), room, "note"))
        return columns

    def _set_columns(self) -> None:
        table = self.query_one("#orders", DataTable)
        # the room inside the list, less its vertical scroll bar (before the first layout:
        # the screen's width, less a scroll bar for the screen's and one for the list's)
        scrollbar = table.styles.scrollbar_size_vertical
        width = (table.size.width or self.app.size.width - scrollbar) - scrollbar
        columns = self._columns(width)
        if [c[:2] for c in columns] == [(c.label.plain, c.width) for c in table.columns.values()]:
            return
        table.clear(columns=True)
        for title, width, key in columns:
            table.add_column(title, width=width, key=key)
        for order in self.rows:
            table.add_row(*self._cells(order), key=str(order.id))

    def on_resize(self) -> None:
        self.call_after_refresh(self._set_columns)  # once the list has its new size

    # ------------------------------------------------------------------ searching

    @on(Input.Changed, "#orders-query")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#orders-query")
    def _submitted(self) -> None:
        self.action_to_list()

    def action_search(self) -> None:
        self.set_focus(self.query_one("#orders-query", Input))

    def action_to_list(self) -> None:
        self.set_focus(self.query_one("#orders", DataTable))

    def action_refresh(self) -> None:
        self._search(self.query_one("#orders-query", Input).value, pause=0.0)

    def _search(self, text: str, pause: float = SEARCH_DELAY) -> None:
        error = self.query_one("#orders-error", Static)
        try:
            query = parse(text)
        except FilterError as exc:
            error.update(glyphs.error_mark() + escape(str(exc)))
            return  # the results stay as they were
        error.update("")
        self.order_query = query
        self.generation += 1
        self._fetching = True  # no next page of the old list while the new one is on its way
        self._fetch(self.generation, query, 0, pause)

    @work(exclusive=True, group="orders", exit_on_error=False)
    async def _fetch(self, generation: int, query: OrderQuery, offset: int, pause: float) -> None:
        import asyncio

        from client.api import SavError

        if pause:
            await asyncio.sleep(pause)
        client = self.sav.client
        assert client is not None
        try:
            page = await client.search_orders(query, limit=PAGE, offset=offset)
        except SavError as exc:
            self.post_message(OrdersFailed(generation, exc.message))
            return
        self.post_message(OrdersLoaded(generation, page))

    @on(OrdersLoaded)
    def _loaded(self, message: OrdersLoaded) -> None:
        page = message.page
        if message.generation != self.generation or page.offset not in (0, len(self.rows)):
            return  # an answer to an older search line
        self._fetching = False
        table = self.query_one("#orders", DataTable)
        if page.offset == 0:
            table.clear()
            self.rows = []
            self.query_one("#orders-info", Static).update("")  # until a row is highlighted
        for order in page.items:
            if any(o.id == order.id for o in self.rows[-PAGE:]):
                continue  # shifted by a new order between two pages
            self.rows.append(order)
            table.add_row(*self._cells(order), key=str(order.id))
        self.total = page.total
        self._status()

    def _cells(self, order: OrderSummary) -> list[str | Text]:
        cells: list[str | Text] = [
            order.number,
            formats.list_day(formats.local(order.created_at).date()),
            order_status(order.status.value),
            right(money(order.total)),
        ]
        if self.operator:
            mark = glyphs.current().marked if order.id in self.marked else ""
            cells = [mark, *cells, order.service_centre_code]
        if "note" in self.query_one("#orders", DataTable).columns:
            cells.append(order.note.replace("\n", " "))
        return cells

    def _status(self) -> None:
        text = ngettext("{n} order", "{n} orders", self.total).format(n=self.total)
        if len(self.rows) < self.total:
            text += " · " + _("{n} loaded").format(n=len(self.rows))
        if self.marked:
            text += " · " + ngettext("{n} marked", "{n} marked", len(self.marked)).format(
                n=len(self.marked)
            )
        self.query_one("#orders-status", Static).update(escape(text))

    @on(OrdersFailed)
    def _failed(self, message: OrdersFailed) -> None:
        if message.generation == self.generation:
            self._fetching = False
            self.query_one("#orders-error", Static).update(
                glyphs.error_mark() + escape(message.message)
            )

    @on(DataTable.RowHighlighted, "#orders")
    def _show_info(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted order in full: who placed it, its lines, its whole note (the
        note column is cut at 80 columns)."""
        row = event.cursor_row
        info = self.query_one("#orders-info", Static)
        if not 0 <= row < len(self.rows):
            info.update("")
            return
        order = self.rows[row]
        parts = [
            order.number,
            ngettext("{n} line", "{n} lines", order.line_count).format(n=order.line_count),
        ]
        if order.created_by:
            parts.append(_("by {name}").format(name=order.created_by))
        parts.append(_("note: {note}").format(note=order.note.replace("\n", " ") or "-"))
        info.update(escape(" · ".join(parts)))

    @on(DataTable.RowHighlighted, "#orders")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        """Fetch the next page when the cursor comes within 10 rows of the end."""
        if (
            not self._fetching
            and len(self.rows) < self.total
            and event.cursor_row >= len(self.rows) - 10
        ):
            self._fetching = True
            self._fetch(self.generation, self.order_query, len(self.rows), 0.0)

    @on(DataTable.RowSelected, "#orders")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.sav.open_order(int(event.row_key.value))

    # ------------------------------------------------------------------ validation

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"mark", "validate"}:
            return self.operator
        return True

    def _highlighted(self) -> OrderSummary | None:
        table = self.query_one("#orders", DataTable)
        row = table.cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def copy_text(self, whole: bool) -> tuple[str, str] | None:
        order = self._highlighted()
        if order is None:
            return None
        if not whole:
            return order.number, _("the order number")
        return tab_line(
            order.number, formats.local_day(order.created_at),
            order_status(order.status.value), money(order.total), order.service_centre_code,
            order.note,
        ), _("the line")  # fmt: skip

    def action_mark(self) -> None:
        order = self._highlighted()
        if order is None:
            return
        if order.status is not OrderStatus.AWAITING_VALIDATION and order.id not in self.marked:
            self.notify(
                _("{number} is {status}: only orders awaiting validation are validated.").format(
                    number=order.number, status=order_status(order.status.value).lower()
                )
            )
            return
        self.marked ^= {order.id}
        table = self.query_one("#orders", DataTable)
        table.update_cell(
            str(order.id), "mark", glyphs.current().marked if order.id in self.marked else ""
        )
        table.action_cursor_down()
        self._status()

    def action_validate(self) -> None:
        ids = sorted(self.marked)
        if not ids:
            order = self._highlighted()
            if order is None:
                return
            ids = [order.id]
        numbers = [o.number for o in self.rows if o.id in ids]
        question = ngettext(
            "Validate order {numbers}?", "Validate {n} orders ({numbers})?", len(ids)
        ).format(n=len(ids), numbers=", ".join(numbers[:3]) + ("…" if len(numbers) > 3 else ""))

        def answered(yes: bool | None) -> None:
            if yes:
                self._validate(ids)

        self.app.push_screen(
            ConfirmScreen(question, _("A validated order can no longer be changed.")), answered
        )

    @work(exclusive=True, group="orders-validate", exit_on_error=False)
    async def _validate(self, ids: list[int]) -> None:
        self.post_message(await validate(self.sav, ids))

    @on(Validated)
    def _validated(self, message: Validated) -> None:
        if message.result is None:
            self.notify(message.error, severity="error", timeout=8)
            return
        self.marked.clear()
        severity = "warning" if message.result.refused else "information"
        self.notify(validation_text(message.result), severity=severity, timeout=10)
        self.action_refresh()

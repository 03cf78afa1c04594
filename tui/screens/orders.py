"""Orders (Esploweb's "Commandes"): search, the list, and the operators' validation.

Results follow the search line as you type (stale answers are dropped), newest first; more
rows are fetched as the cursor nears the end. Operators see every centre's orders, mark
several with Space and validate them with v: the server validates each one that still
awaits validation and says why it refused the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.message import Message
from textual.widgets import DataTable, Static

from client.models import OrderQuery, OrderStatus, OrderSummary
from tui import formats, glyphs, i18n, search_words
from tui.copy import COPY_BINDINGS, Copies, tab_line
from tui.i18n import N_, _, localized, ngettext
from tui.order_filter import parse
from tui.screens._search_list import SearchListScreen, room_left
from tui.screens.confirm import ConfirmScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import right
from tui.widgets.money import money
from tui.widgets.status import order_status, order_status_width

if TYPE_CHECKING:
    from client.api import SavClient
    from client.models import ValidationResult
    from tui.app import SavApp

PAGE = 100
MIN_NOTE = 8
"""Cells below which the note column is left out (the line under the list shows it)."""


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
class OrdersScreen(Copies, SearchListScreen[OrderSummary, OrderQuery]):
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
        *COPY_BINDINGS,
    ]

    LIST = "orders"

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.marked: set[int] = set()
        self.query_ = OrderQuery()

    @property
    def operator(self) -> bool:
        return self.sav.user is not None and self.sav.user.is_operator

    def compose(self) -> ComposeResult:
        yield from self._compose_search(
            _("Orders"), _("number, words, st:await t:ticket p:part from: to:")
        )
        yield KeyTable(id="orders", cursor_type="row", zebra_stripes=True, key_column="number")
        yield Static("", id="orders-info")
        yield Static("", id="orders-status")
        yield KeyFooter()

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
        room = room_left(width, columns)
        if room >= MIN_NOTE:
            columns.append((_("Note"), room, "note"))
        return columns

    def _set_columns(self) -> None:
        table = self._table()
        columns = self._columns(self._list_width())
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

    def action_search(self) -> None:
        self.set_focus(self._search_line())

    def action_to_list(self) -> None:
        self.set_focus(self._table())

    def action_refresh(self) -> None:
        self._search(self._search_line().value, pause=0.0)

    def _parse(self, text: str) -> OrderQuery:
        return parse(text)

    async def _load(self, client: SavClient, query: OrderQuery, offset: int, **options: Any) -> Any:
        return await client.search_orders(query, limit=PAGE, offset=offset)

    def _cleared(self) -> None:
        self.query_one("#orders-info", Static).update("")  # until a row is highlighted

    def _keep(self, row: OrderSummary) -> bool:
        # not when shifted by a new order between two pages
        return not any(o.id == row.id for o in self.rows[-PAGE:])

    def _key(self, row: OrderSummary) -> str:
        return str(row.id)

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

    def _open_row(self, key: int) -> None:
        self.sav.open_order(key)

    # ------------------------------------------------------------------ validation

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"mark", "validate"}:
            return self.operator
        return True

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

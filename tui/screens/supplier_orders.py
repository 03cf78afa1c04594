"""The centre's orders to outside suppliers, newest first: reference, supplier, the
supplier's order number, status, lines, tickets, expected delivery. Enter opens one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from tui import formats, glyphs
from tui.i18n import N_, _, localized, ngettext
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import right
from tui.widgets.session_bar import SessionBar
from tui.widgets.status import supplier_order_status

if TYPE_CHECKING:
    from client.models.supplier_orders import SupplierOrderSummary
    from tui.app import SavApp


@dataclass
class SupplierOrdersLoaded(Message):
    orders: list[SupplierOrderSummary] | None
    error: str = ""


@localized
class SupplierOrdersScreen(Screen[None]):
    HELP = N_(
        "Your centre's orders to outside suppliers, newest first: our reference, the "
        "supplier, its order number (once sent), the status (draft, sent, delivered, "
        "dropped), the lines, the tickets they are for and the expected delivery. "
        "Enter opens an order (a draft is reviewed and sent from there); F5 reloads. "
        "New orders are made from the cart (b) or from a ticket (b)."
    )
    BINDINGS = [
        Binding("f5", "refresh", N_("Refresh"), id="supplier-orders.refresh"),
        Binding("s", "synchronise", N_("Synchronise"), id="supplier-orders.sync"),
    ]

    def help_more(self) -> str:
        return _(
            "s synchronises: every sent order is checked with its supplier now (the server "
            "also does every 3 hours), and the supplier changes screen shows what changed."
        )

    def action_synchronise(self) -> None:
        self.sav.open_supplier_changes(synchronise=True)

    def __init__(self) -> None:
        super().__init__()
        self.orders: list[SupplierOrderSummary] = []

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        yield Label(_("Orders to suppliers"), id="supplier-orders-title")
        yield KeyTable(id="supplier-orders-list", cursor_type="row", zebra_stripes=True)
        yield Static("", id="supplier-orders-info")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#supplier-orders-list", DataTable)
        for title, width, key in (
            (_("Created"), 10, "created"),
            (_("Supplier"), 9, "supplier"),
            (_("Number"), 10, "number"),
            (_("Status"), 10, "status"),
            (_("Lines"), 5, "lines"),
            (_("Tickets"), 10, "tickets"),
            (_("Delivery"), 10, "delivery"),
        ):
            table.add_column(title, width=width, key=key)
        table.focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    @work(exclusive=True, group="supplier-orders", exit_on_error=False)
    async def _load(self) -> None:
        from client.api import SavError

        assert self.sav.client is not None
        try:
            self.post_message(SupplierOrdersLoaded(await self.sav.client.supplier_orders()))
        except SavError as exc:
            self.post_message(SupplierOrdersLoaded(None, exc.message))

    @on(SupplierOrdersLoaded)
    def _loaded(self, message: SupplierOrdersLoaded) -> None:
        info = self.query_one("#supplier-orders-info", Static)
        if message.orders is None:
            info.update(glyphs.error_mark() + escape(message.error))
            return
        self.orders = message.orders
        table = self.query_one("#supplier-orders-list", DataTable)
        row = table.cursor_row
        table.clear()
        for o in self.orders:
            table.add_row(
                formats.list_day(o.created_at.astimezone().date()),
                o.supplier,
                o.supplier_order_number or "-",
                supplier_order_status(o.status),
                right(str(o.line_count)),
                " ".join(str(t) for t in o.tickets) or "-",
                formats.list_day(o.expected_delivery, empty="-"),
                key=str(o.id),
            )
        if self.orders:
            table.move_cursor(row=min(max(row, 0), len(self.orders) - 1))
        self.query_one("#supplier-orders-title", Label).update(
            escape(
                _("Orders to suppliers")
                + " · "
                + ngettext("{n} order", "{n} orders", len(self.orders)).format(n=len(self.orders))
            )
        )
        self._show_info(table.cursor_row)

    def _show_info(self, row: int) -> None:
        info = self.query_one("#supplier-orders-info", Static)
        if not self.orders:
            info.update(_("No order to a supplier yet."))
            return
        if not 0 <= row < len(self.orders):
            info.update("")
            return
        o = self.orders[row]
        info.update(
            escape(
                _("Reference {reference} · made by {name}").format(
                    reference=o.client_reference, name=o.created_by
                )
                + "\n"
                + o.supplier_name
            )
        )

    @on(DataTable.RowHighlighted, "#supplier-orders-list")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_info(event.cursor_row)

    @on(DataTable.RowSelected, "#supplier-orders-list")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.sav.open_supplier_order(int(event.row_key.value))

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.action_refresh()  # an order sent or dropped meanwhile

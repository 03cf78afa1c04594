"""The cart (Esploweb's "Commander" page): the parts to order, as the server prices them.

The cart is kept by the server for the signed-in user: it survives signing out and is the
same on every terminal. Every amount shown here comes from the server; a change (quantity,
ticket, note, removal) is sent at once and the answer redraws the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from client.models import CartLineUpdate, CartNoteUpdate
from tui import glyphs
from tui.copy import COPY_BINDINGS, Copies, tab_line
from tui.i18n import N_, _, localized, ngettext
from tui.messages import CartCountChanged
from tui.screens.confirm import ConfirmScreen
from tui.screens.ticket_picker import UNTIE, TicketPickerScreen
from tui.widgets.form import ActionForm, Field
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import code_cell, parse_quantity, parse_ticket, right
from tui.widgets.money import money, money_eur, percent
from tui.widgets.parts_list import availability_text
from tui.widgets.session_bar import SessionBar

if TYPE_CHECKING:
    from client.api import SavClient
    from client.models import Cart, CartLine
    from tui.app import SavApp


@dataclass
class CartLoaded(Message):
    cart: Cart


@dataclass
class CartFailed(Message):
    message: str


def cart_totals(cart: Cart) -> str:
    """One line of totals, as the seed shows them (shipping excluded)."""
    return _("Total {net} · VAT {rate} {vat} · Total incl. VAT {total} (shipping excluded)").format(
        net=money_eur(cart.net),
        rate=percent(cart.vat_rate),
        vat=money_eur(cart.vat),
        total=money_eur(cart.total),
    )


@localized
class CartScreen(Copies, Screen[None]):
    HELP = N_(
        "Your cart, kept by the server: it survives signing out and is the same on every "
        "terminal. The server computes every amount (catalogue price, your centre's "
        "discount, net, VAT on the net total); shipping is not included.\n\n"
        "e or Enter edits the highlighted line (quantity, ticket, note); + and - change "
        "its quantity; F4 ties it to one of your centre's tickets (confirmed or waiting "
        "for parts); d or Delete "
        "removes it; n writes the note for the whole order; ctrl+d empties the cart; "
        "v shows the line's part, its successors and alternates at the manufacturer and "
        "at the centre's suppliers, side by side. "
        "F10 (or ctrl+o) goes to checkout (shipping address, then the order as it will be "
        "recorded). b moves lines to an order to an outside supplier instead (check the "
        "lines, choose the supplier, create the order, review it, send it). "
        "An R after a code: the part you asked for is replaced, and the line orders its "
        "replacement (both codes are kept)."
    )
    BINDINGS = [
        Binding("f10,ctrl+o", "checkout", N_("Checkout"), id="cart.checkout"),
        Binding("e", "edit", N_("Edit"), id="cart.edit"),
        Binding("f4", "tie", N_("Ticket"), id="cart.tie",
                tooltip=N_("Tie the line to a ticket the parts are for")),
        Binding("d,delete", "remove", N_("Remove"), id="cart.remove"),
        Binding("n", "note", N_("Order note"), id="cart.note"),
        Binding("b", "to_supplier", N_("Supplier"), id="cart.to-supplier",
                tooltip=N_("Order the cart's lines from an outside supplier instead")),
        Binding("plus,equals_sign", "step(1)", N_("+1"), show=False, id="cart.more"),
        Binding("minus", "step(-1)", N_("-1"), show=False, id="cart.less"),
        Binding("ctrl+d", "empty", N_("Empty cart"), show=False, id="cart.empty"),
        Binding("f5", "reload", N_("Reload"), show=False, id="cart.reload"),
        *COPY_BINDINGS,
        # last: the footer keeps the cart's own keys when 80 columns cannot hold them all
        Binding("v", "availability", N_("Availability"), id="cart.availability",
                tooltip=N_("The line's part at the manufacturer and the suppliers")),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.cart: Cart | None = None
        self._pending: dict[int, int] = {}  # line id -> quantity sent, not yet answered

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        yield Label(_("Cart"), id="cart-title")
        yield KeyTable(id="cart-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="cart-empty")
        yield Static("", id="cart-line-info")
        yield Static("", id="cart-note")
        yield Static("", id="cart-totals")
        yield Static("", id="cart-error", classes="-error")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#cart-lines", DataTable)
        for title, width, key in (
            (_("Code"), 11, "code"),
            (_("Description"), 21, "description"),
            (_("Qty"), 4, "qty"),
            (_("Price"), 8, "price"),
            (_("Net"), 9, "net"),
            (_("Stock"), 5, "stock"),
            (_("Ticket"), 6, "ticket"),
        ):
            table.add_column(title, width=width, key=key)
        self.set_focus(table)
        self.load()

    # ------------------------------------------------------------------ loading

    @work(exclusive=True, group="cart-load", exit_on_error=False)
    async def load(self) -> None:
        from client.api import SavError

        try:
            self.post_message(CartLoaded(await self.sav.client.cart()))  # type: ignore[union-attr]
        except SavError as exc:
            self.post_message(CartFailed(exc.message))

    def action_reload(self) -> None:
        self.load()

    @on(CartLoaded)
    def _loaded(self, message: CartLoaded) -> None:
        cart = self.cart = message.cart
        self._pending.clear()
        table = self.query_one("#cart-lines", DataTable)
        row = table.cursor_row
        table.clear()
        for line in cart.lines:
            table.add_row(*self._cells(line), key=str(line.id))
        if cart.lines:
            table.move_cursor(row=min(row, len(cart.lines) - 1))
        self.query_one("#cart-title", Label).update(
            escape(
                _("Cart")
                + " · "
                + ngettext("{n} line", "{n} lines", cart.count).format(n=cart.count)
            )
        )
        empty = self.query_one("#cart-empty", Static)
        empty.display = not cart.lines
        empty.update(
            _(
                "The cart is empty. Parts are added from the catalogue (:c, then a on a "
                "part) or by code (F6 in the catalogue)."
            )
        )
        note = cart.note.strip().replace("\n", " ")
        self.query_one("#cart-note", Static).update(
            escape(_("Order note: {note}").format(note=note or "-"))
        )
        self.query_one("#cart-totals", Static).update(escape(cart_totals(cart)))
        self.query_one("#cart-error", Static).update("")
        self._show_line_info()
        self.post_message(CartCountChanged(cart.count))
        self.refresh_bindings()

    def _cells(self, line: CartLine, quantity: int | None = None) -> list[str | Text]:
        stock = (
            availability_text(line.availability, 0, line.lead_time_days or 0)
            if line.availability is not None
            else ""
        )
        if stock == "0":
            stock = glyphs.current().done
        return [
            code_cell(line),
            line.description,
            right(str(quantity if quantity is not None else line.quantity)),
            right(money(line.price)),
            right(money(line.net)),
            right(stock),
            str(line.ticket_id or ""),
        ]

    @on(CartFailed)
    def _failed(self, message: CartFailed) -> None:
        self._pending.clear()
        self.query_one("#cart-error", Static).update(glyphs.error_mark() + escape(message.message))

    # ------------------------------------------------------------------ the highlighted line

    def _line(self) -> CartLine | None:
        if self.cart is None or not self.cart.lines:
            return None
        table = self.query_one("#cart-lines", DataTable)
        row = table.cursor_row
        return self.cart.lines[row] if 0 <= row < len(self.cart.lines) else None

    @on(DataTable.RowHighlighted, "#cart-lines")
    def _highlighted(self) -> None:
        self._show_line_info()

    def _show_line_info(self) -> None:
        line = self._line()
        info = self.query_one("#cart-line-info", Static)
        if line is None:
            info.update("")
            return
        parts = []
        if line.ordered_code != line.requested_code:
            parts.append(
                _("{ordered} ordered instead of {requested} (replaced)").format(
                    ordered=line.ordered_code, requested=line.requested_code
                )
            )
        else:
            parts.append(f"{line.ordered_code} {line.description}")
        parts.append(
            _("discount {rate}").format(rate=percent(line.discount_rate))
            + " · "
            + _("VAT {vat}").format(vat=money_eur(line.vat))
        )
        parts.append(
            _("ticket {id}").format(id=line.ticket_id) if line.ticket_id else _("no ticket")
        )
        text = " · ".join(parts)
        if line.note:
            text += "\n" + _("Line note: {note}").format(note=line.note.replace("\n", " "))
        info.update(escape(text))

    def copy_text(self, whole: bool) -> tuple[str, str] | None:
        current = self._line()
        if current is None:
            return None
        if not whole:
            return current.ordered_code, _("the part number")
        return tab_line(
            current.ordered_code, current.description, current.quantity, money(current.price),
            money(current.net), current.ticket_id or "",
        ), _("the line")  # fmt: skip

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"edit", "tie", "remove", "step"}:
            return self._line() is not None
        if action in {"checkout", "empty", "to_supplier"}:
            return bool(self.cart and self.cart.lines)
        return True

    # ------------------------------------------------------------------ changes

    def action_to_supplier(self) -> None:
        """b: these lines, to an order to an outside supplier (created lines leave the cart)."""
        if self.cart and self.cart.lines:
            self.sav.open_supplier_order(cart_lines=list(self.cart.lines))

    def on_screen_resume(self) -> None:
        if self.cart is not None:
            self.load()  # lines moved to a supplier order meanwhile

    @on(DataTable.RowSelected, "#cart-lines")
    def _selected(self) -> None:
        self.action_edit()

    def action_availability(self) -> None:
        """v: the line's part, its successors and alternates, at every supplier."""
        line = self._line()
        if line is not None:
            self.sav.open_availability(line.requested_code)

    def action_edit(self) -> None:
        line = self._line()
        if line is None:
            return
        fields = [
            Field("quantity", _("Quantity"), value=str(line.quantity), required=True),
            Field(
                "ticket_id",
                _("Ticket"),
                value=str(line.ticket_id or ""),
                placeholder=_("blank: no ticket (F4 in the cart looks one up)"),
            ),
            Field("note", _("Line note"), kind="multiline", value=line.note),
        ]

        def build(values: dict[str, str]) -> CartLineUpdate:
            return CartLineUpdate(
                quantity=parse_quantity("quantity", values["quantity"]),
                ticket_id=parse_ticket("ticket_id", values["ticket_id"]),
                note=values["note"].strip(),
            )

        async def send(client: SavClient, body: CartLineUpdate) -> Cart:
            return await client.update_cart_line(line.id, body)

        title = _("Line {code}").format(code=line.ordered_code)
        self.app.push_screen(
            ActionForm(title, fields, build, send, intro=line.description), self._answered
        )

    def _answered(self, cart: Cart | None) -> None:
        if cart is not None:
            self.post_message(CartLoaded(cart))

    def action_tie(self) -> None:
        line = self._line()
        if line is None:
            return

        def picked(ticket_id: int | None) -> None:
            if ticket_id is None:
                return
            self._update(
                line,
                CartLineUpdate(
                    quantity=line.quantity,
                    ticket_id=None if ticket_id == UNTIE else ticket_id,
                    note=line.note,
                ),
            )

        self.app.push_screen(TicketPickerScreen(line.ticket_id), picked)

    def action_step(self, step: int) -> None:
        line = self._line()
        if line is None:
            return
        quantity = self._pending.get(line.id, line.quantity) + step
        if not 1 <= quantity <= 9999:
            self.notify(_("The quantity goes from 1 to 9999; d removes the line."))
            return
        self._pending[line.id] = quantity
        table = self.query_one("#cart-lines", DataTable)
        table.update_cell(str(line.id), "qty", right(f"{quantity}…"))
        self._update(
            line, CartLineUpdate(quantity=quantity, ticket_id=line.ticket_id, note=line.note)
        )

    @work(exclusive=True, group="cart-line", exit_on_error=False)
    async def _update(self, line: CartLine, body: CartLineUpdate) -> None:
        """Send the line as it should be (the last keypress wins: each sends the whole line)."""
        from client.api import SavError, ValidationFailed

        try:
            cart = await self.sav.client.update_cart_line(line.id, body)  # type: ignore[union-attr]
        except ValidationFailed as exc:
            self.post_message(CartFailed("; ".join(exc.fields.values()) or exc.message))
            self.load()
            return
        except SavError as exc:
            self.post_message(CartFailed(exc.message))
            self.load()
            return
        self.post_message(CartLoaded(cart))

    def action_remove(self) -> None:
        line = self._line()
        if line is not None:
            self._remove(line)

    @work(exclusive=False, group="cart-remove", exit_on_error=False)
    async def _remove(self, line: CartLine) -> None:
        from client.api import SavError

        client = self.sav.client
        assert client is not None
        try:
            await client.remove_cart_line(line.id)
            cart = await client.cart()
        except SavError as exc:
            self.post_message(CartFailed(exc.message))
            return
        self.post_message(CartLoaded(cart))
        self.notify(_("Removed {code} from the cart.").format(code=line.ordered_code))

    def action_note(self) -> None:
        cart = self.cart
        fields = [Field("note", _("Order note"), kind="multiline", value=cart.note if cart else "")]

        def build(values: dict[str, str]) -> CartNoteUpdate:
            return CartNoteUpdate(note=values["note"].strip())

        async def send(client: SavClient, body: CartNoteUpdate) -> Cart:
            return await client.set_cart_note(body)

        self.app.push_screen(
            ActionForm(
                _("Note for the whole order"),
                fields,
                build,
                send,
                intro=_("Sent with the order to the manufacturer."),
            ),
            self._answered,
        )

    def action_empty(self) -> None:
        if not (self.cart and self.cart.lines):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._empty()

        count = self.cart.count
        self.app.push_screen(
            ConfirmScreen(
                ngettext("Empty the cart ({n} line)?", "Empty the cart ({n} lines)?", count).format(
                    n=count
                ),
                _("The lines and the order note are removed."),
            ),
            answered,
        )

    @work(exclusive=True, group="cart-remove", exit_on_error=False)
    async def _empty(self) -> None:
        from client.api import SavError

        client = self.sav.client
        assert client is not None
        try:
            await client.empty_cart()
            cart = await client.cart()
        except SavError as exc:
            self.post_message(CartFailed(exc.message))
            return
        self.post_message(CartLoaded(cart))

    def action_checkout(self) -> None:
        if self.cart and self.cart.lines:
            self.sav.open_checkout()

"""Checkout: the shipping address, then the order exactly as the server will record it.

The lines and totals shown are the server's (read when the screen opens, and again after any
refusal). Placing the order sends the figures' fingerprint and an ``Idempotency-Key`` chosen
once for this confirmation: pressing the key twice, or retrying after a timeout, gives one
order. The key is renewed only when the server has answered definitely (a refusal), since
the next attempt is then a new confirmation; after a timeout the same key is sent again.
If prices or availability changed meanwhile, the server refuses, the new figures are shown
and the person confirms again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from client.models import REQUIRED_ADDRESS_FIELDS, AddressInput, PlaceOrder
from tui import glyphs
from tui.i18n import N_, _, localized
from tui.messages import CartCountChanged
from tui.screens.cart import cart_totals
from tui.widgets.choice import Choice
from tui.widgets.form import focus_step, line_step
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import code_cell, right
from tui.widgets.money import money
from tui.widgets.note import NoteInput
from tui.widgets.session_bar import SessionBar
from tui.widgets.text_field import TextField

if TYPE_CHECKING:
    from client.models import Address, AddressBook, Cart, Order
    from tui.app import SavApp

ADDRESS_FIELDS = (
    ("company", N_("Company")),
    ("street", N_("Address")),
    ("postal_code", N_("Postal code")),
    ("city", N_("City")),
    ("province", N_("Province")),
    ("country", N_("Country")),
    ("phone", N_("Phone")),
    ("fax", N_("Fax")),
    ("vat_id", N_("VAT ID")),
)
FIELD_LABEL = dict(ADDRESS_FIELDS)
DEFAULT, OTHER = "default", "other"


@dataclass
class CheckoutLoaded(Message):
    cart: Cart
    book: AddressBook


@dataclass
class CheckoutFailed(Message):
    message: str


@dataclass
class OrderAnswered(Message):
    order: Order | None
    error: Exception | None = None


@localized
class CheckoutScreen(Screen[None]):
    HELP = N_(
        "Checkout: the lines and totals are the order as the server will record it. "
        "Choose the shipping address (your centre's default, a saved one, or another one); "
        "the fields marked * are required, and a default address missing its country or "
        'VAT ID must be completed here before ordering. A name in "Save as" keeps the '
        "address for next time. In the order note, ctrl+e opens your own editor. "
        "ctrl+s places the order; it then waits for the "
        "manufacturer's validation. If prices or availability changed since the figures "
        "were read, nothing is ordered: the new figures are shown and you confirm again. "
        "Esc goes back to the cart."
    )
    BINDINGS = [
        Binding("ctrl+s", "place", N_("Place order"), id="checkout.place", priority=True),
        Binding("f5", "reload", N_("Reload figures"), id="checkout.reload"),
        Binding("tab", "next_field(1)", N_("Next field"), show=False, id="checkout.next-field"),
        Binding("shift+tab", "next_field(-1)", N_("Previous field"), show=False,
                id="checkout.previous-field"),
        # the Linux console sends shift+Tab as Tab: ↑ ↓ move between the fields too
        # (priority: before the page scrolls; the address choice keeps them)
        Binding("down", "line_field(1)", N_("Next field"), show=False, priority=True,
                id="checkout.down"),
        Binding("up", "line_field(-1)", N_("Previous field"), show=False, priority=True,
                id="checkout.up"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.cart: Cart | None = None
        self.book: AddressBook | None = None
        self.key = uuid.uuid4().hex
        self.busy = False

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        with VerticalScroll(id="checkout"):
            yield Label(_("Checkout: the order as it will be recorded"), id="checkout-title")
            yield KeyTable(id="checkout-lines", cursor_type="none", zebra_stripes=True)
            yield Label(_("Shipping address"), classes="section")
            yield Choice([], id="address-choice", allow_blank=True, compact=True,
                              prompt=_("Loading…"))  # fmt: skip
            yield Static("", id="address-missing", classes="-error")
            for name, label in ADDRESS_FIELDS:
                with Horizontal(classes="form-row"):
                    mark = " *" if name in REQUIRED_ADDRESS_FIELDS else ""
                    yield Label(escape(_(label) + mark), classes="form-label")
                    yield TextField(id=f"ship-{name}", compact=True, max_length=200)
                yield Static("", id=f"error-{name}", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label(_("Save as"), classes="form-label")
                yield TextField(id="save-as", compact=True, max_length=80,
                            placeholder=_("a name keeps this address for next time"))  # fmt: skip
            yield Static("", id="error-save_as", classes="field-error")
            with Horizontal(classes="form-row"):
                yield Label(_("Order note"), classes="form-label")
                yield NoteInput(id="order-note", compact=True, max_length=2000)
        # always in view, whatever the scroll: the totals, and what the last attempt gave
        yield Static(_("Loading…"), id="checkout-totals")
        yield Static("", id="checkout-error", classes="field-error")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#checkout-lines", DataTable)
        for title, width in (
            (_("Code"), 11),
            (_("Description"), 22),
            (_("Qty"), 4),
            (_("Price"), 8),
            (_("Net"), 9),
            (_("Ticket"), 6),
        ):
            table.add_column(title, width=width)
        self.load()

    # ------------------------------------------------------------------ figures and addresses

    @work(exclusive=True, group="checkout-load", exit_on_error=False)
    async def load(self) -> None:
        import asyncio

        from client.api import SavError

        client = self.sav.client
        assert client is not None
        try:
            cart, book = await asyncio.gather(client.cart(), client.addresses())
        except SavError as exc:
            self.post_message(CheckoutFailed(exc.message))
            return
        self.post_message(CheckoutLoaded(cart, book))

    def action_reload(self) -> None:
        self.load()

    @on(CheckoutLoaded)
    def _loaded(self, message: CheckoutLoaded) -> None:
        first = self.book is None
        self.cart, self.book = message.cart, message.book
        self._show_cart(message.cart)
        if first:
            choice = self.query_one("#address-choice", Select)
            options = [(_("Default shipping address"), DEFAULT)]
            options += [(a.label, f"saved:{a.id}") for a in message.book.saved]
            options.append((_("Another address"), OTHER))
            choice.set_options(options)
            choice.value = DEFAULT
            self._fill(message.book.default)
            self.query_one("#order-note", Input).value = message.cart.note
            self._focus_first_missing()

    def _show_cart(self, cart: Cart) -> None:
        table = self.query_one("#checkout-lines", DataTable)
        table.clear()
        for line in cart.lines:
            table.add_row(
                code_cell(line),
                line.description,
                right(str(line.quantity)),
                right(money(line.price)),
                right(money(line.net)),
                str(line.ticket_id or ""),
            )
        table.styles.height = len(cart.lines) + 1
        self.query_one("#checkout-totals", Static).update(escape(cart_totals(cart)))

    @on(CheckoutFailed)
    def _failed(self, message: CheckoutFailed) -> None:
        self._show_error(None, message.message)

    @on(Select.Changed, "#address-choice")
    def _chosen(self, event: Select.Changed) -> None:
        book = self.book
        if book is None or event.value is Select.BLANK:
            return
        value = str(event.value)
        if value == DEFAULT:
            self._fill(book.default)
        elif value == OTHER:
            for name, _label in ADDRESS_FIELDS:
                self.query_one(f"#ship-{name}", Input).value = ""
        else:
            saved = next(a for a in book.saved if f"saved:{a.id}" == value)
            self._fill(saved)
        self._show_missing(value)

    def _fill(self, address: Address) -> None:
        for name, _label in ADDRESS_FIELDS:
            self.query_one(f"#ship-{name}", Input).value = getattr(address, name)
        self._clear_errors()
        self._show_missing(str(self.query_one("#address-choice", Select).value))

    def _show_missing(self, choice: str) -> None:
        """The seed's warning: a default address missing its country or VAT ID."""
        notice = self.query_one("#address-missing", Static)
        book = self.book
        missing = book.missing if book is not None and choice == DEFAULT else []
        names = ", ".join(_(FIELD_LABEL[m]) for m in missing if m in FIELD_LABEL)
        notice.update(
            escape(
                _("The default address lacks: {fields}. Complete it before ordering.").format(
                    fields=names
                )
            )
            if names
            else ""
        )

    def _focus_first_missing(self) -> None:
        for name, _label in ADDRESS_FIELDS:
            field = self.query_one(f"#ship-{name}", Input)
            if name in REQUIRED_ADDRESS_FIELDS and not field.value.strip():
                self.set_focus(field)
                return
        self.set_focus(self.query_one("#address-choice", Select))

    # ------------------------------------------------------------------ fields

    def _fields(self) -> list[Input | Select[str]]:
        widgets: list[Input | Select[str]] = [self.query_one("#address-choice", Select)]
        widgets += [self.query_one(f"#ship-{n}", Input) for n, _label in ADDRESS_FIELDS]
        widgets += [self.query_one("#save-as", Input), self.query_one("#order-note", Input)]
        return widgets

    def action_next_field(self, step: int) -> None:
        focus_step(self, list(self._fields()), step)

    def action_line_field(self, step: int) -> None:
        line_step(self, list(self._fields()), step)

    @on(Input.Submitted)
    def _next_on_enter(self) -> None:
        self.action_next_field(1)

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        """A required field left blank says so at once."""
        name = (event.input.id or "").removeprefix("ship-")
        if name in REQUIRED_ADDRESS_FIELDS:
            if event.input.value.strip():
                self._show_error(name, "")
            else:
                self._show_error(name, _("Required."))

    def _clear_errors(self) -> None:
        for error in self.query(".field-error").results(Static):
            error.update("")
            error.display = False

    def _show_error(self, name: str | None, message: str) -> None:
        error = self.query_one(f"#error-{name}" if name else "#checkout-error", Static)
        error.update(glyphs.error_mark() + escape(message) if message else "")
        error.display = bool(message)

    # ------------------------------------------------------------------ placing the order

    def action_place(self) -> None:
        """ctrl+s: every key typed before it has reached its field (``tui.type_ahead``)."""
        if self.busy or self.cart is None:
            return  # one order at a time: a second press while the first is on its way
        self._clear_errors()
        values = {n: self.query_one(f"#ship-{n}", Input).value.strip() for n, _l in ADDRESS_FIELDS}
        missing = [n for n in REQUIRED_ADDRESS_FIELDS if not values[n]]
        for name in missing:
            self._show_error(name, _("Required."))
        if missing:
            self.set_focus(self.query_one(f"#ship-{missing[0]}", Input))
            self._show_error(None, _("Complete the address: the fields marked * are required."))
            return
        if not self.cart.lines:
            self._show_error(None, _("The cart is empty: there is nothing to order."))
            return
        save_as = self.query_one("#save-as", Input).value.strip()
        body = PlaceOrder(
            shipping=AddressInput(**values),
            note=self.query_one("#order-note", Input).value.strip(),
            fingerprint=self.cart.fingerprint,
            save_address_as=save_as or None,
        )
        self.busy = True
        self._show_error(None, _("Placing the order…"))
        self._send(body, self.key)

    @work(exclusive=True, group="checkout-place", exit_on_error=False)
    async def _send(self, body: PlaceOrder, key: str) -> None:
        client = self.sav.client
        assert client is not None
        try:
            order = await client.place_order(body, idempotency_key=key)
        except Exception as exc:  # shown to the person; the form keeps its values
            self.post_message(OrderAnswered(None, exc))
            return
        self.post_message(OrderAnswered(order))

    @on(OrderAnswered)
    def _answered(self, message: OrderAnswered) -> None:
        from client.api import ConflictError, SavError, UnavailableError, ValidationFailed

        self.busy = False
        self._clear_errors()
        error = message.error
        if message.order is not None:
            self.post_message(CartCountChanged(0))
            self.sav.order_placed(message.order)
            return
        if isinstance(error, UnavailableError):  # the outcome is unknown: same key again
            self._show_error(
                None,
                _("{message} Nothing is lost: ctrl+s tries again, and cannot order twice.").format(
                    message=error.message
                ),
            )
            return
        self.key = uuid.uuid4().hex  # a definite refusal: the next attempt is a new one
        if isinstance(error, ValidationFailed):
            shown = False
            for name, text in error.fields.items():
                field = name.removeprefix("shipping.")
                if field in FIELD_LABEL or field == "save_address_as":
                    self._show_error("save_as" if field == "save_address_as" else field, text)
                    shown = True
            self._show_error(None, error.message if not shown else _("Check the marked fields."))
            return
        if isinstance(error, ConflictError) and error.code == "cart_changed":
            self._show_error(
                None,
                _("{message} The new figures are shown: check them, then ctrl+s.").format(
                    message=error.message
                ),
            )
            self.load()
            return
        if isinstance(error, SavError):
            self._show_error(None, error.message)
            return
        self._show_error(None, f"{type(error).__name__}: {error}")

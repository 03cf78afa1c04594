"""An order to an outside supplier (seed 002): choose the lines, **Create order** (a draft,
with one of the centre's suppliers), review it, **Order** sends it to the supplier.

Opened from the cart (its lines, checked; those created leave the cart), from a ticket (add
the parts by code, for that ticket), or from the list of supplier orders (a draft to review
and send, a sent order to read). Sending is safe to repeat: the supplier keeps one order per
reference, so a key pressed twice or a retry after "no answer" never orders twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from client.models.supplier_orders import CreateSupplierOrder, SupplierOrderLineInput
from tui import formats, glyphs
from tui.i18n import N_, _, localized
from tui.screens.confirm import ConfirmScreen
from tui.widgets.form import ActionForm, Field, FieldError
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import parse_quantity, parse_ticket, right
from tui.widgets.money import money
from tui.widgets.session_bar import SessionBar
from tui.widgets.status import supplier_order_status

if TYPE_CHECKING:
    from client.api import SavClient
    from client.models import CartLine
    from client.models.supplier_orders import SupplierOrder
    from client.models.suppliers import SupplierAccount
    from tui.app import SavApp


@dataclass
class Candidate:
    """A line to put in a new order: from the cart (``cart_line_id``) or typed."""

    requested_code: str
    ordered_code: str
    name: str
    quantity: int
    ticket_id: int | None
    cart_line_id: int | None = None
    checked: bool = True


@dataclass
class OrderShown(Message):
    order: SupplierOrder | None
    error: str = ""
    sent: bool = False


@dataclass
class AccountsLoaded(Message):
    accounts: list[SupplierAccount] = field(default_factory=list)
    error: str = ""


def _code(requested: str, ordered: str) -> str:
    return ordered if requested == ordered else f"{requested} → {ordered}"


@localized
class SupplierOrderScreen(Screen[None]):
    HELP = N_(
        "An order to an outside supplier. A new order lists the cart's lines (or, from a "
        "ticket, the parts you add with a): Space checks or unchecks a line, a adds a part by "
        "code, c creates the order (choose one of your centre's suppliers; the cart lines "
        "checked leave the cart). The draft is then shown for review: o orders it (sends "
        "it to the supplier, which gives its order number; the tickets go to waiting for "
        "parts), e gives an e-mail address the order is also confirmed to, x drops the "
        "draft. If the supplier does not answer, the draft stays as it was: o again later "
        "never orders twice. On a sent order, x cancels it at the supplier, then here (the "
        "tickets keep their status; if the supplier does not answer or refuses, the order "
        "stays sent). Enter opens the ticket of a line."
    )
    BINDINGS = [
        Binding("space", "check", N_("Check"), id="supplier-order.check"),
        Binding("a", "add", N_("Add part"), id="supplier-order.add"),
        Binding("c", "create", N_("Create order"), id="supplier-order.create"),
        Binding("o", "send", N_("Order"), id="supplier-order.send",
                tooltip=N_("Send the order to the supplier")),
        Binding("e", "email", N_("E-mail"), id="supplier-order.email",
                tooltip=N_("Also confirm the order by e-mail to the supplier")),
        Binding("x", "drop", N_("Drop draft"), id="supplier-order.drop"),
        Binding("x", "cancel_order", N_("Cancel order"), id="supplier-order.cancel",
                tooltip=N_("Cancel the order at the supplier, then here")),
        Binding("f5", "refresh", N_("Refresh"), show=False, id="supplier-order.refresh"),
    ]  # fmt: skip

    def __init__(
        self,
        order_id: int | None = None,
        *,
        cart_lines: list[CartLine] | None = None,
        ticket_id: int | None = None,
    ) -> None:
        super().__init__()
        self.order_id = order_id
        self.order: SupplierOrder | None = None
        self.ticket_id = ticket_id
        self.candidates = [
            Candidate(
                line.requested_code,
                line.ordered_code,
                line.description,
                line.quantity,
                line.ticket_id,
                cart_line_id=line.id,
            )
            for line in cart_lines or []
        ]
        self.accounts: list[SupplierAccount] = []
        self.confirm_to: str | None = None
        self.busy = False

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    @property
    def stage(self) -> str:
        """new, draft, sent (or delivered, dropped: read only)."""
        return "new" if self.order is None else self.order.status

    def compose(self) -> ComposeResult:
        yield SessionBar()
        yield Label("", id="supplier-order-head")
        yield KeyTable(id="supplier-order-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="supplier-order-info")
        yield Static("", id="supplier-order-error", classes="-error")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#supplier-order-lines", DataTable)
        for title, width, key in (
            ("", 1, "check"),
            (_("Code"), 21, "code"),
            (_("Description"), 15, "name"),
            (_("Qty"), 3, "qty"),
            (_("Price"), 8, "price"),
            (_("Delivery"), 10, "delivery"),
            (_("Ticket"), 6, "ticket"),
        ):
            table.add_column(title, width=width, key=key)
        table.focus()
        if self.order_id is None:
            self._load_accounts()
            self._paint()
        else:
            self.action_refresh()

    # ------------------------------------------------------------------ loading

    def action_refresh(self) -> None:
        if self.order_id is not None:
            self._load(self.order_id)

    @work(exclusive=True, group="supplier-order", exit_on_error=False)
    async def _load(self, order_id: int) -> None:
        from client.api import SavError

        assert self.sav.client is not None
        try:
            self.post_message(OrderShown(await self.sav.client.supplier_order(order_id)))
        except SavError as exc:
            self.post_message(OrderShown(None, exc.message))

    @work(exclusive=True, group="supplier-accounts", exit_on_error=False)
    async def _load_accounts(self) -> None:
        from client.api import SavError

        assert self.sav.client is not None
        try:
            self.post_message(AccountsLoaded(await self.sav.client.supplier_accounts()))
        except SavError as exc:
            self.post_message(AccountsLoaded(error=exc.message))

    @on(AccountsLoaded)
    def _accounts(self, message: AccountsLoaded) -> None:
        self.accounts = message.accounts
        if message.error:
            self._error(message.error)
        elif not self.accounts:
            self._error(_("Your centre has no supplier account yet: the manager enters one first."))
        self.refresh_bindings()

    @on(OrderShown)
    def _shown(self, message: OrderShown) -> None:
        self.busy = False
        if message.order is None:
            self._error(message.error)
            self.refresh_bindings()
            return
        self.order, self.order_id = message.order, message.order.id
        self._error(message.error)
        self._paint()
        if message.sent:
            note = _("Order {number} sent to {supplier}.").format(
                supplier=message.order.supplier_name, number=message.order.supplier_order_number
            )
            if message.order.confirmation == "failed":
                note += " " + _("The e-mail could not be sent nor kept in the outbox.")
            elif message.order.confirmation:
                note += " " + _("E-mail confirmation written.")
            self.notify(note)

    # ------------------------------------------------------------------ painting

    def _paint(self) -> None:
        table = self.query_one("#supplier-order-lines", DataTable)
        row = table.cursor_row
        table.clear()
        mark = glyphs.current().marked
        if self.order is None:
            for c in self.candidates:
                table.add_row(
                    mark if c.checked else "",
                    _code(c.requested_code, c.ordered_code),
                    c.name,
                    right(str(c.quantity)),
                    "",
                    "",
                    str(c.ticket_id or ""),
                )
        else:
            for line in self.order.lines:
                table.add_row(
                    "",
                    _code(line.requested_code, line.ordered_code),
                    line.part_name,
                    right(str(line.quantity)),
                    right(money(line.purchase_price)) if line.purchase_price is not None else "",
                    formats.list_day(line.expected_delivery, empty=""),
                    str(line.ticket_id or ""),
                    key=str(line.line_no),
                )
        count = table.row_count
        if count:
            table.move_cursor(row=min(max(row, 0), count - 1))
        self.query_one("#supplier-order-head", Label).update(escape(self._head()))
        self._show_info()
        self.refresh_bindings()

    def _show_info(self) -> None:
        """The stage's hint, and the highlighted line whole (its name is cut in the list)."""
        text = self._info()
        row = self._row()
        if self.order is None and 0 <= row < len(self.candidates):
            c = self.candidates[row]
            line = f"{_code(c.requested_code, c.ordered_code)} {c.name}"
        elif self.order is not None and 0 <= row < len(self.order.lines):
            o = self.order.lines[row]
            line = f"{_code(o.requested_code, o.ordered_code)} {o.part_name}"
        else:
            line = ""
        self.query_one("#supplier-order-info", Static).update(
            escape("\n".join(part for part in (line.strip(), text) if part))
        )

    @on(DataTable.RowHighlighted, "#supplier-order-lines")
    def _highlighted(self) -> None:
        self._show_info()

    def _head(self) -> str:
        o = self.order
        if o is None:
            where = (
                _("for ticket {id}").format(id=self.ticket_id)
                if self.ticket_id
                else _("from the cart")
            )
            return _("New order to a supplier") + " · " + where
        state = [supplier_order_status(o.status)]
        if o.supplier_order_number:
            state.append(_("supplier no. {number}").format(number=o.supplier_order_number))
        state.append(_("Our reference {reference}").format(reference=o.client_reference))
        return _("Order to {supplier}").format(supplier=o.supplier_name) + "\n" + " · ".join(state)

    def _info(self) -> str:
        o = self.order
        if o is None:
            checked = sum(1 for c in self.candidates if c.checked)
            if not self.candidates:
                return _("a adds a part by code; then c creates the order.")
            return _("Lines checked: {n} of {total} · c creates the order").format(
                n=checked, total=len(self.candidates)
            )
        if o.status == "draft":
            text = _("Review the lines, then o orders (sends to the supplier).")
            if self.confirm_to:
                text += "\n" + _("E-mail confirmation to {address}").format(address=self.confirm_to)
            return text
        if o.sent_at is not None:
            return _("Sent {when}").format(when=formats.moment(o.sent_at))
        return ""

    def _error(self, text: str) -> None:
        box = self.query_one("#supplier-order-error", Static)
        box.update(glyphs.error_mark() + escape(text) if text else "")

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        stage = self.stage
        if action in {"check", "add", "create"}:
            if stage != "new":
                return False
            if action == "check":
                return bool(self.candidates)
            if action == "create":
                return any(c.checked for c in self.candidates) and bool(self.accounts)
            return True
        if action in {"send", "email", "drop"}:
            return stage == "draft" and not self.busy
        if action == "cancel_order":
            return stage == "sent" and not self.busy
        return True

    def _row(self) -> int:
        return self.query_one("#supplier-order-lines", DataTable).cursor_row

    def action_check(self) -> None:
        row = self._row()
        if self.order is None and 0 <= row < len(self.candidates):
            self.candidates[row].checked = not self.candidates[row].checked
            self._paint()

    def action_add(self) -> None:
        if self.order is not None:
            return
        fields = [
            Field("code", _("Part code"), required=True),
            Field("quantity", _("Quantity"), value="1", required=True),
            Field("ticket_id", _("Ticket"), value=str(self.ticket_id or "")),
        ]

        def build(values: dict[str, str]) -> SupplierOrderLineInput:
            code = values["code"].strip().upper()
            try:
                return SupplierOrderLineInput(
                    code=code,
                    quantity=parse_quantity("quantity", values["quantity"]),
                    ticket_id=parse_ticket("ticket_id", values["ticket_id"]),
                )
            except ValueError as exc:
                if isinstance(exc, FieldError):
                    raise
                raise FieldError("code", _("Not a part code: {code}").format(code=code)) from None

        async def keep(client: SavClient, body: SupplierOrderLineInput) -> SupplierOrderLineInput:
            return body  # kept here until the order is created

        self.app.push_screen(ActionForm(_("Add a part"), fields, build, keep), self._added)

    def _added(self, line: SupplierOrderLineInput | None) -> None:
        if line is None:
            return
        self.candidates.append(Candidate(line.code, line.code, "", line.quantity, line.ticket_id))
        self._paint()
        table = self.query_one("#supplier-order-lines", DataTable)
        table.move_cursor(row=len(self.candidates) - 1)

    def action_create(self) -> None:
        checked = [c for c in self.candidates if c.checked]
        if self.order is not None or not checked or not self.accounts:
            return
        choices = tuple((a.supplier_name, a.supplier) for a in self.accounts)
        fields = [
            Field("supplier", _("Supplier"), kind="choice", choices=choices, required=True),
            Field("note", _("Note"), kind="multiline"),
        ]

        def build(values: dict[str, str]) -> CreateSupplierOrder:
            return CreateSupplierOrder(
                supplier=values["supplier"],
                cart_line_ids=[c.cart_line_id for c in checked if c.cart_line_id is not None],
                lines=[
                    SupplierOrderLineInput(
                        code=c.ordered_code, quantity=c.quantity, ticket_id=c.ticket_id
                    )
                    for c in checked
                    if c.cart_line_id is None
                ],
                note=values["note"].strip(),
            )

        async def create(client: SavClient, body: CreateSupplierOrder) -> SupplierOrder:
            return await client.create_supplier_order(body)

        self.app.push_screen(ActionForm(_("Create order"), fields, build, create), self._created)

    def _created(self, order: SupplierOrder | None) -> None:
        if order is None:
            return
        if any(c.cart_line_id is not None for c in self.candidates if c.checked):
            self.sav.load_cart_count()
        self.post_message(OrderShown(order))

    def action_email(self) -> None:
        if self.stage != "draft":
            return
        fields = [Field("email", _("E-mail of the supplier"), value=self.confirm_to or "")]

        def build(values: dict[str, str]) -> str:
            text = values["email"].strip()
            if text and ("@" not in text or " " in text):
                raise FieldError("email", _("Not an e-mail address: {text}").format(text=text))
            return text

        async def keep(client: SavClient, address: str) -> str:
            return address

        self.app.push_screen(
            ActionForm(_("E-mail confirmation"), fields, build, keep), self._email_set
        )

    def _email_set(self, address: str | None) -> None:
        if address is not None:
            self.confirm_to = address or None
            self._paint()

    def action_send(self) -> None:
        o = self.order
        if o is None or o.status != "draft" or self.busy:
            return
        question = _("Send order {reference} to {supplier}?").format(
            reference=o.client_reference, supplier=o.supplier_name
        )
        detail = (
            _("A confirmation is e-mailed to {address}.").format(address=self.confirm_to)
            if self.confirm_to
            else ""
        )

        def answered(yes: bool | None) -> None:
            if yes and self.order is not None:
                self.busy = True
                self.refresh_bindings()
                self.query_one("#supplier-order-info", Static).update(
                    escape(_("Asking the supplier…"))
                )
                self._send(self.order.id, self.confirm_to)

        self.app.push_screen(ConfirmScreen(question, detail), answered)

    @work(exclusive=True, group="supplier-order-send", exit_on_error=False)
    async def _send(self, order_id: int, confirm_to: str | None) -> None:
        from client.api import SavError

        assert self.sav.client is not None
        try:
            order = await self.sav.client.send_supplier_order(order_id, confirm_to=confirm_to)
        except SavError as exc:
            self.post_message(OrderShown(self.order, exc.message))
            return
        self.post_message(OrderShown(order, sent=True))

    def action_drop(self) -> None:
        o = self.order
        if o is None or o.status != "draft":
            return

        def answered(yes: bool | None) -> None:
            if yes and self.order is not None:
                self._drop(self.order.id)

        self.app.push_screen(
            ConfirmScreen(_("Drop draft {reference}?").format(reference=o.client_reference)),
            answered,
        )

    @work(exclusive=True, group="supplier-order-send", exit_on_error=False)
    async def _drop(self, order_id: int) -> None:
        from client.api import SavError

        assert self.sav.client is not None
        try:
            self.post_message(OrderShown(await self.sav.client.cancel_supplier_order(order_id)))
        except SavError as exc:
            self.post_message(OrderShown(self.order, exc.message))

    def action_cancel_order(self) -> None:
        o = self.order
        if o is None or o.status != "sent" or self.busy:
            return
        question = _("Cancel order {number} with {supplier}?").format(
            number=o.supplier_order_number, supplier=o.supplier_name
        )
        detail = _("The supplier is asked first; the tickets keep their status.")

        def answered(yes: bool | None) -> None:
            if yes and self.order is not None:
                self.busy = True
                self.refresh_bindings()
                self.query_one("#supplier-order-info", Static).update(
                    escape(_("Asking the supplier…"))
                )
                self._cancel(self.order.id)

        self.app.push_screen(ConfirmScreen(question, detail), answered)

    @work(exclusive=True, group="supplier-order-send", exit_on_error=False)
    async def _cancel(self, order_id: int) -> None:
        from client.api import SavError

        assert self.sav.client is not None
        try:
            order = await self.sav.client.cancel_supplier_order(order_id)
        except SavError as exc:
            self.post_message(OrderShown(self.order, exc.message))
            return
        self.post_message(OrderShown(order))
        self.notify(
            _("Order {number} cancelled with {supplier}.").format(
                number=order.supplier_order_number, supplier=order.supplier_name
            )
        )

    @on(DataTable.RowSelected, "#supplier-order-lines")
    def _open_ticket(self, event: DataTable.RowSelected) -> None:
        if self.order is None:
            return
        row = event.cursor_row
        if 0 <= row < len(self.order.lines) and self.order.lines[row].ticket_id:
            self.sav.open_ticket(self.order.lines[row].ticket_id)  # type: ignore[arg-type]

"""One order: its lines (requested and ordered code, quantities requested, reserved,
shipped, done, transport, tied ticket), the shipping address, the note, and what the signed-in
user may do with it now.

While it awaits the manufacturer's validation, the centre may change the quantities and
notes (``If-Match``: a change saved meanwhile by someone else is refused with who and when,
and nothing typed is lost) or withdraw it; operators validate it. After validation it is
read-only and the server refuses changes with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from client.models import OrderLineUpdate, OrderUpdate
from tui import formats, glyphs
from tui.copy import COPY_BINDINGS, Copies, tab_line
from tui.documents import PDF_BINDING, Documents, Fetch
from tui.i18n import N_, _, localized
from tui.screens.confirm import ConfirmScreen
from tui.screens.orders import Validated, validate, validation_text
from tui.widgets.form import ActionForm, Field
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import code_cell, parse_quantity, right
from tui.widgets.money import money_eur, percent
from tui.widgets.session_bar import SessionBar
from tui.widgets.status import order_status, transport

if TYPE_CHECKING:
    from client.api import SavClient
    from client.models import Order
    from tui.app import SavApp

MAX_EDITABLE_LINES = 20
"""Lines offered in one edit form (longer orders: the first ones, said in the form)."""


@dataclass
class OrderLoaded(Message):
    order: Order


@dataclass
class OrderFailed(Message):
    message: str


def _when(moment: object) -> str:
    return formats.moment(moment, empty="-")  # type: ignore[arg-type]


@localized
class OrderScreen(Copies, Documents, Screen[None]):
    HELP = N_(
        "An order and its lines: the code ordered (R: it replaces the code asked for), the "
        "quantities requested, reserved, shipped and done, the transport and the ticket it "
        "is for (Enter opens that ticket).\n\n"
        "While the order awaits the manufacturer's validation, your centre may change it "
        "(e: quantities and notes) or withdraw it (ctrl+x). If someone saved it meanwhile, "
        "you are told who and when; ctrl+r in the form reloads, and what you typed stays. "
        "Operators validate it with v. After validation it can no longer be changed. F7 "
        "saves the order as a PDF in the exports folder (and prints it when a print "
        "command is set)."
    )
    BINDINGS = [
        Binding("e", "edit", N_("Edit"), id="order.edit"),
        Binding("ctrl+x", "withdraw", N_("Withdraw"), id="order.withdraw"),
        Binding("v", "validate", N_("Validate"), id="order.validate"),
        Binding("f5", "reload", N_("Reload"), id="order.reload"),
        PDF_BINDING,
        *COPY_BINDINGS,
    ]

    def __init__(self, order_id: int, placed: bool = False) -> None:
        super().__init__()
        self.order_id = order_id
        self.placed = placed
        self.order: Order | None = None

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        yield Static("", id="order-banner")
        yield Static(_("Loading…"), id="order-header")
        yield KeyTable(id="order-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="order-line-info")
        yield Static("", id="order-address")
        yield Static("", id="order-error", classes="-error")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#order-lines", DataTable)
        for title, width in (
            (_("Code"), 11),
            (_("Description"), 19),
            (_("Req."), 4),
            (_("Res."), 4),
            (_("Shp."), 4),
            (_("Done"), 4),
            (_("Transport"), 9),
            (_("Ticket"), 6),
        ):
            table.add_column(title, width=width)
        self.set_focus(table)
        self.load()

    @work(exclusive=True, group="order-load", exit_on_error=False)
    async def load(self) -> None:
        from client.api import SavError

        try:
            order = await self.sav.client.order(self.order_id)  # type: ignore[union-attr]
        except SavError as exc:
            self.post_message(OrderFailed(exc.message))
            return
        self.post_message(OrderLoaded(order))

    async def reload_now(self) -> None:
        """The form's ctrl+r: read the order again (raises what the client raises)."""
        order = await self.sav.client.order(self.order_id)  # type: ignore[union-attr]
        self.post_message(OrderLoaded(order))

    def action_reload(self) -> None:
        self.load()

    @on(OrderLoaded)
    def _loaded(self, message: OrderLoaded) -> None:
        order = self.order = message.order
        banner = self.query_one("#order-banner", Static)
        banner.display = self.placed
        if self.placed:
            banner.update(
                escape(
                    glyphs.text(
                        _("✓ Order {number} placed: it waits for the manufacturer's validation.")
                    ).format(number=order.number)
                )
            )  # fmt: skip
        status = order_status(order.status.value).upper()
        first = f"{escape(order.number)} [reverse b] {escape(status)} [/] " + escape(
            f"{_when(order.created_at)} · {order.created_by}"
        )
        if self.sav.user is not None and self.sav.user.is_operator:
            first += " · " + escape(order.service_centre_code)
        second = _("Total {net} · VAT {rate} {vat} · incl. VAT {total}").format(
            net=money_eur(order.net),
            rate=percent(order.vat_rate),
            vat=money_eur(order.vat),
            total=money_eur(order.total),
        )
        if order.validated_at is not None:
            second += " · " + _("validated {when} by {who}").format(
                when=_when(order.validated_at), who=order.validated_by or "-"
            )
        self.query_one("#order-header", Static).update(first + "\n" + escape(second))
        table = self.query_one("#order-lines", DataTable)
        row = table.cursor_row
        table.clear()
        for line in order.lines:
            table.add_row(
                code_cell(line),
                line.description,
                right(str(line.quantity_requested)),
                right(str(line.quantity_reserved)),
                right(str(line.quantity_shipped)),
                right(str(line.quantity_done)),
                transport(line.transport.value if line.transport else None),
                str(line.ticket_id or ""),
                key=str(line.id),
            )
        if order.lines:
            table.move_cursor(row=min(max(row, 0), len(order.lines) - 1))
        ship = order.shipping
        address = _("Ship to: {address} · VAT ID {vat}").format(
            address=f"{ship.company}, {ship.street}, {ship.postal_code} {ship.city} {ship.country}",
            vat=ship.vat_id or "-",
        )
        note = order.note.replace("\n", " ").strip()
        self.query_one("#order-address", Static).update(
            escape(address + "\n" + _("Order note: {note}").format(note=note or "-"))
        )
        self.query_one("#order-error", Static).update("")
        self._line_info()
        self.refresh_bindings()

    @on(OrderFailed)
    def _failed(self, message: OrderFailed) -> None:
        self.query_one("#order-error", Static).update(glyphs.error_mark() + escape(message.message))

    @on(DataTable.RowHighlighted, "#order-lines")
    def _highlighted(self) -> None:
        self._line_info()

    def _line_info(self) -> None:
        info = self.query_one("#order-line-info", Static)
        order = self.order
        table = self.query_one("#order-lines", DataTable)
        if order is None or not 0 <= table.cursor_row < len(order.lines):
            info.update("")
            return
        line = order.lines[table.cursor_row]
        text = (
            _("{ordered} ordered instead of {requested} (replaced)").format(
                ordered=line.ordered_code, requested=line.requested_code
            )
            if line.ordered_code != line.requested_code
            else f"{line.ordered_code} {line.description}"
        )
        text += " · " + _("net {net}").format(net=money_eur(line.net))
        if line.note:
            text += " · " + _("Line note: {note}").format(note=line.note.replace("\n", " "))
        info.update(escape(text))

    @on(DataTable.RowSelected, "#order-lines")
    def _open_ticket(self, event: DataTable.RowSelected) -> None:
        order = self.order
        if order is None:
            return
        line = next((li for li in order.lines if str(li.id) == event.row_key.value), None)
        if line is not None and line.ticket_id:
            self.sav.open_ticket(line.ticket_id)

    def copy_text(self, whole: bool) -> tuple[str, str] | None:
        order = self.order
        if order is None:
            return None
        if not whole:
            return order.number, _("the order number")
        table = self.query_one("#order-lines", DataTable)
        if not 0 <= table.cursor_row < len(order.lines):
            return tab_line(order.number, order_status(order.status.value)), _("the line")
        li = order.lines[table.cursor_row]
        return tab_line(
            order.number, li.ordered_code, li.description, li.quantity_requested,
            li.quantity_reserved, li.quantity_shipped, li.quantity_done, li.ticket_id or "",
        ), _("the line")  # fmt: skip

    # ------------------------------------------------------------------ what may be done

    def pdf_source(self) -> tuple[Fetch, str] | None:
        from client.documents import file_name

        if self.order is None:
            return None
        order_id = self.order.id
        return (lambda c: c.order_pdf(order_id)), file_name("order", self.order.number)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        order = self.order
        if action in {"edit", "withdraw"}:
            return order is not None and order.editable
        if action == "validate":
            return order is not None and order.validatable
        return True

    def action_edit(self) -> None:
        order = self.order
        if order is None or not order.editable:
            return
        lines = order.lines[:MAX_EDITABLE_LINES]
        fields = [Field("note", _("Order note"), kind="multiline", value=order.note)]
        fields += [
            Field(
                f"qty-{line.id}",
                _("Qty {code}").format(code=line.ordered_code),
                value=str(line.quantity_requested),
                required=True,
            )
            for line in lines
        ]
        version = order.version

        def build(values: dict[str, str]) -> OrderUpdate:
            return OrderUpdate(
                note=values["note"].strip(),
                lines=[
                    OrderLineUpdate(
                        id=line.id,
                        quantity=parse_quantity(f"qty-{line.id}", values[f"qty-{line.id}"]),
                        note=line.note,
                    )
                    for line in lines
                ],
            )

        async def send(client: SavClient, body: OrderUpdate) -> Order:
            current = self.order.version if self.order is not None else version
            return await client.update_order(order.id, body, version=current)

        intro = _("Until the manufacturer validates it, the order may change.")
        if len(order.lines) > len(lines):
            intro += " " + _("The first {n} lines are shown.").format(n=len(lines))
        form = ActionForm(
            _("Order {number}").format(number=order.number),
            fields,
            build,
            send,
            intro=intro,
            reload=self.reload_now,
            stale_text=_(
                "Changed by {who} at {when} since you opened it. ctrl+r reloads the "
                "order; what you typed stays here."
            ),
        )
        self.app.push_screen(form, self._saved)

    def _saved(self, order: Order | None) -> None:
        if order is not None:
            self.post_message(OrderLoaded(order))
            self.notify(_("Order {number} saved.").format(number=order.number))

    def action_withdraw(self) -> None:
        order = self.order
        if order is None or not order.editable:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._withdraw(order.id, order.version)

        self.app.push_screen(
            ConfirmScreen(
                _("Withdraw order {number}?").format(number=order.number),
                _("It will not be sent to the manufacturer; its number stays in the list."),
            ),
            answered,
        )

    @work(exclusive=True, group="order-write", exit_on_error=False)
    async def _withdraw(self, order_id: int, version: int) -> None:
        from client.api import ConflictError, SavError

        try:
            order = await self.sav.client.delete_order(order_id, version=version)  # type: ignore[union-attr]
        except ConflictError as exc:
            if exc.stale:
                who = exc.changed_by or _("someone")
                when = formats.clock(exc.changed_at.astimezone()) if exc.changed_at else "?"
                self.post_message(
                    OrderFailed(
                        _(
                            "Changed by {who} at {when} since you opened it: check it "
                            "(reloaded) before withdrawing it."
                        ).format(who=who, when=when)
                    )
                )
                self.load()
            else:
                self.post_message(OrderFailed(exc.message))
            return
        except SavError as exc:
            self.post_message(OrderFailed(exc.message))
            return
        self.post_message(OrderLoaded(order))
        self.notify(_("Order {number} withdrawn.").format(number=order.number))

    def action_validate(self) -> None:
        order = self.order
        if order is None or not order.validatable:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._validate(order.id)

        self.app.push_screen(
            ConfirmScreen(
                _("Validate order {number}?").format(number=order.number),
                _("A validated order can no longer be changed."),
            ),
            answered,
        )

    @work(exclusive=True, group="order-write", exit_on_error=False)
    async def _validate(self, order_id: int) -> None:
        self.post_message(await validate(self.sav, [order_id]))

    @on(Validated)
    def _validated(self, message: Validated) -> None:
        if message.result is None:
            self.query_one("#order-error", Static).update(
                glyphs.error_mark() + escape(message.error)
            )
            return
        severity = "warning" if message.result.refused else "information"
        self.notify(validation_text(message.result), severity=severity, timeout=10)
        self.load()

"""A payment voucher (*bon à payer*): its number, centre, date, who made it, its figures
(the sums of its interventions) and its interventions; Enter opens a ticket."""

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

from client.models import InvoiceTotals, Role
from tui import formats, glyphs
from tui.documents import PDF_BINDING, Documents, Fetch
from tui.i18n import N_, _, localized, ngettext
from tui.screens.centre_invoice import centre_invoice_form, invoice_text
from tui.screens.invoicing import day, totals_text
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import right
from tui.widgets.money import money, money_eur
from tui.widgets.session_bar import SessionBar

if TYPE_CHECKING:
    from client.models import VoucherDetail
    from tui.app import SavApp


@dataclass
class VoucherLoaded(Message):
    voucher: VoucherDetail | None
    error: str = ""


@localized
class VoucherScreen(Documents, Screen[None]):
    HELP = N_(
        "A payment voucher: the interventions invoiced on it and its figures, the sums of "
        "theirs. The centre's invoice to the manufacturer must equal the voucher's total. "
        "Enter opens the highlighted ticket; F5 reloads. The centre's manager presses c to "
        "record the centre's invoice for the voucher (its number and amount), or correct it; "
        "an amount other than the voucher's is flagged. F7 saves the voucher as a PDF in the "
        "exports folder (and prints it when a print command is set)."
    )
    BINDINGS = [
        Binding("f5", "refresh", N_("Refresh"), id="voucher.refresh"),
        Binding("c", "centre_invoice", N_("Your invoice"), id="voucher.centre-invoice"),
        PDF_BINDING,
    ]

    def __init__(self, voucher_id: int, voucher: VoucherDetail | None = None) -> None:
        super().__init__()
        self.voucher_id = voucher_id
        self.voucher = voucher

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        yield Static(_("Loading…"), id="voucher-head")
        yield KeyTable(id="voucher-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="voucher-totals")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#voucher-lines", DataTable)
        for title, width, key in (
            (_("Ticket"), 6, "ticket"),
            (_("Interv."), 10, "date"),
            (_("Model"), 10, "model"),
            (_("Customer"), 18, "customer"),
            (_("Net"), 9, "net"),
            (_("Total"), 9, "total"),
        ):
            table.add_column(title, width=width, key=key)
        table.focus()
        if self.voucher is not None:
            self._show(self.voucher)
        else:
            self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    @work(exclusive=True, group="voucher", exit_on_error=False)
    async def _load(self) -> None:
        from client.api import SavError

        assert self.sav.client is not None
        try:
            self.post_message(VoucherLoaded(await self.sav.client.voucher(self.voucher_id)))
        except SavError as exc:
            self.post_message(VoucherLoaded(None, exc.message))

    @on(VoucherLoaded)
    def _loaded(self, message: VoucherLoaded) -> None:
        if message.voucher is None:
            self.query_one("#voucher-head", Static).update(
                glyphs.error_mark() + escape(message.error)
            )
            return
        self._show(message.voucher)

    def _show(self, voucher: VoucherDetail) -> None:
        self.voucher = voucher
        self.refresh_bindings()
        count = ngettext("{n} intervention", "{n} interventions", voucher.count).format(
            n=voucher.count
        )
        head = _("Payment voucher {number} · {date} · {centre}").format(
            number=voucher.number,
            date=day(voucher.created_at.astimezone()),
            centre=voucher.service_centre_code,
        )
        made = _("Made by {name} · {count} · total {total}").format(
            name=voucher.created_by, count=count, total=money_eur(voucher.total)
        )
        mine = invoice_text(voucher)
        self.query_one("#voucher-head", Static).update(
            escape(f"{head}\n{voucher.service_centre_name}\n{made}\n{mine}")
        )
        table = self.query_one("#voucher-lines", DataTable)
        table.clear()
        for line in voucher.lines:
            table.add_row(
                str(line.ticket_id),
                formats.list_day(line.intervention_date),
                line.model_code,
                line.customer_name,
                right(money(line.net)),
                right(money(line.total)),
                key=str(line.ticket_id),
            )
        sums = InvoiceTotals.of(voucher.lines)
        self.query_one("#voucher-totals", Static).update(escape(totals_text(sums)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "centre_invoice":  # the centre's manager records it
            user = self.sav.user
            return user is not None and user.role is Role.MANAGER and self.voucher is not None
        return True

    def action_centre_invoice(self) -> None:
        if self.voucher is None:
            return

        def current() -> VoucherDetail:
            assert self.voucher is not None
            return self.voucher

        async def reload() -> None:
            assert self.sav.client is not None
            self._show(await self.sav.client.voucher(self.voucher_id))

        def recorded(voucher: VoucherDetail | None) -> None:
            if voucher is not None:
                self._show(voucher)
                self.notify(invoice_text(voucher))

        self.app.push_screen(centre_invoice_form(current, reload), recorded)

    def pdf_source(self) -> tuple[Fetch, str] | None:
        from client.documents import file_name

        if self.voucher is None:
            return None
        voucher_id = self.voucher_id
        return (lambda c: c.voucher_pdf(voucher_id)), file_name("voucher", self.voucher.number)

    @on(DataTable.RowSelected, "#voucher-lines")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.sav.open_ticket(int(event.row_key.value))

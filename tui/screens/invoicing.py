"""Invoicing (the seed's "Facturation"): the verified interventions waiting to be invoiced.

The list follows the search line (intervention dates ``from:`` ``to:``, and ``sc:`` a centre
for operators), by intervention date. Space marks lines, ``*`` marks every line that
matches; the line under the list shows the highlighted line's figures, the next one the
totals of the marked lines (of every line when none is marked). The centre's manager
invoices the marked lines with ``f``: after a confirmation stating how many and for how
much, the server writes the payment voucher and it is shown. ``s`` searches the vouchers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.message import Message
from textual.widgets import DataTable, Static

from client.models import InvoiceLine, InvoiceTotals, InvoicingQuery, Role
from tui import formats, glyphs
from tui.i18n import N_, _, localized, ngettext
from tui.invoicing_filter import parse_interventions
from tui.screens._search_list import SearchListScreen, room_left
from tui.screens.confirm import ConfirmScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import right
from tui.widgets.money import money, money_eur, percent

if TYPE_CHECKING:
    from client.api import SavClient
    from client.models import InvoicingList, VoucherDetail

PAGE = 200


@dataclass
class Invoiced(Message):
    voucher: VoucherDetail | None
    error: str = ""


def day(value: dt.date | None) -> str:
    """A date as the interface's language writes it (Oct 23, 2026 / 23/10/2026)."""
    return formats.day(value)


def figures_text(
    rate: Decimal,
    spares: Decimal,
    bonuses: Decimal,
    net: Decimal,
    vat: Decimal,
    total: Decimal,
    vat_rate: Decimal | None = None,
) -> str:
    """Two lines, as the seed's columns read: rate + spares + bonuses = net; VAT, total."""
    first = _("rate {rate} + spares {spares} + bonuses {bonuses} = net {net}").format(
        rate=money(rate), spares=money(spares), bonuses=money(bonuses), net=money(net)
    )
    if vat_rate is None:
        second = _("VAT {vat} · total {total}").format(vat=money(vat), total=money_eur(total))
    else:
        second = _("VAT {rate} {vat} · total {total}").format(
            rate=percent(vat_rate), vat=money(vat), total=money_eur(total)
        )
    return f"{first}\n{second}"


def totals_text(totals: InvoiceTotals) -> str:
    return figures_text(
        totals.rate, totals.spares, totals.bonuses, totals.net, totals.vat, totals.total
    )


@localized
class InvoicingScreen(SearchListScreen[InvoiceLine, InvoicingQuery]):
    HELP = N_(
        "The verified interventions waiting to be invoiced (operators: every centre's), by "
        "intervention date. Type dates to filter: from:01/10/2026 to:31/10/2026 (and "
        "sc:249050, a centre, for operators). ↓ goes to the list, / back to the search, "
        "Enter opens the ticket.\n\n"
        "Space marks a line, * marks every line that matches (again: none). Under the list: "
        "the highlighted line's rate, spares, bonuses, net, VAT and final price, then the "
        "totals of the marked lines. The centre's manager presses f to invoice them: a "
        "payment voucher is made for them and they become invoiced; your invoice to the "
        "manufacturer must equal the voucher. s searches the vouchers."
    )
    BINDINGS = [
        Binding("space", "mark", N_("Mark"), id="invoicing.mark"),
        Binding("asterisk", "mark_all", N_("Mark all"), id="invoicing.mark-all"),
        Binding("f", "invoice", N_("Invoice"), id="invoicing.invoice"),
        Binding("s", "vouchers", N_("Vouchers"), id="invoicing.vouchers"),
        Binding("slash", "search", N_("Search"), show=False, id="invoicing.search"),
        Binding("down", "to_list", N_("To the list"), show=False, id="invoicing.to-list"),
        Binding("f5", "refresh", N_("Refresh"), id="invoicing.refresh"),
    ]

    LIST = "invoicing"

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.sums = InvoiceTotals()
        self.marked: set[int] = set()
        self.query_ = InvoicingQuery()

    @property
    def manager(self) -> bool:
        return self.sav.user is not None and self.sav.user.role is Role.MANAGER

    def compose(self) -> ComposeResult:
        yield from self._compose_search(_("Invoicing"), _("from:DD/MM/YYYY to:DD/MM/YYYY"))
        yield KeyTable(id="invoicing", cursor_type="row", zebra_stripes=True, key_column="ticket")
        yield Static("", id="invoicing-info")
        yield Static("", id="invoicing-totals")
        yield Static("", id="invoicing-status")
        yield KeyFooter()

    def _set_columns(self) -> None:
        table = self._table()
        columns = [
            ("", 1, "mark"),
            (_("Ticket"), 6, "ticket"),
            (_("Interv."), 10, "date"),
            (_("Model"), 10, "model"),
            (_("Customer"), 0, "customer"),
            (_("Net"), 9, "net"),
            (_("Total"), 9, "total"),
        ]
        room = room_left(self._list_width(), columns)
        for title, size, key in columns:
            table.add_column(title, width=size or max(room, 8), key=key)

    # ------------------------------------------------------------------ searching

    def action_search(self) -> None:
        self.set_focus(self._search_line())

    def action_to_list(self) -> None:
        self.set_focus(self._table())

    def action_refresh(self) -> None:
        self._search(self._search_line().value, pause=0.0)

    def _parse(self, text: str) -> InvoicingQuery:
        return parse_interventions(text)

    def _new_search(self) -> None:
        self.marked.clear()

    async def _load(
        self,
        client: SavClient,
        query: InvoicingQuery,
        offset: int,
        mark_all: bool = False,
        **options: Any,
    ) -> InvoicingList:
        page = await client.invoicing(query, limit=PAGE, offset=offset)
        if mark_all:  # every line that matches: the rest of the pages too
            items = list(page.items)
            while page.next_cursor is not None:
                page = await client.invoicing(query, limit=PAGE, offset=offset + len(items))
                items += page.items
            page = page.model_copy(update={"items": items, "offset": offset})
        return page

    def _key(self, row: InvoiceLine) -> str:
        return str(row.ticket_id)

    def _page_loaded(self, page: InvoicingList, mark_all: bool = False, **options: Any) -> None:
        self.sums = page.sums
        if mark_all:
            self._mark_all()

    def _cells(self, line: InvoiceLine) -> list[str | Text]:
        return [
            glyphs.current().marked if line.ticket_id in self.marked else "",
            str(line.ticket_id),
            formats.list_day(line.intervention_date),
            line.model_code,
            line.customer_name,
            right(money(line.net)),
            right(money(line.total)),
        ]

    def _marked_totals(self) -> InvoiceTotals:
        return InvoiceTotals.of(line for line in self.rows if line.ticket_id in self.marked)

    def _status(self) -> None:
        text = ngettext(
            "{n} verified intervention to invoice", "{n} verified interventions to invoice",
            self.total,
        ).format(n=self.total)  # fmt: skip
        if len(self.rows) < self.total:
            text += " · " + _("{n} loaded").format(n=len(self.rows))
        if self.marked:
            totals = self._marked_totals()
            head = ngettext("{n} marked", "{n} marked", totals.count).format(n=totals.count)
        else:
            totals = self.sums
            head = _("All")
        # TRANSLATORS: "2 marked: rate 144.00 + spares ..." (the totals under the list)
        line = _("{what}: {figures}").format(what=head, figures=totals_text(totals))
        self.query_one("#invoicing-totals", Static).update(escape(line))
        self.query_one("#invoicing-status", Static).update(escape(text))

    @on(DataTable.RowHighlighted, "#invoicing")
    def _show_info(self, event: DataTable.RowHighlighted) -> None:
        row = event.cursor_row
        info = self.query_one("#invoicing-info", Static)
        if not 0 <= row < len(self.rows):
            info.update("")
            return
        line = self.rows[row]
        head = " · ".join(
            part
            for part in (
                str(line.ticket_id),
                _("created {date}").format(date=day(line.ticket_created_at)),
                f"{line.model_code} ({line.service_index})",
                _("exchange") if line.exchange else "",
                line.service_centre_code,
            )
            if part
        )
        figures = figures_text(
            line.rate, line.spares, line.bonuses, line.net, line.vat, line.total, line.vat_rate
        )
        info.update(escape(f"{head}\n{figures}"))

    def _open_row(self, key: int) -> None:
        self.sav.open_ticket(key)

    # ------------------------------------------------------------------ marking, invoicing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "invoice":
            return self.manager
        return True

    def _show_mark(self, line: InvoiceLine) -> None:
        self.query_one("#invoicing", DataTable).update_cell(
            str(line.ticket_id),
            "mark",
            glyphs.current().marked if line.ticket_id in self.marked else "",
        )

    def action_mark(self) -> None:
        line = self._highlighted()
        if line is None:
            return
        self.marked ^= {line.ticket_id}
        self._show_mark(line)
        self.query_one("#invoicing", DataTable).action_cursor_down()
        self._status()

    def action_mark_all(self) -> None:
        if self.marked and len(self.marked) == self.total:
            self.marked.clear()
            for line in self.rows:
                self._show_mark(line)
            self._status()
            return
        if len(self.rows) < self.total:  # fetch the rest, then mark
            self._fetching = True
            self._fetch(self.generation, self.query_, len(self.rows), 0.0, mark_all=True)
            return
        self._mark_all()
        self._status()

    def _mark_all(self) -> None:
        self.marked = {line.ticket_id for line in self.rows}
        for line in self.rows:
            self._show_mark(line)

    def action_invoice(self) -> None:
        ids = sorted(self.marked)
        if not ids:
            line = self._highlighted()
            if line is None:
                return
            ids = [line.ticket_id]
        totals = InvoiceTotals.of(line for line in self.rows if line.ticket_id in ids)
        question = ngettext(
            "Invoice {n} intervention for {total}?",
            "Invoice {n} interventions for {total}?",
            totals.count,
        ).format(n=totals.count, total=money_eur(totals.total))
        detail = "\n".join(
            (
                _("Net {net}, VAT {vat}.").format(
                    net=money_eur(totals.net), vat=money_eur(totals.vat)
                ),
                ngettext(
                    "A payment voucher is made; it becomes invoiced.",
                    "A payment voucher is made; they become invoiced.",
                    totals.count,
                ),
            )
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._invoice(ids)

        self.app.push_screen(ConfirmScreen(question, detail), answered)

    @work(exclusive=True, group="invoicing-invoice", exit_on_error=False)
    async def _invoice(self, ids: list[int]) -> None:
        from client.api import SavError

        assert self.sav.client is not None
        try:
            self.post_message(Invoiced(await self.sav.client.invoice(ids)))
        except SavError as exc:
            self.post_message(Invoiced(None, exc.message))

    @on(Invoiced)
    def _invoiced(self, message: Invoiced) -> None:
        if message.voucher is None:
            self.notify(message.error, severity="error", timeout=10)
            self.action_refresh()
            return
        voucher = message.voucher
        self.notify(
            _("Payment voucher {number}: {total}").format(
                number=voucher.number, total=money_eur(voucher.total)
            )
        )
        self.action_refresh()
        self.sav.open_voucher(voucher.id, voucher)

    def action_vouchers(self) -> None:
        self.sav.open_vouchers()

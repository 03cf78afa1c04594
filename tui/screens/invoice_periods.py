"""The voucher period view (no portal has it): a year, month by month.

Each month: the verified interventions not yet invoiced (by intervention date; how many,
their final amount), the interventions invoiced on the vouchers made that month, and under
it each of those vouchers with the centre's own invoice recorded against it. The centre's
invoice must equal the voucher (the seed): a difference is flagged ``!`` with its amount,
a voucher without the centre's invoice shows ``?``, a matching one ``✓``. Enter opens a
voucher (where ``c`` records the centre's invoice); F2 and F3 go to the previous and next
year; operators type a centre's code to see only its figures.
"""

from __future__ import annotations

import datetime as dt
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

from client.models import CentreInvoiceStatus, shift_month
from tui import formats, glyphs, i18n, search_words
from tui.i18n import N_, _, localized, ngettext
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import right
from tui.widgets.money import money, money_eur
from tui.widgets.search_line import SearchLine
from tui.widgets.session_bar import SessionBar

if TYPE_CHECKING:
    from decimal import Decimal

    from client.models import InvoicingPeriods, PeriodVoucher
    from tui.app import SavApp

SEARCH_DELAY = 0.15


@dataclass
class PeriodsLoaded(Message):
    generation: int
    periods: InvoicingPeriods | None
    error: str = ""


def signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + money(value)


def flag(voucher: PeriodVoucher) -> str:
    """The voucher against the centre's invoice: ✓ equal, ! and the difference, ? none."""
    if voucher.status is CentreInvoiceStatus.MATCHES:
        return glyphs.current().done
    if voucher.status is CentreInvoiceStatus.DIFFERS and voucher.difference is not None:
        return f"! {signed(voucher.difference)}"
    return "?"


@localized
class InvoicePeriodsScreen(Screen[None]):
    HELP = N_(
        "The voucher period view, a year month by month. To invoice: the verified "
        "interventions not yet invoiced (by intervention date) and their final amount. "
        "Invoiced: the interventions on the vouchers made that month; under each month, "
        "its vouchers with your invoice recorded against each. Your invoice must equal the "
        "voucher: ✓ it does, ! it differs (by the amount shown), ? none recorded yet. "
        "Enter opens a voucher, where c records your invoice (on a month: its interventions "
        "to invoice). F2 and F3 go to the previous "
        "and next year; operators type a centre's code to see only its figures."
    )
    BINDINGS = [
        Binding("f2", "year(-1)", N_("Prev. year"), id="periods.previous"),
        Binding("f3", "year(1)", N_("Next year"), id="periods.next"),
        Binding("f5", "refresh", N_("Refresh"), id="periods.refresh"),
        Binding("slash", "search", N_("Search"), show=False, id="periods.search"),
        Binding("down", "to_list", N_("To the list"), show=False, id="periods.to-list"),
    ]

    def __init__(self, year: int | None = None) -> None:
        super().__init__()
        self.year = year or 0
        """0: this year (the app's clock), set when composed."""
        self.periods: InvoicingPeriods | None = None
        self.vouchers: dict[str, PeriodVoucher] = {}
        self.generation = 0

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    @property
    def operator(self) -> bool:
        return self.sav.user is not None and self.sav.user.is_operator

    def compose(self) -> ComposeResult:
        if not self.year:
            self.year = self.sav.clock().astimezone().year
        yield SessionBar()
        with Horizontal(id="search-row"):
            yield Label(_("Periods"), id="search-label")
            line = SearchLine(
                id="periods-query",
                compact=True,
                max_length=20,
                placeholder=_("centre code (operators)"),
            )
            line.display = self.operator
            yield line
        yield Static("", id="periods-head")
        yield Static("", id="periods-error", classes="-error")
        yield KeyTable(id="periods", cursor_type="row", zebra_stripes=True)
        yield Static("", id="periods-info")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#periods", DataTable)
        for title, width, key in (
            (_("Month / voucher"), 15, "what"),
            (_("To inv."), 7, "pending"),
            (_("Amount"), 9, "pending_amount"),
            (_("Inv."), 4, "invoiced"),
            (_("Amount"), 9, "invoiced_amount"),
            (_("Invoice no."), 11, "invoice"),
            (_("Check"), 8, "check"),
        ):
            table.add_column(title, width=width, key=key)
        if self.operator:
            self.set_focus(self.query_one("#periods-query", Input))
        else:
            table.focus()
        self._load(pause=0.0)

    def _load(self, pause: float = SEARCH_DELAY) -> None:
        self.generation += 1
        self.query_one("#periods-head", Static).update(
            escape(_("{year} · loading…").format(year=self.year))
        )
        centre = self.query_one("#periods-query", Input).value.strip()
        self._fetch(self.generation, self.year, centre, pause)

    @work(exclusive=True, group="periods", exit_on_error=False)
    async def _fetch(self, generation: int, year: int, centre: str, pause: float) -> None:
        import asyncio

        from client.api import SavError

        if pause:
            await asyncio.sleep(pause)
        assert self.sav.client is not None
        try:
            periods = await self.sav.client.invoicing_periods(year, centre)
        except SavError as exc:
            self.post_message(PeriodsLoaded(generation, None, exc.message))
            return
        self.post_message(PeriodsLoaded(generation, periods))

    @on(PeriodsLoaded)
    def _loaded(self, message: PeriodsLoaded) -> None:
        if message.generation != self.generation:
            return
        error = self.query_one("#periods-error", Static)
        if message.periods is None:
            error.update(glyphs.error_mark() + escape(message.error))
            return
        error.update("")
        self._show(message.periods)

    def _show(self, periods: InvoicingPeriods) -> None:
        self.periods = periods
        self.vouchers = {}
        table = self.query_one("#periods", DataTable)
        table.clear()
        for month in periods.months:
            number = int(month.month[5:])
            table.add_row(
                Text(formats.month(periods.year, number, short=True), style="bold"),
                right(str(month.pending_count) if month.pending_count else ""),
                right(money(month.pending_amount) if month.pending_count else ""),
                right(str(month.invoiced_count) if month.invoiced_count else ""),
                right(money(month.invoiced_amount) if month.vouchers else ""),
                "",
                "",
                key=f"m{month.month}",
            )
            for voucher in month.vouchers:
                key = f"v{voucher.id}"
                self.vouchers[key] = voucher
                table.add_row(
                    " " + voucher.number,
                    "",
                    "",
                    right(str(voucher.count)),
                    right(money(voucher.total)),
                    voucher.invoice_number or "",
                    flag(voucher),
                    key=key,
                )
        totals = periods.totals
        head = _(
            "{year} · to invoice {pending} ({pending_amount}) · invoiced {invoiced} "
            "({invoiced_amount})"
        ).format(
            year=periods.year,
            pending=totals.pending_count,
            pending_amount=money_eur(totals.pending_amount),
            invoiced=totals.invoiced_count,
            invoiced_amount=money_eur(totals.invoiced_amount),
        )
        checks = []
        if totals.differences:
            checks.append(
                ngettext(
                    "! {n} invoice differs from its voucher",
                    "! {n} invoices differ from their vouchers",
                    totals.differences,
                ).format(n=totals.differences)
            )
        if totals.missing:
            checks.append(
                ngettext(
                    "? {n} voucher without your invoice",
                    "? {n} vouchers without your invoice",
                    totals.missing,
                ).format(n=totals.missing)
            )
        if checks:
            head += "\n" + " · ".join(checks)
        self.query_one("#periods-head", Static).update(escape(head))

    @on(DataTable.RowHighlighted, "#periods")
    def _info(self, event: DataTable.RowHighlighted) -> None:
        info = self.query_one("#periods-info", Static)
        voucher = self.vouchers.get(str(event.row_key.value))
        if voucher is None:
            info.update("")
            return
        first = _("{number} · {date} · {centre} · {count} · total {total}").format(
            number=voucher.number,
            date=formats.day(voucher.created_at.astimezone().date()),
            centre=voucher.service_centre_code,
            count=ngettext("{n} intervention", "{n} interventions", voucher.count).format(
                n=voucher.count
            ),
            total=money_eur(voucher.total),
        )
        if voucher.invoice_number is None or voucher.invoice_amount is None:
            second = _("? Your invoice is not recorded yet (Enter, then c).")
        elif voucher.status is CentreInvoiceStatus.MATCHES:
            second = _("{mark} Your invoice {number}: {amount}, equal to the voucher.").format(
                mark=glyphs.current().done,
                number=voucher.invoice_number,
                amount=money_eur(voucher.invoice_amount),
            )
        else:
            assert voucher.difference is not None
            second = _(
                "! Your invoice {number}: {amount}, differs from the voucher by {difference}."
            ).format(
                number=voucher.invoice_number,
                amount=money_eur(voucher.invoice_amount),
                difference=signed(voucher.difference),
            )
        info.update(escape(f"{first}\n{second}"))

    @on(DataTable.RowSelected, "#periods")
    def _open(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        voucher = self.vouchers.get(key)
        if voucher is not None:
            self.sav.open_voucher(voucher.id)
        elif key.startswith("m") and self.periods is not None:  # the month's to invoice
            first = dt.date(int(key[1:5]), int(key[6:8]), 1)
            following = shift_month(key[1:], 1)
            last = dt.date(int(following[:4]), int(following[5:]), 1) - dt.timedelta(days=1)
            keys = search_words.INVOICING_KEYS.get(i18n.language(), {})
            since = keys.get("intervention_from", ("from",))[0]
            until = keys.get("intervention_to", ("to",))[0]
            text = f"{since}:{first:%d/%m/%Y} {until}:{last:%d/%m/%Y}"
            centre = self.query_one("#periods-query", Input).value.strip()
            self.sav.open_invoicing(f"{text} sc:{centre}" if centre else text)

    @on(Input.Changed, "#periods-query")
    def _typed(self) -> None:
        self._load()

    @on(Input.Submitted, "#periods-query")
    def _submitted(self) -> None:
        self.action_to_list()

    def action_search(self) -> None:
        if self.operator:
            self.set_focus(self.query_one("#periods-query", Input))

    def action_to_list(self) -> None:
        self.set_focus(self.query_one("#periods", DataTable))

    def action_refresh(self) -> None:
        self._load(pause=0.0)

    def action_year(self, step: int) -> None:
        self.year = min(max(self.year + step, 2000), 2100)
        self._load(pause=0.0)

    def on_screen_resume(self) -> None:
        if self.periods is not None:  # back from a voucher: its invoice may be recorded
            self._load(pause=0.0)

"""Search payment vouchers (the seed's "Rechercher facturés"): by number (its start),
creation dates (``from:`` ``to:``), final amount (``min:`` ``max:``) and, for operators, a
centre (``sc:``); newest first. Enter opens a voucher."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.widgets import Static

from client.models import VoucherQuery, VoucherSummary
from tui import formats
from tui.i18n import N_, _, localized, ngettext
from tui.invoicing_filter import parse_vouchers
from tui.screens._search_list import SearchListScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import right
from tui.widgets.money import money

if TYPE_CHECKING:
    from rich.text import Text

    from client.api import SavClient

PAGE = 100


@localized
class VouchersScreen(SearchListScreen[VoucherSummary, VoucherQuery]):
    HELP = N_(
        "Payment vouchers, newest first (operators: every centre's). Type a voucher number "
        "or its start (BP249050), and filters: from:01/10/2026 to:31/10/2026 (the day it "
        "was made), min:100 max:2500 (its total), sc:249050 (a centre). ↓ goes to the list, "
        "/ back to the search, Enter opens a voucher."
    )
    BINDINGS = [
        Binding("slash", "search", N_("Search"), show=False, id="vouchers.search"),
        Binding("down", "to_list", N_("To the list"), show=False, id="vouchers.to-list"),
        Binding("f5", "refresh", N_("Refresh"), id="vouchers.refresh"),
    ]

    LIST = "vouchers"

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.query_ = VoucherQuery()

    def compose(self) -> ComposeResult:
        yield from self._compose_search(_("Vouchers"), _("number, from: to: min: max:"))
        yield KeyTable(id="vouchers", cursor_type="row", zebra_stripes=True)
        yield Static("", id="vouchers-status")
        yield KeyFooter()

    def _set_columns(self) -> None:
        table = self._table()
        for title, width, key in (
            (_("Number"), 14, "number"),
            (_("Date"), 10, "date"),
            (_("Centre"), 6, "centre"),
            (_("Lines"), 6, "count"),
            (_("Total"), 10, "total"),
            (_("By"), 16, "by"),
        ):
            table.add_column(title, width=width, key=key)

    def action_search(self) -> None:
        self.set_focus(self._search_line())

    def action_to_list(self) -> None:
        self.set_focus(self._table())

    def action_refresh(self) -> None:
        self._search(self._search_line().value, pause=0.0)

    def _parse(self, text: str) -> VoucherQuery:
        return parse_vouchers(text)

    async def _load(
        self, client: SavClient, query: VoucherQuery, offset: int, **options: Any
    ) -> Any:
        return await client.search_vouchers(query, limit=PAGE, offset=offset)

    def _cells(self, row: VoucherSummary) -> list[str | Text]:
        return [
            row.number,
            formats.list_day(row.created_at.astimezone()),
            row.service_centre_code,
            right(str(row.count)),
            right(money(row.total)),
            row.created_by,
        ]

    def _key(self, row: VoucherSummary) -> str:
        return str(row.id)

    def _status(self) -> None:
        text = ngettext("{n} voucher", "{n} vouchers", self.total).format(n=self.total)
        if len(self.rows) < self.total:
            text += " · " + _("{n} loaded").format(n=len(self.rows))
        self.query_one("#vouchers-status", Static).update(escape(text))

    def _open_row(self, key: int) -> None:
        self.sav.open_voucher(key)

"""F4 in the cart: choose one of the centre's tickets (confirmed or waiting for parts) to
tie a part to.

Type to search (a name, a ticket number, a city…); Enter ties a lone result, else goes to
the list, where Enter picks; ctrl+u unties the line from its ticket. The server checks
the choice again when it is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from client.models import TicketQuery, TicketStatus
from tui import glyphs
from tui.i18n import N_, _, localized, ngettext
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.status import ticket_status, ticket_status_width
from tui.widgets.text_field import TextField

if TYPE_CHECKING:
    from client.models import Page, TicketSummary

UNTIE = 0
"""What the picker answers for "no ticket"; ``None`` means it was cancelled."""

OPEN_FOR_PARTS = (TicketStatus.CONFIRMED, TicketStatus.WAITING_PARTS)
"""The statuses offered in the lookup: parts are ordered for a confirmed appointment or a
ticket already waiting for parts (the server's status machine; it has the last word)."""


@dataclass
class _Found(Message):
    text: str
    page: Page[TicketSummary] | None
    error: str = ""


@localized
class TicketPickerScreen(ModalScreen[int | None]):
    HELP = N_(
        "Your centre's tickets that parts can be ordered for: confirmed, or already waiting "
        "for parts. Type to search (customer, ticket number, city, model); Enter ties the line "
        "when one ticket is found, else goes to the list, where Enter ties the line to the "
        "highlighted ticket; ctrl+u unties it; "
        "Esc leaves the line as it was."
    )
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="picker.cancel"),
        # priority: the search field's own ctrl+u (delete to the start) must not swallow it
        Binding("ctrl+u", "untie", N_("No ticket"), id="picker.untie", priority=True),
        Binding("down", "to_list", N_("To the list"), show=False, id="picker.to-list"),
    ]

    def __init__(self, current: int | None = None) -> None:
        super().__init__()
        self.current = current
        self.rows: list[TicketSummary] = []
        self.shown_for: str | None = None
        """The search text the rows answer."""

    def compose(self) -> ComposeResult:
        with Vertical(id="picker") as box:
            box.border_title = _("Tie to a ticket")
            yield TextField(
                id="picker-query", placeholder=_("customer, ticket, city…"), compact=True
            )
            yield Static("", id="picker-status")
            yield KeyTable(id="picker-results", cursor_type="row", zebra_stripes=True)
            yield Label(_("Enter ties · ctrl+u no ticket · Esc cancels"), classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#picker-results", DataTable)
        status = ticket_status_width()  # never cut: the customer's name gives up the room
        for title, width in (
            (_("Ticket"), 7),
            (_("Customer"), max(40 - status, 12)),
            (_("Model"), 10),
            (_("Status"), status),
        ):
            table.add_column(title, width=width)
        self.set_focus(self.query_one("#picker-query", Input))
        self.search("", pause=0.0)

    @on(Input.Changed, "#picker-query")
    def _typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @on(Input.Submitted, "#picker-query")
    def _submitted(self, event: Input.Submitted) -> None:
        # a search that found exactly one ticket (a number typed, Enter) ties it at once;
        # only when the list shown is that search's answer, not the one before it
        if len(self.rows) == 1 and self.shown_for == event.value:
            self.dismiss(self.rows[0].id)
        else:
            self.action_to_list()

    def action_to_list(self) -> None:
        self.set_focus(self.query_one("#picker-results", DataTable))

    @work(exclusive=True, group="picker", exit_on_error=False)
    async def search(self, text: str, pause: float = 0.15) -> None:
        import asyncio

        from client.api import SavError

        if pause:
            await asyncio.sleep(pause)
        client = self.app.client  # type: ignore[attr-defined]
        query = TicketQuery(status=OPEN_FOR_PARTS, q=text.strip()[:200])
        try:
            page = await client.search_tickets(query, limit=100)
        except SavError as exc:
            self.post_message(_Found(text, None, exc.message))
            return
        self.post_message(_Found(text, page))

    @on(_Found)
    def _found(self, message: _Found) -> None:
        status = self.query_one("#picker-status", Static)
        table = self.query_one("#picker-results", DataTable)
        table.clear()
        self.rows = []
        self.shown_for = None
        if message.page is None:
            status.update(glyphs.error_mark() + escape(message.error))
            return
        self.rows = list(message.page.items)
        self.shown_for = message.text
        cursor = 0
        for i, t in enumerate(self.rows):
            if t.id == self.current:
                cursor = i
            mark = glyphs.current().chosen + " " if t.id == self.current else ""
            table.add_row(
                f"{mark}{t.id}", t.customer_name, t.model_code, ticket_status(t.status.value),
                key=str(t.id),
            )  # fmt: skip
        if self.rows:
            table.move_cursor(row=cursor)
        total = message.page.total
        text = ngettext(
            "{n} ticket confirmed or waiting for parts",
            "{n} tickets confirmed or waiting for parts",
            total,
        ).format(n=f"{total}+" if not message.page.total_exact else total)  # + : counted so far
        if total > len(self.rows):
            text += " " + _("(the first {n} shown: type more to narrow)").format(n=len(self.rows))
        status.update(escape(text))

    @on(DataTable.RowSelected, "#picker-results")
    def _picked(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.dismiss(int(event.row_key.value))

    def action_untie(self) -> None:
        self.dismiss(UNTIE)

    def action_cancel(self) -> None:
        self.dismiss(None)

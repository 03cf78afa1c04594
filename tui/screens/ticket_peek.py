"""`:t N`: a ticket's essentials, fetched from the server (the full ticket screen comes later)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.i18n import N_, _, localized
from tui.messages import LoadFailed
from tui.widgets.status import ticket_status

if TYPE_CHECKING:
    from client.models import Ticket


@localized
class TicketPeekScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", N_("Close"), id="ticket-peek.close")]

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id

    def compose(self) -> ComposeResult:
        with Vertical(id="ticket-peek") as box:
            box.border_title = _("Ticket {id}").format(id=self.ticket_id)
            yield Static(_("Loading…"), id="ticket-text")

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        from client.api import NotFoundError, SavError

        client = self.app.client  # type: ignore[attr-defined]
        try:
            ticket = await client.ticket(self.ticket_id)
        except NotFoundError:
            self.post_message(LoadFailed(_("No ticket {id} here.").format(id=self.ticket_id)))
            return
        except SavError as exc:
            self.post_message(LoadFailed(exc.message))
            return
        self.query_one("#ticket-text", Static).update(self._describe(ticket))

    def _describe(self, t: Ticket) -> str:
        c, a = t.customer, t.appliance
        overdue = "  ! " + _("overdue") if t.overdue else ""
        lines = [
            _("Customer: {name}, {street}, {postal_code} {city}").format(
                name=f"{c.last_name} {c.first_name}",
                street=c.street,
                postal_code=c.postal_code,
                city=c.city,
            ),
            _("Appliance: {model} {index}, serial {serial}").format(
                model=a.model_code, index=a.service_index, serial=a.serial_number or "-"
            ),
            _("Problem: {problem}").format(problem=t.problem),
            _("Centre: {centre}, engineer: {engineer}").format(
                centre=t.service_centre_code or "-", engineer=t.engineer or "-"
            ),
            "",
            _("The full ticket screen comes in a later version. Esc closes."),
        ]
        status = f"[b]{escape(ticket_status(t.status.value))}[/b]{overdue}"
        return "\n".join([status, *(escape(line) for line in lines)])

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        self.query_one("#ticket-text", Static).update(f"✗ {message.message}")

    def action_close(self) -> None:
        self.dismiss(None)

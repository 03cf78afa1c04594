"""The home screen: what needs the signed-in user today, and the keys to each area."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from tui import glyphs
from tui.i18n import N_, _, localized, ngettext
from tui.messages import DashboardLoaded, LoadFailed
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.session_bar import SessionBar
from tui.widgets.status import ticket_status

if TYPE_CHECKING:
    from client.models import Dashboard
    from tui.app import SavApp


@localized
class HomeScreen(Screen[None]):
    """Today's figures for the user's service centre (every centre for an operator)."""

    HELP = N_(
        "The figures come from the server and count your service centre's tickets "
        "(every centre's for an operator). *Overdue* contacts are tickets waiting more than "
        "48 h in *To contact* (the clock stands still while the customer is unreachable). "
        "The letters open each area; r or F5 refreshes. Operators record a customer's "
        "request with n (new ticket)."
    )
    BINDINGS = [
        Binding("t", "area('tickets')", N_("Tickets"), id="home.tickets"),
        Binding("c", "area('catalogue')", N_("Catalogue"), id="home.catalogue"),
        Binding("b", "area('cart')", N_("Cart"), id="home.cart"),
        Binding("o", "area('orders')", N_("Orders"), id="home.orders"),
        Binding("i", "area('invoicing')", N_("Invoicing"), id="home.invoicing", show=False),
        Binding("n", "new_ticket", N_("New ticket"), id="home.new-ticket",
                tooltip=N_("Operators: record a customer's request")),
        Binding("r", "refresh", N_("Refresh"), show=False, id="home.refresh"),
        Binding("f5", "refresh", N_("Refresh"), show=False, id="home.refresh-f5"),
        Binding("ctrl+l", "sign_out", N_("Sign out"), id="home.sign-out",
                tooltip=N_("End the session and forget the remembered token")),
    ]  # fmt: skip

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        with Vertical(id="home"):
            yield Label(_("What needs you today"), id="home-title")
            with Horizontal(id="home-panels"):
                with Vertical(id="today", classes="panel") as today:
                    today.border_title = _("Today")
                    yield Static(_("Loading…"), id="today-figures")
                status_table = KeyTable(id="status-counts", cursor_type="row", zebra_stripes=True)
                status_table.border_title = _("Tickets by status")
                status_table.add_class("panel")
                yield status_table
            yield Static(self._areas_text(), id="areas")
            yield Static("", id="home-error", classes="-error")
        yield KeyFooter()

    def _areas_text(self) -> str:
        return "   ".join(
            f"[b]{key}[/b] {label}"
            for key, label in (
                ("t", _("Tickets")),
                ("c", _("Catalogue")),
                ("b", _("Cart")),
                ("o", _("Orders")),
                ("i", _("Invoicing")),
            )
        )

    def on_mount(self) -> None:
        table = self.query_one("#status-counts", DataTable)
        table.add_column(_("Status"), key="status")
        table.add_column(_("Tickets"), key="count")
        table.focus()
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_area(self, area: str) -> None:
        if area == "tickets":
            self.sav.open_tickets()
            return
        if area == "catalogue":
            self.sav.open_catalogue()
            return
        if area == "cart":
            self.sav.open_cart()
            return
        if area == "orders":
            self.sav.open_orders()
            return
        if area == "invoicing":
            self.sav.open_invoicing()
            return
        labels = {
            "tickets": _("Tickets"),
            "catalogue": _("Catalogue"),
            "cart": _("Cart"),
            "orders": _("Orders"),
            "invoicing": _("Invoicing"),
        }
        self.sav.not_built(labels[area])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_ticket":  # operators record requests; the others never see n
            return self.sav.user is not None and self.sav.user.is_operator
        return True

    def action_new_ticket(self) -> None:
        from tui.screens.new_ticket import NewTicketForm

        if self.sav.user is None or not self.sav.user.is_operator:
            return
        self.app.push_screen(NewTicketForm(self.sav.clock), self._recorded)

    def _recorded(self, ticket: object) -> None:
        from client.models import Ticket

        if not isinstance(ticket, Ticket):
            return
        self.notify(_("Ticket {id} recorded.").format(id=ticket.id))
        self.load()
        self.sav.open_ticket(ticket.id)

    def action_sign_out(self) -> None:
        self.sav.action_sign_out()

    @work(exclusive=True, group="dashboard", exit_on_error=False)
    async def load(self) -> None:
        from client.api import SavError

        client = self.sav.client
        if client is None:
            return
        try:
            self.post_message(DashboardLoaded(await client.dashboard()))
        except SavError as exc:
            self.post_message(LoadFailed(exc.message))

    @on(DashboardLoaded)
    def show(self, message: DashboardLoaded) -> None:
        dashboard = message.dashboard
        self.query_one("#home-error", Static).update("")
        self.query_one("#today-figures", Static).update(self._today(dashboard))
        table = self.query_one("#status-counts", DataTable)
        cursor = table.cursor_row
        table.clear()
        for item in dashboard.status_counts:
            table.add_row(
                ticket_status(item.status.value), f"{item.count:>6}", key=item.status.value
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def _today(self, d: Dashboard) -> str:
        counts = {c.status.value: c.count for c in d.status_counts}
        lines = []
        if d.overdue_contacts:
            lines.append(
                "! "
                + ngettext(
                    "{n} contact overdue (over 48 h)", "{n} contacts overdue (over 48 h)",
                    d.overdue_contacts,
                ).format(n=d.overdue_contacts)
            )  # fmt: skip
        else:
            lines.append("  " + _("No contact overdue"))
        figures = [
            (counts.get("to_contact", 0), _("to contact")),
            (counts.get("unreachable", 0), _("unreachable, to call again")),
            (counts.get("confirmed", 0), _("confirmed appointments")),
            (counts.get("waiting_parts", 0), _("waiting for parts")),
        ]
        if self.sav.user is not None and self.sav.user.is_operator:
            figures = [
                (counts.get("to_assign", 0), _("to assign")),
                (counts.get("closed", 0), _("closed, to verify")),
                *figures[:1],
            ]
        figures += [
            (d.orders_awaiting_validation, _("orders awaiting validation")),
            (d.open_tickets, _("open tickets in all")),
        ]
        lines += [f"  {n:>4}  {label}" for n, label in figures]
        return "\n".join(lines)

    @on(LoadFailed)
    def failed(self, message: LoadFailed) -> None:
        self.query_one("#home-error", Static).update(
            glyphs.error_mark() + message.message + " " + _("(r to try again)")
        )

    @on(DataTable.RowSelected, "#status-counts")
    def _open_status(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.sav.open_tickets(f"st:{event.row_key.value}")

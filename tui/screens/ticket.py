"""A ticket: its group's tickets as tabs, the customer, appliance and request, the history,
the customer's previous tickets, and the actions the server allows the user now."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static, Tab, TabbedContent, TabPane, Tabs

from client.models import TicketAction, TicketStatus
from tui import formats, glyphs
from tui.copy import COPY_BINDINGS, Copies, tab_line
from tui.documents import PDF_BINDING, Documents, Fetch
from tui.i18n import N_, _, localized, ngettext
from tui.screens import ticket_actions as forms
from tui.ticket_text import (
    closing_text,
    delivery,
    details_text,
    entry_text,
    header_text,
    short,
    when,
)
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.session_bar import SessionBar
from tui.widgets.status import ticket_status

if TYPE_CHECKING:
    from client.api import SavClient
    from client.models import (
        CatalogueModel,
        Closing,
        HistoryEntry,
        Page,
        Ticket,
        TicketGroup,
        TicketSummary,
    )
    from tui.app import SavApp
    from tui.widgets.ticket_orders import TicketOrder


@dataclass
class TicketLoaded(Message):
    ticket: Ticket
    group: TicketGroup | None
    history: Page[HistoryEntry] | None
    previous: list[TicketSummary] | None
    closing: Closing | None = None


@dataclass
class OrdersLoaded(Message):
    ticket_id: int
    rows: list[TicketOrder]


@dataclass
class TicketFailed(Message):
    message: str


@dataclass
class ModelsFound(Message):
    """The catalogue's models for a ticket's appliance (model code + service index)."""

    ticket: Ticket
    models: list[CatalogueModel]


@dataclass
class ModelLookupFailed(Message):
    message: str


CLOSED_STATUSES = (TicketStatus.CLOSED, TicketStatus.VERIFIED, TicketStatus.INVOICED)


async def _closing_of(client: SavClient, ticket: Ticket) -> Closing | None:
    """The closing of a closed ticket (what the operator checks before verifying)."""
    if ticket.status not in CLOSED_STATUSES:
        return None
    return await client.intervention(ticket.id)


async def _fetch(client: SavClient, ticket_id: int, *, previous: bool = True) -> TicketLoaded:
    """Everything the screen shows of a ticket, asked for at once: the ticket, its history and
    the previous tickets together, then (they need the ticket) its group and its closing.
    ``TicketScreen._show`` shows it, on opening and on every reload alike. ``previous``: False
    when the screen keeps the previous tickets it shows (a reload under a form: their table,
    its cursor with it, stays as it is)."""

    async def ticket_group_closing() -> tuple[Ticket, TicketGroup, Closing | None]:
        ticket = await client.ticket(ticket_id)
        group, closing = await asyncio.gather(
            client.ticket_group(ticket.group_id), _closing_of(client, ticket)
        )
        return ticket, group, closing

    async def previous_tickets() -> list[TicketSummary] | None:
        return await client.previous_tickets(ticket_id) if previous else None

    (ticket, group, closing), history, earlier = await asyncio.gather(
        ticket_group_closing(), client.ticket_history(ticket_id), previous_tickets()
    )
    return TicketLoaded(ticket, group, history, earlier, closing)


# key → action; a key shows in the footer only when the server offers its action
ACTION_KEYS = {
    "contacted": TicketAction.CONTACTED,
    "unreachable": TicketAction.UNREACHABLE,
    "add_log": TicketAction.ADD_LOG,
    "update_appliance": TicketAction.UPDATE_APPLIANCE,
    "assign": TicketAction.ASSIGN,
    "request_exchange": TicketAction.REQUEST_EXCHANGE,
    "cancel": TicketAction.CANCEL,
    "reject": TicketAction.REJECT,
    "verify": TicketAction.VERIFY,
    "close": TicketAction.CLOSE,
    "parts_received": TicketAction.PARTS_RECEIVED,
    "reschedule": TicketAction.RESCHEDULE,
}


@localized
class TicketScreen(Copies, Documents, Screen[None]):
    HELP = N_(
        "One ticket of a customer's request; the request's other tickets are the tabs on "
        "top (← → or [ ] switch). d, h and p show the details, the history (newest first) "
        "and the customer's previous tickets (Enter opens one).\n\n"
        "The keys in the footer are the actions the server allows you now: c customer "
        "contacted (appointment), u not reachable (attempt and means), l add a log "
        "(optionally e-mailed), a appliance data. Contact is per group: c and u are "
        "recorded on every ticket of the group still to contact, and the message says "
        "how many. While the customer is unreachable the 48 h clock stands still (the "
        "header shows the time it has left); the details count the failed attempts. "
        "Operators also s assign a centre (the same centre resumes the clock), "
        "t reschedule the appointment, "
        "x request an exchange, ctrl+x cancel, r reject a closed ticket, v verify it "
        "(the details show the whole closing: codes, work, parts with their prices "
        "against the catalogue, amounts). The centre closes with x (the closing form) "
        "and says the parts arrived with g. F7 saves the intervention report of a closed "
        "ticket as a PDF in the exports folder (and prints it when a print command is set). "
        "In a form, ctrl+s saves and Esc cancels; if someone saved the ticket meanwhile, "
        "the form says who and when, ctrl+r reloads, and what you typed stays.\n\n"
        "m opens the appliance's model in the parts catalogue, knowing its serial number "
        "and production date: the lines that do not apply to it are marked, and the parts "
        "added to the cart from there are for this ticket.\n\n"
        "o shows every order made for the ticket, the manufacturer's and the outside "
        "suppliers' (Enter opens one); b orders parts for it from an outside supplier."
    )
    BINDINGS = [
        Binding("m", "parts", N_("Parts"), id="ticket.parts",
                tooltip=N_("The appliance's model in the parts catalogue, for this ticket")),
        Binding("c", "act('contacted')", N_("Contacted"), id="ticket.contacted"),
        Binding("u", "act('unreachable')", N_("Unreachable"), id="ticket.unreachable"),
        Binding("l", "act('add_log')", N_("Log"), id="ticket.log"),
        Binding("a", "act('update_appliance')", N_("Appliance"), id="ticket.appliance"),
        Binding("s", "act('assign')", N_("Assign"), id="ticket.assign"),
        Binding("x", "act('request_exchange')", N_("Exchange"), id="ticket.exchange"),
        # the same key: closing is the centre's, requesting an exchange the operator's
        Binding("x", "act('close')", N_("Close ticket"), id="ticket.close"),
        Binding("b", "supplier_order", N_("Supplier order"), id="ticket.supplier-order",
                tooltip=N_("Order parts for this ticket from an outside supplier")),
        Binding("g", "act('parts_received')", N_("Parts received"), id="ticket.parts-received"),
        Binding("ctrl+x", "act('cancel')", N_("Cancel ticket"), id="ticket.cancel"),
        Binding("r", "act('reject')", N_("Reject"), id="ticket.reject"),
        Binding("v", "act('verify')", N_("Verify"), id="ticket.verify"),
        Binding("t", "act('reschedule')", N_("Reschedule"), id="ticket.reschedule",
                tooltip=N_("Operators: move the appointment")),
        Binding("d", "section('details')", N_("Details"), show=False, id="ticket.details"),
        Binding("h", "section('history')", N_("History"), show=False, id="ticket.history"),
        Binding("p", "section('previous')", N_("Previous"), show=False, id="ticket.previous"),
        Binding("o", "section('orders')", N_("Orders"), show=False, id="ticket.orders"),
        Binding("left,left_square_bracket", "other(-1)", N_("Previous ticket of the group"),
                show=False, id="ticket.prev-tab"),
        Binding("right,right_square_bracket", "other(1)", N_("Next ticket of the group"),
                show=False, id="ticket.next-tab"),
        Binding("f5", "reload", N_("Reload"), show=False, id="ticket.reload"),
        PDF_BINDING,
        *COPY_BINDINGS,
    ]  # fmt: skip

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.ticket: Ticket | None = None
        self.group: TicketGroup | None = None
        self.closing: Closing | None = None
        """The intervention of a closed ticket (F7 makes its report)."""
        self._history: list[HistoryEntry] = []
        self._history_rows = True
        """Whether the history table shows ``_history`` (it is filled after the first paint)."""
        self._prefetch: tuple[int, asyncio.Future[TicketLoaded]] | None = None
        """The ticket asked for as soon as the screen is composed, while its widgets mount."""

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        client = self.sav.client
        if client is not None and self._prefetch is None:  # the server works while we mount
            self._prefetch = (self.ticket_id, asyncio.ensure_future(_fetch(client, self.ticket_id)))
        yield SessionBar()
        yield Static(_("Loading ticket {id}…").format(id=self.ticket_id), id="ticket-header")
        yield Tabs(id="group-tabs")
        with TabbedContent(id="sections", initial="details"):
            with TabPane(_("Details"), id="details"):
                with VerticalScroll(id="details-scroll"):
                    yield Static("", id="details-text")
            with TabPane(_("History"), id="history"):
                yield KeyTable(id="history-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="history-note")
            with TabPane(_("Previous tickets"), id="previous"):
                yield KeyTable(id="previous-table", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Orders"), id="orders"):
                yield KeyTable(id="orders-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        history = self.query_one("#history-table", DataTable)
        for label in (_("Date"), _("Author"), _("Status"), _("Appointment"), _("Type"), _("Note")):
            history.add_column(label)
        previous = self.query_one("#previous-table", DataTable)
        for label in (_("Ticket"), _("Created"), _("Model"), _("Status"), _("Centre")):
            previous.add_column(label)
        orders = self.query_one("#orders-table", DataTable)
        for label in (_("Date"), _("Supplier"), _("Number"), _("Status"), _("Delivery")):
            orders.add_column(label)
        prefetch = self._prefetch
        if prefetch is not None and prefetch[1].done() and not prefetch[1].cancelled():
            if prefetch[1].exception() is None:  # here already: in the first frame painted
                self._prefetch = None
                self._show(prefetch[1].result())
                self.load_orders(self.ticket_id)
                return
        self.load(self.ticket_id)

    # ------------------------------------------------------------------ loading

    @work(exclusive=True, group="ticket", exit_on_error=False)
    async def load(self, ticket_id: int) -> None:
        from client.api import NotFoundError, SavError

        client = self.sav.client
        if client is None:
            return
        prefetch, self._prefetch = self._prefetch, None
        try:
            if prefetch is not None and prefetch[0] == ticket_id:
                loaded = await prefetch[1]  # asked for while the screen was being built
            else:
                if prefetch is not None:
                    prefetch[1].cancel()
                loaded = await _fetch(client, ticket_id)
        except NotFoundError:
            self.post_message(TicketFailed(_("No ticket {id} here.").format(id=ticket_id)))
            return
        except SavError as exc:
            self.post_message(TicketFailed(exc.message))
            return
        self.post_message(loaded)
        self.load_orders(ticket_id)

    @work(exclusive=True, group="ticket-orders", exit_on_error=False)
    async def load_orders(self, ticket_id: int) -> None:
        """The Orders tab: the manufacturer's and (centres' staff) the suppliers' orders."""
        from client.api import SavError
        from tui.widgets.ticket_orders import ticket_orders

        client, user = self.sav.client, self.sav.user
        if client is None or user is None:
            return
        try:
            rows = await ticket_orders(client, ticket_id, supplier=not user.is_operator)
        except SavError:
            return  # the tab stays as it was; the ticket itself is shown
        self.post_message(OrdersLoaded(ticket_id, rows))

    @on(OrdersLoaded)
    def _orders_loaded(self, message: OrdersLoaded) -> None:
        if message.ticket_id != self.ticket_id:
            return
        table = self.query_one("#orders-table", DataTable)
        table.clear()
        for row in message.rows:
            table.add_row(*row.cells(), key=row.key)
        pane = self.query_one(TabbedContent).get_tab("orders")
        pane.label = _("Orders ({n})").format(n=len(message.rows))  # type: ignore[assignment]

    @on(DataTable.RowSelected, "#orders-table")
    def _open_order(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value or ""
        if key.startswith("m"):
            self.sav.open_order(int(key[1:]))
        elif key.startswith("s"):
            self._reload_on_resume = True
            self.sav.open_supplier_order(int(key[1:]))

    def action_supplier_order(self) -> None:
        """b: a new order to an outside supplier, for this ticket."""
        if self.ticket is not None:
            self._reload_on_resume = True  # sent: the ticket waits for parts
            self.sav.open_supplier_order(ticket_id=self.ticket.id)

    def on_unmount(self) -> None:
        if self._prefetch is not None:
            self._prefetch[1].cancel()
            self._prefetch = None

    def on_screen_resume(self) -> None:
        if getattr(self, "_reload_on_resume", False):
            self._reload_on_resume = False
            self.load(self.ticket_id)

    async def reload_now(self) -> None:
        """Read the ticket again, now (a form waits for it before saving again): as ``load``
        does, but awaited, and its errors left to the form, which says them."""
        client = self.sav.client
        if client is None:
            return
        self._show(await _fetch(client, self.ticket_id, previous=False))

    @on(TicketLoaded)
    def _loaded(self, message: TicketLoaded) -> None:
        self._show(message)

    def _show(self, message: TicketLoaded) -> None:
        ticket = message.ticket
        self.ticket, self.ticket_id = ticket, ticket.id
        self.closing = message.closing
        if message.group is not None:
            self.group = message.group
            self._show_tabs(message.group)
        self.query_one("#ticket-header", Static).update(self._header(ticket))
        # the padding and the scroll bar; the app's size: the screen may not be laid out yet
        width = max(self.app.size.width - 4, 40)
        details = details_text(ticket, width)
        if message.closing is not None:  # first: what the operator checks before v
            details = closing_text(message.closing, width) + "\n" + details
        self.query_one("#details-text", Static).update(details)
        if message.history is not None:
            self._show_history(message.history)
        if message.previous is not None:
            self._show_previous(message.previous)
        self.refresh_bindings()

    @on(TicketFailed)
    def _failed(self, message: TicketFailed) -> None:
        self.query_one("#ticket-header", Static).update(
            glyphs.error_mark()
            + escape(message.message)
            + "  "
            + _("(F5 to try again, Esc to go back)")
        )

    def action_reload(self) -> None:
        self.load(self.ticket_id)

    # ------------------------------------------------------------------ painting

    def _header(self, t: Ticket) -> str:
        """Two lines, each whole at the screen's width (``ticket_text.header_text``)."""
        return header_text(t, max(self.app.size.width - 2, 20), self.sav.clock())  # the padding

    def on_resize(self) -> None:
        if self.ticket is not None:
            self.query_one("#ticket-header", Static).update(self._header(self.ticket))

    def _show_tabs(self, group: TicketGroup) -> None:
        tabs = self.query_one("#group-tabs", Tabs)
        wanted = [f"t{s.id}" for s in group.tickets]
        have = [tab.id for tab in tabs.query(Tab)]
        # rebuilding the tabs activates them: that is not the person choosing another ticket
        with tabs.prevent(Tabs.TabActivated):
            if wanted != have:
                tabs.clear()
                for s in group.tickets:
                    tabs.add_tab(Tab(self._tab_label(s), id=f"t{s.id}"))
            else:
                for s in group.tickets:
                    current = self.ticket if self.ticket and self.ticket.id == s.id else None
                    status = current.status.value if current else None
                    tabs.query_one(f"#t{s.id}", Tab).label = self._tab_label(s, status)
            tabs.display = len(group.tickets) > 1
        if not tabs.display and self.focused is tabs:  # focus on a hidden widget is unseen
            self.focus_next()

    @staticmethod
    def _tab_label(s: TicketSummary, status: str | None = None) -> str:
        return f"{s.id} {s.model_code} · {ticket_status(status or s.status.value)}"

    def _show_history(self, page: Page[HistoryEntry]) -> None:
        """The tab's count now; its rows once this frame is painted (the tab is not shown
        first), or now when it is the tab shown."""
        self._history = list(page.items)
        self._history_rows = False
        pane = self.query_one(TabbedContent).get_tab("history")
        pane.label = _("History ({n})").format(n=page.total)  # type: ignore[assignment]
        if self.query_one(TabbedContent).active == "history":
            self._fill_history()
        else:
            self._show_note(0)
            self.call_after_refresh(self._fill_history)

    def _fill_history(self) -> None:
        """The history's rows in its table (plain text: a note is not markup)."""
        if self._history_rows:
            return
        self._history_rows = True
        table = self.query_one("#history-table", DataTable)
        table.clear()
        mail = glyphs.current().mail
        for e in self._history:
            note = entry_text(e).replace("\n", " ")
            if e.email_to:
                note += f"  {mail} " + e.email_to + delivery(e)
            table.add_row(
                Text(formats.list_moment(e.at, empty="-")),
                Text(short(e.author)),
                Text(ticket_status(e.status.value)),
                Text(formats.list_moment(e.appointment_at, empty="-")),
                Text(forms.history_type(e.type.value)),
                Text(note),
            )
        self._show_note(table.cursor_row)

    def _show_previous(self, previous: list[TicketSummary]) -> None:
        table = self.query_one("#previous-table", DataTable)
        table.clear()
        for s in previous:
            table.add_row(
                str(s.id),
                when(s.created_at, with_time=False),
                s.model_code,
                ticket_status(s.status.value),
                s.service_centre_code or "-",
                key=str(s.id),
            )
        pane = self.query_one(TabbedContent).get_tab("previous")
        pane.label = _("Previous tickets ({n})").format(n=len(previous))  # type: ignore[assignment]

    # ------------------------------------------------------------------ keys

    @on(TabbedContent.TabActivated, "#sections")
    def _section_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "history":  # a click on its tab, before its rows were filled
            self._fill_history()

    @on(Tabs.TabActivated, "#group-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        wanted = int((event.tab.id or "t0")[1:])
        if wanted and wanted != self.ticket_id:
            self.ticket_id = wanted
            self.load(wanted)

    def action_other(self, step: int) -> None:
        if self.group is None or len(self.group.tickets) < 2:
            return
        ids = [s.id for s in self.group.tickets]
        position = ids.index(self.ticket_id) if self.ticket_id in ids else 0
        self.ticket_id = ids[(position + step) % len(ids)]
        self.query_one("#group-tabs", Tabs).active = f"t{self.ticket_id}"
        self.load(self.ticket_id)

    def action_section(self, name: str) -> None:
        if name == "history":
            self._fill_history()
        self.query_one(TabbedContent).active = name
        if name != "details":
            self.set_focus(self.query_one(f"#{name}-table"))

    def copy_text(self, whole: bool) -> tuple[str, str] | None:
        t = self.ticket
        if t is None:
            return None
        if not whole:
            return str(t.id), _("the ticket number")
        history = self.query_one("#history-table", DataTable)
        if self.focused is history and 0 <= history.cursor_row < len(self._history):
            e = self._history[history.cursor_row]
            return tab_line(
                t.id, when(e.at), e.author, ticket_status(e.status.value),
                forms.history_type(e.type.value), e.note,
            ), _("the history entry")  # fmt: skip
        c, a = t.customer, t.appliance
        return tab_line(
            t.id, f"{c.last_name} {c.first_name}", f"{c.postal_code} {c.city}", a.model_code,
            a.serial_number, ticket_status(t.status.value), t.service_centre_code or "",
        ), _("the line")  # fmt: skip

    def _show_note(self, row: int) -> None:
        note = self.query_one("#history-note", Static)
        if not 0 <= row < len(self._history):
            note.update("")
            return
        e = self._history[row]
        text = f"[b]{escape(when(e.at))} {escape(e.author)}[/b]  {escape(e.text or e.note or '-')}"
        if e.text and e.note:
            text += "\n" + escape(e.note)
        if e.email_to:
            text += f"\n{glyphs.current().mail} " + escape(e.email_to + delivery(e))
        note.update(text)

    @on(DataTable.RowHighlighted, "#history-table")
    def _history_row(self, event: DataTable.RowHighlighted) -> None:
        self._show_note(event.cursor_row)

    @on(DataTable.RowSelected, "#previous-table")
    def _open_previous(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.sav.open_ticket(int(event.row_key.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            wanted = ACTION_KEYS.get(str(parameters[0]))
            return self.ticket is not None and wanted in self.ticket.actions
        if action == "supplier_order":  # the centres' staff, for a ticket that can wait
            user = self.sav.user
            return (
                self.ticket is not None
                and user is not None
                and not user.is_operator
                and self.ticket.status in (TicketStatus.CONFIRMED, TicketStatus.WAITING_PARTS)
            )
        if action == "pdf":  # the intervention report, once there is a closing
            return self.closing is not None and self.closing.ticket_id == self.ticket_id
        if action == "parts":  # shown whenever the appliance has a model
            return self.ticket is not None and bool(self.ticket.appliance.model_code.strip())
        return True

    def pdf_source(self) -> tuple[Fetch, str] | None:
        from client.documents import file_name

        if self.closing is None:
            return None
        ticket_id = self.closing.ticket_id
        return (lambda c: c.intervention_pdf(ticket_id)), file_name("intervention", ticket_id)

    # ------------------------------------------------------------------ parts

    def action_parts(self) -> None:
        """m: the appliance's model in the catalogue, for this appliance and this ticket."""
        if self.ticket is not None and self.ticket.appliance.model_code.strip():
            self.find_model(self.ticket)

    @work(exclusive=True, group="parts", exit_on_error=False)
    async def find_model(self, ticket: Ticket) -> None:
        from client.api import SavError

        client = self.sav.client
        if client is None:
            return
        a = ticket.appliance
        try:
            page = await client.models(
                code=a.model_code, service_index=a.service_index.strip() or None, limit=20
            )
        except SavError as exc:
            self.post_message(ModelLookupFailed(exc.message))
            return
        self.post_message(ModelsFound(ticket, list(page.items)))

    @on(ModelsFound)
    def _models_found(self, message: ModelsFound) -> None:
        from tui.screens.add_to_cart import ApplianceInfo

        ticket, a = message.ticket, message.ticket.appliance
        if not message.models:
            self.notify(
                _("Model {code} {si} is not in the parts catalogue.").format(
                    code=a.model_code, si=a.service_index or "-"
                ),
                title=_("Parts"),
                severity="warning",
            )
        elif len(message.models) == 1:
            model = message.models[0]
            appliance = ApplianceInfo(
                model_id=model.id,
                serial=a.serial_number.strip() or None,
                production_date=a.production_date,
                ticket_id=ticket.id,
                ticket_status=ticket.status,
            )
            self.sav.open_model(model.id, appliance)
        else:  # no service index on the ticket, several in the catalogue
            self.notify(
                _("Model {code}: no service index on the ticket; choose one.").format(
                    code=a.model_code
                ),
                title=_("Parts"),
            )
            self.sav.open_catalogue("models", a.model_code)

    @on(ModelLookupFailed)
    def _model_lookup_failed(self, message: ModelLookupFailed) -> None:
        self.notify(message.message, title=_("Parts"), severity="error")

    def action_act(self, name: str) -> None:
        action = ACTION_KEYS[name]
        if self.ticket is None or action not in self.ticket.actions:
            return

        def current() -> Ticket:
            assert self.ticket is not None
            return self.ticket

        builders: dict[TicketAction, Any] = {
            TicketAction.CONTACTED: forms.contacted,
            TicketAction.UNREACHABLE: forms.unreachable,
            TicketAction.ADD_LOG: forms.add_log,
            TicketAction.UPDATE_APPLIANCE: forms.appliance,
            TicketAction.ASSIGN: forms.assign,
            TicketAction.RESCHEDULE: forms.reschedule,
        }
        if action is TicketAction.CLOSE:
            from tui.screens.close_intervention import CloseInterventionScreen

            self.app.push_screen(CloseInterventionScreen(self.ticket_id), self._after_closing)
            return
        builder = builders.get(action)
        form = (
            builder(current, self.reload_now, self.sav.clock)
            if builder is not None
            else forms.with_note(current, self.reload_now, action)
        )
        self.app.push_screen(form, self._after_action)

    def _after_closing(self, result: bool | None) -> None:
        if result:
            self.notify(_("Intervention closed."))
        self.load(self.ticket_id)  # a draft saved, or the ticket closed

    def _after_action(self, result: object) -> None:
        from client.models import ContactOutcome

        if result is None:
            return
        if isinstance(result, ContactOutcome) and result.group_updated:
            n = len(result.group_updated)
            self.notify(
                ngettext(
                    "Saved on this ticket and {n} other ticket of the group ({ids}).",
                    "Saved on this ticket and {n} other tickets of the group ({ids}).",
                    n,
                ).format(n=n, ids=", ".join(str(i) for i in result.group_updated))
            )
        else:
            self.notify(_("Saved."))
        self.load(self.ticket_id)
        self.action_section("history")  # what was just saved is its newest entry

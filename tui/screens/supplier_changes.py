"""Supplier changes (the seed's "Synchroniser" and its screen of changes): the pending diff.

Each line is one change a supplier made to a pending order — part number, part name,
purchase price, sale price, expected delivery date — as old → new, by order and line; the
line under the list names the open tickets and the carts the highlighted change touches,
with ``!`` when a new delivery date falls after a ticket's appointment. Space marks, ``*``
marks all; ``a`` applies the marked changes (all when none is marked), ``d`` dismisses them,
``s`` synchronises now. The server decides everything; this screen shows it.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from tui import formats, glyphs
from tui.i18n import N_, _, language, localized, ngettext
from tui.screens.confirm import ConfirmScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.session_bar import SessionBar

if TYPE_CHECKING:
    from client.models.supplier_sync import (
        DecisionResult,
        SupplierChange,
        SupplierChanges,
        SyncSummary,
    )
    from tui.app import SavApp


PAGE = 40
"""Changes asked for at a time: the first page is shown at once, the others added after."""


@dataclass
class ChangesLoaded(Message):
    changes: SupplierChanges
    generation: int = 0


@dataclass
class ChangesFailed(Message):
    message: str


@dataclass
class Synced(Message):
    summary: SyncSummary | None
    error: str = ""


@dataclass
class Decided(Message):
    action: str
    result: DecisionResult | None
    error: str = ""


def field_name(field: str) -> str:
    return {
        "ordered_code": _("part number"),
        "part_name": _("part name"),
        "purchase_price": _("purchase price"),
        "sale_price": _("sale price"),
        "expected_delivery": _("delivery date"),
    }.get(field, field)


def value_text(field: str, value: str) -> str:
    """A change's value as the interface's language writes it."""
    return _value_text(field, value, language())


@lru_cache(maxsize=4096)
def _value_text(field: str, value: str, lang: str) -> str:
    """(Babel's formatting costs; a diff repeats the same few prices and dates.)"""
    if not value:
        return "—"
    try:
        if field in ("purchase_price", "sale_price"):
            return formats.money(Decimal(value), lang)
        if field == "expected_delivery":
            return formats.day(dt.date.fromisoformat(value), lang)
    except (InvalidOperation, ValueError):
        pass
    return value


def change_text(change: SupplierChange) -> str:
    return f"{value_text(change.field, change.old)} → {value_text(change.field, change.new)}"


def late(change: SupplierChange) -> bool:
    return any(t.late for t in change.tickets)


@localized
class SupplierChangesScreen(Screen[None]):
    HELP = N_(
        "What suppliers changed on your pending orders since they were sent — part number, "
        "part name, purchase price, sale price, delivery date — shown old → new, by order "
        "and line, and not applied until you say so. Under the list: the open tickets and "
        "the carts the highlighted change touches; ! marks a new delivery date after the "
        "ticket's appointment.\n\n"
        "Space marks a change, * marks them all (again: none). a applies the marked changes "
        "(all of them when none is marked) to the orders and writes them into each tied "
        "ticket's history; d dismisses them (the orders stay as they were). s synchronises "
        "now; the server also does every 3 hours. Enter opens the ticket."
    )
    BINDINGS = [
        Binding("space", "mark", N_("Mark"), id="supplier-changes.mark"),
        Binding("asterisk", "mark_all", N_("Mark all"), id="supplier-changes.mark-all"),
        Binding("a", "apply", N_("Apply"), id="supplier-changes.apply"),
        Binding("d", "dismiss_changes", N_("Dismiss"), id="supplier-changes.dismiss"),
        Binding("s", "synchronise", N_("Synchronise"), id="supplier-changes.sync"),
        Binding("f5", "refresh", N_("Refresh"), id="supplier-changes.refresh"),
        Binding("r", "refresh", N_("Refresh"), show=False, id="supplier-changes.refresh-r"),
    ]

    def __init__(self, synchronise: bool = False) -> None:
        super().__init__()
        self.rows: list[SupplierChange] = []
        self.total = 0
        self.marked: set[int] = set()
        self.syncing = False
        self.generation = 0
        self.first_cursor = 0
        self.painted_at: float | None = None
        self._sync_first = synchronise

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        with Horizontal(id="search-row"):
            yield Label(_("Supplier changes"), id="search-label")
            yield Static(" · " + _("Loading…"), id="changes-sync")
        yield Static("", id="changes-problems", classes="-error")
        yield KeyTable(id="changes", cursor_type="row", zebra_stripes=True, key_column="order")
        yield Static("", id="changes-info")
        yield Static("", id="changes-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#changes", DataTable)
        scrollbar = table.styles.scrollbar_size_vertical
        width = (table.size.width or self.app.size.width - scrollbar) - scrollbar
        columns = [
            ("", 1, "mark"),
            (_("Order"), 10, "order"),
            (_("L."), 2, "line"),
            (_("Change"), 14, "field"),
            (_("Old → new"), 0, "change"),
            (_("Ticket"), 7, "ticket"),
        ]
        room = width - sum(w + 2 for _t, w, _k in columns) - 2
        for title, size, key in columns:
            table.add_column(title, width=size or max(room, 12), key=key)
        table.focus()
        if self._sync_first:
            self.action_synchronise()
        else:
            self.load()

    # ------------------------------------------------------------------ loading

    def action_refresh(self) -> None:
        self.load()

    @work(exclusive=True, group="supplier-changes", exit_on_error=False)
    async def load(self) -> None:
        """The first page at once, then the others, each added as it comes: the screen is
        usable from the first page however long the diff."""
        from client.api import SavError

        client = self.sav.client
        assert client is not None
        self.generation += 1
        generation = self.generation
        offset = 0
        try:
            while True:
                page = await client.supplier_changes(limit=PAGE, offset=offset)
                self.post_message(ChangesLoaded(page, generation))
                offset += len(page.items)
                if not page.items or offset >= page.total:
                    return
        except SavError as exc:
            self.post_message(ChangesFailed(exc.message))

    @on(ChangesLoaded)
    def _loaded(self, message: ChangesLoaded) -> None:
        if message.generation != self.generation:
            return  # an older load
        changes = message.changes
        table = self.query_one("#changes", DataTable)
        if changes.offset == 0:
            self.first_cursor = table.cursor_row
            table.clear()
            self.rows = []
            self.total = changes.total
            self._show_sync(changes)
            self.call_after_refresh(self._painted)
        elif changes.offset != len(self.rows):
            return  # not the page that follows (a page lost): the next refresh reloads
        self.rows += changes.items
        self.total = changes.total
        table.add_rows([self._cells(c) for c in changes.items])  # row i is self.rows[i]
        if changes.offset + len(changes.items) >= changes.total or not changes.items:
            self.marked &= {c.id for c in self.rows}
        if self.rows and changes.offset == 0:
            table.move_cursor(row=min(max(self.first_cursor, 0), table.row_count - 1))
        self._status()
        if changes.offset == 0:
            self._show_info()

    def _painted(self) -> None:
        """After the refresh that painted the first page (the bench reads it)."""
        self.painted_at = time.perf_counter()

    def _show_sync(self, changes: SupplierChanges) -> None:
        if changes.last_success_at is None:
            when = _("Last sync: never")
        else:
            when = _("Last sync: {moment}").format(moment=formats.moment(changes.last_success_at))
        if self.syncing:
            when += " · " + _("synchronising…")
        self.query_one("#changes-sync", Static).update(escape(" · " + when))
        run = changes.last_run
        problems = (
            [glyphs.error_mark() + p.message for p in run.problems]
            if run is not None and run.status != "done"
            else []
        )
        self.query_one("#changes-problems", Static).update(escape("\n".join(problems)))

    def _cells(self, change: SupplierChange) -> list[Text]:
        """Plain ``Text`` cells: a supplier's values are not markup (and 2,000 rows are not
        parsed for it)."""
        ticket = ""
        if change.tickets:
            ticket = str(change.tickets[0].id)
            if late(change):
                ticket = glyphs.current().overdue + ticket
        return [
            Text(glyphs.current().marked if change.id in self.marked else ""),
            Text(change.supplier_order_number or change.client_reference),
            Text(str(change.line_no)),
            Text(field_name(change.field)),
            Text(change_text(change)),
            Text(ticket),
        ]

    def _status(self) -> None:
        text = ngettext(
            "{n} change pending", "{n} changes pending", self.total
        ).format(n=self.total)  # fmt: skip
        if len(self.rows) < self.total:
            text += " · " + _("{n} shown").format(n=len(self.rows))
        if self.marked:
            text += " · " + ngettext("{n} marked", "{n} marked", len(self.marked)).format(
                n=len(self.marked)
            )
        self.query_one("#changes-status", Static).update(escape(text))

    @on(ChangesFailed)
    def _failed(self, message: ChangesFailed) -> None:
        self.query_one("#changes-problems", Static).update(
            glyphs.error_mark() + escape(message.message) + " " + escape(_("(r to try again)"))
        )

    def _highlighted(self) -> SupplierChange | None:
        row = self.query_one("#changes", DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    @on(DataTable.RowHighlighted, "#changes")
    def _highlight(self) -> None:
        self._show_info()

    def _show_info(self) -> None:
        info = self.query_one("#changes-info", Static)
        change = self._highlighted()
        if change is None:
            info.update(_("No change pending.") if not self.rows else "")
            return
        head = _("Order {order} ({reference}) line {line}: {code} {name}").format(
            order=change.supplier_order_number or "—",
            reference=change.client_reference,
            line=change.line_no,
            code=change.ordered_code,
            name=change.part_name,
        )
        if change.order_status == "cancelled":
            head += " · " + _("order cancelled: dismiss this change")
        touched = []
        for ticket in change.tickets:
            text = _("ticket {id}").format(id=ticket.id)
            if ticket.appointment_at is not None:
                text += " " + _("appointment {moment}").format(
                    moment=formats.moment(ticket.appointment_at)
                )
            if ticket.late:
                text = glyphs.current().overdue + " " + text + " " + _("(after the appointment)")
            touched.append(text)
        for cart in change.carts:
            touched.append(
                _("cart of {user} ({quantity})").format(user=cart.user, quantity=cart.quantity)
            )
        lines = [head, f"{field_name(change.field)}: {change_text(change)}"]
        lines.append(
            _("Touches: {what}").format(what=", ".join(touched))
            if touched
            else _("Touches no open ticket or cart")
        )
        info.update(escape("\n".join(lines)))

    @on(DataTable.RowSelected, "#changes")
    def _open(self) -> None:
        change = self._highlighted()
        if change is not None and change.tickets:
            self.sav.open_ticket(change.tickets[0].id)

    # ------------------------------------------------------------------ marking

    def _show_mark(self, row: int) -> None:
        table = self.query_one("#changes", DataTable)
        if row >= table.row_count:
            return  # not added yet: added with its mark
        change = self.rows[row]
        mark = glyphs.current().marked if change.id in self.marked else ""
        table.update_cell_at((row, 0), Text(mark))

    def action_mark(self) -> None:
        table = self.query_one("#changes", DataTable)
        row = table.cursor_row
        if not 0 <= row < len(self.rows):
            return
        self.marked ^= {self.rows[row].id}
        self._show_mark(row)
        table.action_cursor_down()
        self._status()

    def action_mark_all(self) -> None:
        every = {c.id for c in self.rows}
        self.marked = set() if self.marked == every else every
        for row in range(len(self.rows)):
            self._show_mark(row)
        self._status()

    # ------------------------------------------------------------------ deciding

    def _chosen(self) -> tuple[list[int], bool]:
        """The marked changes, or (none marked) every pending change."""
        if self.marked:
            return sorted(self.marked), False
        return [], True

    def action_apply(self) -> None:
        self._decide("apply")

    def action_dismiss_changes(self) -> None:
        self._decide("dismiss")

    def _decide(self, action: str) -> None:
        if not self.rows:
            self.notify(_("No change pending."), severity="warning")
            return
        ids, every = self._chosen()
        n = self.total if every else len(ids)
        if action == "apply":
            question = ngettext(
                "Apply {n} change to the orders?", "Apply {n} changes to the orders?", n
            ).format(n=n)
            detail = _("The orders take the new values; each tied ticket's history says so.")
        else:
            question = ngettext("Dismiss {n} change?", "Dismiss {n} changes?", n).format(n=n)
            detail = _("The orders stay as they are; the decision is recorded.")

        def answered(yes: bool | None) -> None:
            if yes:
                self._send(action, ids, every)

        self.app.push_screen(ConfirmScreen(question, detail), answered)

    @work(exclusive=True, group="supplier-changes-decide", exit_on_error=False)
    async def _send(self, action: str, ids: list[int], every: bool) -> None:
        from client.api import SavError

        client = self.sav.client
        assert client is not None
        try:
            if action == "apply":
                result = await client.apply_supplier_changes(ids, every=every)
            else:
                result = await client.dismiss_supplier_changes(ids, every=every)
        except SavError as exc:
            self.post_message(Decided(action, None, exc.message))
            return
        self.post_message(Decided(action, result))

    @on(Decided)
    def _decided(self, message: Decided) -> None:
        result = message.result
        if result is None:
            self.notify(message.error, severity="error", timeout=10)
        else:
            self.marked.clear()
            n = len(result.done)
            if message.action == "apply":
                text = ngettext("{n} change applied", "{n} changes applied", n).format(n=n)
                if result.tickets:
                    text += " · " + _("history written on tickets {ids}").format(
                        ids=", ".join(map(str, result.tickets))
                    )
            else:
                text = ngettext("{n} change dismissed", "{n} changes dismissed", n).format(n=n)
            self.notify(text)
            for refused in result.refused:
                self.notify(refused.message, severity="warning", timeout=10)
        self.load()

    # ------------------------------------------------------------------ synchronising

    def action_synchronise(self) -> None:
        if self.syncing:
            return
        self.syncing = True
        sync = self.query_one("#changes-sync", Static)
        sync.update(escape(" · " + _("Synchronising with the suppliers…")))
        self._synchronise()

    @work(exclusive=True, group="supplier-sync", exit_on_error=False)
    async def _synchronise(self) -> None:
        from client.api import SavError

        client = self.sav.client
        assert client is not None
        try:
            self.post_message(Synced(await client.synchronise_suppliers()))
        except SavError as exc:
            self.post_message(Synced(None, exc.message))

    @on(Synced)
    def _synced(self, message: Synced) -> None:
        self.syncing = False
        summary = message.summary
        if summary is None:
            self.notify(message.error, severity="error", timeout=10)
        else:
            checked = ngettext(
                "{n} order checked", "{n} orders checked", summary.orders_checked
            ).format(n=summary.orders_checked)
            found = ngettext("{n} new change", "{n} new changes", summary.changes_found).format(
                n=summary.changes_found
            )
            self.notify(f"{checked} · {found}")
            for problem in summary.problems:
                self.notify(problem.message, severity="warning", timeout=10)
        self.load()

"""Ticket search: results as you type, any size of result, saved queues, CSV export."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static
from textual.worker import get_current_worker

from client.models import TicketQuery, TicketSort, TicketStatus
from tui import appearance, formats, glyphs, i18n, search_words
from tui import queues as saved_queues
from tui.copy import COPY_BINDINGS, Copies, tab_line
from tui.i18n import N_, _, localized, ngettext
from tui.ticket_filter import FilterError, parse
from tui.widgets.key_footer import KeyFooter
from tui.widgets.search_line import SearchLine
from tui.widgets.session_bar import SessionBar
from tui.widgets.status import ticket_status
from tui.widgets.ticket_list import COLUMNS, TicketList, header_text

if TYPE_CHECKING:
    from pathlib import Path

    from textual.timer import Timer
    from textual.worker import Worker

    from client.models import Page, TicketSummary
    from tui.app import SavApp

SORT_CYCLE = [c.sort for c in COLUMNS if c.sort is not None]
SEARCHING_AFTER = 0.25
"""Seconds an answer may take before the status line says "Searching…": a quick one
replaces the count at once, without a frame of "Searching…" in between."""
WAIT_FOR_ANSWER = 0.25
"""Seconds a newer line waits for the answer to the search already out before it is sent
anyway (that search then cancelled). Keys typed faster than the server answers (a burst, a
paste) thus send one search for the line as it stands once the answer comes, not one per
key: the server computes a search whose client has gone all the same, and those prefixes
(``m``, ``ma``, ``mar``) are the dearest to compute. A key typed after the answer came
(at a human pace, or after a pause) is sent at once."""


def count_text(total: int, exact: bool = True) -> str:
    """ "1,234 tickets" in the user's language; "10,000+ tickets" when the server stopped
    counting at ``total`` (``exact`` False)."""
    if exact:
        return ngettext("{n} ticket", "{n} tickets", total).format(n=formats.number(total))
    return ngettext("{n}+ ticket", "{n}+ tickets", total).format(n=formats.number(total))


@dataclass
class _Out:
    """A search whose request is out: its worker, when it left, and whether it came back."""

    worker: Worker[None]
    sent: float
    answered: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class ResultsLoaded(Message):
    generation: int
    page: Page[TicketSummary]
    first: bool


@dataclass
class ResultsFailed(Message):
    generation: int
    message: str
    offset: int | None = None


@dataclass
class ExportDone(Message):
    path: Path | None
    rows: int
    message: str = ""


@localized
class TicketSearchScreen(Copies, Screen[None]):
    HELP = N_(
        "Type to search; the list follows as you type. Free words find a customer's name "
        "or company, a ticket or group number, a serial number or an external reference; "
        "each word must start a word of the ticket (`regg 1164`).\n\n"
        "Filters are `key:value` words, listed below in your language (English keys and "
        "status names work too); a status is named by any clear start of its name, accents "
        "and case ignored (`st:contact,unreach`); dates are ISO (`2026-11-01`) or as your "
        "language writes them.\n\n"
        "Queues are saved search lines: F2 and F3 go to the previous and the next one "
        "(1…9 in the list go straight to one), ctrl+s saves the line as a queue, F8 "
        "removes the current one. "
        "In the list: ↑ ↓ j k PgUp PgDn Home End move, Enter opens the ticket, s changes "
        "the sort column and S reverses it. F6 exports the whole result to a CSV file."
    )

    def help_more(self) -> str:
        """The filters, flags, sort columns and statuses in the user's language."""
        return search_words.filters_help(
            search_words.TICKET_KEYS,
            i18n.language(),
            [ticket_status(s.value) for s in TicketStatus],
            with_flags_and_sorts=True,
        )

    BINDINGS = [
        Binding("f6", "export", N_("Export CSV"), id="tickets.export"),
        Binding("ctrl+s", "save_queue", N_("Save queue"), id="tickets.save-queue"),
        Binding("f8", "remove_queue", N_("Remove queue"), show=False, id="tickets.remove-queue"),
        Binding("f5", "refresh", N_("Refresh"), show=False, id="tickets.refresh"),
        Binding("down", "to_list", N_("To the list"), show=False, id="tickets.to-list"),
        Binding("s", "sort(1)", N_("Sort"), id="tickets.sort"),
        Binding("S", "sort(-1)", N_("Reverse"), show=False, id="tickets.reverse"),
        # Queues: F2/F3 from anywhere on the screen (every terminal sends them; alt+digit
        # does not survive tmux, PuTTY or the Linux console), 1…9 in the list.
        Binding("f2", "next_queue(-1)", N_("Previous queue"), show=False,
                id="tickets.previous-queue"),
        Binding("f3", "next_queue(1)", N_("Next queue"), id="tickets.next-queue"),
        *[
            Binding(str(n), f"list_queue({n})", N_("Queue of that number"), show=False,
                    id=f"tickets.queue-{n}")
            for n in range(1, 10)
        ],
        *COPY_BINDINGS,
    ]  # fmt: skip

    def __init__(self, text: str | None = None) -> None:
        super().__init__()
        self.generation = 0
        self.current_query = TicketQuery()
        self.sort, self.desc = TicketSort.CREATED_AT, True
        self._initial = text
        self._queues: list[saved_queues.Queue] = []
        self.queue_index: int | None = None
        self._searching: Timer | None = None
        self._out: _Out | None = None
        """The search whose request is out, if any."""
        self._first_failed = False
        """Whether the current line's first page could not be fetched."""

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        with Horizontal(id="search-row"):
            yield Label(_("Search"), id="search-label")
            yield SearchLine(
                placeholder=_("name, ticket, serial…  st: cp: city: model: is:overdue"),
                id="search",
                compact=True,
            )
        yield Static("", id="search-error", classes="field-error")
        yield Static("", id="queues")
        yield Static("", id="list-header")
        yield TicketList(id="tickets")
        yield Static("", id="result-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._queues = self._load_queues()
        self.set_focus(self.query_one("#search", Input))
        if self._initial is not None:
            self._set_line(self._initial)
        else:
            self.action_queue(1)

    # ------------------------------------------------------------------ queues

    def _queue_owner(self) -> tuple[str, str]:
        user = self.sav.user
        return self.sav.backend.credential_key, user.username if user else ""

    def _load_queues(self) -> list[saved_queues.Queue]:
        stored = saved_queues.load(*self._queue_owner())
        if stored is not None:
            return stored
        return [saved_queues.Queue(_(q.name), q.text) for q in saved_queues.DEFAULT_QUEUES]

    def _show_queues(self) -> None:
        parts = []
        for n, queue in enumerate(self._queues, start=1):
            label = f"{n} {escape(queue.name)}"
            if n - 1 == self.queue_index:
                label = appearance.chosen(glyphs.current().current + label)
            else:
                label = f" {label}"
            parts.append(label)
        self.query_one("#queues", Static).update(" ".join(parts) or _("No queue saved."))

    def action_queue(self, number: int) -> None:
        if number > len(self._queues):
            self.notify(_("No queue {n}.").format(n=number), severity="warning")
            return
        self.queue_index = number - 1
        self._set_line(self._queues[number - 1].text)

    def action_next_queue(self, step: int) -> None:
        """F2 / F3: the previous / next queue (from the first or last when none is chosen)."""
        if not self._queues:
            self.notify(_("No queue saved."), severity="warning")
            return
        if self.queue_index is None:
            current = -1 if step > 0 else 0
        else:
            current = self.queue_index
        self.action_queue((current + step) % len(self._queues) + 1)

    def _set_line(self, text: str) -> None:
        search = self.query_one("#search", Input)
        search.value = text
        search.cursor_position = len(text)
        self._show_queues()
        self._search_line(text)

    def action_save_queue(self) -> None:
        from tui.screens.prompt import PromptScreen

        text = self.query_one("#search", Input).value.strip()
        if len(self._queues) >= saved_queues.MAX_QUEUES and not any(
            q.text == text for q in self._queues
        ):
            self.notify(_("Nine queues at most: remove one first (F8)."), severity="warning")
            return
        self.app.push_screen(
            PromptScreen(_("Name of the queue for: {text}").format(text=text or _("all tickets"))),
            lambda name: self._save_queue(name, text),
        )

    def _save_queue(self, name: str | None, text: str) -> None:
        if not name:
            return
        replaced = [i for i, q in enumerate(self._queues) if q.name == name]
        queue = saved_queues.Queue(name, text)
        if replaced:
            self._queues[replaced[0]] = queue
            self.queue_index = replaced[0]
        else:
            self._queues.append(queue)
            self.queue_index = len(self._queues) - 1
        self._store_queues()
        self.notify(_("Queue {n} “{name}” saved.").format(n=(self.queue_index or 0) + 1, name=name))

    def action_remove_queue(self) -> None:
        if self.queue_index is None or self.queue_index >= len(self._queues):
            self.notify(_("Choose a queue first (F2, F3, or 1…9 in the list)."), severity="warning")
            return
        removed = self._queues.pop(self.queue_index)
        self.queue_index = None
        self._store_queues()
        self.notify(_("Queue “{name}” removed.").format(name=removed.name))

    def _store_queues(self) -> None:
        try:
            saved_queues.save(*self._queue_owner(), self._queues)
        except OSError as exc:
            self.notify(_("Could not save the queues: {e}").format(e=exc), severity="error")
        self._show_queues()

    # ------------------------------------------------------------------ searching

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        if self.queue_index is not None and (
            self.queue_index >= len(self._queues)
            or self._queues[self.queue_index].text != event.value
        ):
            self.queue_index = None
            self._show_queues()
        self._search_line(event.value)

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        self.action_to_list()

    def _search_line(self, text: str) -> None:
        error = self.query_one("#search-error", Static)
        try:
            query = parse(text, TicketQuery(sort=self.sort, desc=self.desc))
        except FilterError as exc:
            error.update(glyphs.error_mark() + escape(str(exc)))
            error.display = True
            return
        if error.display:
            error.display = False
        if self.generation and query == self.current_query and not self._first_failed:
            return  # the same search (``st:to_contact `` then ``cp:``): its result is there
        self.run_query(query)

    def run_query(self, query: TicketQuery) -> None:
        self.current_query = query
        self.generation += 1
        self._first_failed = False
        self._show_header()
        # the request leaves at once; "Searching…" only if its answer is slow to come
        if self._searching is not None:
            self._searching.stop()
        self._searching = self.set_timer(
            SEARCHING_AFTER, lambda generation=self.generation: self._show_searching(generation)
        )
        self.search(self.generation, query)

    def _show_searching(self, generation: int) -> None:
        if generation == self.generation:
            self._show_line("#result-status", _("Searching…"))

    def _answered(self) -> None:
        if self._searching is not None:
            self._searching.stop()
            self._searching = None

    def _show_line(self, selector: str, text: str) -> None:
        """Show ``text`` in a Static of one line: only when it changes, and without laying
        the screen out again (its size does not change)."""
        line = self.query_one(selector, Static)
        if line.content != text:
            line.update(text, layout=False)

    def action_refresh(self) -> None:
        self.run_query(self.current_query)

    @work(group="search", exit_on_error=False)
    async def search(self, generation: int, query: TicketQuery) -> None:
        """The first page of ``query``: sent at once when no search is out; else once the
        answer to the one out has come (``WAIT_FOR_ANSWER`` at most), and only if no newer
        line came meanwhile (that one is sent instead)."""
        await self._wait_for_answer()
        if generation != self.generation:
            return
        out = _Out(get_current_worker(), time.monotonic())
        self._out = out
        try:
            await self._fetch(generation, query, 0, first=True)
        finally:
            out.answered.set()
            if self._out is out:
                self._out = None

    async def _wait_for_answer(self) -> None:
        out = self._out
        if out is None:
            return
        left = out.sent + WAIT_FOR_ANSWER - time.monotonic()
        if left > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(out.answered.wait(), left)
        if not out.answered.is_set():
            out.worker.cancel()  # slow: the newer line goes now

    @work(group="rows", exit_on_error=False)
    async def fetch_rows(self, generation: int, query: TicketQuery, offset: int) -> None:
        await self._fetch(generation, query, offset, first=False)

    async def _fetch(self, generation: int, query: TicketQuery, offset: int, first: bool) -> None:
        from client.api import SavError

        client = self.sav.client
        if client is None:
            return
        try:
            page = await client.search_tickets(query, limit=TicketList.BLOCK, offset=offset)
        except SavError as exc:
            self.post_message(ResultsFailed(generation, exc.message, None if first else offset))
            return
        self.post_message(ResultsLoaded(generation, page, first))

    @on(ResultsLoaded)
    def _loaded(self, message: ResultsLoaded) -> None:
        if message.generation != self.generation:
            return  # an answer to an older line: the newer one is on its way
        ticket_list = self.query_one(TicketList)
        if message.first:
            self._answered()
            ticket_list.show(message.generation, message.page)
            # the list's scroll bar may have come or gone with it: the header's columns follow
            self.call_after_refresh(self._show_header)
            line = self.query_one("#search", Input).value.strip()
            if line.isdigit():  # a ticket number: its own row first, not its group's newest
                ticket_list.point_at(int(line))
        else:
            ticket_list.add(message.generation, message.page)
        self._show_status()

    @on(ResultsFailed)
    def _failed(self, message: ResultsFailed) -> None:
        if message.generation != self.generation:
            return
        if message.offset is not None:
            self.query_one(TicketList).forget(message.offset)
        else:
            self._answered()
            self._first_failed = True
        self._show_line(
            "#result-status",
            glyphs.error_mark() + escape(message.message) + " " + _("(F5 to try again)"),
        )

    @on(TicketList.NeedRows)
    def _need_rows(self, message: TicketList.NeedRows) -> None:
        if message.generation == self.generation:
            self.fetch_rows(message.generation, self.current_query, message.offset)

    def _show_status(self) -> None:
        ticket_list = self.query_one(TicketList)
        total = ticket_list.total
        if not total:
            text = _("No ticket matches.")
        else:
            text = count_text(total, ticket_list.total_exact)
            text = _("{row} of {count}").format(
                row=formats.number(ticket_list.cursor + 1), count=text
            )
        self._show_line("#result-status", text)

    def _show_header(self) -> None:
        width = self.query_one(TicketList).columns_width or self.size.width
        self._show_line(
            "#list-header",
            escape(header_text(width, self.current_query.sort, self.current_query.desc)),
        )

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_header)

    @on(TicketList.Opened)
    def _open(self, message: TicketList.Opened) -> None:
        self.sav.open_ticket(message.ticket.id)

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # s, S and the digits are typed into the search line; they act only in the list
        focused_list = isinstance(self.focused, TicketList)
        if action in ("sort", "list_queue"):
            return focused_list
        if action == "to_list":
            return not focused_list
        return True

    def copy_text(self, whole: bool) -> tuple[str, str] | None:
        ticket = self.query_one(TicketList).highlighted
        if ticket is None:
            return None
        if not whole:
            return str(ticket.id), _("the ticket number")
        return tab_line(
            ticket.id,
            formats.local_day(ticket.created_at),
            ticket.model_code,
            ticket.customer_name,
            f"{ticket.postal_code} {ticket.city}",
            ticket_status(ticket.status.value),
            ticket.service_centre_code or "",
            ticket.engineer or "",
        ), _("the line")

    def action_list_queue(self, number: int) -> None:
        self.action_queue(number)

    def action_to_list(self) -> None:
        self.set_focus(self.query_one(TicketList))

    def action_sort(self, step: int) -> None:
        if step < 0:
            self.desc = not self.current_query.desc
            self.sort = self.current_query.sort
        else:
            position = (
                SORT_CYCLE.index(self.current_query.sort)
                if self.current_query.sort in SORT_CYCLE
                else -1
            )
            self.sort = SORT_CYCLE[(position + 1) % len(SORT_CYCLE)]
            self.desc = self.sort in (TicketSort.CREATED_AT, TicketSort.APPOINTMENT)
        line = self.query_one("#search", Input).value
        if "sort:" in line:  # the line's own sort would win: say why nothing changes
            self.notify(_("The search line sets the sort (sort:…)."), severity="warning")
            return
        self.run_query(self.current_query.model_copy(update={"sort": self.sort, "desc": self.desc}))

    @on(TicketList.Highlighted)
    def _highlighted(self) -> None:
        self._show_status()

    # ------------------------------------------------------------------ export

    def action_export(self) -> None:
        self.notify(_("Exporting every matching ticket…"))
        self.export(self.current_query)

    @work(exclusive=True, group="background-export", exit_on_error=False)
    async def export(self, query: TicketQuery) -> None:
        from client.api import SavError
        from client.models import CsvFormat
        from client.profiles import data_dir

        client = self.sav.client
        if client is None:
            return
        folder = data_dir() / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"tickets-{stamp}.csv"
        try:
            rows = await client.export_tickets(
                query, target, csv_format=CsvFormat(self.sav.csv_format)
            )
        except (SavError, OSError) as exc:
            self.post_message(ExportDone(None, 0, getattr(exc, "message", None) or str(exc)))
            return
        self.post_message(ExportDone(target, rows))

    @on(ExportDone)
    def _exported(self, message: ExportDone) -> None:
        if message.path is None:
            self.notify(
                _("Export failed: {e}").format(e=message.message), severity="error", timeout=10
            )
            return
        text = ngettext(
            "{n} ticket exported to {path}", "{n} tickets exported to {path}", message.rows
        )
        self.notify(text.format(n=message.rows, path=message.path), timeout=15)

"""The monthly spare-parts report (the seed's "Rapport mensuel de pièce de rechange").

The parts installed in the month's closed interventions (closed, verified, invoiced; by
intervention date), by model: each part's code, description, quantity and value, each
model's total, the month's total. F2 and F3 go to the previous and next month; the search
line narrows to models starting with what is typed (``sc:249050`` a centre, for
operators); F6 exports the report as CSV (as the ticket search's F6 does: the
``csv`` setting, spreadsheet or machine).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
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

from client.models import PartsReportQuery, month_text, shift_month
from tui import formats, glyphs
from tui.documents import PDF_BINDING, Documents, Fetch
from tui.i18n import N_, _, localized, ngettext
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.lines import right
from tui.widgets.money import money, money_eur
from tui.widgets.search_line import SearchLine
from tui.widgets.session_bar import SessionBar

if TYPE_CHECKING:
    from client.models import PartsReport
    from tui.app import SavApp

SEARCH_DELAY = 0.15
CENTRE_KEYS = ("sc:", "centre:", "centro:")


@dataclass
class ReportLoaded(Message):
    generation: int
    report: PartsReport | None
    error: str = ""


@dataclass
class ReportExported(Message):
    path: Path | None
    rows: int
    error: str = ""


def parse_filter(text: str) -> tuple[str, str]:
    """(model, centre) of the search line: ``sc:249050 P64`` -> ("P64", "249050")."""
    model: list[str] = []
    centre = ""
    for word in text.split():
        key = next((k for k in CENTRE_KEYS if word.lower().startswith(k)), None)
        if key is not None:
            centre = word[len(key) :]
        else:
            model.append(word)
    return " ".join(model).upper(), centre


def month_title(month: str, short: bool = False) -> str:
    return formats.month(int(month[:4]), int(month[5:]), short)


@localized
class PartsReportScreen(Documents, Screen[None]):
    HELP = N_(
        "The monthly spare-parts report: the parts installed in the month's closed "
        "interventions (by intervention date), by model, each with its quantity and value "
        "(the prices frozen at closing), each model's total and the month's. F2 and F3 go "
        "to the previous and next month (as they change queues in the ticket search). "
        "Type the start of a model code to narrow the report (operators: sc:249050 for one "
        "centre). F6 exports it as CSV into the "
        "exports folder (a spreadsheet in your language, or for programs: the csv setting); "
        "F7 saves it as a PDF there (and prints it when a print command is set)."
    )
    BINDINGS = [
        Binding("f2", "month(-1)", N_("Prev. month"), id="parts-report.previous"),
        Binding("f3", "month(1)", N_("Next month"), id="parts-report.next"),
        PDF_BINDING,
        Binding("f6", "export", N_("Export CSV"), id="parts-report.export"),
        Binding("f5", "refresh", N_("Refresh"), id="parts-report.refresh"),
        Binding("slash", "search", N_("Search"), show=False, id="parts-report.search"),
        Binding("down", "to_list", N_("To the list"), show=False, id="parts-report.to-list"),
    ]

    def __init__(self, month: str | None = None) -> None:
        super().__init__()
        self.month = month or ""
        """``YYYY-MM``; empty: this month (the app's clock), set when composed."""
        self.report: PartsReport | None = None
        self.generation = 0

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        if not self.month:
            today = self.sav.clock().astimezone().date()
            self.month = month_text(today.year, today.month)
        yield SessionBar()
        with Horizontal(id="search-row"):
            yield Label(_("Parts report"), id="search-label")
            operator = self.sav.user is not None and self.sav.user.is_operator
            yield SearchLine(
                id="parts-report-query",
                compact=True,
                max_length=60,
                placeholder=_("model (its start), sc:centre")
                if operator
                else _("model (its start)"),
            )
        yield Static("", id="parts-report-head")
        yield Static("", id="parts-report-error", classes="-error")
        yield KeyTable(id="parts-report", cursor_type="row", zebra_stripes=True, key_column="code")
        yield Static("", id="parts-report-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#parts-report", DataTable)
        scrollbar = table.styles.scrollbar_size_vertical
        width = (table.size.width or self.app.size.width - scrollbar) - scrollbar
        columns = [
            (_("Model"), 10, "model"),
            (_("Code"), 11, "code"),
            (_("Description"), 0, "description"),
            (_("Qty"), 5, "quantity"),
            (_("Value"), 10, "value"),
        ]
        room = width - sum(w + 2 for _t, w, _k in columns) - 2
        for title, size, key in columns:
            table.add_column(title, width=size or max(room, 8), key=key)
        self.set_focus(self.query_one("#parts-report-query", Input))
        self._load(pause=0.0)

    # ------------------------------------------------------------------ loading

    def pdf_source(self) -> tuple[Fetch, str] | None:
        query = self._query()
        return (lambda c: c.parts_report_pdf(query)), f"parts-{self.month}.pdf"

    def _query(self) -> PartsReportQuery:
        model, centre = parse_filter(self.query_one("#parts-report-query", Input).value)
        return PartsReportQuery(month=self.month, model=model[:40], centre=centre[:20])

    def _load(self, pause: float = SEARCH_DELAY) -> None:
        self.generation += 1
        self.query_one("#parts-report-head", Static).update(
            escape(_("{month} · loading…").format(month=month_title(self.month)))
        )
        self._fetch(self.generation, self._query(), pause)

    @work(exclusive=True, group="parts-report", exit_on_error=False)
    async def _fetch(self, generation: int, query: PartsReportQuery, pause: float) -> None:
        import asyncio

        from client.api import SavError

        if pause:
            await asyncio.sleep(pause)
        assert self.sav.client is not None
        try:
            report = await self.sav.client.parts_report(query)
        except SavError as exc:
            self.post_message(ReportLoaded(generation, None, exc.message))
            return
        self.post_message(ReportLoaded(generation, report))

    @on(ReportLoaded)
    def _loaded(self, message: ReportLoaded) -> None:
        if message.generation != self.generation:
            return
        error = self.query_one("#parts-report-error", Static)
        if message.report is None:
            error.update(glyphs.error_mark() + escape(message.error))
            return
        error.update("")
        self._show(message.report)

    def _show(self, report: PartsReport) -> None:
        self.report = report
        table = self.query_one("#parts-report", DataTable)
        table.clear()
        for group in report.models:
            for position, line in enumerate(group.lines):
                table.add_row(
                    group.model_code if position == 0 else "",
                    line.code,
                    line.description,
                    right(str(line.quantity)),
                    right(money(line.value)),
                )
            count = ngettext("{n} intervention", "{n} interventions", group.interventions)
            table.add_row(
                "",
                Text(_("Total"), style="bold"),
                Text(count.format(n=group.interventions), style="bold"),
                Text(str(group.quantity), style="bold", justify="right"),
                Text(money(group.value), style="bold underline", justify="right"),
            )
        head = _("{month} · {interventions} · {parts} · {value}").format(
            month=month_title(report.month),
            interventions=ngettext(
                "{n} intervention", "{n} interventions", report.interventions
            ).format(n=report.interventions),
            parts=ngettext("{n} part", "{n} parts", report.quantity).format(n=report.quantity),
            value=money_eur(report.value),
        )
        self.query_one("#parts-report-head", Static).update(escape(head))
        if report.models:
            status = ngettext("{n} model", "{n} models", len(report.models)).format(
                n=len(report.models)
            )
        else:
            status = _("No part installed in closed interventions this month.")
        keys = _("F2 {previous} · F3 {next}").format(
            previous=month_title(shift_month(report.month, -1), short=True),
            next=month_title(shift_month(report.month, 1), short=True),
        )
        self.query_one("#parts-report-status", Static).update(escape(f"{status} · {keys}"))

    # ------------------------------------------------------------------ keys

    @on(Input.Changed, "#parts-report-query")
    def _typed(self) -> None:
        self._load()

    @on(Input.Submitted, "#parts-report-query")
    def _submitted(self) -> None:
        self.action_to_list()

    def action_search(self) -> None:
        self.set_focus(self.query_one("#parts-report-query", Input))

    def action_to_list(self) -> None:
        self.set_focus(self.query_one("#parts-report", DataTable))

    def action_refresh(self) -> None:
        self._load(pause=0.0)

    def action_month(self, step: int) -> None:
        self.month = shift_month(self.month, step)
        self._load(pause=0.0)

    def action_export(self) -> None:
        self.notify(
            _("Exporting the parts report of {month}…").format(month=month_title(self.month))
        )
        self._export(self._query())

    @work(exclusive=True, group="background-export", exit_on_error=False)
    async def _export(self, query: PartsReportQuery) -> None:
        from client.api import SavError
        from client.models import CsvFormat
        from client.profiles import data_dir

        client = self.sav.client
        if client is None:
            return
        folder = data_dir() / "exports"
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"parts-{query.month}-{stamp}.csv"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            rows = await client.export_parts_report(
                query, target, csv_format=CsvFormat(self.sav.csv_format)
            )
        except (SavError, OSError) as exc:
            self.post_message(ReportExported(None, 0, getattr(exc, "message", None) or str(exc)))
            return
        self.post_message(ReportExported(target, rows))

    @on(ReportExported)
    def _exported(self, message: ReportExported) -> None:
        if message.path is None:
            self.notify(
                _("Export failed: {e}").format(e=message.error), severity="error", timeout=10
            )
            return
        self.notify(_("Parts report exported to {path}").format(path=message.path), timeout=15)

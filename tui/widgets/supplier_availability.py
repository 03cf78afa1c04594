"""Availability side by side: a part, its successors and alternates, at the manufacturer and at
every supplier account of the centre (issue 13).

One row per code, one column per source: the manufacturer's stock and lead time (from the
catalogue), then each supplier account's stock, lead time in days and purchase price. Each
supplier is asked in its own worker: its column says "asking…" until it answers, "no answer"
when it does not within its timeout, and the others fill in meanwhile. ``refresh_suppliers``
asks again. Fits 80 columns with three suppliers (code 10, each source 12).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.message import Message
from textual.widgets import DataTable, Static

from client.models import Availability
from tui import glyphs
from tui.i18n import _
from tui.widgets.key_table import KeyTable
from tui.widgets.money import money

if TYPE_CHECKING:
    from client.models import PartBrief, SupersessionTree
    from client.models.suppliers import SupplierAccount, SupplierAnswer

MAX_ROWS = 12
CELL = 12


@dataclass(frozen=True)
class AvailabilityRow:
    """One code of the table: the part asked for, a successor or an alternate."""

    code: str
    relation: str  # part, successor, alternate
    maker: PartBrief | None = None


def rows_of(tree: SupersessionTree) -> list[AvailabilityRow]:
    """The part, then its successors (all depths, in tree order), then its alternates."""
    rows = [AvailabilityRow(tree.part.code, "part", tree.part)]
    seen = {tree.part.code}

    def walk(nodes: list, relation: str) -> None:  # type: ignore[type-arg]
        for node in nodes:
            if node.part.code not in seen and not node.cycle:
                seen.add(node.part.code)
                rows.append(AvailabilityRow(node.part.code, relation, node.part))
            walk(node.children, relation)

    walk(tree.successors, "successor")
    walk(tree.interchangeable, "alternate")
    return rows[:MAX_ROWS]


def maker_cell(part: PartBrief | None) -> str:
    """The manufacturer's availability in a cell: stock and lead time, or why not."""
    if part is None:
        return "—"
    if part.availability is Availability.IN_STOCK:
        return _("{n}·{d}d").format(n=part.stock, d=part.lead_time_days)
    if part.availability is Availability.ON_ORDER:
        return _("order {d}d").format(d=part.lead_time_days)
    return _("none")


def supplier_cell(answer: SupplierAnswer | None, code: str) -> Text:
    """One supplier's word on one code: stock · days · purchase price; its state else."""
    if answer is None:
        return Text(_("asking…"), style="italic")
    if answer.status == "no_answer":
        return Text(_("no answer"), style="dim")
    if answer.status == "wrong_account":
        return Text(glyphs.error_mark() + _("account?"))
    if answer.status != "ok":
        return Text(glyphs.error_mark() + _("refused"))
    offer = next((o for o in answer.offers if o.code == code), None)
    if offer is None or not offer.known:
        return Text(_("unknown"), style="dim")
    if not offer.stock and offer.replaced_by is None:
        return Text(_("none"))
    under = glyphs.current().replaces if offer.replaced_by else ""
    price = money(offer.purchase_price) if offer.purchase_price is not None else "—"
    stock = _("{n}·{d}d").format(n=offer.stock or 0, d=offer.lead_time_days or 0)
    return Text(f"{under}{stock} {price}")


@dataclass
class _Accounts(Message):
    generation: int
    accounts: list[SupplierAccount] | None
    error: str = ""


@dataclass
class _Answered(Message):
    generation: int
    supplier: str
    answer: SupplierAnswer


class SupplierAvailabilityView(Vertical):
    """The table and, under it, a line per supplier that did not answer as it should."""

    class NoAccount(Message):
        """The centre has no supplier account: a screen where availability was asked for
        explicitly asks for one."""

    DEFAULT_CSS = """
    SupplierAvailabilityView { height: auto; max-height: 9; }
    SupplierAvailabilityView > DataTable { height: auto; max-height: 7; }
    SupplierAvailabilityView > .availability-status { height: auto; max-height: 2;
        padding: 0 1; color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[AvailabilityRow] = []
        self.accounts: list[SupplierAccount] = []
        self.answers: dict[str, SupplierAnswer] = {}
        self.generation = 0
        self.no_account = False

    def compose(self) -> ComposeResult:
        yield KeyTable(id="availability-table", cursor_type="row", zebra_stripes=True)
        yield Static("", classes="availability-status")

    @property
    def table(self) -> DataTable[object]:
        return self.query_one("#availability-table", DataTable)

    @property
    def highlighted_code(self) -> str | None:
        table = self.table
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row].code

    def show_rows(self, rows: list[AvailabilityRow]) -> None:
        """These codes, the manufacturer's column at once, then ask every supplier."""
        self.rows = rows
        self.refresh_suppliers()

    def refresh_suppliers(self, accounts_too: bool = False) -> None:
        """Ask every supplier account again: those already known at once (the centre's
        accounts are read first the first time, and with ``accounts_too``)."""
        self.generation += 1
        self.answers = {}
        self._draw()
        if not self.rows:
            return
        self._status(_("Asking the suppliers…"))
        if self.accounts and not accounts_too:
            self._ask_all()
            return
        self.run_worker(
            self._load_accounts(self.generation),
            group="supplier-accounts",
            exclusive=True,
            exit_on_error=False,
        )

    async def _load_accounts(self, generation: int) -> None:
        from client.api import ForbiddenError, SavError

        client = self.app.client  # type: ignore[attr-defined]
        if client is None:
            return
        try:
            accounts = await client.supplier_accounts()
        except ForbiddenError:
            self.post_message(_Accounts(generation, None, _("Operators have no supplier account.")))
            return
        except SavError as exc:
            self.post_message(_Accounts(generation, None, exc.message))
            return
        self.post_message(_Accounts(generation, accounts))

    @on(_Accounts)
    def _accounts(self, message: _Accounts) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        self.accounts = message.accounts or []
        self.no_account = message.accounts == []
        self._draw()
        if message.accounts is None:
            self._status(message.error)
            return
        if not self.accounts:
            self._status(_("No supplier account yet: s enters the centre's account (its manager)."))
            self.post_message(self.NoAccount())
            return
        self._ask_all()

    def _ask_all(self) -> None:
        """One worker per supplier account: each column fills in as its answer comes."""
        codes = [row.code for row in self.rows]
        for account in self.accounts:
            self.run_worker(
                self._ask(self.generation, account.supplier, codes),
                group=f"supplier-{account.supplier}",
                exclusive=True,
                exit_on_error=False,
            )

    async def _ask(self, generation: int, supplier: str, codes: list[str]) -> None:
        from client.api import SavError
        from client.models.suppliers import SupplierAnswer

        client = self.app.client  # type: ignore[attr-defined]
        try:
            found = await client.supplier_availability(codes, supplier=supplier)
        except SavError as exc:
            answer = SupplierAnswer(
                supplier=supplier, supplier_name=supplier, status="no_answer", message=exc.message
            )
        else:
            answer = next(
                (a for a in found.suppliers if a.supplier == supplier),
                SupplierAnswer(supplier=supplier, supplier_name=supplier, status="no_answer"),
            )
        self.post_message(_Answered(generation, supplier, answer))

    @on(_Answered)
    def _answered(self, message: _Answered) -> None:
        message.stop()
        if message.generation != self.generation:
            return  # an answer to a question asked before the refresh
        self.answers[message.supplier] = message.answer
        table = self.table
        for index, row in enumerate(self.rows):
            table.update_cell(str(index), message.supplier, supplier_cell(message.answer, row.code))
        problems = [f"{a.supplier}: {a.message}" for a in self.answers.values() if a.status != "ok"]
        waiting = len(self.accounts) - len(self.answers)
        if waiting:
            problems.append(_("Asking the suppliers…"))
        g = glyphs.current()
        legend = _("stock·days purchase price · {succ} successor · {alt} alternate").format(
            succ=g.replaces, alt=g.two_way
        )
        self._status(" · ".join(problems) if problems else legend)

    def _status(self, text: str) -> None:
        self.query_one(".availability-status", Static).update(escape(text))

    def _draw(self) -> None:
        table = self.table
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_column(_("Part"), key="code", width=11)
        table.add_column(_("Maker"), key="maker", width=CELL - 2)
        for account in self.accounts:
            table.add_column(account.supplier[:CELL], key=account.supplier, width=CELL + 2)
        g = glyphs.current()
        marks = {"part": "", "successor": g.replaces, "alternate": g.two_way}
        for index, row in enumerate(self.rows):
            cells: list[object] = [f"{marks[row.relation]}{row.code}"[:11], maker_cell(row.maker)]
            cells += [supplier_cell(self.answers.get(a.supplier), row.code) for a in self.accounts]
            table.add_row(*cells, key=str(index))
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))

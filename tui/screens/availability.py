"""Availability of one part, its successors and alternates, at the manufacturer and at every
supplier account of the centre, side by side: ``v`` in the cart and on a supersession tree.
Asked for without a supplier account, it asks the centre's manager for one (the form), checks
it with the supplier, and shows the answers once it is kept.

The same table as under the part screen (``tui.widgets.supplier_availability``): each
supplier asked in its own worker, "asking…" until it answers, "no answer" past its timeout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui import glyphs
from tui.i18n import N_, _, localized
from tui.screens.add_to_cart import ApplianceInfo
from tui.widgets.key_footer import KeyFooter
from tui.widgets.session_bar import SessionBar
from tui.widgets.supplier_availability import SupplierAvailabilityView, rows_of

if TYPE_CHECKING:
    from client.models import SupersessionTree
    from tui.app import SavApp


class _Tree(Message):
    def __init__(self, tree: SupersessionTree | None, error: str = "") -> None:
        super().__init__()
        self.tree = tree
        self.error = error


@localized
class AvailabilityScreen(Screen[None]):
    HELP = N_(
        "Availability side by side: the part, its successors (⇒) and alternates (⇄), at the "
        "manufacturer and at each supplier account of the centre: stock·days and the "
        "purchase price. Each supplier is asked on its own (asking…); one that does not "
        "answer in time shows no answer, the others do not wait for it. r asks again; "
        "s enters the centre's supplier account (its manager); Enter opens the part; "
        "a adds the highlighted part to the cart; Esc goes back."
    )
    BINDINGS = [
        Binding("r", "refresh", N_("Refresh"), id="availability.refresh"),
        Binding("f5", "refresh", N_("Refresh"), show=False, id="availability.refresh-f5"),
        Binding("s", "supplier_account", N_("Supplier account"),
                id="availability.supplier-account"),
        Binding("a", "add", N_("Add to cart"), id="availability.add"),
    ]  # fmt: skip

    def __init__(self, code: str, appliance: ApplianceInfo | None = None) -> None:
        super().__init__()
        self.code = code.strip()
        self.appliance = appliance or ApplianceInfo()
        self.asked_account = False

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        yield Static(_("Loading…"), id="availability-title")
        yield SupplierAvailabilityView(id="availability")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#availability-table", DataTable))
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(exclusive=True, group="availability", exit_on_error=False)
    async def load(self) -> None:
        from client.api import SavError

        client = self.sav.client
        if client is None:
            return
        a = self.appliance
        try:
            tree = await client.part_tree(
                self.code, serial=a.serial, production_date=a.production_date, model_id=a.model_id
            )
        except SavError as exc:
            self.post_message(_Tree(None, exc.message))
            return
        self.post_message(_Tree(tree))

    @on(_Tree)
    def _tree(self, message: _Tree) -> None:
        title = self.query_one("#availability-title", Static)
        if message.tree is None:
            title.update(escape(glyphs.error_mark() + message.error))
            return
        part = message.tree.part
        title.update(
            f"[b]{escape(part.code)}[/b] {escape(part.description)}\n"
            + escape(_("at the manufacturer and at the centre's suppliers"))
        )
        self.query_one(SupplierAvailabilityView).show_rows(rows_of(message.tree))

    @on(SupplierAvailabilityView.NoAccount)
    def _no_account(self) -> None:
        """Availability asked without an account: the manager is asked for it, once."""
        from client.models import Role

        user = self.sav.user
        if not self.asked_account and user is not None and user.role is Role.MANAGER:
            self.asked_account = True
            self.action_supplier_account()

    def action_supplier_account(self) -> None:
        view = self.query_one(SupplierAvailabilityView)
        self.sav.open_supplier_account(then=lambda saved: saved and view.refresh_suppliers(True))

    @on(DataTable.RowSelected, "#availability-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        code = self.query_one(SupplierAvailabilityView).highlighted_code
        if code is not None:
            self.sav.open_part(code, self.appliance)

    def action_add(self) -> None:
        code = self.query_one(SupplierAvailabilityView).highlighted_code
        if code is not None:
            self.sav.open_add_to_cart(code, self.appliance)

"""Part detail: description, catalogue price, the centre's discount and net price,
availability, the supersession tree and where-used (`:p 870650222`); under them the part, its
successors and alternates at the manufacturer and every supplier account, side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static, Tree

from client.models import Availability
from tui import glyphs
from tui.copy import COPY_BINDINGS, Copies, tab_line
from tui.i18n import N_, _, localized, ngettext
from tui.messages import LoadFailed, PartLoaded, SearchAnswered, TreeFailed, TreeLoaded
from tui.screens.add_to_cart import ApplianceInfo
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.money import money
from tui.widgets.session_bar import SessionBar
from tui.widgets.supersession_tree import SupersessionTreeView, TreeEntry
from tui.widgets.supplier_availability import SupplierAvailabilityView, rows_of

if TYPE_CHECKING:
    from client.models import PartDetail, WhereUsed
    from tui.app import SavApp


def availability_line(availability: Availability, stock: int, lead_days: int) -> str:
    if availability is Availability.IN_STOCK:
        return _("in stock: {n}, delivered in {d} days").format(n=stock, d=lead_days)
    if availability is Availability.ON_ORDER:
        return _("on order: lead time {d} days").format(d=lead_days)
    return _("unavailable")


@localized
class PartScreen(Copies, Screen[None]):
    HELP = N_(
        "A part: its price for your centre (catalogue price less the centre's discount), "
        "availability, supersession tree (what it replaced, what replaces it, ◀ ORDER marks "
        "the part to order now) and the models that use it. a adds it to the cart; Tab moves "
        "between the tree, the models and the availability; Enter opens the highlighted part "
        "or model. Under them: the part, its successors and alternates at the manufacturer "
        "and at each supplier account of the centre (stock·days purchase price), each "
        "supplier asked on its own: asking…, then its answer or no answer. r asks again; "
        "s enters the centre's supplier account (its manager)."
    )
    BINDINGS = [
        Binding("a", "add", N_("Add to cart"), id="part.add"),
        Binding("s", "supplier_account", N_("Supplier account"), id="part.supplier-account"),
        Binding("tab", "switch_pane", N_("Tree/models"), id="part.pane"),
        Binding("r", "refresh", N_("Refresh"), id="part.refresh"),
        Binding("f5", "refresh", N_("Refresh"), show=False, id="part.refresh-f5"),
        *COPY_BINDINGS,
    ]

    def __init__(self, code: str, appliance: ApplianceInfo | None = None) -> None:
        super().__init__()
        self.code = code.strip()
        self.appliance = appliance or ApplianceInfo()
        self.detail: PartDetail | None = None
        self._used: list[WhereUsed] = []

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        yield Static(_("Loading…"), id="part-info")
        with Horizontal(id="part-panes"):
            with Vertical(id="part-tree-pane"):
                yield SupersessionTreeView(id="part-tree")
                yield Static("", id="part-edge")
            used = KeyTable(id="part-used", cursor_type="row")
            used.border_title = _("Used in")
            yield used
        yield SupplierAvailabilityView(id="part-availability")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#part-used", DataTable)
        table.add_column(_("Model"), key="model", width=10)
        table.add_column(_("SI"), key="si", width=4)
        table.add_column(_("Ref"), key="ref", width=5)
        table.add_column(_("Qty"), key="qty", width=3)
        self.query_one("#part-tree", SupersessionTreeView).show_message(_("Loading…"))
        self.set_focus(self.query_one("#part-tree", SupersessionTreeView))
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(exclusive=True, group="part", exit_on_error=False)
    async def load(self) -> None:
        from client.api import NotFoundError, SavError

        client = self.sav.client
        if client is None:
            return
        a = self.appliance
        try:
            detail = await client.part(self.code)
        except NotFoundError:
            self.post_message(
                LoadFailed(_("No part {code} in the catalogue.").format(code=self.code))
            )
            return
        except SavError as exc:
            self.post_message(LoadFailed(exc.message))
            return
        self.post_message(PartLoaded(detail))
        try:
            tree = await client.part_tree(
                self.code, serial=a.serial, production_date=a.production_date, model_id=a.model_id
            )
        except SavError as exc:
            self.post_message(TreeFailed(self.code, exc.message))
        else:
            self.post_message(TreeLoaded(self.code, tree))
        try:
            used = await client.where_used(self.code, limit=200)
        except SavError as exc:
            self.post_message(LoadFailed(exc.message))
            return
        self.post_message(SearchAnswered("where-used", self.code, used))

    @on(PartLoaded)
    def _loaded(self, message: PartLoaded) -> None:
        detail = self.detail = message.detail
        part = detail.part
        marks = []
        if part.replaced:
            marks.append(_("REPLACED PART"))
        if part.obsolete:
            marks.append(_("OBSOLETE"))
        lines = [
            f"[b]{escape(part.code)}[/b] {escape(part.description)}"
            + (f"  [b]{escape(' · '.join(marks))}[/b]" if marks else ""),
            escape(
                _("Price {price} · your discount {discount} % · net {net} EUR").format(
                    price=money(part.price),
                    discount=f"{detail.discount_rate.normalize():f}",
                    net=money(detail.net_price),
                )
            ),
            escape(
                availability_line(part.availability, part.stock, part.lead_time_days)
                + " · "
                + ngettext("used in {n} model", "used in {n} models", detail.where_used).format(
                    n=detail.where_used
                )
            ),
        ]
        self.query_one("#part-info", Static).update("\n".join(lines))

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        self.query_one("#part-info", Static).update(escape(glyphs.error_mark() + message.message))
        self.query_one("#part-tree", SupersessionTreeView).show_message("")

    @on(TreeLoaded)
    def _tree(self, message: TreeLoaded) -> None:
        self.query_one("#part-tree", SupersessionTreeView).show_tree(message.tree)
        self.query_one(SupplierAvailabilityView).show_rows(rows_of(message.tree))

    def action_supplier_account(self) -> None:
        view = self.query_one(SupplierAvailabilityView)
        self.sav.open_supplier_account(then=lambda saved: saved and view.refresh_suppliers(True))

    @on(DataTable.RowSelected, "#availability-table")
    def _open_available(self, event: DataTable.RowSelected) -> None:
        event.stop()
        code = self.query_one(SupplierAvailabilityView).highlighted_code
        if code is not None and code != self.code:
            self.sav.open_part(code, self.appliance)

    @on(TreeFailed)
    def _tree_failed(self, message: TreeFailed) -> None:
        self.query_one("#part-tree", SupersessionTreeView).show_message(
            glyphs.error_mark() + message.message
        )

    @on(SearchAnswered)
    def _used(self, message: SearchAnswered) -> None:
        table = self.query_one("#part-used", DataTable)
        table.clear()
        self._used = list(message.page.items)
        for i, item in enumerate(self._used):
            table.add_row(
                item.model.code,
                item.model.service_index,
                item.ref_num,
                str(item.quantity),
                key=str(i),
            )
        table.border_title = _("Used in ({n})").format(n=message.page.total)

    @on(Tree.NodeHighlighted, "#part-tree")
    def _node(self, event: Tree.NodeHighlighted[TreeEntry]) -> None:
        entry = event.node.data
        self.query_one("#part-edge", Static).update(escape(entry.detail) if entry else "")

    @on(Tree.NodeSelected, "#part-tree")
    def _open_node(self, event: Tree.NodeSelected[TreeEntry]) -> None:
        entry = event.node.data
        if entry is not None and entry.part is not None and entry.part.code != self.code:
            self.sav.open_part(entry.part.code, self.appliance)

    @on(DataTable.RowSelected, "#part-used")
    def _open_model(self, event: DataTable.RowSelected) -> None:
        item = self._used[int(str(event.row_key.value))]
        self.sav.open_model(item.model.id, select_code=self.code)

    def action_switch_pane(self) -> None:
        """Tab: the tree, the models, the availability, round."""
        panes: list[Widget] = [
            self.query_one("#part-tree", SupersessionTreeView),
            self.query_one("#part-used", DataTable),
            self.query_one("#availability-table", DataTable),
        ]
        at = panes.index(self.focused) if self.focused in panes else -1
        self.set_focus(panes[(at + 1) % len(panes)])

    def copy_text(self, whole: bool) -> tuple[str, str] | None:
        tree = self.query_one("#part-tree", SupersessionTreeView)
        if self.focused is tree and tree.cursor_node is not None:
            entry = tree.cursor_node.data
            if entry is not None and entry.part is not None and entry.part.code != self.code:
                if whole:
                    return tab_line(entry.part.code, entry.part.description), _("the line")
                return entry.part.code, _("the part number")
        if not whole:
            return self.code, _("the part number")
        if self.detail is None:
            return None
        part = self.detail.part
        return tab_line(
            part.code, part.description, money(part.price), money(self.detail.net_price)
        ), _("the line")

    def action_add(self) -> None:
        code = self.code
        tree = self.query_one("#part-tree", SupersessionTreeView)
        if self.focused is tree and tree.cursor_node is not None:
            entry = tree.cursor_node.data
            if entry is not None and entry.part is not None:
                code = entry.part.code
        self.sav.open_add_to_cart(code, self.appliance)

"""A model at one service index: its exploded-view parts list, filtered as you type, and the
supersession tree of the highlighted part beside it (loaded lazily, never blocking the list).

Opened for an appliance (from a ticket), lines that do not apply to it are marked ✗ and can
be hidden with h; the line that applies is the one offered, and cart lines go to the ticket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Input, Label, Static, Tree

from client.models import Applicability
from tui import formats, glyphs
from tui.copy import COPY_BINDINGS, Copies, tab_line
from tui.i18n import N_, _, localized, ngettext
from tui.messages import LoadFailed, TreeFailed, TreeLoaded, ViewLoaded
from tui.screens.add_to_cart import ApplianceInfo
from tui.widgets.key_footer import KeyFooter
from tui.widgets.parts_list import PartsList
from tui.widgets.search_line import SearchLine
from tui.widgets.session_bar import SessionBar
from tui.widgets.supersession_tree import SupersessionTreeView, TreeEntry

if TYPE_CHECKING:
    from client.models import ModelView, SupersessionTree, ViewLine
    from tui.app import SavApp


TREE_DELAY = 0.12
"""Seconds the cursor rests on a line before its tree is asked for (scrolling asks nothing)."""
LOADING_AFTER = 0.4
"""Seconds before a tree not there yet says "Loading…" (a tree that comes sooner replaces
the previous one at once: no flash of "Loading…", no bytes for it over SSH)."""


@localized
class ModelScreen(Copies, Screen[None]):
    HELP = N_(
        "The exploded-view parts list of a model. Type / then text to filter by RefNum, code "
        "or description (Enter or ↓ back to the list, Esc clears). Beside the list, the "
        "supersession tree of the highlighted part: Tab goes to it and back. Enter opens a "
        "part, a adds it to the cart (a replaced part proposes its replacement). Opened for "
        "an appliance, ✗ marks the lines that do not apply to it and h hides them."
    )
    BINDINGS = [
        Binding("down", "to_list", N_("To the list"), show=False, id="model.to-list"),
        Binding("slash", "filter", N_("Filter"), id="model.filter"),
        Binding("a", "add", N_("Add to cart"), id="model.add"),
        Binding("h", "toggle_hide", N_("Hide/show"), id="model.hide",
                tooltip=N_("Hide the lines that do not apply to this appliance")),
        Binding("tab", "switch_pane", N_("Tree/list"), id="model.pane"),
        Binding("escape", "escape", N_("Back"), show=False, id="model.back"),
        Binding("r", "refresh", N_("Refresh"), show=False, id="model.refresh"),
        Binding("f5", "refresh", N_("Refresh"), show=False, id="model.refresh-f5"),
        *COPY_BINDINGS,
    ]  # fmt: skip

    def __init__(
        self,
        model_id: int,
        *,
        appliance: ApplianceInfo | None = None,
        select_code: str | None = None,
    ) -> None:
        super().__init__()
        self.model_id = model_id
        self.appliance = appliance or ApplianceInfo(model_id=model_id)
        self.select_code = select_code
        self.view: ModelView | None = None
        self._trees: dict[str, SupersessionTree] = {}
        self._tree_code: str | None = None
        self._status_text = ""

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionBar()
        yield Label(_("Loading…"), id="model-title")
        yield SearchLine(
            id="model-filter",
            placeholder=_("/ filter: RefNum, code or description"),
            max_length=60,
            compact=True,
        )
        with Horizontal(id="model-panes"):
            with Vertical(id="model-list-pane"):
                yield Label("", id="model-header")
                yield PartsList(id="model-lines")
            with Vertical(id="model-tree-pane"):
                yield SupersessionTreeView(id="model-tree")
                yield Static("", id="model-edge")
        yield Static("", id="model-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#model-tree", SupersessionTreeView).show_message(_("Loading…"))
        parts = self.query_one("#model-lines", PartsList)
        self.set_focus(parts)
        # The header is cut to the rows' width, which loses a cell when the list's scroll bar
        # shows (its size does not change, so no resize says so).
        self.watch(parts, "show_vertical_scrollbar", lambda _shown: self._header(), init=False)
        self.watch(self.query_one("#model-filter", Input), "value", self._filter, init=False)
        self.load()

    def action_refresh(self) -> None:
        self._trees.clear()
        self.load()

    @work(exclusive=True, group="view", exit_on_error=False)
    async def load(self) -> None:
        from client.api import NotFoundError, SavError

        client = self.sav.client
        if client is None:
            return
        try:
            view = await client.model_view(
                self.model_id,
                serial=self.appliance.serial,
                production_date=self.appliance.production_date,
            )
        except NotFoundError:
            self.post_message(LoadFailed(_("No model {id} here.").format(id=self.model_id)))
            return
        except SavError as exc:
            self.post_message(LoadFailed(exc.message))
            return
        self.post_message(ViewLoaded(view))

    @on(ViewLoaded)
    def _loaded(self, message: ViewLoaded) -> None:
        view = self.view = message.view
        m = view.model
        title = f"{m.code} {m.service_index} · {m.description}"
        if self.appliance.serial or self.appliance.production_date:
            known = [
                _("serial {serial}").format(serial=self.appliance.serial)
                if self.appliance.serial
                else "",
                _("produced {date}").format(date=formats.day(self.appliance.production_date))
                if self.appliance.production_date
                else "",
            ]
            title += " · " + ", ".join(k for k in known if k)
        if self.appliance.ticket_id is not None:
            title += " · " + _("ticket {id}").format(id=self.appliance.ticket_id)
        self.query_one("#model-title", Label).update(escape(title))
        parts = self.query_one("#model-lines", PartsList)
        parts.set_lines(view.lines, appliance_known=self.appliance.known)
        parts.set_filter(self.query_one("#model-filter", Input).value)
        if self.select_code:
            parts.select_code(self.select_code)
            self.select_code = None
        self._header()
        self._status()

    def _header(self) -> None:
        parts = self.query_one("#model-lines", PartsList)
        self.query_one("#model-header", Label).update(escape(parts.header(parts.row_width)))

    def on_resize(self) -> None:
        self.call_after_refresh(self._header)

    def _status(self) -> None:
        parts = self.query_one("#model-lines", PartsList)
        total = len(parts.lines)
        shown = len(parts.shown)
        text = ngettext("{shown} of {total} line", "{shown} of {total} lines", total).format(
            shown=shown, total=total
        )
        line = parts.current
        if line is not None:
            bits = []
            if line.valid_from or line.valid_to:
                bits.append(
                    _("valid {lo}–{hi}").format(
                        lo=formats.day(line.valid_from, empty="…"),
                        hi=formats.day(line.valid_to, empty="…"),
                    )
                )
            if line.serial_from or line.serial_to:
                bits.append(
                    _("serials {lo}–{hi}").format(
                        lo=line.serial_from or "…", hi=line.serial_to or "…"
                    )
                )
            if line.part.replaced:
                bits.append(_("REPLACED PART"))
            if self.appliance.known and line.applies is Applicability.NO:
                bits.append(_("not for this appliance"))
            if bits:
                text += " · " + line.ref_num + " " + line.part.code + ": " + ", ".join(bits)
        text = escape(text)
        if text != self._status_text:  # a line of fixed size: no layout for a new text
            self._status_text = text
            self.query_one("#model-status", Static).update(text, layout=False)

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        self.query_one("#model-title", Label).update(escape(glyphs.error_mark() + message.message))

    # ------------------------------------------------------------------ filter

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#model-filter", Input))

    def _filter(self, text: str) -> None:
        """The filter line's text changed: called as it changes (a watcher), so the rows, the
        count and the line itself are painted in one frame, not one after the other."""
        self.query_one("#model-lines", PartsList).set_filter(text)
        self._status()

    @on(Input.Submitted, "#model-filter")
    def _filter_done(self) -> None:
        self.set_focus(self.query_one("#model-lines", PartsList))

    def action_to_list(self) -> None:
        """↓ in the search field: to the list (the list's own ↓ moves its cursor)."""
        self.set_focus(self.query_one("#model-lines", PartsList))

    def action_escape(self) -> None:
        field = self.query_one("#model-filter", Input)
        if self.focused is field or field.value:
            field.value = ""
            self.set_focus(self.query_one("#model-lines", PartsList))
            return
        self.sav.action_back()

    def action_toggle_hide(self) -> None:
        parts = self.query_one("#model-lines", PartsList)
        if not parts.appliance_known:
            self.notify(_("No appliance is known here: every line is shown."))
            return
        parts.set_hide_inapplicable(not parts.hide_inapplicable)
        self._status()

    def action_switch_pane(self) -> None:
        tree = self.query_one("#model-tree", SupersessionTreeView)
        if self.focused is tree:
            self.set_focus(self.query_one("#model-lines", PartsList))
        else:
            self.set_focus(tree)

    # ------------------------------------------------------------------ tree

    @on(PartsList.Highlighted)
    def _highlighted(self, message: PartsList.Highlighted) -> None:
        self._status()
        if self.focused is not self.query_one("#model-filter", Input):
            self._follow(message.line)

    @on(events.DescendantFocus)
    def _focus_moved(self, event: events.DescendantFocus) -> None:
        """Back from the filter: the tree follows the cursor's line again."""
        if event.widget is not self.query_one("#model-filter", Input):
            self._follow(self.query_one("#model-lines", PartsList).current)

    def _follow(self, line: ViewLine | None) -> None:
        """The tree of ``line``'s part beside the list (asked for once the cursor rests).

        While the filter is typed into, the tree stays as it is (its root names its part):
        each keystroke repaints the rows and the count, and nothing comes later; the tree
        follows when the focus leaves the filter (Enter, ↓, Esc, Tab)."""
        if line is None:
            return
        code = line.part.code
        if code == self._tree_code:
            return
        self._tree_code = code
        tree = self.query_one("#model-tree", SupersessionTreeView)
        if code in self._trees:
            tree.show_tree(self._trees[code])
            self._edge(None)
            return
        self.set_timer(LOADING_AFTER, lambda: self._still_loading(code))
        self.load_tree(code)

    def _still_loading(self, code: str) -> None:
        if code == self._tree_code and code not in self._trees:
            self.query_one("#model-tree", SupersessionTreeView).show_message(_("Loading…"))

    @work(exclusive=True, group="tree", exit_on_error=False)
    async def load_tree(self, code: str) -> None:
        import asyncio

        from client.api import SavError

        await asyncio.sleep(TREE_DELAY)  # a newer highlight cancels this one while it waits
        client = self.sav.client
        if client is None:
            return
        a = self.appliance
        try:
            tree = await client.part_tree(
                code, serial=a.serial, production_date=a.production_date, model_id=self.model_id
            )
        except SavError as exc:
            self.post_message(TreeFailed(code, exc.message))
            return
        self.post_message(TreeLoaded(code, tree))

    @on(TreeLoaded)
    def _tree_loaded(self, message: TreeLoaded) -> None:
        self._trees[message.code] = message.tree
        if message.code == self._tree_code:
            self.query_one("#model-tree", SupersessionTreeView).show_tree(message.tree)
            self._edge(None)

    @on(TreeFailed)
    def _tree_failed(self, message: TreeFailed) -> None:
        if message.code == self._tree_code:
            tree = self.query_one("#model-tree", SupersessionTreeView)
            tree.show_message(glyphs.error_mark() + message.message)

    @on(Tree.NodeHighlighted, "#model-tree")
    def _node(self, event: Tree.NodeHighlighted[TreeEntry]) -> None:
        self._edge(event.node.data)

    def _edge(self, entry: TreeEntry | None) -> None:
        self.query_one("#model-edge", Static).update(escape(entry.detail) if entry else "")

    @on(Tree.NodeSelected, "#model-tree")
    def _open_node(self, event: Tree.NodeSelected[TreeEntry]) -> None:
        entry = event.node.data
        if entry is not None and entry.part is not None:
            self.sav.open_part(entry.part.code, self.appliance)

    # ------------------------------------------------------------------ actions

    @on(PartsList.Selected)
    def _open_line(self, message: PartsList.Selected) -> None:
        self.sav.open_part(message.line.part.code, self.appliance)

    def copy_text(self, whole: bool) -> tuple[str, str] | None:
        tree = self.query_one("#model-tree", SupersessionTreeView)
        if self.focused is tree and tree.cursor_node is not None:
            entry = tree.cursor_node.data
            if entry is not None and entry.part is not None:
                if whole:
                    return tab_line(entry.part.code, entry.part.description), _("the line")
                return entry.part.code, _("the part number")
        current = self.query_one("#model-lines", PartsList).current
        if current is None:
            return None
        if not whole:
            return current.part.code, _("the part number")
        return tab_line(
            current.ref_num, current.part.code, current.part.description, current.quantity
        ), _("the line")

    def action_add(self) -> None:
        code = None
        tree = self.query_one("#model-tree", SupersessionTreeView)
        if self.focused is tree and tree.cursor_node is not None:
            entry = tree.cursor_node.data
            code = entry.part.code if entry is not None and entry.part is not None else None
        if code is None:
            line = self.query_one("#model-lines", PartsList).current
            code = line.part.code if line is not None else None
        if code is not None:
            self.sav.open_add_to_cart(code, self.appliance)

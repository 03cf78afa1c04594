"""The supersession tree of one part: what it replaced above, what replaces it below.

Each edge says its kind, direction, date, effectivity and reason; the part to order now is
marked ``◀ ORDER`` (text, not colour); a replaced part says "REPLACED PART" as the seed does.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode as UINode

from client.models import (
    Applicability,
    PartBrief,
    PartRelation,
    RelationDirection,
    RelationKind,
    Resolution,
    ResolutionStatus,
    SupersessionTree,
    TreeNode,
)
from tui import formats, glyphs
from tui.i18n import N_, _, localized


@dataclass(frozen=True)
class TreeEntry:
    """What a node of the tree stands for: a part (to open or add) and the edge to it."""

    part: PartBrief | None
    relation: PartRelation | None = None
    detail: str = ""


def _date(value: object) -> str:
    return formats.day(value)  # type: ignore[arg-type]


def edge_arrow(relation: PartRelation) -> str:
    g = glyphs.current()
    if relation.direction is RelationDirection.TWO_WAY:
        return g.two_way
    if relation.kind is RelationKind.KIT_MEMBER:
        return f"{g.kit}{relation.quantity}{g.times}"
    conditional = (
        relation.serial_from
        or relation.serial_to
        or relation.production_from
        or relation.production_to
        or relation.model_code
    )
    return g.conditional if conditional else g.replaces


KIND = {
    RelationKind.SUPERSEDES: N_("supersedes"),
    RelationKind.ALTERNATE: N_("interchangeable"),
    RelationKind.KIT_MEMBER: N_("kit member"),
}


def edge_text(relation: PartRelation) -> str:
    """Kind, direction, date, effectivity and reason of one relation, on one line."""
    bits = [_(KIND[relation.kind])]
    bits.append(_("two-way") if relation.direction is RelationDirection.TWO_WAY else _("one-way"))
    if relation.kit_group:
        kit = _("kit {group}, {n}×").format(group=relation.kit_group, n=relation.quantity)
        bits.append(glyphs.text(kit))
    if relation.valid_from:
        bits.append(_("from {date}").format(date=_date(relation.valid_from)))
    if relation.serial_from or relation.serial_to:
        bits.append(
            _("serials {lo}–{hi}").format(
                lo=relation.serial_from or "…", hi=relation.serial_to or "…"
            )
        )
    if relation.production_from or relation.production_to:
        bits.append(
            _("produced {lo}–{hi}").format(
                lo=_date(relation.production_from) or "…", hi=_date(relation.production_to) or "…"
            )
        )
    if relation.model_code:
        bits.append(_("model {model}").format(model=relation.model_code))
    if relation.reason:
        bits.append(relation.reason)
    return " · ".join(bits)


def resolution_text(resolution: Resolution) -> str:
    if resolution.status is ResolutionStatus.ORDERABLE:
        times = glyphs.current().times
        items = ", ".join(f"{i.quantity}{times} {i.part.code}" for i in resolution.order)
        return _("ORDER: {items}").format(items=items)
    if resolution.status is ResolutionStatus.DEPENDS:
        return _("Depends on the appliance: {reason}").format(reason=resolution.reason)
    return _("Nothing to order: {reason}").format(reason=resolution.reason)


@localized
class SupersessionTreeView(Tree[TreeEntry]):
    """A part's supersession tree; Enter opens the highlighted part, a adds it to the cart."""

    HELP = N_(
        "Supersession tree: the part, what it replaced and what replaces it. "
        "⇒ permanent replacement, ≈ depends on the serial number or production date, "
        "⊂ kit member, ⇄ interchangeable, ✗ does not apply to this appliance; "
        "◀ ORDER marks the part to order now. Enter opens a part, a adds it to the cart, "
        "v shows it, its successors and alternates at the manufacturer and the suppliers."
    )
    BINDINGS = [
        Binding("j", "cursor_down", N_("Down"), show=False, id="list.down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="list.up"),
        Binding("v", "availability", N_("Availability"), id="tree.availability", show=False,
                tooltip=N_("The part at the manufacturer and the suppliers, side by side")),
    ]  # fmt: skip

    def action_availability(self) -> None:
        """v: the highlighted part (else the tree's own) at every supplier, side by side."""
        node = self.cursor_node
        entry = node.data if node is not None else None
        part = entry.part if entry is not None and entry.part is not None else None
        if part is None and self.tree_data is not None:
            part = self.tree_data.part
        if part is not None:
            appliance = getattr(self.screen, "appliance", None)
            self.app.open_availability(part.code, appliance)  # type: ignore[attr-defined]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", TreeEntry(None), id=id)
        self.show_root = True
        self.guide_depth = 2
        self.tree_data: SupersessionTree | None = None

    def show_message(self, text: str) -> None:
        self.tree_data = None
        self.clear()
        self.root.set_label(Text(text))
        self.root.data = TreeEntry(None)

    def show_tree(self, data: SupersessionTree) -> None:
        self.tree_data = data
        self.clear()
        part = data.part
        replaced = " " + _("REPLACED PART") if data.replaced else ""
        self.root.set_label(Text(f"{part.code} {part.description}{replaced}"))
        self.root.data = TreeEntry(part)
        if data.predecessors:
            above = self.root.add(_("What it replaced"), TreeEntry(None), expand=True)
            for item in data.predecessors:
                self._add(above, item)
        if data.successors:
            below = self.root.add(_("Replaced by"), TreeEntry(None), expand=True)
            for item in data.successors:
                self._add(below, item)
        if data.interchangeable:
            both = self.root.add(_("Interchangeable"), TreeEntry(None), expand=True)
            for item in data.interchangeable:
                self._add(both, item)
        self.root.add_leaf(
            Text(resolution_text(data.resolution)), TreeEntry(None, detail=data.resolution.reason)
        )
        self.root.expand()

    def _add(self, parent: UINode[TreeEntry], item: TreeNode) -> None:
        g = glyphs.current()
        mark = g.not_applies + " " if item.applies is Applicability.NO else ""
        order = " ".join(("", g.order, _("ORDER"))) if item.to_order else ""
        cycle = " ({})".format(_("cycle")) if item.cycle else ""
        label = Text(
            f"{mark}{edge_arrow(item.relation)} {item.part.code}{order}{cycle} "
            f"{item.part.description}"
        )
        entry = TreeEntry(item.part, item.relation, edge_text(item.relation))
        if item.children:
            node = parent.add(label, entry, expand=True)
            for child in item.children:
                self._add(node, child)
        else:
            parent.add_leaf(label, entry)

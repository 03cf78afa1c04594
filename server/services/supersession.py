"""The supersession resolver: from any part to what can be ordered now, and why.

Pure functions over an in-memory graph (:class:`Graph`), so that the rules are tested on
hand-built cases; :mod:`server.services.catalogue` loads the graph from the database.

Rules (see ``server/demo/__init__.py`` for how the relations are stored):

* A part is *orderable* when it is not obsolete and not ``unavailable`` (``on_order`` is
  orderable, with its lead time).
* ``supersedes`` one-way, ``from`` -> ``to``: the old part is replaced by the new one, once the
  relation is in force (``valid_from`` <= today) and when its effectivity holds for the
  appliance: model, serial range (inclusive, compared as strings of equal length) and
  production-date range (inclusive). A condition that cannot be checked because the appliance
  is not known makes the answer *depend* on it: every possible outcome is listed.
* ``kit_member`` one-way: every row of a ``kit_group`` belongs to one set; replacing any of
  its ``from`` parts means ordering every distinct ``to`` part of the group once, with its
  quantity. Each member is resolved in turn.
* Two-way relations (``alternate``, or a two-way ``supersedes``) never force a change: a part
  that cannot be ordered falls back on an orderable interchangeable part.
* Chains are followed (A -> B -> C); a cycle is reported, not followed; the depth is bounded.
* Where several replacements apply, a conditional one (more specific) wins over a permanent
  one, then the oldest relation (lowest id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from client.models import (
    Applicability,
    Availability,
    RelationDirection,
    RelationKind,
    ResolutionStatus,
)
from server.i18n import N_, When, _

MAX_DEPTH = 32
"""Replacements followed at most from one requested part (longer chains are an error)."""
OTHERWISE = "otherwise"
"""The condition of the outcome when none of the others holds: a fixed word that clients
recognise and name in their language (not translated)."""
NEEDED_NAMES = {
    "model": N_("model"),
    "serial": N_("serial"),
    "production_date": N_("production date"),
}
"""What an answer may depend on, in words (the codes themselves are data)."""


@dataclass(frozen=True)
class PartNode:
    id: int
    code: str
    description: str = ""
    availability: str = Availability.IN_STOCK.value
    stock: int = 0
    lead_time_days: int = 0
    obsolete: bool = False
    price_cents: int = 0

    @property
    def orderable(self) -> bool:
        return not self.obsolete and self.availability != Availability.UNAVAILABLE.value


@dataclass(frozen=True)
class Edge:
    """One part relation, as stored."""

    id: int
    from_id: int
    to_id: int
    kind: str = RelationKind.SUPERSEDES.value
    direction: str = RelationDirection.ONE_WAY.value
    kit_group: str | None = None
    quantity: int = 1
    valid_from: dt.date | None = None
    serial_from: str | None = None
    serial_to: str | None = None
    production_from: dt.date | None = None
    production_to: dt.date | None = None
    model_id: int | None = None
    reason: str = ""

    @property
    def two_way(self) -> bool:
        return self.direction == RelationDirection.TWO_WAY.value

    @property
    def conditional(self) -> bool:
        return bool(
            self.serial_from
            or self.serial_to
            or self.production_from
            or self.production_to
            or self.model_id is not None
        )


@dataclass(frozen=True)
class ApplianceContext:
    """What is known of the appliance in front of the technician (nothing, by default)."""

    model_id: int | None = None
    serial: str | None = None
    production_date: dt.date | None = None


@dataclass
class Graph:
    parts: dict[int, PartNode] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._outgoing: dict[int, list[Edge]] = {}
        self._incoming: dict[int, list[Edge]] = {}
        self._kits: dict[str, list[Edge]] = {}
        for edge in sorted(self.edges, key=lambda e: e.id):
            self._index(edge)

    def _index(self, edge: Edge) -> None:
        self._outgoing.setdefault(edge.from_id, []).append(edge)
        self._incoming.setdefault(edge.to_id, []).append(edge)
        if edge.kit_group and edge.kind == RelationKind.KIT_MEMBER.value:
            self._kits.setdefault(edge.kit_group, []).append(edge)

    def outgoing(self, part_id: int) -> list[Edge]:
        return self._outgoing.get(part_id, [])

    def incoming(self, part_id: int) -> list[Edge]:
        return self._incoming.get(part_id, [])

    def kit(self, group: str) -> list[Edge]:
        return self._kits.get(group, [])

    def interchangeable(self, part_id: int) -> list[tuple[Edge, int]]:
        """Two-way relations touching ``part_id``: (edge, the other part)."""
        found = [(e, e.to_id) for e in self.outgoing(part_id) if e.two_way]
        found += [(e, e.from_id) for e in self.incoming(part_id) if e.two_way]
        return sorted(found, key=lambda pair: pair[0].id)


# --------------------------------------------------------------------------- effectivity


def _serial_cmp(serial: str, bound: str) -> int | None:
    """-1/0/1 comparing a serial with a range bound, None when they are not comparable."""
    if len(serial) != len(bound):
        return None
    return (serial > bound) - (serial < bound)


def applicability(
    edge: Edge, appliance: ApplianceContext, today: dt.date
) -> tuple[Applicability, str, tuple[str, ...]]:
    """Does ``edge`` hold for this appliance today? (answer, why, what would be needed);
    ``why`` is in the request's language."""
    if edge.valid_from is not None and edge.valid_from > today:
        return (
            Applicability.NO,
            _("in force from {date}").format(date=When(edge.valid_from)),
            (),
        )
    needed: list[str] = []
    if edge.model_id is not None:
        if appliance.model_id is None:
            needed.append("model")
        elif appliance.model_id != edge.model_id:
            return Applicability.NO, _("for another model"), ()
    if edge.serial_from or edge.serial_to:
        serial = (appliance.serial or "").strip()
        if not serial:
            needed.append("serial")
        else:
            for bound, outside in ((edge.serial_from, -1), (edge.serial_to, 1)):
                if not bound:
                    continue
                cmp = _serial_cmp(serial, bound)
                if cmp is None:
                    return (
                        Applicability.UNKNOWN,
                        _(
                            "serial {serial} is not comparable with the range's "
                            "{length}-character serials"
                        ).format(serial=serial, length=len(bound)),
                        ("serial",),
                    )
                if cmp == outside:
                    return (
                        Applicability.NO,
                        _("serial {serial} outside the range").format(serial=serial),
                        (),
                    )
    if edge.production_from or edge.production_to:
        produced = appliance.production_date
        if produced is None:
            needed.append("production_date")
        elif (edge.production_from and produced < edge.production_from) or (
            edge.production_to and produced > edge.production_to
        ):
            return (
                Applicability.NO,
                _("produced {date}, outside the range").format(date=When(produced)),
                (),
            )
    if needed:
        return (
            Applicability.UNKNOWN,
            _("depends on the appliance's {needed}").format(
                needed=", ".join(_(NEEDED_NAMES[n]) for n in needed)
            ),
            tuple(needed),
        )
    if edge.conditional:
        return Applicability.YES, _("applies to this appliance"), ()
    return Applicability.YES, _("permanent"), ()


# --------------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class Step:
    """One replacement taken: ``from_id`` -> ``to_id`` through ``edge``, and why."""

    edge: Edge
    from_id: int
    to_id: int
    why: str


@dataclass
class Outcome:
    status: ResolutionStatus
    order: dict[int, int] = field(default_factory=dict)  # part id -> quantity, in order
    steps: list[Step] = field(default_factory=list)
    reason: str = ""
    reason_code: str = ""
    choices: list[tuple[str, Outcome]] = field(default_factory=list)  # (condition, outcome)


def _merge(into: dict[int, int], order: dict[int, int], times: int = 1) -> None:
    for part_id, quantity in order.items():
        into[part_id] = into.get(part_id, 0) + quantity * times


def describe_condition(edge: Edge) -> str:
    bits = []
    if edge.serial_from or edge.serial_to:
        bits.append(
            _("serials {lo}–{hi}").format(lo=edge.serial_from or "…", hi=edge.serial_to or "…")
        )
    if edge.production_from or edge.production_to:
        bits.append(
            _("produced {lo}–{hi}").format(
                lo=When(edge.production_from), hi=When(edge.production_to)
            )
        )
    if edge.model_id is not None and not bits:
        bits.append(_("one model only"))
    return ", ".join(bits) or _("always")


class Resolver:
    """Resolves parts of one graph for one appliance on one day."""

    def __init__(
        self,
        graph: Graph,
        appliance: ApplianceContext | None = None,
        today: dt.date | None = None,
        max_depth: int = MAX_DEPTH,
    ) -> None:
        self.graph = graph
        self.appliance = appliance or ApplianceContext()
        self.today = today or dt.date.today()
        self.max_depth = max_depth

    def code(self, part_id: int) -> str:
        node = self.graph.parts.get(part_id)
        return node.code if node else f"#{part_id}"

    def resolve(self, part_id: int) -> Outcome:
        return self._walk(part_id, (), 0)

    def _walk(self, part_id: int, path: tuple[int, ...], depth: int) -> Outcome:
        code = self.code(part_id)
        if part_id in path:
            loop = " -> ".join(self.code(p) for p in (*path[path.index(part_id) :], part_id))
            return Outcome(
                ResolutionStatus.NONE,
                reason=_("cycle: {parts}").format(parts=loop),
                reason_code="cycle",
            )
        if depth > self.max_depth:
            return Outcome(
                ResolutionStatus.NONE,
                reason=_("more than {max} replacements from the requested part").format(
                    max=self.max_depth
                ),
                reason_code="depth",
            )
        node = self.graph.parts.get(part_id)
        if node is None:
            return Outcome(
                ResolutionStatus.NONE,
                reason=_("{code}: unknown part").format(code=code),
                reason_code="unknown",
            )
        path = (*path, part_id)
        applying: list[tuple[Edge, str]] = []
        unknown: list[tuple[Edge, str]] = []
        not_yet: list[Edge] = []
        seen_kits: set[str] = set()
        for edge in self.graph.outgoing(part_id):
            if edge.two_way or edge.kind == RelationKind.ALTERNATE.value:
                continue
            if edge.kind == RelationKind.KIT_MEMBER.value:
                if not edge.kit_group or edge.kit_group in seen_kits:
                    continue
                seen_kits.add(edge.kit_group)
            answer, why, _needed = applicability(edge, self.appliance, self.today)
            if answer is Applicability.YES:
                applying.append((edge, why))
            elif answer is Applicability.UNKNOWN:
                unknown.append((edge, why))
            elif edge.valid_from is not None and edge.valid_from > self.today:
                not_yet.append(edge)
        applying.sort(key=lambda pair: (not pair[0].conditional, pair[0].id))
        if applying and (applying[0][0].conditional or not unknown):
            edge, why = applying[0]
            return self._follow(part_id, edge, why, path, depth)
        if unknown:
            choices = [
                (describe_condition(edge), self._follow(part_id, edge, "", path, depth))
                for edge, _why in unknown
            ]
            otherwise = (
                self._follow(part_id, applying[0][0], applying[0][1], path, depth)
                if applying
                else self._stay(node, path, depth)
            )
            choices.append((OTHERWISE, otherwise))
            return Outcome(
                ResolutionStatus.DEPENDS,
                reason=_("the replacement of {code} {why}").format(code=code, why=unknown[0][1]),
                reason_code="depends",
                choices=choices,
            )
        outcome = self._stay(node, path, depth)
        if not_yet and outcome.status is ResolutionStatus.NONE:
            outcome.reason = _("{reason} (a replacement is in force from {date})").format(
                reason=outcome.reason, date=When(not_yet[0].valid_from)
            )
        return outcome

    def _follow(
        self, part_id: int, edge: Edge, why: str, path: tuple[int, ...], depth: int
    ) -> Outcome:
        if edge.kind == RelationKind.KIT_MEMBER.value and edge.kit_group:
            return self._kit(part_id, edge.kit_group, why, path, depth)
        step = Step(edge, part_id, edge.to_id, why or describe_condition(edge))
        after = self._walk(edge.to_id, path, depth + 1)
        after.steps.insert(0, step)
        for _condition, choice in after.choices:
            choice.steps.insert(0, step)
        return after

    def _kit(
        self, part_id: int, group: str, why: str, path: tuple[int, ...], depth: int
    ) -> Outcome:
        members: dict[int, Edge] = {}
        for edge in self.graph.kit(group):
            members.setdefault(edge.to_id, edge)
        total = Outcome(ResolutionStatus.ORDERABLE)
        for member_id, edge in members.items():
            step = Step(
                edge,
                part_id,
                member_id,
                _("kit {group}: {quantity} x").format(group=group, quantity=edge.quantity),
            )
            total.steps.append(step)
            sub = self._walk(member_id, path, depth + 1)
            total.steps.extend(sub.steps)
            if sub.status is ResolutionStatus.NONE:
                return Outcome(
                    ResolutionStatus.NONE,
                    steps=total.steps,
                    reason=_("kit {group}: {reason}").format(group=group, reason=sub.reason),
                    reason_code=sub.reason_code,
                )
            if sub.status is ResolutionStatus.DEPENDS:
                return Outcome(
                    ResolutionStatus.DEPENDS,
                    steps=total.steps,
                    reason=_("kit {group}: {reason}").format(group=group, reason=sub.reason),
                    reason_code=sub.reason_code,
                    choices=sub.choices,
                )
            _merge(total.order, sub.order, edge.quantity)
        return total

    def _stay(self, node: PartNode, path: tuple[int, ...], depth: int) -> Outcome:
        """Nothing replaces ``node`` (for this appliance): it, or an interchangeable part."""
        if node.orderable:
            return Outcome(ResolutionStatus.ORDERABLE, order={node.id: 1})
        for edge, other in self.graph.interchangeable(node.id):
            other_node = self.graph.parts.get(other)
            if other_node is None or other in path:
                continue
            if applicability(edge, self.appliance, self.today)[0] is not Applicability.YES:
                continue
            sub = self._walk(other, path, depth + 1)
            if sub.status is ResolutionStatus.ORDERABLE:
                sub.steps.insert(0, Step(edge, node.id, other, _("interchangeable")))
                return sub
        if node.obsolete:
            return Outcome(
                ResolutionStatus.NONE,
                reason=_("{code} is obsolete and nothing replaces it").format(code=node.code),
                reason_code="obsolete",
            )
        return Outcome(
            ResolutionStatus.NONE,
            reason=_("{code} is unavailable and nothing replaces it").format(code=node.code),
            reason_code="unavailable",
        )


def history(graph: Graph, part_id: int, max_depth: int = MAX_DEPTH) -> list[list[Step]]:
    """What ``part_id`` replaced: every backward path, nearest first, cycles cut."""
    paths: list[list[Step]] = []

    def back(current: int, trail: list[Step], seen: frozenset[int]) -> None:
        edges = [e for e in graph.incoming(current) if not e.two_way]
        if not edges or len(trail) >= max_depth:
            if trail:
                paths.append(trail)
            return
        for edge in edges:
            step = Step(edge, edge.from_id, current, edge.reason)
            if edge.from_id in seen:
                paths.append([*trail, step])
                continue
            back(edge.from_id, [*trail, step], seen | {edge.from_id})

    back(part_id, [], frozenset({part_id}))
    return paths


def find_cycle(edges: Iterable[Edge]) -> list[int] | None:
    """A cycle among one-way replacements (supersedes, kit members), as part ids, or None."""
    successors: dict[int, list[int]] = {}
    for edge in edges:
        if edge.two_way or edge.kind == RelationKind.ALTERNATE.value:
            continue
        successors.setdefault(edge.from_id, []).append(edge.to_id)
    white, grey, black = 0, 1, 2
    colour: dict[int, int] = {}
    for start in sorted(successors):
        if colour.get(start, white) != white:
            continue
        stack: list[tuple[int, int]] = [(start, 0)]
        trail: list[int] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                colour[node] = grey
                trail.append(node)
            nexts = successors.get(node, [])
            if index < len(nexts):
                stack.append((node, index + 1))
                nxt = nexts[index]
                state = colour.get(nxt, white)
                if state == grey:
                    return [*trail[trail.index(nxt) :], nxt]
                if state == white:
                    stack.append((nxt, 0))
            else:
                colour[node] = black
                trail.pop()
    return None

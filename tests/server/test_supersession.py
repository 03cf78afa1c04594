"""The supersession resolver on hand-built graphs, and a property over random ones."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from client.models import Applicability, ResolutionStatus
from server.services.supersession import (
    ApplianceContext,
    Edge,
    Graph,
    PartNode,
    Resolver,
    find_cycle,
    history,
)

TODAY = dt.date(2026, 11, 23)
UN = "unavailable"


def part(pid: int, availability: str = "in_stock", obsolete: bool = False) -> PartNode:
    return PartNode(pid, f"P{pid}", availability=availability, obsolete=obsolete)


def graph(parts: list[PartNode], edges: list[Edge]) -> Graph:
    return Graph({p.id: p for p in parts}, edges)


def resolve(g: Graph, pid: int, **appliance: object) -> object:
    return Resolver(g, ApplianceContext(**appliance), TODAY).resolve(pid)  # type: ignore[arg-type]


def test_a_chain_is_followed_to_its_orderable_end_with_every_step() -> None:
    g = graph(
        [part(1, UN), part(2, UN), part(3)],
        [Edge(1, 1, 2, reason="a"), Edge(2, 2, 3, reason="b")],
    )
    outcome = resolve(g, 1)
    assert outcome.status is ResolutionStatus.ORDERABLE
    assert outcome.order == {3: 1}
    assert [(s.from_id, s.to_id) for s in outcome.steps] == [(1, 2), (2, 3)]
    assert all(s.why == "permanent" for s in outcome.steps)


def test_a_permanent_supersession_replaces_even_an_orderable_part() -> None:
    g = graph([part(1), part(2)], [Edge(1, 1, 2)])
    assert resolve(g, 1).order == {2: 1}
    assert resolve(g, 2).order == {2: 1}  # the new one is not replaced by the old


def test_a_supersession_not_yet_in_force_is_not_followed() -> None:
    g = graph([part(1), part(2)], [Edge(1, 1, 2, valid_from=TODAY + dt.timedelta(days=1))])
    assert resolve(g, 1).order == {1: 1}
    g = graph([part(1), part(2)], [Edge(1, 1, 2, valid_from=TODAY)])
    assert resolve(g, 1).order == {2: 1}


def test_two_way_parts_are_interchangeable_and_never_forced() -> None:
    g = graph([part(1, "on_order"), part(2)], [Edge(1, 1, 2, "alternate", "two_way")])
    assert resolve(g, 1).order == {1: 1}  # on order is orderable: no change forced
    assert resolve(g, 2).order == {2: 1}
    g = graph([part(1, UN), part(2)], [Edge(1, 1, 2, "alternate", "two_way")])
    outcome = resolve(g, 1)
    assert outcome.order == {2: 1} and outcome.steps[0].why == "interchangeable"
    g = graph([part(1), part(2, UN)], [Edge(1, 1, 2, "alternate", "two_way")])
    assert resolve(g, 2).order == {1: 1}  # the other way round too


SERIES_FROM, SERIES_TO = "251901001010000000", "251901311309999999"


def serial_graph() -> Graph:
    return graph(
        [part(1), part(2)],
        [Edge(1, 1, 2, serial_from=SERIES_FROM, serial_to=SERIES_TO, model_id=7)],
    )


def test_serial_effectivity_on_both_sides_of_each_boundary() -> None:
    g = serial_graph()
    inside = ["251901001010000000", "251901311309999999", "251901206150001234"]
    outside = ["251900912319999999", "251901312010000000"]
    for serial in inside:
        assert resolve(g, 1, serial=serial, model_id=7).order == {2: 1}, serial
    for serial in outside:
        assert resolve(g, 1, serial=serial, model_id=7).order == {1: 1}, serial
    assert resolve(g, 1, serial=inside[0], model_id=8).order == {1: 1}  # another model


def test_an_unknown_serial_makes_the_answer_depend_on_it_with_every_outcome() -> None:
    outcome = resolve(serial_graph(), 1, model_id=7)
    assert outcome.status is ResolutionStatus.DEPENDS
    assert "serial" in outcome.reason
    assert [(c, o.order) for c, o in outcome.choices] == [
        (f"serials {SERIES_FROM}–{SERIES_TO}", {2: 1}),
        ("otherwise", {1: 1}),
    ]
    # a serial of another form cannot be compared: still depends, and says why
    odd = resolve(serial_graph(), 1, model_id=7, serial="123345")
    assert odd.status is ResolutionStatus.DEPENDS and "not comparable" in odd.reason


def test_production_date_effectivity() -> None:
    g = graph(
        [part(1), part(2)],
        [
            Edge(
                1,
                1,
                2,
                production_from=dt.date(2015, 1, 1),
                production_to=dt.date(2019, 12, 31),
            )
        ],
    )
    for produced, expected in (
        (dt.date(2014, 12, 31), 1),
        (dt.date(2015, 1, 1), 2),
        (dt.date(2019, 12, 31), 2),
        (dt.date(2020, 1, 1), 1),
    ):
        assert resolve(g, 1, production_date=produced).order == {expected: 1}, produced
    assert resolve(g, 1).status is ResolutionStatus.DEPENDS


def test_a_serial_fork_picks_the_branch_of_the_appliance() -> None:
    g = graph(
        [part(1, UN), part(2), part(3, "on_order")],
        [
            Edge(1, 1, 2, serial_to="638101806309999999"),
            Edge(2, 1, 3, serial_from="638101807010000000"),
        ],
    )
    assert resolve(g, 1, serial="638101803010000001").order == {2: 1}
    assert resolve(g, 1, serial="638101901010000001").order == {3: 1}
    depends = resolve(g, 1)
    assert [o.order for _c, o in depends.choices] == [{2: 1}, {3: 1}, {}]
    assert depends.choices[2][1].status is ResolutionStatus.NONE


def test_a_kit_gives_its_members_with_quantities_and_covers_every_replaced_part() -> None:
    g = graph(
        [part(1, UN), part(2), part(3), part(4), part(5, UN), part(6, UN), part(9)],
        [
            Edge(1, 1, 2, "kit_member", kit_group="K", quantity=1),
            Edge(2, 1, 3, "kit_member", kit_group="K", quantity=1),
            Edge(3, 1, 4, "kit_member", kit_group="K", quantity=2),
            Edge(4, 5, 9, "kit_member", kit_group="HINGES"),
            Edge(5, 6, 9, "kit_member", kit_group="HINGES"),
        ],
    )
    outcome = resolve(g, 1)
    assert outcome.status is ResolutionStatus.ORDERABLE
    assert outcome.order == {2: 1, 3: 1, 4: 2}
    assert resolve(g, 5).order == {9: 1} == resolve(g, 6).order  # one kit for both hinges


def test_a_kit_member_that_is_itself_superseded_is_resolved() -> None:
    g = graph(
        [part(1, UN), part(2, UN), part(3), part(4)],
        [
            Edge(1, 1, 2, "kit_member", kit_group="K", quantity=2),
            Edge(2, 1, 3, "kit_member", kit_group="K"),
            Edge(3, 2, 4),
        ],
    )
    assert resolve(g, 1).order == {4: 2, 3: 1}


def test_an_obsolete_end_says_so() -> None:
    g = graph([part(1, UN), part(2, UN, obsolete=True)], [Edge(1, 1, 2)])
    outcome = resolve(g, 1)
    assert outcome.status is ResolutionStatus.NONE
    assert outcome.reason_code == "obsolete" and "P2 is obsolete" in outcome.reason
    assert outcome.order == {} and outcome.steps[0].to_id == 2
    alone = resolve(graph([part(3, UN)], []), 3)
    assert alone.reason_code == "unavailable"


def test_a_cycle_is_reported_not_followed() -> None:
    g = graph([part(1), part(2), part(3)], [Edge(1, 1, 2), Edge(2, 2, 3), Edge(3, 3, 1)])
    outcome = resolve(g, 1)
    assert outcome.status is ResolutionStatus.NONE
    assert outcome.reason_code == "cycle" and "P1 -> P2 -> P3 -> P1" in outcome.reason
    assert find_cycle(g.edges) == [1, 2, 3, 1]
    assert find_cycle([Edge(1, 1, 2), Edge(2, 2, 3)]) is None
    assert find_cycle([Edge(1, 1, 2, "alternate", "two_way"), Edge(2, 2, 1)]) is None


def test_the_depth_is_bounded() -> None:
    n = 60
    g = graph([part(i, UN) for i in range(n)] + [part(n)], [Edge(i, i, i + 1) for i in range(n)])
    outcome = Resolver(g, today=TODAY, max_depth=32).resolve(0)
    assert outcome.status is ResolutionStatus.NONE and outcome.reason_code == "depth"
    assert Resolver(g, today=TODAY, max_depth=64).resolve(0).order == {n: 1}


def test_history_lists_what_a_part_replaced() -> None:
    g = graph([part(1), part(2), part(3), part(4)], [Edge(1, 1, 2), Edge(2, 2, 3), Edge(3, 4, 3)])
    paths = history(g, 3)
    assert sorted([(s.from_id, s.to_id) for s in p] for p in paths) == [
        [(2, 3), (1, 2)],
        [(4, 3)],
    ]


# --------------------------------------------------------------------------- property

AVAILABILITY = st.sampled_from(["in_stock", "on_order", "unavailable"])


@st.composite
def random_graphs(draw: st.DrawFn) -> tuple[Graph, ApplianceContext, int]:
    n = draw(st.integers(1, 12))
    parts = [
        PartNode(i, f"P{i}", availability=draw(AVAILABILITY), obsolete=draw(st.booleans()))
        for i in range(n)
    ]
    edges = []
    for eid in range(draw(st.integers(0, 20))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        kind = draw(st.sampled_from(["supersedes", "alternate", "kit_member"]))
        edges.append(
            Edge(
                eid,
                a,
                b,
                kind,
                "two_way" if kind == "alternate" else draw(st.sampled_from(["one_way", "two_way"])),
                kit_group=draw(st.sampled_from(["K1", "K2"])) if kind == "kit_member" else None,
                quantity=draw(st.integers(1, 3)),
                serial_from=draw(st.sampled_from([None, "500", "20"])),
                serial_to=draw(st.sampled_from([None, "700"])),
                production_from=draw(st.sampled_from([None, dt.date(2015, 1, 1)])),
                valid_from=draw(st.sampled_from([None, TODAY, TODAY + dt.timedelta(days=9)])),
            )
        )
    appliance = ApplianceContext(
        serial=draw(st.sampled_from([None, "499", "600", "12"])),
        production_date=draw(st.sampled_from([None, dt.date(2014, 5, 1), dt.date(2016, 5, 1)])),
    )
    return graph(parts, edges), appliance, draw(st.integers(0, n - 1))


def _check(g: Graph, outcome: object) -> None:
    if outcome.status is ResolutionStatus.ORDERABLE:
        assert outcome.order, "orderable with nothing to order"
        for part_id, quantity in outcome.order.items():
            assert g.parts[part_id].orderable and quantity >= 1
    elif outcome.status is ResolutionStatus.NONE:
        assert outcome.reason and outcome.reason_code and not outcome.order
    else:
        assert outcome.reason and outcome.choices
        for _condition, choice in outcome.choices:
            _check(g, choice)


@settings(max_examples=400, deadline=None)
@given(random_graphs())
def test_the_resolved_part_is_always_orderable_or_the_answer_says_why(
    case: tuple[Graph, ApplianceContext, int],
) -> None:
    g, appliance, start = case
    resolver = Resolver(g, appliance, TODAY, max_depth=8)
    outcome = resolver.resolve(start)
    _check(g, outcome)
    assert len(outcome.steps) <= 8 * max(1, len(g.edges))
    assert resolver.resolve(start).order == outcome.order  # deterministic


def test_applicability_names_what_is_missing() -> None:
    from server.services.supersession import applicability

    edge = Edge(1, 1, 2, serial_from="100", production_to=dt.date(2019, 1, 1), model_id=3)
    answer, why, needed = applicability(edge, ApplianceContext(), TODAY)
    assert answer is Applicability.UNKNOWN and needed == ("model", "serial", "production_date")
    assert "serial" in why

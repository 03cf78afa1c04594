"""The invoicing and vouchers search lines, read without Textual."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tui.invoicing_filter import FilterError, parse_interventions, parse_vouchers


def test_intervention_dates_and_a_centre() -> None:
    query = parse_interventions("from:01/10/2026 to:2026-10-31 sc:249050")
    assert query.intervention_from == dt.date(2026, 10, 1)
    assert query.intervention_to == dt.date(2026, 10, 31)
    assert query.centre == "249050"
    assert parse_interventions("").params() == {}
    assert parse_interventions("from:").params() == {}  # still being typed


@pytest.mark.parametrize(
    ("line", "named"),
    [("from:32/10/2026", "from:32/10/2026"), ("october", "october"), ("x:1", "x:")],
)
def test_what_the_interventions_line_cannot_read_is_named(line: str, named: str) -> None:
    with pytest.raises(FilterError) as refused:
        parse_interventions(line)
    assert named in str(refused.value)


def test_a_voucher_number_dates_and_amounts() -> None:
    query = parse_vouchers("bp2490 from:01/01/2026 to:31/12/2026 min:10,5 max:2500 sc:249050")
    assert query.number == "BP2490" and query.centre == "249050"
    assert (query.created_from, query.created_to) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert (query.amount_min, query.amount_max) == (Decimal("10.5"), Decimal("2500"))
    assert query.params()["amount_min"] == "10.5"


@pytest.mark.parametrize("line", ["min:abc", "max:-3", "min:NaN"])
def test_an_amount_that_is_not_one_is_named(line: str) -> None:
    with pytest.raises(FilterError) as refused:
        parse_vouchers(line)
    assert line in str(refused.value)

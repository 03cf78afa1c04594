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


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("fr", "du:01/10/2026 au:31/10/2026 sc:249050"),
        ("it", "dal:01/10/2026 al:31/10/2026 centro:249050"),
        ("fr", "from:2026-10-01 to:2026-10-31 centre:249050"),  # English keys work too
    ],
)
def test_the_keys_in_the_users_language(lang: str, line: str) -> None:
    query = parse_interventions(line, lang)
    assert (query.intervention_from, query.intervention_to, query.centre) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
        "249050",
    )
    vouchers = parse_vouchers(line.replace("sc:", "min:").replace("centro:", "min:"), lang)
    assert vouchers.created_from == dt.date(2026, 10, 1)


def test_a_french_key_is_not_an_english_users() -> None:
    with pytest.raises(FilterError) as refused:
        parse_interventions("du:01/10/2026", "en")
    assert "du:" in str(refused.value)

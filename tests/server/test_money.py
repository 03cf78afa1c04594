"""The rounding rule (server.services.money): the seed's figures and the property that a
document's net + VAT is its total to the cent, whatever its lines."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from server.services.money import document_totals, from_cents, to_cents, vat_on, with_vat

D = Decimal


def test_the_seeds_fixed_rate_at_20_percent_is_86_40() -> None:
    assert with_vat(D("72.00"), D("20")) == (D("72.00"), D("14.40"), D("86.40"))


def test_the_seeds_closing_84_plus_49_96_plus_0_is_160_75() -> None:
    totals = document_totals([(D("84.00"), D("20")), (D("49.96"), D("20")), (D("0.00"), D("20"))])
    assert (totals.net, totals.vat, totals.total) == (D("133.96"), D("26.79"), D("160.75"))


def test_vat_is_rounded_half_up_once_per_rate_not_per_line() -> None:
    # three lines of 0.05 at 10 %: per line 0.005 -> 0.01 each (0.03); per rate 0.015 -> 0.02
    totals = document_totals([(D("0.05"), D("10"))] * 3)
    assert totals.vat == D("0.02")
    assert vat_on(D("0.25"), D("10")) == D("0.03")  # 0.025: half up, not half even


def test_two_rates_each_have_their_vat() -> None:
    totals = document_totals([(D("10.00"), D("20")), (D("10.00"), D("5.5"))])
    assert totals.vat_by_rate == (
        (D("5.50"), D("10.00"), D("0.55")),
        (D("20.00"), D("10.00"), D("2.00")),
    )
    assert totals.total == D("22.55")


def test_cents_round_trip() -> None:
    assert to_cents(D("160.75")) == 16075 and from_cents(16075) == D("160.75")
    assert to_cents(D("0.005")) == 1


CENTS = st.integers(min_value=0, max_value=10_000_000)
RATE = st.sampled_from([D(r) for r in ("0", "2.1", "4", "5.5", "10", "20", "21", "22")])


@given(st.lists(st.tuples(CENTS, RATE), max_size=30))
def test_net_plus_vat_is_the_total_to_the_cent(lines: list[tuple[int, Decimal]]) -> None:
    totals = document_totals((from_cents(c), r) for c, r in lines)
    assert totals.net + totals.vat == totals.total
    assert totals.net == from_cents(sum(c for c, _r in lines))
    for amount in (totals.net, totals.vat, totals.total):
        assert amount == amount.quantize(D("0.01"))
    assert totals.vat == sum((vat for _r, _n, vat in totals.vat_by_rate), D(0))

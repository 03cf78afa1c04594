"""Money: the one place amounts are rounded.

* In the database an amount is a whole number of cents (``*_cents`` columns: ``Integer`` or
  ``BigInteger`` on SQLite and PostgreSQL alike, never a float); everywhere else it is a
  ``Decimal`` (``from_cents`` / ``to_cents`` at the edge).
* The rounding rule is half-up to the cent (``client.models.quantize_money``).
* A document's VAT is computed **per rate on the document**, EN 16931 style: the nets of the
  lines at one rate are summed (they are whole cents already), that sum is multiplied by the
  rate and rounded half-up once; the document's VAT is the sum of those per-rate amounts and
  its total is net + VAT. Line VATs are never summed.

The seed's figures are the test vectors (tests/server/test_money.py): a rate of 72.00 at 20 %
is 86.40 with VAT; 84.00 + spares 49.96 + bonuses 0.00 = 133.96 net is 160.75 with VAT.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from client.models import quantize_money

ZERO = Decimal("0.00")


def from_cents(cents: int) -> Decimal:
    return Decimal(cents) / 100


def to_cents(amount: Decimal) -> int:
    return int(quantize_money(amount) * 100)


def vat_on(net: Decimal, rate_percent: Decimal) -> Decimal:
    """VAT on a document's net total at one rate, rounded half-up to the cent."""
    return quantize_money(net * rate_percent / 100)


def with_vat(net: Decimal, rate_percent: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(net, vat, total) for a net amount at a VAT rate in percent."""
    net = quantize_money(net)
    vat = vat_on(net, rate_percent)
    return net, vat, net + vat


@dataclass(frozen=True)
class Totals:
    """A document's figures: its net, its VAT (per rate, then summed) and its total."""

    net: Decimal
    vat: Decimal
    total: Decimal
    vat_by_rate: tuple[tuple[Decimal, Decimal, Decimal], ...] = ()
    """(rate, net at that rate, VAT at that rate), by rate ascending."""


def document_totals(lines: Iterable[tuple[Decimal, Decimal]]) -> Totals:
    """The totals of a document whose lines are (amount, VAT rate in percent).

    Each amount is rounded to the cent first (a line's amount is what the document shows);
    then the VAT is computed once per rate on the sum of that rate's lines."""
    per_rate: dict[Decimal, Decimal] = {}
    for amount, rate in lines:
        key = Decimal(rate).quantize(ZERO)
        per_rate[key] = per_rate.get(key, ZERO) + quantize_money(amount)
    breakdown = tuple((rate, net, vat_on(net, rate)) for rate, net in sorted(per_rate.items()))
    net = sum((b[1] for b in breakdown), ZERO)
    vat = sum((b[2] for b in breakdown), ZERO)
    return Totals(net=net, vat=vat, total=net + vat, vat_by_rate=breakdown)

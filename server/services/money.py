"""Money: integer cents in the database, Decimal everywhere else, half-up to the cent."""

from __future__ import annotations

from decimal import Decimal

from client.models import quantize_money


def from_cents(cents: int) -> Decimal:
    return Decimal(cents) / 100


def to_cents(amount: Decimal) -> int:
    return int(quantize_money(amount) * 100)


def vat_on(net: Decimal, rate_percent: Decimal) -> Decimal:
    """VAT on a document's net total, rounded half-up to the cent."""
    return quantize_money(net * rate_percent / 100)


def with_vat(net: Decimal, rate_percent: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(net, vat, total) for a net amount at a VAT rate in percent."""
    net = quantize_money(net)
    vat = vat_on(net, rate_percent)
    return net, vat, net + vat

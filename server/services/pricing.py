"""The prices of a cart or an order: one set of rules for both, so an order records exactly
the figures its cart showed.

* a line's net = catalogue price x quantity, less the centre's discount, rounded half-up to
  the cent (once, on the line);
* a document's net = the sum of its lines' nets (already whole cents: no rounding);
* its VAT = the VAT rate applied to that net total, rounded half-up once;
* its total = net + VAT. Shipping is not included.

A line also shows its own VAT (``CartLine.vat``) for information; the document's VAT is not
the sum of those (it is computed on the total, as invoices are).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from client.models import quantize_money
from server.services.money import vat_on


def line_net(price: Decimal, quantity: int, discount_rate: Decimal) -> Decimal:
    """Net of ``quantity`` at catalogue ``price`` less ``discount_rate`` percent."""
    return quantize_money(price * quantity * (100 - discount_rate) / 100)


def document_totals(nets: Iterable[Decimal], vat_rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(net, VAT, total) of a document whose lines have these nets."""
    net = sum(nets, Decimal("0.00"))
    vat = vat_on(net, vat_rate)
    return net, vat, net + vat

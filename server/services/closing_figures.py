"""The figures of an intervention: what the closing form charges, in ``Decimal`` from whole
cents (server.services.money does the rounding).

* net = rate + spares + bonuses; VAT at the centre's rate on that net, half up once
  (``document_totals``); total = net + VAT.
* Spares: each part line's unit price (the order line's or the catalogue's, as
  server.services.closing_parts found it) times its quantity.
* Closing freezes the amounts (net, VAT, total) on the intervention: a closed intervention
  shows its frozen amounts, a draft (or a rejected closing) its figures computed again.

The rules (who may close which ticket, when, and what the form must hold) are
server.services.closing's, which calls this module; this one refuses nothing, reads and
writes nothing in the database.
"""

from __future__ import annotations

from decimal import Decimal

from client import models as wire
from server.db import models as db
from server.services.closing_parts import PartLine
from server.services.money import document_totals, from_cents, to_cents


def figures(
    rate_cents: int, spares_cents: int, bonuses_cents: int, vat_rate: Decimal
) -> wire.InterventionTotals:
    """Rate, spares and bonuses, their net, the VAT at ``vat_rate`` on that net and the
    total."""
    computed = document_totals(
        (from_cents(cents), vat_rate) for cents in (rate_cents, spares_cents, bonuses_cents)
    )
    return wire.InterventionTotals(
        rate=from_cents(rate_cents),
        spares=from_cents(spares_cents),
        bonuses=from_cents(bonuses_cents),
        net=computed.net,
        vat_rate=vat_rate,
        vat=computed.vat,
        total=computed.total,
    )


def spares_cents(parts: list[PartLine]) -> int:
    """The parts used, in cents: each line's unit price times its quantity."""
    return sum(p.unit_price_cents * p.quantity for p in parts)


def line_amount(unit_price_cents: int, quantity: int) -> Decimal:
    """A part line's amount: its unit price times its quantity."""
    return from_cents(unit_price_cents * quantity)


def saved_figures(saved: db.Intervention) -> wire.InterventionTotals:
    """A saved intervention's figures: the amounts frozen at closing, else (a draft, a
    rejected closing) computed again from its rate, spares, bonuses and VAT rate."""
    if saved.net_cents is not None and saved.vat_cents is not None:
        return wire.InterventionTotals(
            rate=from_cents(saved.rate_cents),
            spares=from_cents(saved.spares_cents),
            bonuses=from_cents(saved.bonuses_cents),
            net=from_cents(saved.net_cents),
            vat_rate=saved.vat_rate,
            vat=from_cents(saved.vat_cents),
            total=from_cents(saved.net_cents + saved.vat_cents),
        )
    return figures(saved.rate_cents, saved.spares_cents, saved.bonuses_cents, saved.vat_rate)


def frozen_amounts(totals: wire.InterventionTotals) -> dict[str, int]:
    """The intervention's columns a closing freezes: net, VAT and total, in cents."""
    return {
        "net_cents": to_cents(totals.net),
        "vat_cents": to_cents(totals.vat),
        "total_cents": to_cents(totals.total),
    }


def frozen_total(saved: db.Intervention) -> Decimal | None:
    """The final price frozen at closing (net + VAT); None when nothing is frozen."""
    if saved.net_cents is None or saved.vat_cents is None:
        return None
    return from_cents(saved.net_cents + saved.vat_cents)


def priced_parts(parts: list[PartLine]) -> list[wire.PartUsed]:
    """The form's parts as they stand, numbered from 1: their codes, unit price, amount and
    today's catalogue price."""
    return [
        wire.PartUsed(
            position=n,
            requested_code=p.requested.code,
            ordered_code=p.ordered.code if p.ordered else None,
            installed_code=p.installed.code,
            description=p.installed.description,
            quantity=p.quantity,
            unit_price=from_cents(p.unit_price_cents),
            amount=line_amount(p.unit_price_cents, p.quantity),
            catalogue_price=from_cents(p.installed.price_cents),
            order_line_id=p.order_line_id,
            order_number=p.order_number,
        )
        for n, p in enumerate(parts, start=1)
    ]

"""The search lines of invoicing: the interventions to invoice, and the vouchers.

    from:01/10/2026 to:31/10/2026 sc:249050          (interventions: their dates, a centre)
    BP249050260001 from:01/10/2026 min:100 max:2500  (vouchers: number, dates, final amount)

Parsing is pure (no Textual), so it is tested alone.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from client.models import InvoicingQuery, VoucherQuery
from tui.i18n import _
from tui.ticket_filter import FilterError, build_query, filter_date, tokens

INTERVENTION_KEYS = {
    "from": "intervention_from",
    "to": "intervention_to",
    "sc": "centre",
    "centre": "centre",
}
VOUCHER_KEYS = {
    "from": "created_from",
    "to": "created_to",
    "min": "amount_min",
    "max": "amount_max",
    "sc": "centre",
    "centre": "centre",
}

__all__ = ["FilterError", "parse_interventions", "parse_vouchers"]


def parse_interventions(text: str) -> InvoicingQuery:
    fields: dict[str, object] = {}
    for key, field, value in tokens(text, INTERVENTION_KEYS):
        if field is None:
            raise FilterError(
                _("{word}: give dates as from:DD/MM/YYYY to:DD/MM/YYYY").format(word=value)
            )
        fields[field] = filter_date(key, value) if field != "centre" else value
    return build_query(InvoicingQuery, fields, [])


def _amount(key: str, value: str) -> Decimal:
    try:
        amount = Decimal(value.replace(",", "."))
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0:
        raise FilterError(_("{key}:{value} is not an amount").format(key=key, value=value))
    return amount


def parse_vouchers(text: str) -> VoucherQuery:
    fields: dict[str, object] = {}
    for key, field, value in tokens(text, VOUCHER_KEYS):
        if field is None:
            fields["number"] = value.upper()
        elif field in ("created_from", "created_to"):
            fields[field] = filter_date(key, value)
        elif field in ("amount_min", "amount_max"):
            fields[field] = _amount(key, value)
        else:
            fields[field] = value
    return build_query(VoucherQuery, fields, [])

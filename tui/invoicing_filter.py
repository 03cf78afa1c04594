"""The search lines of invoicing: the interventions to invoice, and the vouchers.

    from:01/10/2026 to:31/10/2026 sc:249050          (interventions: their dates, a centre)
    BP249050260001 from:01/10/2026 min:100 max:2500  (vouchers: number, dates, final amount)

Parsing is pure (no Textual), so it is tested alone.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from client.models import InvoicingQuery, VoucherQuery
from tui import i18n, search_words
from tui.i18n import _
from tui.ticket_filter import FilterError, build_query, filter_date, tokens

__all__ = ["FilterError", "parse_interventions", "parse_vouchers"]


def parse_interventions(text: str, lang: str | None = None) -> InvoicingQuery:
    """The query of the invoicing line, its keys read in ``lang`` (the interface's) and
    English (``du:01/10/2026`` or ``from:01/10/2026``)."""
    keys = search_words.keys_for(search_words.INVOICING_KEYS, lang or i18n.language())
    fields: dict[str, object] = {}
    for key, field, value in tokens(text, keys):
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


def parse_vouchers(text: str, lang: str | None = None) -> VoucherQuery:
    """The query of the vouchers' search line, its keys read in ``lang`` and English."""
    keys = search_words.keys_for(search_words.VOUCHER_KEYS, lang or i18n.language())
    fields: dict[str, object] = {}
    for key, field, value in tokens(text, keys):
        if field is None:
            fields["number"] = value.upper()
        elif field in ("created_from", "created_to"):
            fields[field] = filter_date(key, value)
        elif field in ("amount_min", "amount_max"):
            fields[field] = _amount(key, value)
        else:
            fields[field] = value
    return build_query(VoucherQuery, fields, [])

"""The centre's own invoice for a payment voucher: a small form (``c`` on the voucher).

The centre's manager records the number and the amount of the invoice the centre sent the
manufacturer for the voucher, or corrects them. The seed says it must equal the voucher: a
different amount is recorded all the same, and flagged here, on the voucher and in the
period view. The form carries the voucher's version (``If-Match``): a correction made
meanwhile by someone else is refused with who made it, and ctrl+r reloads; nothing typed
is lost. Bad input (no number, a negative amount, more than two decimals) is named
beside its field.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from client import formats as client_formats
from tui import glyphs, i18n
from tui.i18n import _
from tui.widgets.form import ActionForm, Field, FieldError
from tui.widgets.money import money, money_eur

if TYPE_CHECKING:
    from client.api import SavClient
    from client.models import VoucherDetail


def invoice_text(voucher: VoucherDetail) -> str:
    """One line on the voucher: the centre's invoice against it, flagged when it differs."""
    invoice = voucher.centre_invoice
    if invoice is None:
        return _("? Your invoice: not recorded yet")
    if invoice.difference == 0:
        return _("{mark} Your invoice {number}: {amount}, equal to the voucher").format(
            mark=glyphs.current().done, number=invoice.number, amount=money_eur(invoice.amount)
        )
    sign = "+" if invoice.difference > 0 else ""
    return _("! Your invoice {number}: {amount}, differs by {difference}").format(
        number=invoice.number,
        amount=money_eur(invoice.amount),
        difference=sign + money(invoice.difference),
    )


def parse_amount(name: str, text: str) -> Decimal:
    """An amount typed as the interface's language writes it (191,47 / 191.47; a lone
    comma is a decimal one), ≥ 0, to the cent."""
    try:
        amount = client_formats.parse_decimal(text, i18n.language())
    except ValueError:
        try:  # a decimal comma in English (12,50), as the closing form reads it
            amount = client_formats.parse_decimal(text.replace(",", "."), "en")
        except ValueError:
            raise FieldError(name, _("Not an amount: {text}").format(text=text.strip())) from None
    if not amount.is_finite():
        raise FieldError(name, _("Not an amount: {text}").format(text=text.strip()))
    if amount < 0:
        raise FieldError(name, _("An amount cannot be negative."))
    if amount != amount.quantize(Decimal("0.01")):
        raise FieldError(name, _("At most two decimals (cents)."))
    return amount


def centre_invoice_form(
    current: Callable[[], VoucherDetail], reload: Callable[[], Awaitable[None]]
) -> ActionForm:
    """The form for the voucher as the screen last read it (``current``)."""
    voucher = current()
    recorded = voucher.centre_invoice

    def build(values: dict[str, str]) -> tuple[str, Decimal]:
        number = values["number"].strip()
        if len(number) > 40:
            raise FieldError("number", _("At most 40 characters."))
        return number, parse_amount("amount", values["amount"])

    async def send(client: SavClient, body: tuple[str, Decimal]) -> VoucherDetail:
        fresh = current()
        return await client.record_centre_invoice(fresh.id, body[0], body[1], version=fresh.version)

    return ActionForm(
        _("Voucher {number}: your invoice").format(number=voucher.number),
        [
            Field(
                "number",
                _("Invoice number"),
                value=recorded.number if recorded else "",
                required=True,
            ),
            Field(
                "amount",
                _("Amount (EUR)"),
                value=money(recorded.amount) if recorded else "",
                required=True,
                placeholder=money(voucher.total),
            ),
        ],
        build,
        send,
        intro=_(
            "The voucher's total is {total}: your invoice must equal it. A different "
            "amount is recorded and flagged."
        ).format(total=money_eur(voucher.total)),
        reload=reload,
        stale_text=_(
            "Changed by {who} at {when} since you opened it. ctrl+r reloads the voucher; "
            "what you typed stays here."
        ),
    )

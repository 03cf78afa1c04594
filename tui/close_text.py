"""The closing form as text: its labels (the coded fields, the model data, the warranty, the
parts' columns), the values it opens with, the title, the operator's rejection, the
figures' two lines, a part's row, the lookup lists' entries, the messages after a save or an
e-mail; and what was typed read back (amounts, whole numbers).

Plain text in the reader's language, computed from the wire models alone: the screen
(tui.screens.close_intervention) keeps the screen (layout, keys, workers, errors beside the
fields) and escapes markup where it puts this text in a Static."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from rich.text import Text

from client.models import WarrantyStatus
from tui import formats
from tui.i18n import N_, _
from tui.widgets.form import FieldError
from tui.widgets.lines import right
from tui.widgets.money import money, percent

if TYPE_CHECKING:
    from client.models import (
        Closing,
        ClosingLists,
        InterventionTotals,
        OrderedPart,
        PartUsed,
        PartUsedInput,
        ReportEmailed,
    )

# (field, label, list in ClosingLists, starred)
CODE_FIELDS = (
    ("faulty_component_code", N_("Faulty component"), "components", True),
    ("fault_code", N_("Fault"), "faults", True),
    ("intervention_code", N_("Intervention code"), "intervention_codes", False),
    ("work_done_code", N_("Work done"), "work_done", True),
)
APPLIANCE_FIELDS = (
    ("model_code", N_("Model")),
    ("service_index", N_("Service index")),
    ("serial_number", N_("Serial number")),
    ("purchase_date", N_("Purchase date")),
    ("invoice_number", N_("Invoice number")),
)
WARRANTY = ((N_("In warranty"), WarrantyStatus.IN_WARRANTY.value),
            (N_("Out of warranty"), WarrantyStatus.OUT_OF_WARRANTY.value))  # fmt: skip
PARTS_COLUMNS = (
    (N_("Requested"), 10),
    (N_("Installed"), 10),
    (N_("Description"), 20),
    (N_("Qty"), 4),
    (N_("Price"), 8),
    (N_("Amount"), 9),
)
"""The parts table's columns: (title, width)."""


def _day(value: dt.date | None) -> str:
    return formats.day(value)


# ------------------------------------------------------------------ reading what was typed


def amount(name: str, text: str) -> Decimal:
    """An amount as typed, in English or French writing (empty is 0); FieldError on
    ``name`` when it is not one."""
    cleaned = text.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    # 1,234.50 (English) or 1 234,50 (French): the last mark is the decimal one
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "") if cleaned.rfind(".") > cleaned.rfind(",") else (
            cleaned.replace(".", "").replace(",", "."))  # fmt: skip
    else:
        cleaned = cleaned.replace(",", ".")
    if not cleaned:
        return Decimal("0")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise FieldError(name, _("Not an amount: {text}").format(text=text)) from None


def whole(name: str, text: str) -> int:
    """A whole number as typed (empty is 0); FieldError on ``name`` when it is not one."""
    cleaned = text.strip()
    if not cleaned:
        return 0
    try:
        return int(cleaned)
    except ValueError:
        raise FieldError(name, _("Not a whole number: {text}").format(text=text)) from None


# ------------------------------------------------------------------ the form's text


def form_values(c: Closing, today: dt.date) -> dict[str, str]:
    """What each field shows as the form opens (by field name, the model data's prefixed
    ``appliance-``): the saved draft, else the ticket's; the date today when none is saved,
    the rate the centre's fixed rate when none is typed."""
    f = c.form
    values = {
        "intervention_date": _day(f.intervention_date) or _day(today),
        "distance_km": str(f.distance_km) if f.distance_km else "",
        "ticket_type": f.ticket_type,
        "faulty_component_code": f.faulty_component_code,
        "fault_code": f.fault_code,
        "intervention_code": f.intervention_code,
        "work_done_code": f.work_done_code,
        "work_done": f.work_done,
        "fault_description": f.fault_description,
        "rate": money(f.rate if f.rate is not None else c.fixed_rate),
        "bonuses": money(f.bonuses),
    }
    appliance = f.appliance
    values |= {
        "appliance-model_code": appliance.model_code if appliance else c.model_code,
        "appliance-service_index": appliance.service_index if appliance else c.service_index,
        "appliance-serial_number": appliance.serial_number if appliance else c.serial_number,
        "appliance-purchase_date": _day(appliance.purchase_date if appliance else c.purchase_date),
        "appliance-invoice_number": appliance.invoice_number if appliance else c.invoice_number,
    }
    return values


def title(c: Closing) -> str:
    """Ticket 116496 · model and service index · close the intervention (the family)."""
    text = _("Ticket {id} · {model} {si} · close the intervention").format(
        id=c.ticket_id, model=c.model_code, si=c.service_index
    )
    if c.lists.family:
        text += f" ({c.lists.family_name or c.lists.family})"
    return text


def rejection(c: Closing) -> str:
    """The operator's note when the closing was rejected."""
    return _("Rejected by the operator: {note}").format(note=c.rejection_note)


def totals_text(t: InterventionTotals) -> str:
    """The server's figures on two lines: rate, spares, bonuses, net; VAT and final price."""
    first = _("Rate {rate} · Spares {spares} · Bonuses {bonuses} · Net {net}").format(
        rate=money(t.rate), spares=money(t.spares), bonuses=money(t.bonuses), net=money(t.net)
    )
    second = _("VAT {vat_rate} {vat} · Final price {total} €").format(
        vat_rate=percent(t.vat_rate), vat=money(t.vat), total=money(t.total)
    )
    return f"{first}\n{second}"


def part_row(shown: PartUsed) -> tuple[str | Text, ...]:
    """A part the server priced, as a row of the parts table."""
    return (
        shown.requested_code,
        shown.installed_code,
        shown.description,
        right(str(shown.quantity)),
        right(money(shown.unit_price)),
        right(money(shown.amount)),
    )


def pending_part_row(part: PartUsedInput) -> tuple[str | Text, ...]:
    """A part added but not priced yet (the server's answer is on its way)."""
    return (part.code or "#", "…", "", right(str(part.quantity)), "", "")


# ------------------------------------------------------------------ F4 lists


def code_label(name: str) -> str | None:
    """The label of a coded field (its list's title); None for any other field."""
    return next((_(lbl) for f, lbl, _a, _s in CODE_FIELDS if f == name), None)


def code_choices(lists: ClosingLists, name: str) -> list[tuple[str, str, str]]:
    """A coded field's list, as (value, code, name with the fault type)."""
    for field, _label, attribute, _starred in CODE_FIELDS:
        if field == name:
            return [
                (c.code, c.code, c.name + (f" ({c.fault_type.value})" if c.fault_type else ""))
                for c in getattr(lists, attribute)
            ]
    return []


def ordered_choices(ordered: list[OrderedPart]) -> list[tuple[str, str, str]]:
    """The parts ordered for the ticket, as (order line, code, description · order ·
    shipped/asked)."""
    return [
        (str(o.order_line_id), o.ordered_code,
         f"{o.description} · {o.order_number} · {o.quantity_shipped}/{o.quantity}")
        for o in ordered
    ]  # fmt: skip


# ------------------------------------------------------------------ after saving


def stale(changed_by: str | None) -> str:
    """Someone saved the intervention since the form opened."""
    return _("Saved by {who} since you opened it: Esc, then x again, to see it.").format(
        who=changed_by or _("someone")
    )


def emailed(sent: ReportEmailed | None, error: str) -> str:
    """How the e-mail of the report went: not sent (why), sent, or kept in the outbox."""
    if sent is None:
        return _("The report was not sent: {error}").format(error=error)
    if sent.delivery == "sent":
        return _("Report e-mailed to {to}.").format(to=sent.to)
    return _("Report kept in the outbox for {to} (no mail server took it).").format(to=sent.to)

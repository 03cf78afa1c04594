"""What changed at the supplier, as pure functions (no database, no network).

:func:`detect` compares an order's lines as sav keeps them with the order as the supplier now
shows it; :func:`reconcile` turns what it found into writes against the pending diff, so that
detecting the same change again writes nothing, a value changed twice between two syncs is
one change (old → latest), a change the supplier took back is withdrawn, and a change the
user dismissed is not offered again (until the supplier changes the value once more).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from server.suppliers.models import SupplierOrder

FIELDS = ("ordered_code", "part_name", "purchase_price", "sale_price", "expected_delivery")


@dataclass(frozen=True)
class LineNow:
    """An order line as sav keeps it."""

    id: int
    line_no: int
    supplier_line_ref: str | None
    ordered_code: str
    part_name: str
    purchase_price: Decimal | None
    sale_price: Decimal | None
    expected_delivery: dt.date | None


@dataclass(frozen=True)
class Detected:
    line_id: int
    field: str
    old: str
    new: str


def as_text(value: object) -> str:
    """A field's value as the diff stores it: amounts with 2 decimals, dates ISO, "" none."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01'))}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def from_text(field: str, value: str) -> object:
    """The value to write into the order line for a stored ``value`` of ``field``."""
    if value == "":
        return None
    if field in ("purchase_price", "sale_price"):
        return Decimal(value)
    if field == "expected_delivery":
        return dt.date.fromisoformat(value)
    return value


def _cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def current(line: LineNow, field: str) -> str:
    return as_text(getattr(line, field))


def detect(lines: Sequence[LineNow], remote: SupplierOrder) -> list[Detected]:
    """The differences between sav's lines and the supplier's order, line by line. A line is
    matched by the supplier's line reference when sav kept one, else by its number; a line
    the supplier no longer shows yields nothing (nothing to offer)."""
    by_number = {line.line: line for line in remote.lines}
    found: list[Detected] = []
    for line in lines:
        ref = line.supplier_line_ref
        number = int(ref) if ref and ref.isdigit() else line.line_no
        theirs = by_number.get(number)
        if theirs is None:
            continue
        values = {
            "ordered_code": theirs.code,
            "part_name": theirs.name,
            "purchase_price": as_text(_cents(theirs.purchase_price_cents)),
            "sale_price": as_text(_cents(theirs.sale_price_cents)),
            "expected_delivery": remote.expected_delivery.isoformat(),
        }
        for field in FIELDS:
            old, new = current(line, field), values[field]
            if old != new:
                found.append(Detected(line.id, field, old, new))
    return found


@dataclass(frozen=True)
class Write:
    """``insert`` a pending change, ``update`` a pending change's new value, ``withdraw`` a
    pending change the supplier took back."""

    action: str
    line_id: int
    field: str
    old: str = ""
    new: str = ""
    change_id: int | None = None


def reconcile(
    lines: Sequence[LineNow],
    detected: Sequence[Detected],
    pending: Mapping[tuple[int, str], tuple[int, str]],
    dismissed: set[tuple[int, str, str]],
) -> list[Write]:
    """The writes that bring the pending diff of ``lines`` up to ``detected``.

    ``pending``: (line id, field) -> (change id, its new value); ``dismissed``: (line id,
    field, new value) the user dismissed."""
    writes: list[Write] = []
    seen: set[tuple[int, str]] = set()
    for change in detected:
        key = (change.line_id, change.field)
        seen.add(key)
        kept = pending.get(key)
        if kept is not None:
            if kept[1] != change.new:  # changed again since: one change, old → latest
                writes.append(Write("update", *key, change.old, change.new, kept[0]))
            continue
        if (change.line_id, change.field, change.new) in dismissed:
            continue
        writes.append(Write("insert", *key, change.old, change.new))
    ids = {line.id for line in lines}
    for (line_id, field), (change_id, _new) in pending.items():
        if line_id in ids and (line_id, field) not in seen:
            writes.append(Write("withdraw", line_id, field, change_id=change_id))
    return writes

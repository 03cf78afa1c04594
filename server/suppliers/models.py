"""What sav accepts from a supplier: the contract's answers as strict pydantic models.

These mirror ``contract/openapi.json`` (a test checks the field names match) but are sav's own:
the platform may change, the adapter refuses what does not fit. Every answer is parsed from
its raw JSON in strict mode; unknown fields are refused (the contract is versioned: an added
field is a new version, not a surprise), and the bounds keep a hostile answer's numbers sane.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_CENTS = 10_000_000  # 100,000.00 EUR: no spare part costs more
Text = Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._/-]+$")]
Cents = Annotated[int, Field(ge=0, le=MAX_CENTS)]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SignInAnswer(_Answer):
    token: Annotated[str, Field(min_length=8, max_length=500)]
    expires_in: Annotated[int, Field(ge=0)]
    customer_id: Text


class Problem(_Answer):
    code: Annotated[str, Field(min_length=1, max_length=60)]
    message: Annotated[str, Field(max_length=500)]


class PartAvailability(_Answer):
    code: Code
    known: bool
    replaced_by: Code | None
    name: Text | None = None
    stock: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    lead_time_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    purchase_price_cents: Cents | None = None
    sale_price_cents: Cents | None = None


class AvailabilityAnswer(_Answer):
    items: Annotated[list[PartAvailability], Field(max_length=1000)]


class SupplierOrderLine(_Answer):
    line: Annotated[int, Field(ge=1, le=10_000)]
    code_requested: Code
    code: Code
    name: Text
    quantity: Annotated[int, Field(ge=1, le=100_000)]
    purchase_price_cents: Cents
    sale_price_cents: Cents


class SupplierOrder(_Answer):
    number: Annotated[str, Field(min_length=1, max_length=60)]
    client_reference: Annotated[str, Field(min_length=1, max_length=64)]
    status: Literal["pending", "delivered", "cancelled"]
    created_at: dt.datetime
    updated_at: dt.datetime
    expected_delivery: dt.date
    revision: Annotated[int, Field(ge=1)]
    lines: Annotated[list[SupplierOrderLine], Field(min_length=1, max_length=1000)]


class PendingOrdersAnswer(_Answer):
    orders: Annotated[list[SupplierOrder], Field(max_length=10_000)]


class OrderLineRequest(BaseModel):
    """A line sav asks for: a part code and a quantity."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    quantity: Annotated[int, Field(ge=1, le=999)]

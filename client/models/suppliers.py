"""Supplier accounts on the wire (issue 13). The secret goes in, and never comes back out."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, SecretStr, StringConstraints

from client.models.base import Line, Money, Wire

Name = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Supplier(Wire):
    """A supplier this server may talk to (its accounts are the centres' own)."""

    supplier: str
    supplier_name: str


class SupplierAccount(Wire):
    """A centre's account with one supplier, as the API shows it: never its secret."""

    id: int
    supplier: str
    supplier_name: str
    user_name: str
    customer_id: str
    has_secret: bool
    saved_by: str
    saved_at: dt.datetime
    checked_at: dt.datetime


class SaveSupplierAccountRequest(Wire):
    """Enter (or replace) the centre's account with ``supplier``; checked with it first."""

    supplier: Name
    user_name: Name
    customer_id: Name
    secret: Annotated[SecretStr, Field(min_length=1, max_length=200)] | None = None


class SupplierOffer(Wire):
    """What one supplier says of one code: its stock, lead time and prices."""

    code: str
    known: bool
    replaced_by: str | None = None
    name: str | None = None
    stock: int | None = None
    lead_time_days: int | None = None
    purchase_price: Money | None = None
    sale_price: Money | None = None


class SupplierAnswer(Wire):
    """One supplier account's answer; ``status`` says whether it answered at all."""

    supplier: str
    supplier_name: str
    status: Literal["ok", "no_answer", "wrong_account", "bad_answer"]
    message: str = ""
    offers: list[SupplierOffer] = []


class SupplierAvailability(Wire):
    codes: list[str]
    suppliers: list[SupplierAnswer]

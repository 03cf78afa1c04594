"""Supplier accounts on the wire (issue 13). The secret goes in, and never comes back out."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, SecretStr, StringConstraints

from client.models.base import Wire

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


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

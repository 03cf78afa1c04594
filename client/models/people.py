"""Signing in, errors, health; service centres, their addresses, users."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, StringConstraints

from client.models.base import Line, Money, Percent, RequestBody, Wire
from client.models.enums import Language, Role


class LoginRequest(RequestBody):
    username: Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class TokenResponse(Wire):
    access_token: str
    token_type: str = "bearer"
    expires_at: dt.datetime
    user: User


class ErrorBody(Wire):
    """The body of every error answer. ``fields`` names the offending fields of a 422."""

    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)
    retry_after: int | None = None
    changed_by: str | None = None
    """On a 412 (stale edit): who saved the newer version, and when (``changed_at``)."""
    changed_at: dt.datetime | None = None


class Health(Wire):
    status: str
    version: str
    database: str
    demo_accounts: list[DemoAccount] = Field(default_factory=list)


class DemoAccount(Wire):
    username: str
    password: str
    role: Role
    service_centre: str | None


# --------------------------------------------------------------------------- centres, users


class Address(Wire):
    company: str
    street: str
    postal_code: str
    city: str
    province: str = ""
    country: str = ""
    phone: str = ""
    fax: str = ""
    vat_id: str = ""


class SavedAddress(Address):
    id: int
    label: str


class ServiceCentre(Wire):
    id: int
    code: str
    customer_number: str
    name: str
    address: Address
    rate: Money
    vat_rate: Percent
    discount_rate: Percent
    language: Language = Language.EN
    """The language the centre works in: e-mails to people the server knows no language of
    are written in it."""


class User(Wire):
    id: int
    username: str
    full_name: str
    role: Role
    language: Language
    service_centre: ServiceCentre | None = None

    @property
    def is_operator(self) -> bool:
        return self.role is Role.OPERATOR

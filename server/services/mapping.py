"""From database rows to wire models (client.models). Money leaves as Decimal."""

from __future__ import annotations

from client import models as wire
from server.db import models as db
from server.services.money import from_cents


def centre(row: db.ServiceCentre) -> wire.ServiceCentre:
    return wire.ServiceCentre(
        id=row.id,
        code=row.code,
        customer_number=row.customer_number,
        name=row.name,
        address=wire.Address(
            company=row.company,
            street=row.street,
            postal_code=row.postal_code,
            city=row.city,
            province=row.province,
            country=row.country,
            phone=row.phone,
            fax=row.fax,
            vat_id=row.vat_id,
        ),
        rate=from_cents(row.rate_cents),
        vat_rate=row.vat_rate,
        discount_rate=row.discount_rate,
        language=wire.Language(row.language),
    )


def user(row: db.User) -> wire.User:
    return wire.User(
        id=row.id,
        username=row.username,
        full_name=row.full_name,
        role=wire.Role(row.role),
        language=wire.Language(row.language),
        service_centre=centre(row.service_centre) if row.service_centre else None,
    )


def customer(row: db.Customer) -> wire.Customer:
    return wire.Customer.model_validate(row, from_attributes=True)


def appliance(row: db.Appliance) -> wire.Appliance:
    return wire.Appliance.model_validate(row, from_attributes=True)

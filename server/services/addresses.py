"""Shipping addresses: the centre's default one, which of its required fields are blank, and
the centre's saved alternatives.

Addresses belong to a service centre, so they are for its technicians and managers (a
technician saves one at checkout, the seed's "save for next time"). Operators have no centre
and do not order: they get 403.

Saving under a label the centre already uses replaces that address (labels are compared
without case): the checkout's "save as" updates an address rather than failing the order.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import REQUIRED_ADDRESS_FIELDS, Role
from server.db import models as db
from server.errors import Forbidden, Invalid
from server.i18n import _
from server.services.tenancy import require_role, scope_bound, scope_kind, scope_params

MAX_SAVED = 50
"""Saved addresses per centre."""

ADDRESS_FIELDS = tuple(wire.Address.model_fields)


def _centre(user: db.User) -> db.ServiceCentre:
    require_role(user, Role.TECHNICIAN, Role.MANAGER)
    if user.service_centre is None:
        raise Forbidden(_("this account belongs to no service centre"))
    return user.service_centre


def address_of(row: db.AddressColumns) -> wire.Address:
    return wire.Address(**{name: getattr(row, name) or "" for name in ADDRESS_FIELDS})


def missing_fields(address: wire.Address) -> list[str]:
    """The required fields left blank, in the order of REQUIRED_ADDRESS_FIELDS."""
    return [name for name in REQUIRED_ADDRESS_FIELDS if not getattr(address, name).strip()]


def _saved_wire(row: db.SavedAddress) -> wire.SavedAddress:
    return wire.SavedAddress(id=row.id, label=row.label, **address_of(row).model_dump())


async def book(session: AsyncSession, user: db.User) -> wire.AddressBook:
    centre = _centre(user)
    default = address_of(centre)
    rows = (
        (
            await session.execute(
                scope_bound(
                    select(db.SavedAddress), db.SavedAddress.service_centre_id, scope_kind(user)
                ).order_by(func.lower(db.SavedAddress.label), db.SavedAddress.id),
                scope_params(user),
            )
        )
        .scalars()
        .all()
    )
    return wire.AddressBook(
        default=default, missing=missing_fields(default), saved=[_saved_wire(r) for r in rows]
    )


async def save(
    session: AsyncSession, user: db.User, label: str, address: wire.AddressInput
) -> wire.SavedAddress:
    """Keep ``address`` under ``label`` for the user's centre (in the caller's transaction)."""
    centre = _centre(user)
    label = label.strip()
    if not label:
        raise Invalid(_("an address to keep needs a label"), fields={"label": _("give it a name")})
    existing = (
        await session.execute(
            select(db.SavedAddress).where(
                db.SavedAddress.service_centre_id == centre.id,
                func.lower(db.SavedAddress.label) == label.lower(),
            )
        )
    ).scalar_one_or_none()
    values = address.model_dump(include=set(ADDRESS_FIELDS))
    if existing is None:
        held = (
            await session.execute(
                select(func.count()).where(db.SavedAddress.service_centre_id == centre.id)
            )
        ).scalar_one()
        if held >= MAX_SAVED:
            raise Invalid(
                _("a centre keeps at most {max} addresses").format(max=MAX_SAVED),
                fields={
                    "label": _("already {max} saved: reuse a label to replace one").format(
                        max=MAX_SAVED
                    )
                },
            )
        existing = db.SavedAddress(service_centre_id=centre.id, label=label, **values)
        session.add(existing)
    else:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.label = label
    await session.flush()
    return _saved_wire(existing)


async def save_request(
    session: AsyncSession, user: db.User, body: wire.SaveAddressRequest
) -> wire.SavedAddress:
    saved = await save(session, user, body.label, body)
    await session.commit()
    return saved

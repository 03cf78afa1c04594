"""The operator's side of a ticket's start: recording a customer's request, and moving an
appointment.

* **New ticket** (``POST /tickets``): a customer, their address and phone, the appliance
  (model checked against the catalogue, serial number, purchase date), the problem. It is
  a new group of one ticket (group number = ticket number, as the seed's 116496), *to
  assign*; with a centre's code it is assigned in the same transaction (*to contact*, the
  48 h clock starts). Numbers follow the highest ticket or group number; two operators
  creating at once each get their own (a clash on the primary key is tried again).
* **Reschedule** (``POST /tickets/{id}/reschedule``): a new appointment for a ticket that
  has one (status machine: confirmed, waiting for parts, exchange requested), with its
  history entry saying the old and the new; the status stays.

Refusals change nothing; 422 names the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import Role, TicketAction, TicketStatus
from server.db import models as db
from server.errors import Conflict, Invalid
from server.i18n import N_, _
from server.services import (
    events,
    idempotency,
    serials,
    status_machine,
    ticket_actions,
    ticket_search,
)
from server.services.tenancy import get_scoped

ATTEMPTS = 3


async def _service_index(session: AsyncSession, body: wire.NewTicket) -> str:
    """The service index to record: the one typed (checked), or the model's only one."""
    known = sorted(
        (
            await session.execute(
                select(db.CatalogueModel.service_index).where(
                    db.CatalogueModel.code == body.model_code.upper()
                )
            )
        )
        .scalars()
        .all()
    )
    if not known:
        raise Invalid(
            _("no model {model} in the catalogue").format(model=body.model_code),
            fields={"model_code": _("no such model in the catalogue")},
        )
    wanted = body.service_index.upper()
    if not wanted and len(known) == 1:
        return known[0]
    if wanted not in known:
        text = ", ".join(known)
        why = _("not a service index of {model}: {known}").format(model=body.model_code, known=text)
        raise Invalid(why, fields={"service_index": why})
    return wanted


async def _centre(session: AsyncSession, code: str) -> db.ServiceCentre | None:
    if not code:
        return None
    centre = (
        await session.execute(select(db.ServiceCentre).where(db.ServiceCentre.code == code))
    ).scalar_one_or_none()
    if centre is None:
        raise Invalid(
            _("no service centre {code}").format(code=code),
            fields={"service_centre_code": _("no service centre with this code")},
        )
    return centre


async def create_once(
    session: AsyncSession,
    user: db.User,
    body: wire.NewTicket,
    key_header: str | None,
    now: dt.datetime,
    answer: Callable[[int], Awaitable[wire.Ticket]],
) -> tuple[int, str, bool]:
    """:func:`create` under the client's ``Idempotency-Key`` (required): a retry answers
    the ticket the first try recorded, never a second one. ``answer`` reads the new ticket
    as the wire shows it."""
    status_machine.check_role(TicketAction.ASSIGN, Role(user.role))  # 403 before the key
    user_id = user.id

    async def write() -> str:
        ticket_id = await create(session, user, body, now, commit=False)
        return (await answer(ticket_id)).model_dump_json()

    return await idempotency.once(
        session, user_id, key_header, N_("recording a ticket"), "/tickets", body, now, write
    )


async def create(
    session: AsyncSession,
    user: db.User,
    body: wire.NewTicket,
    now: dt.datetime,
    *,
    commit: bool = True,
) -> int:
    """Record the request; the new ticket's number. With ``commit=False`` the caller
    commits (the idempotency key's answer joins the transaction)."""
    status_machine.check_role(TicketAction.ASSIGN, Role(user.role))  # operators only
    errors: dict[str, str] = {}
    if body.purchase_date is not None and body.purchase_date > now.date():
        errors["purchase_date"] = _("the purchase date is in the future")
    if body.email and ("@" not in body.email or "." not in body.email.partition("@")[2]):
        errors["email"] = _("not an e-mail address")
    if errors:
        raise Invalid(next(iter(errors.values())), fields=errors)
    service_index = await _service_index(session, body)
    centre = await _centre(session, body.service_centre_code)
    centre_code = centre.code if centre is not None else None
    for attempt in range(ATTEMPTS):
        try:
            ticket_id = await _insert(session, user, body, service_index, now)
            if centre_code is not None:
                await ticket_actions.transition(
                    session,
                    ticket_id,
                    user,
                    TicketAction.ASSIGN,
                    wire.AssignRequest(service_centre_code=centre_code),
                    if_match=None,
                    now=now,
                    commit=False,
                )
            if commit:
                await session.commit()
            else:
                await session.flush()
            return ticket_id
        except IntegrityError:  # another operator took the number meanwhile
            await session.rollback()
            if not commit:  # the caller's transaction (its key) is gone: the client retries
                raise Conflict(
                    _("another ticket took this number meanwhile: try again"),
                    code="ticket_number_taken",
                ) from None
            if attempt == ATTEMPTS - 1:
                raise
            await session.refresh(user)  # the rollback expired it
    raise AssertionError("unreachable")  # pragma: no cover


async def _insert(
    session: AsyncSession,
    user: db.User,
    body: wire.NewTicket,
    service_index: str,
    now: dt.datetime,
) -> int:
    tickets = (await session.execute(select(func.max(db.Ticket.id)))).scalar_one()
    groups = (await session.execute(select(func.max(db.TicketGroup.id)))).scalar_one()
    number = max(tickets or 0, groups or 0) + 1
    customer = db.Customer(
        first_name=body.first_name,
        last_name=body.last_name,
        company=body.company,
        privacy_agreed=body.privacy_agreed,
        street=body.street,
        postal_code=body.postal_code.upper(),
        city=body.city,
        region=body.region,
        country=body.country.upper(),
        home_phone=body.home_phone,
        email=body.email,
        note="",
    )
    session.add(customer)
    await session.flush()
    appliance = db.Appliance(
        customer_id=customer.id,
        model_code=body.model_code.upper(),
        service_index=service_index,
        serial_number=body.serial_number,
        production_date=serials.production_date(body.serial_number) if body.serial_number else None,
        purchase_date=body.purchase_date,
        invoice_number=body.invoice_number,
        reseller="",
    )
    session.add(appliance)
    session.add(
        db.TicketGroup(
            id=number,
            customer_id=customer.id,
            service_centre_id=None,
            created_by_id=user.id,
            created_at=now,
        )
    )
    await session.flush()
    session.add(
        db.Ticket(
            id=number,
            group_id=number,
            service_centre_id=None,
            customer_id=customer.id,
            postal_code=customer.postal_code,
            city_key=customer.city_key,
            appliance_id=appliance.id,
            model_code=appliance.model_code,
            status=TicketStatus.TO_ASSIGN.value,
            problem=body.problem,
            ticket_type=body.ticket_type,
            warranty=body.warranty.value,
            external_ref="",
            operator_id=user.id,
            engineer_id=None,
            appointment_at=None,
            created_at=now,
            status_changed_at=now,
            updated_at=now,
            updated_by_id=user.id,
            version=1,
            search_document=ticket_search.document(
                ticket_id=number,
                group_id=number,
                last_name=body.last_name,
                first_name=body.first_name,
                company=body.company,
                serial_number=body.serial_number,
                external_ref="",
            ),
        )
    )
    await session.flush()
    created = events.created()
    session.add(
        db.HistoryEntry(
            ticket_id=number,
            at=now,
            author_id=user.id,
            author_name=user.full_name,
            status=TicketStatus.TO_ASSIGN.value,
            appointment_at=None,
            type=wire.HistoryType.STATUS_CHANGE.value,
            event=created.code.value,
            params=created.params,
            note=body.note,
            email_to=None,
        )
    )
    await session.flush()
    return number


async def reschedule(
    session: AsyncSession,
    ticket_id: int,
    user: db.User,
    body: wire.RescheduleRequest,
    *,
    if_match: int | None,
    now: dt.datetime,
) -> None:
    """Move the appointment (operators), with its history entry; the status stays."""
    ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    role = Role(user.role)
    status_machine.check_role(TicketAction.RESCHEDULE, role)
    appointment = body.appointment_at
    if appointment.tzinfo is None or appointment.utcoffset() is None:
        why = _("give the time zone, e.g. +02:00")
        raise Invalid(why, fields={"appointment_at": why})
    appointment = appointment.astimezone(dt.UTC)
    if appointment < now - ticket_actions.CLOCK_SKEW:
        why = _("the appointment is in the past")
        raise Invalid(why, fields={"appointment_at": why})
    if if_match is not None and if_match != ticket.version:
        raise await ticket_actions.stale(session, ticket.id)
    status = TicketStatus(ticket.status)
    status_machine.check(TicketAction.RESCHEDULE, ticket.id, status, role)
    previous = ticket.appointment_at
    result = await session.execute(
        update(db.Ticket)
        .where(
            db.Ticket.id == ticket.id,
            db.Ticket.status == status.value,
            db.Ticket.version == ticket.version,
        )
        .values(
            appointment_at=appointment,
            updated_at=now,
            updated_by_id=user.id,
            version=db.Ticket.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        await ticket_actions.refuse_after_race(
            session, ticket_id, TicketAction.RESCHEDULE, role, if_match
        )
    event = events.rescheduled(appointment, previous)
    session.add(
        db.HistoryEntry(
            ticket_id=ticket.id,
            at=now,
            author_id=user.id,
            author_name=user.full_name,
            status=status.value,
            appointment_at=appointment,
            type=wire.HistoryType.CONTACT.value,
            event=event.code.value,
            params=event.params,
            note=body.note.strip(),
            email_to=None,
        )
    )
    await session.commit()
    ticket_actions.forget_tickets(session)

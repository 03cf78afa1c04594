"""Changing a ticket: status actions (the status machine) and appliance corrections.

Every change is a compare-and-set on the ticket row::

    UPDATE tickets SET status = :to, version = version + 1, ...
    WHERE id = :id AND status = :seen AND version = :seen_version

written in one transaction with its history entry. When the row changed in between (the
update touches no row), nothing is written: with ``If-Match`` the answer is 412 naming who
changed the ticket and when; without it, 409 (the action no longer fits, or the ticket
moved under the caller's feet).

Order of the checks: another centre's ticket 404, the wrong role 403, bad input 422,
a stale ``If-Match`` 412, an action that does not fit the status 409.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import HistoryEvent, Role, TicketAction, TicketStatus
from server.db import models as db
from server.errors import Conflict, Invalid, PreconditionFailed, PreconditionRequired
from server.i18n import When, _
from server.services import contact_clock, events, serials, status_machine, ticket_search
from server.services.tenancy import get_scoped, scope_bound, scope_kind, scope_params

ActionBody = (
    wire.AssignRequest
    | wire.ContactedRequest
    | wire.UnreachableRequest
    | wire.NoteRequest
    | wire.MotivationRequest
)

CLOCK_SKEW = dt.timedelta(minutes=5)
"""How far in the future a reported past moment (a contact attempt) may lie: clocks differ."""


_IF_MATCH = re.compile(r'\s*(?:\*|(?:W/)?"?([0-9]{1,9})"?)\s*')
"""``*``, ``3``, ``"3"`` or ``W/"3"`` (the OpenAPI document gives the same pattern)."""


def parse_if_match(value: str | None) -> int | None:
    """The version in an ``If-Match`` header (``3``, ``"3"`` or ``W/"3"``); ``*`` is none."""
    if value is None:
        return None
    found = _IF_MATCH.fullmatch(value)
    if found is None:
        raise Invalid(
            _("If-Match must be the version you read"), fields={"If-Match": _("not a version")}
        )
    return int(found[1]) if found[1] is not None else None


def _aware(name: str, moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid(
            _("{field} needs a time zone").format(field=name),
            fields={name: _("give the time zone, e.g. +02:00")},
        )
    return moment.astimezone(dt.UTC)


@dataclass
class _Change:
    values: dict[str, Any]
    event: events.Event
    note: str
    appointment_at: dt.datetime | None = None
    attempted_at: dt.datetime | None = None


async def _change_for(
    session: AsyncSession,
    ticket: db.Ticket,
    action: TicketAction,
    body: ActionBody | None,
    now: dt.datetime,
    event: events.Event | None,
) -> _Change:
    """What ``action`` writes besides the status (validated: 422 names the field): the
    event that the history records, and the note the person typed."""
    note = (getattr(body, "note", "") if body is not None else "").strip()
    if action is TicketAction.ASSIGN:
        assert isinstance(body, wire.AssignRequest)
        centre = (
            await session.execute(
                select(db.ServiceCentre).where(db.ServiceCentre.code == body.service_centre_code)
            )
        ).scalar_one_or_none()
        if centre is None:
            raise Invalid(
                _("no service centre {code}").format(code=body.service_centre_code),
                fields={"service_centre_code": _("no service centre with this code")},
            )
        values: dict[str, Any] = {"service_centre_id": centre.id}
        if centre.id != ticket.service_centre_id:
            values["engineer_id"] = None  # the engineer belongs to the previous centre
        return _Change(values, events.assigned(centre.code, centre.name), note)
    if action is TicketAction.CONTACTED:
        assert isinstance(body, wire.ContactedRequest)
        appointment = _aware("appointment_at", body.appointment_at)
        if appointment < now - CLOCK_SKEW:
            why = _("the appointment is in the past")
            raise Invalid(why, fields={"appointment_at": why})
        return _Change(
            {"appointment_at": appointment}, events.contacted(appointment), note, appointment
        )
    if action is TicketAction.UNREACHABLE:
        assert isinstance(body, wire.UnreachableRequest)
        attempted = _aware("attempted_at", body.attempted_at)
        if attempted > now + CLOCK_SKEW:
            raise Invalid(
                _("the contact attempt is in the future"),
                fields={"attempted_at": _("the attempt is in the future")},
            )
        return _Change({}, events.unreachable(attempted, body.means), note, attempted_at=attempted)
    if action is TicketAction.REQUEST_EXCHANGE:
        return _Change({"exchange": True}, events.simple(HistoryEvent.EXCHANGE_REQUESTED), note)
    if event is not None:  # the flows that carry out an action say what it was
        return _Change({}, event, note)
    simple = {
        TicketAction.CANCEL: HistoryEvent.CANCELLED,
        TicketAction.REJECT: HistoryEvent.REJECTED,
        TicketAction.VERIFY: HistoryEvent.VERIFIED,
        TicketAction.ORDER_PARTS: HistoryEvent.PARTS_ORDERED,
        TicketAction.PARTS_RECEIVED: HistoryEvent.PARTS_RECEIVED,
        TicketAction.CLOSE: HistoryEvent.CLOSED,
        TicketAction.INVOICE: HistoryEvent.INVOICED,
    }
    return _Change({}, events.simple(simple[action]), note)


async def changed_by(session: AsyncSession, ticket_id: int) -> tuple[str | None, dt.datetime]:
    """Who saved the ticket's current version, and when (read afresh from the database)."""
    row = (
        await session.execute(
            select(db.Ticket.updated_at, db.User.full_name)
            .outerjoin(db.User, db.User.id == db.Ticket.updated_by_id)
            .where(db.Ticket.id == ticket_id)
        )
    ).one()
    return row[1], row[0]


async def _stale(session: AsyncSession, ticket_id: int) -> PreconditionFailed:
    who, when = await changed_by(session, ticket_id)
    return PreconditionFailed(
        _("ticket {number} was changed by {who} at {when}").format(
            number=ticket_id, who=who or _("someone"), when=When(when)
        ),
        changed_by=who,
        changed_at=when,
    )


async def transition(
    session: AsyncSession,
    ticket_id: int,
    user: db.User,
    action: TicketAction,
    body: ActionBody | None,
    *,
    if_match: int | None,
    now: dt.datetime,
    commit: bool = True,
    event: events.Event | None = None,
) -> list[int]:
    """Carry out a status ``action`` on the ticket as ``user``, or refuse it changing nothing.

    Contact is per group (one customer): *customer contacted* and *not reachable* are also
    recorded on every other ticket of the group that the user sees and whose status allows
    it, one history entry each; the answer is those other tickets' ids (empty for the other
    actions). The 48 h contact clock follows (server.services.contact_clock).

    With ``commit=False`` the change and its history entry join the caller's transaction
    (checkout moves the tied tickets to waiting for parts with the order it writes); a
    refusal then rolls that whole transaction back. ``event`` is what the history records
    for an action carried out by another flow (checkout: the parts ordered, with the order's
    number); the status actions make their own."""
    ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    role = Role(user.role)
    seen_status = TicketStatus(ticket.status)
    seen_version = ticket.version
    status_machine.check_role(action, role)
    change = await _change_for(session, ticket, action, body, now, event)
    if if_match is not None and if_match != seen_version:
        raise await _stale(session, ticket.id)
    rule = status_machine.check(action, ticket.id, seen_status, role)
    assert rule.target is not None, f"{action} is not a status action"
    new_centre = (
        action is TicketAction.ASSIGN
        and change.values["service_centre_id"] != ticket.service_centre_id
    )
    clock = contact_clock.on_transition(
        ticket, rule.target, now, attempted_at=change.attempted_at, new_centre=new_centre
    )
    siblings = await _group_siblings(session, ticket, user, rule) if action in PER_GROUP else []
    values = {
        **change.values,
        **clock,
        "status": rule.target.value,
        "waiting_parts": rule.target is TicketStatus.WAITING_PARTS,
        "status_changed_at": now,
        "updated_at": now,
        "updated_by_id": user.id,
        "version": db.Ticket.version + 1,
    }
    result = await session.execute(
        update(db.Ticket)
        .where(
            db.Ticket.id == ticket.id,
            db.Ticket.status == seen_status.value,
            db.Ticket.version == seen_version,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        await _refuse_after_race(session, ticket_id, action, role, if_match)
    if action is TicketAction.ASSIGN:
        await _group_follows(session, ticket, change.values["service_centre_id"])
    session.add(_entry(ticket.id, user, rule, change, now))
    updated = []
    for sibling in siblings:
        if await _apply_to_sibling(session, sibling, user, rule, change, now):
            updated.append(sibling.id)
    if commit:
        await session.commit()
    else:
        await session.flush()
    _forget_tickets(session)
    return updated


PER_GROUP = frozenset({TicketAction.CONTACTED, TicketAction.UNREACHABLE})
"""The actions recorded on the whole group: contact is made with the group's one customer."""


def _entry(
    ticket_id: int, user: db.User, rule: status_machine.Rule, change: _Change, now: dt.datetime
) -> db.HistoryEntry:
    assert rule.target is not None
    return db.HistoryEntry(
        ticket_id=ticket_id,
        at=now,
        author_id=user.id,
        author_name=user.full_name,
        status=rule.target.value,
        appointment_at=change.appointment_at,
        type=wire.HistoryType.STATUS_CHANGE.value,
        event=change.event.code.value,
        params=change.event.params,
        note=change.note,
        email_to=None,
    )


async def _group_siblings(
    session: AsyncSession, ticket: db.Ticket, user: db.User, rule: status_machine.Rule
) -> list[db.Ticket]:
    """The other tickets of the group that the user sees, in a status the action fits."""
    stmt = scope_bound(
        select(db.Ticket)
        .where(
            db.Ticket.group_id == ticket.group_id,
            db.Ticket.id != ticket.id,
            db.Ticket.status.in_([s.value for s in rule.sources]),
        )
        .order_by(db.Ticket.id),
        db.Ticket.service_centre_id,
        scope_kind(user),
    )
    return list((await session.execute(stmt, scope_params(user))).scalars().all())


async def _apply_to_sibling(
    session: AsyncSession,
    sibling: db.Ticket,
    user: db.User,
    rule: status_machine.Rule,
    change: _Change,
    now: dt.datetime,
) -> bool:
    """The same contact on another ticket of the group (compare-and-set on the status and
    version read: one changed meanwhile is left as it is)."""
    assert rule.target is not None
    clock = contact_clock.on_transition(sibling, rule.target, now, attempted_at=change.attempted_at)
    result = await session.execute(
        update(db.Ticket)
        .where(
            db.Ticket.id == sibling.id,
            db.Ticket.status == sibling.status,
            db.Ticket.version == sibling.version,
        )
        .values(
            **change.values,
            **clock,
            status=rule.target.value,
            waiting_parts=False,
            status_changed_at=now,
            updated_at=now,
            updated_by_id=user.id,
            version=db.Ticket.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.add(_entry(sibling.id, user, rule, change, now))
    return True


async def _refuse_after_race(
    session: AsyncSession,
    ticket_id: int,
    action: TicketAction,
    role: Role,
    if_match: int | None,
) -> NoReturn:
    """The row changed between our read and our write: say why, as of now."""
    if if_match is not None:
        raise await _stale(session, ticket_id)
    status = (
        await session.execute(select(db.Ticket.status).where(db.Ticket.id == ticket_id))
    ).scalar_one()
    status_machine.check(action, ticket_id, TicketStatus(status), role)  # 409 if no longer fits
    who, when = await changed_by(session, ticket_id)
    raise Conflict(
        _(
            "ticket {number} was changed meanwhile by {who} at {when}; reload it and try again"
        ).format(number=ticket_id, who=who or _("someone"), when=When(when)),
        changed_by=who,
        changed_at=when,
    )


async def _group_follows(session: AsyncSession, ticket: db.Ticket, centre_id: int) -> None:
    """A group goes with its tickets: assigning one moves the group to the new centre unless
    another ticket of the group stays with the group's current centre."""
    group = await session.get(db.TicketGroup, ticket.group_id)
    assert group is not None
    if group.service_centre_id == centre_id:
        return
    if group.service_centre_id is not None:
        others = (
            await session.execute(
                select(func.count()).where(
                    db.Ticket.group_id == group.id,
                    db.Ticket.id != ticket.id,
                    db.Ticket.service_centre_id == group.service_centre_id,
                )
            )
        ).scalar_one()
        if others:
            return
    await session.execute(
        update(db.TicketGroup)
        .where(db.TicketGroup.id == group.id)
        .values(service_centre_id=centre_id)
        .execution_options(synchronize_session=False)
    )


# --------------------------------------------------------------------------- appliance


async def update_appliance(
    session: AsyncSession,
    ticket_id: int,
    user: db.User,
    body: wire.ApplianceUpdate,
    *,
    if_match: int | None,
    now: dt.datetime,
) -> None:
    """Correct the ticket's appliance data. ``If-Match`` is required (428 without it)."""
    ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    role = Role(user.role)
    status_machine.check_role(TicketAction.UPDATE_APPLIANCE, role)
    if if_match is None:
        raise PreconditionRequired(
            _("correcting the appliance needs If-Match: the ticket version you edited")
        )
    await check_catalogue(session, body)
    if body.purchase_date is not None and body.purchase_date > now.date():
        why = _("the purchase date is in the future")
        raise Invalid(why, fields={"purchase_date": why})
    if if_match != ticket.version:
        raise await _stale(session, ticket.id)
    status = TicketStatus(ticket.status)
    status_machine.check(TicketAction.UPDATE_APPLIANCE, ticket.id, status, role)
    appliance = await session.get(db.Appliance, ticket.appliance_id)
    assert appliance is not None
    if not _appliance_changes(appliance, body):
        return  # nothing to correct: no new version, no history entry
    result = await session.execute(
        update(db.Ticket)
        .where(db.Ticket.id == ticket.id, db.Ticket.version == if_match)
        .values(version=db.Ticket.version + 1, updated_at=now, updated_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        raise await _stale(session, ticket_id)
    await apply_appliance(session, ticket, user, body, now)
    await session.commit()
    _forget_tickets(session)


def _appliance_changes(appliance: db.Appliance, body: wire.ApplianceUpdate) -> dict[str, Any]:
    wanted = {
        "model_code": body.model_code,
        "service_index": body.service_index,
        "serial_number": body.serial_number,
        "purchase_date": body.purchase_date,
        "invoice_number": body.invoice_number,
    }
    return {k: v for k, v in wanted.items() if getattr(appliance, k) != v}


async def apply_appliance(
    session: AsyncSession,
    ticket: db.Ticket,
    user: db.User,
    body: wire.ApplianceUpdate,
    now: dt.datetime,
) -> None:
    """Write the corrections of ``body`` (checked) to the ticket's appliance, with their
    history entry, in the caller's transaction (the caller versions the ticket)."""
    appliance = await session.get(db.Appliance, ticket.appliance_id)
    assert appliance is not None
    changed = _appliance_changes(appliance, body)
    if not changed:
        return
    correction = events.appliance_corrected(
        {name: (getattr(appliance, name), value) for name, value in changed.items()}
    )
    values = dict(changed)
    if "serial_number" in changed:  # a full serial number says when the appliance was made
        produced = serials.production_date(body.serial_number)
        if produced is not None:
            values["production_date"] = produced
    await session.execute(
        update(db.Appliance)
        .where(db.Appliance.id == appliance.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if "serial_number" in changed:
        await _reindex_tickets_of(session, appliance.id, body.serial_number)
    if "model_code" in changed:  # kept on its tickets for the search (a Core UPDATE above)
        await session.execute(
            update(db.Ticket)
            .where(db.Ticket.appliance_id == appliance.id)
            .values(model_code=changed["model_code"])
            .execution_options(synchronize_session=False)
        )
    session.add(
        db.HistoryEntry(
            ticket_id=ticket.id,
            at=now,
            author_id=user.id,
            author_name=user.full_name,
            status=ticket.status,
            appointment_at=None,
            type=wire.HistoryType.APPLIANCE_UPDATE.value,
            event=correction.code.value,
            params=correction.params,
            note="",
            email_to=None,
        )
    )


def forget_tickets(session: AsyncSession) -> None:
    _forget_tickets(session)


async def stale(session: AsyncSession, ticket_id: int) -> PreconditionFailed:
    """The 412 naming who changed the ticket, and when."""
    return await _stale(session, ticket_id)


async def refuse_after_race(
    session: AsyncSession,
    ticket_id: int,
    action: TicketAction,
    role: Role,
    if_match: int | None,
) -> NoReturn:
    await _refuse_after_race(session, ticket_id, action, role, if_match)


def _forget_tickets(session: AsyncSession) -> None:
    """After our UPDATE statements, the loaded tickets, groups and appliances are stale: the
    next read loads them afresh (the signed-in user stays loaded)."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, db.Ticket | db.TicketGroup | db.Appliance):
            session.expire(obj)


async def check_catalogue(session: AsyncSession, body: wire.ApplianceUpdate) -> None:
    indexes = (
        (
            await session.execute(
                select(db.CatalogueModel.service_index).where(
                    db.CatalogueModel.code == body.model_code
                )
            )
        )
        .scalars()
        .all()
    )
    if not indexes:
        raise Invalid(
            _("no model {model} in the catalogue").format(model=body.model_code),
            fields={"model_code": _("no such model in the catalogue")},
        )
    if body.service_index not in indexes:
        known = ", ".join(sorted(indexes))
        raise Invalid(
            _("model {model} has no service index {index} (known: {known})").format(
                model=body.model_code, index=body.service_index, known=known
            ),
            fields={
                "service_index": _("not a service index of {model}: {known}").format(
                    model=body.model_code, known=known
                )
            },
        )


async def _reindex_tickets_of(session: AsyncSession, appliance_id: int, serial: str) -> None:
    """The serial number is searchable: rewrite the words of every ticket of this appliance."""
    rows = (
        await session.execute(
            select(
                db.Ticket.id,
                db.Ticket.group_id,
                db.Ticket.external_ref,
                db.Customer.last_name,
                db.Customer.first_name,
                db.Customer.company,
            )
            .join(db.Customer, db.Customer.id == db.Ticket.customer_id)
            .where(db.Ticket.appliance_id == appliance_id)
        )
    ).all()
    for tid, group_id, ref, last, first, company in rows:
        document = ticket_search.document(
            ticket_id=tid,
            group_id=group_id,
            last_name=last,
            first_name=first,
            company=company,
            serial_number=serial,
            external_ref=ref,
        )
        await session.execute(
            update(db.Ticket)
            .where(db.Ticket.id == tid)
            .values(search_document=document)
            .execution_options(synchronize_session=False)
        )

"""Closing an intervention: the rules. Who may save, close, verify or reject it, from which
status, what the form must hold; the form's draft, the closing, the operator's verification
or rejection. The figures (rate, spares, bonuses, net, VAT, total; the amounts frozen at
closing) are computed in server.services.closing_figures.

* One intervention per ticket. ``PUT /tickets/{id}/intervention`` saves the form as a draft
  (the ticket keeps its status; the next person to open the form sees the draft);
  ``POST /tickets/{id}/close`` saves it and closes the ticket (status machine: from
  confirmed, waiting for parts or exchange requested; the centre's staff). Both check the
  form; closing also needs the starred codes (faulty component, fault, work done) and, for a
  fault of type T, the parts used.
* Parts used are picked from the order lines tied to the ticket or typed by code
  (server.services.closing_parts); closing freezes each line's unit price, with the amounts
  (net, VAT, total), for good.
* Figures: net = rate + spares + bonuses; VAT at the centre's rate on that net, half up once
  (server.services.closing_figures); the form asks ``POST /tickets/{id}/intervention/totals``
  as it changes. The rate is bounded (``rate_bound_cents``), the bonuses too: those are rules,
  checked here.
* Verification (operators): ``GET /tickets/{id}/intervention`` shows everything (codes with
  their names, the parts with their frozen price against today's catalogue price, the
  amounts); verify moves closed -> verified; reject sends it back to confirmed with the note,
  the draft kept (its amounts unfrozen) and the note shown in the form.
* Parts received (waiting for parts -> confirmed): server.services.parts_received.

Refusals follow ticket_actions: another centre's ticket 404, the wrong role 403, bad input
422 (every field named, in the request's language), a stale ``If-Match`` 412, a status the
action does not fit 409.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from client import models as wire
from client.models import (
    CodeList,
    FaultType,
    HistoryEvent,
    Role,
    TicketAction,
    TicketStatus,
    quantize_money,
)
from server.db import models as db
from server.errors import Conflict, Invalid, NotFound, PreconditionFailed
from server.i18n import _, day, language, money
from server.services import (
    closing_codes,
    closing_figures,
    events,
    status_machine,
    ticket_actions,
)
from server.services.closing_parts import PartLine, ordered_parts, resolve_parts
from server.services.money import from_cents, to_cents
from server.services.tenancy import get_scoped

MAX_DISTANCE_KM = 2000
MAX_BONUSES = Decimal("10000")


def rate_bound_cents(centre: db.ServiceCentre) -> int:
    """The highest rate a closing of this centre may charge: the centre's bound, else twice
    its fixed rate."""
    return centre.max_rate_cents if centre.max_rate_cents is not None else 2 * centre.rate_cents


# --------------------------------------------------------------------------- loading


@dataclass
class _Loaded:
    ticket: db.Ticket
    appliance: db.Appliance
    centre: db.ServiceCentre
    intervention: db.Intervention | None


async def _load(session: AsyncSession, ticket_id: int, user: db.User) -> _Loaded:
    ticket = await get_scoped(session, db.Ticket, ticket_id, user, what="ticket")
    appliance = await session.get(db.Appliance, ticket.appliance_id)
    assert appliance is not None
    centre = (
        await session.get(db.ServiceCentre, ticket.service_centre_id)
        if ticket.service_centre_id is not None
        else None
    )
    if centre is None:
        raise NotFound(
            _("ticket {number} has no service centre: nothing to close").format(number=ticket_id)
        )
    intervention = (
        await session.execute(select(db.Intervention).where(db.Intervention.ticket_id == ticket.id))
    ).scalar_one_or_none()
    return _Loaded(ticket, appliance, centre, intervention)


async def _names(session: AsyncSession, *ids: int | None) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(
        select(db.User.id, db.User.full_name).where(db.User.id.in_(wanted))
    )
    return {i: name for i, name in rows.all()}


@dataclass
class _Lists:
    family: str
    family_name: str  # in the request's language (the code when the catalogue has no name)
    by_list: dict[str, dict[str, db.ClosingCode]]

    def get(self, kind: CodeList, code: str) -> db.ClosingCode | None:
        return self.by_list.get(kind.value, {}).get(code)

    def choices(self, kind: CodeList) -> list[wire.CodeChoice]:
        lang = language()
        return [
            wire.CodeChoice(
                code=c.code,
                name=closing_codes.name_in(c, lang),
                fault_type=FaultType(c.fault_type) if c.fault_type else None,
            )
            for c in self.by_list.get(kind.value, {}).values()
        ]

    def name(self, kind: CodeList, code: str) -> str:
        found = self.get(kind, code)
        return closing_codes.name_in(found, language()) if found is not None else ""


async def _lists(session: AsyncSession, appliance: db.Appliance) -> _Lists:
    family = await closing_codes.family_of(session, appliance.model_code)
    by_list: dict[str, dict[str, db.ClosingCode]] = {}
    for code in await closing_codes.codes_for(session, family):
        by_list.setdefault(code.list, {})[code.code] = code
    category = await session.get(db.CatalogueCategory, family) if family else None
    name = category.name(language()) if category is not None else family
    return _Lists(family, name, by_list)


# --------------------------------------------------------------------------- checking


def _money(value: Decimal, field: str, errors: dict[str, str]) -> Decimal | None:
    try:
        amount = Decimal(value)
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[field] = _("not an amount")
        return None
    if amount != quantize_money(amount):
        errors[field] = _("at most two decimals")
        return None
    return amount


@dataclass
class _Checked:
    rate_cents: int
    bonuses_cents: int
    parts: list[PartLine]
    fault: db.ClosingCode | None


async def _check(
    session: AsyncSession,
    loaded: _Loaded,
    form: wire.InterventionForm,
    lists: _Lists,
    now: dt.datetime,
    zone: dt.tzinfo,
    *,
    closing: bool,
) -> _Checked:
    """The form checked: every wrong field named at once (422), nothing written."""
    errors: dict[str, str] = {}
    centre = loaded.centre
    if form.intervention_date is not None:
        today = now.astimezone(zone).date()
        created = loaded.ticket.created_at.astimezone(zone).date()
        if form.intervention_date > today:
            errors["intervention_date"] = _("the intervention date is in the future")
        elif form.intervention_date < created:
            errors["intervention_date"] = _(
                "the intervention date is before the ticket was created ({day})"
            ).format(day=day(created))
    elif closing:
        errors["intervention_date"] = _("the intervention date is required")
    if form.appliance is not None and form.appliance.purchase_date is not None:
        if form.appliance.purchase_date > now.astimezone(zone).date():
            errors["appliance.purchase_date"] = _("the purchase date is in the future")
    if form.distance_km < 0:
        errors["distance_km"] = _("the distance cannot be negative")
    elif form.distance_km > MAX_DISTANCE_KM:
        errors["distance_km"] = _("at most {max} km").format(max=MAX_DISTANCE_KM)
    rate_cents = centre.rate_cents
    if form.rate is not None:
        rate = _money(form.rate, "rate", errors)
        if rate is not None:
            bound = rate_bound_cents(centre)
            if rate < 0:
                errors["rate"] = _("the rate cannot be negative")
            elif to_cents(rate) > bound:
                errors["rate"] = _("the rate is above the centre's bound of {bound} EUR").format(
                    bound=money(from_cents(bound))
                )
            else:
                rate_cents = to_cents(rate)
    bonuses_cents = 0
    bonuses = _money(form.bonuses, "bonuses", errors)
    if bonuses is not None:
        if bonuses < 0:
            errors["bonuses"] = _("bonuses cannot be negative")
        elif bonuses > MAX_BONUSES:
            errors["bonuses"] = _("at most {max} EUR").format(max=money(MAX_BONUSES))
        else:
            bonuses_cents = to_cents(bonuses)
    starred = (
        (CodeList.COMPONENT, "faulty_component_code", form.faulty_component_code),
        (CodeList.FAULT, "fault_code", form.fault_code),
        (CodeList.INTERVENTION, "intervention_code", form.intervention_code),
        (CodeList.WORK, "work_done_code", form.work_done_code),
    )
    for kind, name, code in starred:
        if code and lists.get(kind, code) is None:
            errors[name] = _("{code} is not in this list for {family}").format(
                code=code, family=lists.family_name or "-"
            )
        elif not code and closing and kind is not CodeList.INTERVENTION:
            errors[name] = _("required to close")
    fault = lists.get(CodeList.FAULT, form.fault_code) if form.fault_code else None
    parts = await resolve_parts(
        session, loaded.ticket.id, loaded.appliance, form.parts, now, errors
    )
    if (
        closing
        and fault is not None
        and fault.fault_type == FaultType.EXCHANGE_COMPONENT.value
        and not form.parts
    ):
        errors["parts"] = _("a fault of type T (component exchanged) needs the parts used")
    if errors:
        first = next(iter(errors.items()))
        raise Invalid(
            _("{field}: {why}").format(field=_field_label(first[0]), why=first[1])
            if len(errors) == 1
            else _("the intervention has {count} errors; first, {field}: {why}").format(
                count=len(errors), field=_field_label(first[0]), why=first[1]
            ),
            fields=errors,
        )
    return _Checked(rate_cents, bonuses_cents, parts, fault)


def _field_label(name: str) -> str:
    labels = {
        "intervention_date": _("intervention date"),
        "distance_km": _("distance"),
        "rate": _("rate"),
        "bonuses": _("bonuses"),
        "faulty_component_code": _("faulty component"),
        "fault_code": _("fault"),
        "intervention_code": _("intervention code"),
        "work_done_code": _("work done"),
        "parts": _("parts used"),
    }
    if name.startswith("parts."):
        return _("part line {n}").format(n=int(name.split(".")[1]) + 1)
    return labels.get(name, name)


# --------------------------------------------------------------------------- reading


async def get_closing(
    session: AsyncSession, ticket_id: int, user: db.User, now: dt.datetime, zone: dt.tzinfo
) -> wire.Closing:
    """The ticket's intervention: the saved one, or a new form prefilled from the ticket."""
    loaded = await _load(session, ticket_id, user)
    ticket, appliance, centre, saved = (
        loaded.ticket,
        loaded.appliance,
        loaded.centre,
        loaded.intervention,
    )
    lists = await _lists(session, appliance)
    ordered = await ordered_parts(session, ticket.id)
    parts: list[wire.PartUsed] = []
    if saved is None:
        form = wire.InterventionForm(
            warranty=wire.WarrantyStatus(ticket.warranty),
            ticket_type=ticket.ticket_type,
            fault_description=ticket.problem,
            rate=from_cents(centre.rate_cents),
        )
        totals = closing_figures.figures(centre.rate_cents, 0, 0, centre.vat_rate)
        version = 0
    else:
        parts = await _parts_wire(session, saved.id, ordered)
        form = _form_of(saved, parts)
        totals = closing_figures.saved_figures(saved)
        version = saved.version
    names = await _names(
        session,
        *((saved.updated_by_id, saved.closed_by_id, saved.verified_by_id) if saved else (None,)),
    )
    fault = lists.get(CodeList.FAULT, form.fault_code) if form.fault_code else None
    return wire.Closing(
        ticket_id=ticket.id,
        ticket_status=TicketStatus(ticket.status),
        ticket_version=ticket.version,
        ticket_created_at=ticket.created_at,
        model_code=appliance.model_code,
        service_index=appliance.service_index,
        serial_number=appliance.serial_number,
        purchase_date=appliance.purchase_date,
        invoice_number=appliance.invoice_number,
        version=version,
        form=form,
        faulty_component=lists.name(CodeList.COMPONENT, form.faulty_component_code)
        or (saved.faulty_component if saved else ""),
        fault=lists.name(CodeList.FAULT, form.fault_code) or (saved.fault if saved else ""),
        fault_type=FaultType(fault.fault_type)
        if fault is not None
        else (FaultType(saved.fault_type) if saved and saved.fault_type else None),
        intervention=lists.name(CodeList.INTERVENTION, form.intervention_code),
        work=lists.name(CodeList.WORK, form.work_done_code),
        parts=parts,
        totals=totals,
        fixed_rate=from_cents(centre.rate_cents),
        max_rate=from_cents(rate_bound_cents(centre)),
        lists=wire.ClosingLists(
            family=lists.family,
            family_name=lists.family_name,
            components=lists.choices(CodeList.COMPONENT),
            faults=lists.choices(CodeList.FAULT),
            intervention_codes=lists.choices(CodeList.INTERVENTION),
            work_done=lists.choices(CodeList.WORK),
        ),
        ordered_parts=ordered,
        updated_at=saved.updated_at if saved else None,
        updated_by=names.get(saved.updated_by_id or 0) if saved else None,
        closed_at=saved.closed_at if saved else None,
        closed_by=names.get(saved.closed_by_id or 0) if saved else None,
        verified_at=saved.verified_at if saved else None,
        verified_by=names.get(saved.verified_by_id or 0) if saved else None,
        rejection_note=saved.rejection_note if saved else "",
        frozen=bool(saved and saved.closed_at is not None),
    )


def _form_of(saved: db.Intervention, parts: list[wire.PartUsed]) -> wire.InterventionForm:
    appliance = None
    if saved.appliance_changes:
        changes = dict(saved.appliance_changes)
        if changes.get("purchase_date"):
            changes["purchase_date"] = dt.date.fromisoformat(changes["purchase_date"])
        appliance = wire.ApplianceUpdate(**changes)
    return wire.InterventionForm(
        intervention_date=saved.intervention_date,
        distance_km=saved.distance_km,
        warranty=wire.WarrantyStatus(saved.warranty),
        ticket_type=saved.ticket_type,
        faulty_component_code=saved.faulty_component_code,
        fault_code=saved.fault_code,
        intervention_code=saved.intervention_code,
        work_done_code=saved.work_done_code,
        work_done=saved.work_done,
        fault_description=saved.fault_description,
        rate=from_cents(saved.rate_cents),
        bonuses=from_cents(saved.bonuses_cents),
        parts=[
            wire.PartUsedInput(
                order_line_id=p.order_line_id,
                code=p.requested_code if p.order_line_id is None else "",
                installed_code=p.installed_code,
                quantity=p.quantity,
            )
            for p in parts
        ],
        appliance=appliance,
    )


async def _parts_wire(
    session: AsyncSession, intervention_id: int, ordered: list[wire.OrderedPart]
) -> list[wire.PartUsed]:
    requested = db.Part.__table__.alias("requested")
    ordered_t = db.Part.__table__.alias("ordered")
    installed = db.Part.__table__.alias("installed")
    rows = await session.execute(
        select(
            db.InterventionPart.position,
            requested.c.code,
            ordered_t.c.code,
            installed.c.code,
            db.InterventionPart.description,
            db.InterventionPart.quantity,
            db.InterventionPart.unit_price_cents,
            installed.c.price_cents,
            db.InterventionPart.order_line_id,
        )
        .join(requested, requested.c.id == db.InterventionPart.requested_part_id)
        .outerjoin(ordered_t, ordered_t.c.id == db.InterventionPart.ordered_part_id)
        .join(installed, installed.c.id == db.InterventionPart.installed_part_id)
        .where(db.InterventionPart.intervention_id == intervention_id)
        .order_by(db.InterventionPart.position)
    )
    numbers = {o.order_line_id: o.order_number for o in ordered}
    return [
        wire.PartUsed(
            position=position,
            requested_code=req,
            ordered_code=ord_,
            installed_code=inst,
            description=description,
            quantity=quantity,
            unit_price=from_cents(unit),
            amount=closing_figures.line_amount(unit, quantity),
            catalogue_price=from_cents(catalogue_price),
            order_line_id=line_id,
            order_number=numbers.get(line_id) if line_id is not None else None,
        )
        for (
            position,
            req,
            ord_,
            inst,
            description,
            quantity,
            unit,
            catalogue_price,
            line_id,
        ) in rows.all()
    ]


async def totals(
    session: AsyncSession,
    ticket_id: int,
    user: db.User,
    form: wire.InterventionForm,
    now: dt.datetime,
    zone: dt.tzinfo,
) -> wire.InterventionTotals:
    """The figures of the form as it stands (nothing written); a wrong field is a 422."""
    loaded = await _load(session, ticket_id, user)
    lists = await _lists(session, loaded.appliance)
    checked = await _check(session, loaded, form, lists, now, zone, closing=False)
    figures = closing_figures.figures(
        checked.rate_cents,
        closing_figures.spares_cents(checked.parts),
        checked.bonuses_cents,
        loaded.centre.vat_rate,
    )
    return figures.model_copy(update={"parts": closing_figures.priced_parts(checked.parts)})


# --------------------------------------------------------------------------- writing


async def _write(
    session: AsyncSession,
    loaded: _Loaded,
    user: db.User,
    form: wire.InterventionForm,
    checked: _Checked,
    lists: _Lists,
    now: dt.datetime,
    *,
    if_match: int | None,
) -> db.Intervention:
    """Save the form into the ticket's intervention (created at the first save)."""
    saved = loaded.intervention
    if if_match is not None and if_match != (saved.version if saved else 0):
        author = saved.updated_by_id if saved is not None else None
        who = (await _names(session, author)).get(author) if author is not None else None
        raise PreconditionFailed(
            _("the intervention of ticket {number} was saved by {who} meanwhile").format(
                number=loaded.ticket.id, who=who or _("someone")
            ),
            changed_by=who,
            changed_at=saved.updated_at if saved else None,
        )
    lang = language()

    def label(kind: CodeList, code: str) -> str:
        found = lists.get(kind, code)
        return closing_codes.name_in(found, lang) if found is not None else ""

    values: dict[str, Any] = {
        "intervention_date": form.intervention_date,
        "distance_km": form.distance_km,
        "warranty": (form.warranty or wire.WarrantyStatus(loaded.ticket.warranty)).value,
        "ticket_type": form.ticket_type,
        "faulty_component_code": form.faulty_component_code,
        "faulty_component": label(CodeList.COMPONENT, form.faulty_component_code),
        "fault_code": form.fault_code,
        "fault": label(CodeList.FAULT, form.fault_code),
        "fault_type": checked.fault.fault_type if checked.fault is not None else "",
        "intervention_code": form.intervention_code,
        "work_done_code": form.work_done_code,
        "work_done": form.work_done,
        "fault_description": form.fault_description,
        "rate_cents": checked.rate_cents,
        "spares_cents": closing_figures.spares_cents(checked.parts),
        "bonuses_cents": checked.bonuses_cents,
        "vat_rate": loaded.centre.vat_rate,
        "appliance_changes": form.appliance.model_dump(mode="json") if form.appliance else None,
        "updated_at": now,
        "updated_by_id": user.id,
    }
    if saved is None:
        saved = db.Intervention(ticket_id=loaded.ticket.id, version=1, **values)
        session.add(saved)
        try:
            await session.flush()
        except IntegrityError:
            await session.rollback()
            raise Conflict(
                _(
                    "the intervention of ticket {number} was saved by someone else meanwhile; "
                    "reload it"
                ).format(number=loaded.ticket.id)
            ) from None
    else:
        seen = saved.version
        result = await session.execute(
            update(db.Intervention)
            .where(db.Intervention.id == saved.id, db.Intervention.version == seen)
            .values(version=seen + 1, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            await session.rollback()
            raise Conflict(
                _(
                    "the intervention of ticket {number} was saved by someone else meanwhile; "
                    "reload it"
                ).format(number=loaded.ticket.id)
            )
        await session.refresh(saved)
    existing = (
        (
            await session.execute(
                select(db.InterventionPart).where(db.InterventionPart.intervention_id == saved.id)
            )
        )
        .scalars()
        .all()
    )
    for row in existing:
        await session.delete(row)
    for position, part in enumerate(checked.parts, start=1):
        session.add(
            db.InterventionPart(
                intervention_id=saved.id,
                position=position,
                requested_part_id=part.requested.id,
                ordered_part_id=part.ordered.id if part.ordered else None,
                installed_part_id=part.installed.id,
                order_line_id=part.order_line_id,
                description=part.installed.description,
                quantity=part.quantity,
                unit_price_cents=part.unit_price_cents,
            )
        )
    return saved


def _history(
    ticket: db.Ticket, user: db.User, now: dt.datetime, event: events.Event, status: str
) -> db.HistoryEntry:
    return db.HistoryEntry(
        ticket_id=ticket.id,
        at=now,
        author_id=user.id,
        author_name=user.full_name,
        status=status,
        appointment_at=None,
        type=wire.HistoryType.NOTE.value
        if event.code is HistoryEvent.INTERVENTION_SAVED
        else wire.HistoryType.STATUS_CHANGE.value,
        event=event.code.value,
        params=event.params,
        note="",
        email_to=None,
    )


async def save_draft(
    session: AsyncSession,
    ticket_id: int,
    user: db.User,
    form: wire.InterventionForm,
    *,
    if_match: int | None,
    now: dt.datetime,
    zone: dt.tzinfo,
) -> None:
    """Update intervention: save the form without closing; the ticket keeps its status."""
    loaded = await _load(session, ticket_id, user)
    role = Role(user.role)
    status_machine.check_role(TicketAction.CLOSE, role)
    lists = await _lists(session, loaded.appliance)
    checked = await _check(session, loaded, form, lists, now, zone, closing=False)
    if form.appliance is not None:
        await ticket_actions.check_catalogue(session, form.appliance)
    status_machine.check(
        TicketAction.CLOSE, loaded.ticket.id, TicketStatus(loaded.ticket.status), role
    )
    await _write(session, loaded, user, form, checked, lists, now, if_match=if_match)
    session.add(
        _history(loaded.ticket, user, now, events.intervention_saved(), loaded.ticket.status)
    )
    await session.commit()


async def close(
    session: AsyncSession,
    ticket_id: int,
    user: db.User,
    form: wire.InterventionForm,
    *,
    if_match: int | None,
    now: dt.datetime,
    zone: dt.tzinfo,
) -> None:
    """Save and close: the form checked for closing, the amounts frozen, the model data
    corrected, the ticket closed; one transaction."""
    loaded = await _load(session, ticket_id, user)
    role = Role(user.role)
    status_machine.check_role(TicketAction.CLOSE, role)
    lists = await _lists(session, loaded.appliance)
    checked = await _check(session, loaded, form, lists, now, zone, closing=True)
    if form.appliance is not None:
        await ticket_actions.check_catalogue(session, form.appliance)
    status_machine.check(
        TicketAction.CLOSE, loaded.ticket.id, TicketStatus(loaded.ticket.status), role
    )
    saved = await _write(session, loaded, user, form, checked, lists, now, if_match=None)
    figures = closing_figures.figures(
        saved.rate_cents, saved.spares_cents, saved.bonuses_cents, saved.vat_rate
    )
    await session.execute(
        update(db.Intervention)
        .where(db.Intervention.id == saved.id)
        .values(
            **closing_figures.frozen_amounts(figures),
            closed_at=now,
            closed_by_id=user.id,
            verified_at=None,
            verified_by_id=None,
        )
        .execution_options(synchronize_session=False)
    )
    if form.appliance is not None:
        await ticket_actions.apply_appliance(session, loaded.ticket, user, form.appliance, now)
    await ticket_actions.transition(
        session,
        loaded.ticket.id,
        user,
        TicketAction.CLOSE,
        None,
        if_match=if_match,
        now=now,
        commit=False,
        event=events.closed(form.fault_code, str(figures.total)),
    )
    await session.commit()


async def verify(
    session: AsyncSession,
    ticket_id: int,
    user: db.User,
    body: wire.NoteRequest,
    *,
    if_match: int | None,
    now: dt.datetime,
) -> None:
    """Operator: closed -> verified; the intervention records who verified it and when."""
    saved = (
        await session.execute(select(db.Intervention).where(db.Intervention.ticket_id == ticket_id))
    ).scalar_one_or_none()
    total = closing_figures.frozen_total(saved) if saved is not None else None
    event = events.verified(str(total)) if total is not None else None
    await ticket_actions.transition(
        session,
        ticket_id,
        user,
        TicketAction.VERIFY,
        body,
        if_match=if_match,
        now=now,
        commit=False,
        event=event,
    )
    await session.execute(
        update(db.Intervention)
        .where(db.Intervention.ticket_id == ticket_id)
        .values(verified_at=now, verified_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    await session.commit()


async def reject(
    session: AsyncSession,
    ticket_id: int,
    user: db.User,
    body: wire.MotivationRequest,
    *,
    if_match: int | None,
    now: dt.datetime,
) -> None:
    """Operator: closed -> confirmed with the note; the draft is kept, its amounts no longer
    frozen (the centre corrects it and closes it again)."""
    await ticket_actions.transition(
        session,
        ticket_id,
        user,
        TicketAction.REJECT,
        body,
        if_match=if_match,
        now=now,
        commit=False,
    )
    await session.execute(
        update(db.Intervention)
        .where(db.Intervention.ticket_id == ticket_id)
        .values(
            closed_at=None,
            closed_by_id=None,
            net_cents=None,
            vat_cents=None,
            total_cents=None,
            rejection_note=body.note.strip(),
            version=db.Intervention.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    await session.commit()

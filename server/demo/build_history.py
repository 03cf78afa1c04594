"""Demo builder: the ticket, group and history rows."""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any

from client.models import (
    HistoryEvent,
)
from server.demo.build_common import (
    _ascii,
    _DemoState,
    _fmt_date,
    _Group,
    _local,
    _Ticket,
)
from server.demo.data import (
    H_APPLIANCE_UPDATE,
    H_EMAIL,
    H_NOTE,
    H_STATUS_CHANGE,
    S,
)
from server.demo.data_centres import (
    CENTRES,
    MANAGER_OF,
    USERS,
)
from server.demo.data_tickets import (
    CONTACT_MEANS_ORDER,
    TEXTS,
)
from server.services import events


class _HistoryBuilder(_DemoState):
    def _ticket_rows(self, groups: list[_Group]) -> None:
        group_rows = self.rows["ticket_groups"]
        ticket_rows = self.rows["tickets"]
        history = self.rows["history_entries"]
        for g in groups:
            group_rows.append(
                {
                    "id": g.fixed_id,
                    "customer_id": g.customer_id,
                    "service_centre_id": None if g.centre is None else g.centre + 1,
                    "created_by_id": g.tickets[0].operator + 1,
                    "created_at": g.created_at,
                }
            )
            for t in g.tickets:
                entries = self._history(t)
                latest = max(entries, key=lambda e: e["at"])
                last = latest["at"]
                appointment = t.appointments[max(t.appointments)] if t.appointments else None
                ticket_rows.append(
                    {
                        "id": t.id,
                        "group_id": g.fixed_id,
                        "service_centre_id": None if t.centre is None else t.centre + 1,
                        "customer_id": t.customer_id,
                        "appliance_id": t.appliance_id,
                        "status": t.status,
                        "problem": t.problem,
                        "ticket_type": t.ticket_type,
                        "warranty": t.warranty,
                        "external_ref": t.external_ref,
                        "operator_id": t.operator + 1,
                        "engineer_id": None if t.engineer is None else t.engineer + 1,
                        "appointment_at": appointment,
                        "follow": t.follow,
                        "waiting_parts": t.status == S.WAITING_PARTS,
                        "exchange": t.exchange,
                        "created_at": t.times[0],
                        "status_changed_at": t.times[-1],
                        "updated_at": last,
                        "updated_by_id": latest["author_id"],
                        "version": len(entries),
                    }
                )
                for e in entries:
                    e["id"] = len(history) + 1
                    history.append(e)

    def _author(self, t: _Ticket, status: str, before: str | None) -> int:
        if status in (S.TO_ASSIGN, S.TO_CONTACT, S.VERIFIED, S.CANCELLED):
            return t.operator
        if status == S.CONFIRMED and before == S.CLOSED:
            return t.operator  # rejected by the operator
        if status == S.INVOICED:
            return MANAGER_OF[t.centre or 0]
        return t.engineer if t.engineer is not None else t.operator

    def _status_note(self, t: _Ticket, j: int) -> tuple[events.Event, str]:
        """The event of the ``j``-th status change and what the person typed with it."""
        rng = self.rng
        texts = TEXTS[t.lang]
        status = t.path[j]
        before = t.path[j - 1] if j else None
        if status == S.TO_ASSIGN:
            return events.created(), ""
        if status == S.TO_CONTACT:
            centre = CENTRES[t.centre or 0]
            return events.assigned(centre["code"], centre["name"]), ""
        if status == S.UNREACHABLE:
            at = t.times[j] - dt.timedelta(minutes=rng.randint(2, 90))
            means = rng.choices(CONTACT_MEANS_ORDER, weights=(7, 2, 1))[0]
            attempt = at.replace(second=0)  # as a person reports it: to the minute
            return events.unreachable(attempt, means), rng.choice(texts["unreachable_msgs"])
        if status == S.CONFIRMED:
            appointment = t.appointments.get(j)
            if before == S.CLOSED:
                reason = rng.choice(texts["reject_reasons"])
                return events.simple(HistoryEvent.REJECTED), reason
            if before == S.WAITING_PARTS:
                return events.parts_received(appointment), ""
            contacted = (
                events.contacted(appointment)
                if appointment
                else events.simple(HistoryEvent.CONTACTED)
            )
            note = ""
            if rng.random() < 0.25:
                note = rng.choice(texts["appointment_notes"])
            return contacted, note
        if status == S.WAITING_PARTS:
            # the order's number is known once the orders are numbered (_orders)
            return events.parts_ordered(), ""
        if status == S.EXCHANGE_REQUESTED:
            reason = rng.choice(texts["exchange_reasons"])
            return events.simple(HistoryEvent.EXCHANGE_REQUESTED), reason
        if status == S.CLOSED:
            return events.simple(HistoryEvent.CLOSED), ""
        if status == S.VERIFIED:
            return events.simple(HistoryEvent.VERIFIED), ""
        if status == S.INVOICED:
            return events.invoiced(t.voucher_number), ""
        return events.simple(HistoryEvent.CANCELLED), rng.choice(texts["cancel_reasons"])

    def _history(self, t: _Ticket) -> list[dict[str, Any]]:
        rng = self.rng
        entries: list[dict[str, Any]] = []
        event: events.Event | None
        for j, status in enumerate(t.path):
            before = t.path[j - 1] if j else None
            author = self._author(t, status, before)
            event, note = t.step_notes[j] if t.step_notes is not None else self._status_note(t, j)
            entry = {
                "ticket_id": t.id,
                "at": t.times[j],
                "author_id": author + 1,
                "author_name": USERS[author][1],
                "status": status,
                "appointment_at": t.appointments.get(j),
                "type": H_STATUS_CHANGE,
                "event": event.code.value,
                "params": event.params,
                "note": note,
                "email_to": None,
            }
            if status == S.WAITING_PARTS:
                self.parts_ordered_entry[t.id] = entry
            entries.append(entry)
        if t.notes:
            texts = TEXTS[t.lang]
            count = rng.choices((0, 1, 2, 3), weights=(50, 30, 15, 5))[0]
            start = t.times[0]
            end = min(self.now, t.times[-1] + dt.timedelta(hours=72))
            span = (end - start).total_seconds()
            for _ in range(count):
                at = start + dt.timedelta(seconds=int(span * rng.uniform(0.02, 0.98)) + 1)
                status = t.path[bisect.bisect_right(t.times, at) - 1]
                kind = rng.choices(
                    (H_NOTE, H_EMAIL, H_APPLIANCE_UPDATE),
                    weights=(80, 12, 8),
                )[0]
                email_to = None
                event = None
                if kind == H_NOTE:
                    note = rng.choice(texts["notes"]).format(date=_fmt_date(_local(at)))
                elif kind == H_EMAIL:
                    note = texts["email"]
                    reseller = self.reseller_of[t.appliance_id]
                    email_to = f"sav@{_ascii(reseller) or 'revendeur'}.example"
                else:  # a correction, with the reason the person gave
                    note = rng.choice(texts["appliance_update"])
                    event = events.appliance_corrected({})
                if t.engineer is not None and rng.random() < 0.7:
                    author = t.engineer
                else:
                    author = t.operator
                entries.append(
                    {
                        "ticket_id": t.id,
                        "at": at,
                        "author_id": author + 1,
                        "author_name": USERS[author][1],
                        "status": status,
                        "appointment_at": None,
                        "type": kind,
                        "event": event.code.value if event else None,
                        "params": event.params if event else None,
                        "note": note,
                        "email_to": email_to,
                    }
                )
            entries.sort(key=lambda e: e["at"])
        return entries

"""Demo builder: ticket groups and tickets (the seed's and generated), their paths and ids."""

from __future__ import annotations

import datetime as dt
import itertools

from client.models import (
    HistoryEvent,
)
from server.demo.build_catalogue import _CatalogueBuilder
from server.demo.build_centres import _CentresBuilder
from server.demo.build_common import (
    _ascii,
    _Group,
    _hours,
    _Ticket,
)
from server.demo.data import (
    IN_WARRANTY,
    OUT_OF_WARRANTY,
    SEED_CUSTOMER_ID,
    SEED_GROUP_ID,
    UTC,
    S,
)
from server.demo.data_catalogue import (
    MODELS,
)
from server.demo.data_centres import (
    CENTRE_WEIGHTS,
    CENTRES,
    ENGINEERS,
    OPERATOR,
    PLEINET,
)
from server.demo.data_tickets import (
    ALL_STATUSES,
    APPOINTMENT_HOURS,
    PROBLEMS,
    RECENCY_HOURS,
    STATUS_WEIGHTS,
    TICKET_TYPES,
)
from server.services import events


class _TicketsBuilder(_CentresBuilder, _CatalogueBuilder):
    def _seed_groups(self) -> list[_Group]:
        p64, fab = self.model_ids[("P64", "SI00")], self.model_ids[("FAB28ABL1", "SI00")]
        self.rows["customers"].append(
            {
                "id": SEED_CUSTOMER_ID,
                "first_name": "Emidio",
                "last_name": "Reggiani",
                "company": "",
                "privacy_agreed": False,
                "street": "Rue des Sports 7",
                "postal_code": "67120",
                "city": "Molsheim",
                "region": "Grand Est",
                "country": "FR",
                "home_phone": "0395421136",
                "email": "emidio.reggiani@cpsoftware.it",
                "note": "",
            }
        )
        for appliance_id, model_id, serial, purchase, invoice in (
            (48526, p64, "123345", dt.date(2018, 9, 2), "123456"),
            (48527, fab, "613254671253762133", dt.date(2019, 10, 8), ""),
        ):
            code, si, *_rest = MODELS[model_id - 1]
            self.rows["appliances"].append(
                {
                    "id": appliance_id,
                    "customer_id": SEED_CUSTOMER_ID,
                    "model_code": code,
                    "service_index": si,
                    "serial_number": serial,
                    "production_date": None,
                    "purchase_date": purchase,
                    "invoice_number": invoice,
                    "reseller": "",
                }
            )
            self.appliance_model[appliance_id] = model_id
            self.appliance_purchase[appliance_id] = purchase
            self.reseller_of[appliance_id] = ""
        self.appliances_of[SEED_CUSTOMER_ID] = [48526, 48527]

        day = (self.now - dt.timedelta(days=3)).date()
        base = dt.datetime.combine(day, dt.time(10, 29), UTC)  # 12:29 in Strasbourg
        minute = dt.timedelta(minutes=1)
        assigned = (events.assigned(CENTRES[0]["code"], CENTRES[0]["name"]), "")
        saved = (events.created(), "")

        def ticket(
            tid: int,
            appliance: int,
            path: list[str],
            times: list[dt.datetime],
            problem: str,
            notes: dict[int, tuple[events.Event, str]],
        ) -> _Ticket:
            t = _Ticket()
            t.id, t.centre, t.customer_id, t.appliance_id = tid, 0, SEED_CUSTOMER_ID, appliance
            t.model = self.appliance_model[appliance]
            t.path, t.times, t.operator, t.engineer = path, times, PLEINET, 2
            t.problem, t.step_notes, t.notes = problem, notes, False
            return t

        groups = []
        # 116496: the seed's open group, to contact (overdue)
        g = _Group(SEED_CUSTOMER_ID, 0)
        g.fixed_id = SEED_GROUP_ID
        g.tickets = [
            ticket(
                116496,
                48526,
                [S.TO_ASSIGN, S.TO_CONTACT],
                [base - 2 * minute, base],
                "Le brûleur auxiliaire ne s'allume plus, l'allumage claque en continu.",
                {0: saved, 1: assigned},
            ),
            ticket(
                116497,
                48527,
                [S.TO_ASSIGN, S.TO_CONTACT],
                [base + minute, base + dt.timedelta(hours=2, minutes=27)],
                "Le réfrigérateur ne refroidit plus, givre sur la paroi du fond.",
                {0: saved, 1: assigned},
            ),
        ]
        groups.append(g)
        # 116493 and 116491: cancelled the same day (operator mistake)
        cancel = (events.simple(HistoryEvent.CANCELLED), "erreur opérateur")
        for gid, appliances, ago in ((116491, [48527], 40), (116493, [48527, 48526], 20)):
            g = _Group(SEED_CUSTOMER_ID, 0)
            g.fixed_id = gid
            for k, appliance in enumerate(appliances):
                t0 = base - dt.timedelta(minutes=ago - k)
                g.tickets.append(
                    ticket(
                        gid + k,
                        appliance,
                        [S.TO_ASSIGN, S.TO_CONTACT, S.CANCELLED],
                        [t0, t0 + 2 * minute, t0 + 5 * minute],
                        "Demande saisie par erreur",
                        {0: saved, 1: assigned, 2: cancel},
                    )
                )
            groups.append(g)
        # 116470: verified a month ago, the seed's invoicing figures
        g = _Group(SEED_CUSTOMER_ID, 0)
        g.fixed_id = 116470
        start = base - dt.timedelta(days=40)
        path = [S.TO_ASSIGN, S.TO_CONTACT, S.CONFIRMED, S.CLOSED, S.VERIFIED]
        for k, (appliance, problem) in enumerate(
            (
                (48526, "Odeur de gaz au niveau du brûleur semi-rapide."),
                (48527, "Le joint de porte ne colle plus."),
            )
        ):
            t0 = start + k * minute
            times = [
                t0,
                t0 + _hours(3),
                t0 + _hours(26),
                t0 + _hours(26 + 96),
                t0 + _hours(26 + 96 + 150),
            ]
            t = ticket(116470 + k, appliance, path, times, problem, {})
            t.appointments = {2: times[2] + _hours(70)}
            t.notes = True
            t.step_notes = None
            g.tickets.append(t)
        groups.append(g)
        for g in groups:
            g.created_at = min(t.times[0] for t in g.tickets)
        return groups

    def _generated_groups(self, count: int) -> list[_Group]:
        rng = self.rng
        groups: list[_Group] = []
        forced: list[tuple[int, str, bool | None]] = []
        overdue_flag = True
        for centre in (0, 0, 1):
            for status in ALL_STATUSES:
                overdue: bool | None = None
                if status == S.TO_CONTACT and centre == 0:
                    overdue, overdue_flag = overdue_flag, not overdue_flag
                forced.append((centre, status, overdue))
        statuses = list(STATUS_WEIGHTS)
        weights = tuple(STATUS_WEIGHTS.values())
        made = 0
        while made < count:
            if forced:
                centre, status, overdue = forced.pop(0)
                size = 1
            else:
                centre = rng.choices((0, 1, 2), weights=CENTRE_WEIGHTS)[0]
                status = rng.choices(statuses, weights=weights)[0]
                overdue = None
                size = rng.choices((1, 2, 3), weights=(85, 12, 3))[0]
            size = min(size, count - made)
            groups.append(self._group(centre, status, overdue, size))
            made += size
        return groups

    def _group(self, centre: int, status: str, overdue: bool | None, size: int) -> _Group:
        rng = self.rng
        region = CENTRES[centre]["region"]
        lang = CENTRES[centre]["lang"]
        first = _Ticket()
        first.path = self._path(status)
        first.times = self._times_backward(first.path, status, overdue)
        known = self.customers_by_region[region]
        if known and rng.random() < 0.12:
            customer = rng.choice(known)
        else:
            customer = self._customer(region)
        group = _Group(customer, centre)
        tickets = [first]
        for k in range(1, size):
            t = _Ticket()
            keep = len(first.path) if rng.random() < 0.7 else rng.randint(1, len(first.path))
            shift = dt.timedelta(minutes=k * rng.randint(1, 4))
            limit = self.now - first.times[keep - 1]
            shift = min(shift, limit / 2)
            t.path = first.path[:keep]
            t.times = [x + shift for x in first.times[:keep]]
            tickets.append(t)
        owned = list(self.appliances_of.get(customer, []))
        for t in tickets:
            t.lang = lang
            t.customer_id = customer
            reuse = [
                a
                for a in owned
                if (self.appliance_purchase[a] or t.times[0].date()) < t.times[0].date()
                and rng.random() < 0.4
            ]
            if reuse:
                t.appliance_id = reuse[0]
                owned.remove(reuse[0])
            else:
                t.appliance_id = self._appliance(customer, t.times[0], lang == "it")
            t.model = self.appliance_model[t.appliance_id]
            self._fill_ticket(t, centre, first.appointments if t is not first else None)
            group.tickets.append(t)
        if all(t.centre is None for t in group.tickets):
            group.centre = None
        group.created_at = min(t.times[0] for t in group.tickets)
        return group

    def _path(self, status: str) -> list[str]:
        rng = self.rng
        path = [S.TO_ASSIGN]
        if status == S.TO_ASSIGN:
            return path
        if status == S.CANCELLED:
            prefixes: tuple[list[str], ...] = (
                [],
                [S.TO_CONTACT],
                [S.TO_CONTACT, S.UNREACHABLE],
                [S.TO_CONTACT, S.CONFIRMED],
            )
            prefix = rng.choices(prefixes, weights=(30, 35, 20, 15))[0]
            return [*path, *prefix, S.CANCELLED]
        path.append(S.TO_CONTACT)
        if status == S.TO_CONTACT:
            return path
        if status == S.UNREACHABLE:
            return path + [S.UNREACHABLE] * rng.choice((1, 1, 2))
        if rng.random() < 0.2:
            path.append(S.UNREACHABLE)
        path.append(S.CONFIRMED)
        if status == S.CONFIRMED:
            if rng.random() < 0.1:
                path += [S.WAITING_PARTS, S.CONFIRMED]
            return path
        if status in (S.WAITING_PARTS, S.EXCHANGE_REQUESTED):
            return [*path, status]
        r = rng.random()
        if r < 0.25:
            path.append(S.WAITING_PARTS)
            if rng.random() < 0.5:
                path.append(S.CONFIRMED)
        elif r < 0.32:
            path.append(S.EXCHANGE_REQUESTED)
        path.append(S.CLOSED)
        if rng.random() < 0.07:  # rejected by the operator once, then closed again
            path += [S.CONFIRMED, S.CLOSED]
        if status == S.CLOSED:
            return path
        path.append(S.VERIFIED)
        if status == S.VERIFIED:
            return path
        return [*path, S.INVOICED]

    def _gap(self, before: str, after: str) -> float:
        """Hours between two status changes."""
        u = self.rng.uniform
        if after == S.CANCELLED:
            return u(1, 240)
        if before == S.TO_ASSIGN:
            return u(0.08, 26)
        if before == S.TO_CONTACT:
            return u(2, 40) if after == S.UNREACHABLE else u(1, 30)
        if before == S.UNREACHABLE:
            return u(4, 30) if after == S.UNREACHABLE else u(1, 30)
        if before == S.CONFIRMED:
            return u(24, 200)
        if before == S.WAITING_PARTS:
            return u(72, 360)
        if before == S.EXCHANGE_REQUESTED:
            return u(120, 480)
        if before == S.CLOSED:
            return u(10, 120) if after == S.CONFIRMED else u(10, 240)
        return u(48, 900)  # verified -> invoiced

    def _recency(self, status: str, overdue: bool | None) -> float:
        """Hours between the last status change and now."""
        if status == S.TO_CONTACT:
            if overdue is None:
                overdue = self.rng.random() < 0.45
            return self.rng.uniform(49, 240) if overdue else self.rng.uniform(0.2, 46)
        return self.rng.uniform(*RECENCY_HOURS[status])

    def _times_backward(
        self, path: list[str], status: str, overdue: bool | None
    ) -> list[dt.datetime]:
        gaps = [self._gap(a, b) for a, b in itertools.pairwise(path)]
        end = self.now - _hours(self._recency(status, overdue))
        times = [end]
        for gap in reversed(gaps):
            times.append(times[-1] - _hours(max(gap, 0.02)))
        times.reverse()
        return times

    def _fill_ticket(
        self, t: _Ticket, centre: int, appointments: dict[int, dt.datetime] | None
    ) -> None:
        rng = self.rng
        lang = t.lang
        assigned = S.TO_CONTACT in t.path
        t.centre = centre if assigned else None
        t.operator = OPERATOR if lang == "it" or rng.random() < 0.65 else PLEINET
        if assigned:
            engineers, weights = ENGINEERS[centre]
            t.engineer = rng.choices(engineers, weights=weights)[0]
        category = self.model_category[t.model]
        t.problem = rng.choice(PROBLEMS[lang][category])
        t.ticket_type = rng.choice(TICKET_TYPES[lang])
        purchase = self.appliance_purchase[t.appliance_id]
        young = purchase is not None and (t.times[0].date() - purchase).days < 730
        t.warranty = IN_WARRANTY if young and rng.random() < 0.95 else OUT_OF_WARRANTY
        if rng.random() < 0.2:
            reseller = self.reseller_of[t.appliance_id]
            prefix = _ascii(reseller)[:6].upper() or "CL"
            t.external_ref = f"{prefix}-{rng.randint(1000000, 99999999)}"
        t.follow = rng.random() < 0.06
        t.exchange = S.EXCHANGE_REQUESTED in t.path
        # appointments: one per confirmed step (shared with the group's first ticket if given)
        for j, status in enumerate(t.path):
            if status != S.CONFIRMED:
                continue
            if appointments is not None and j in appointments:
                t.appointments[j] = appointments[j]  # one visit for the group's appliances
                continue
            nxt = t.times[j + 1] if j + 1 < len(t.times) else None
            t.appointments[j] = self._appointment(t.times[j], nxt)
        # parts ordered when waiting for parts
        if S.WAITING_PARTS in t.path:
            t.order_parts = self._pick_order_parts(t.model, rng.randint(1, 3))

    def _appointment(self, confirmed: dt.datetime, nxt: dt.datetime | None) -> dt.datetime:
        """A working-hours slot after ``confirmed`` (and before ``nxt``, the next change)."""
        rng = self.slot_rng
        if nxt is None:
            day = (confirmed + dt.timedelta(days=rng.randint(1, 8))).date()
            return dt.datetime.combine(
                day, dt.time(rng.choice(APPOINTMENT_HOURS), rng.choice((0, 30))), UTC
            )
        days = (nxt.date() - confirmed.date()).days
        for _ in range(8):
            day = confirmed.date() + dt.timedelta(days=rng.randint(0, days))
            slot = dt.datetime.combine(
                day, dt.time(rng.choice(APPOINTMENT_HOURS), rng.choice((0, 30))), UTC
            )
            if confirmed < slot < nxt:
                return slot
        target = confirmed + (nxt - confirmed) * rng.uniform(0.35, 0.8)
        return target.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)

    def _number(self, groups: list[_Group]) -> None:
        """Ticket and group ids in creation order (the seed's keep their numbers)."""
        generated = sorted((g for g in groups if g.fixed_id is None), key=lambda g: g.created_at)
        for g in generated:
            g.fixed_id = self.ticket_ids.take_block(len(g.tickets))
        for g in groups:
            assert g.fixed_id is not None
            for k, t in enumerate(g.tickets):
                if not t.id:
                    t.id = g.fixed_id + k
        groups.sort(key=lambda g: g.fixed_id or 0)

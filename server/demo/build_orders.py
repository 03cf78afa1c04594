"""Demo builder: the orders of parts (for tickets and for stock) and their lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from server.demo.build_catalogue import _CatalogueBuilder
from server.demo.build_common import (
    _hours,
    _Ticket,
)
from server.demo.data import (
    CHAIN_CODES,
    MANUAL_PART_CODE,
    O_AWAITING,
    O_CANCELLED,
    O_DONE,
    O_SHIPPED,
    O_VALIDATED,
    TRANSPORTS,
    S,
)
from server.demo.data_catalogue import (
    _IN,
    MODELS,
)
from server.demo.data_centres import (
    CENTRES,
    ENGINEERS,
    MANAGER_OF,
    OPERATOR,
    SAVED_ADDRESSES,
)
from server.demo.data_tickets import (
    TEXTS,
)
from server.services.money import from_cents, to_cents, vat_on


class _OrdersBuilder(_CatalogueBuilder):
    def _ship_to(self, centre: int) -> dict[str, str]:
        c = CENTRES[centre]
        saved = [a for i, a in SAVED_ADDRESSES if i == centre]
        if not c["vat_id"]:  # the default address lacks a VAT id: the saved one has it
            address = saved[0]
        elif saved and self.rng.random() < 0.2:
            address = self.rng.choice(saved)
        else:
            address = c
        return {
            f"ship_{k}": address[k]
            for k in (
                "company",
                "street",
                "postal_code",
                "city",
                "province",
                "country",
                "phone",
                "fax",
                "vat_id",
            )
        }

    def _orders(self, tickets: list[_Ticket]) -> None:
        rng = self.rng
        day = dt.timedelta(days=1)
        # (created_at, centre, created_by, lines, status, note)
        specs: list[
            tuple[dt.datetime, int, int, list[tuple[int, int, int, int | None]], str, str]
        ] = []

        def status_by_age(created: dt.datetime, finished: bool) -> str:
            age = self.now - created
            if finished:
                return O_DONE
            if age < dt.timedelta(hours=30):
                return O_AWAITING
            if age < 4 * day:
                return O_VALIDATED
            return O_SHIPPED

        per_centre = [0, 0, 0]
        for t in tickets:
            if t.centre is not None:
                per_centre[t.centre] += 1
            if not t.order_parts or t.centre is None:
                continue
            j = t.path.index(S.WAITING_PARTS)
            created = t.times[j] - dt.timedelta(minutes=rng.randint(5, 90))
            finished = t.status != S.WAITING_PARTS
            lines: list[tuple[int, int, int, int | None]] = [
                (r, o, q, t.id) for r, o, q in t.order_parts
            ]
            specs.append(
                (
                    created,
                    t.centre,
                    t.engineer if t.engineer is not None else 2,
                    lines,
                    status_by_age(created, finished),
                    "",
                )
            )
        for centre in range(3):
            people = [*ENGINEERS[centre][0], MANAGER_OF[centre]]
            for _ in range(max(3, per_centre[centre] // 50)):
                created = self.now - _hours(rng.uniform(0.5, 24 * 240))
                age = self.now - created
                if age < dt.timedelta(hours=30):
                    status = O_AWAITING
                elif age < 4 * day:
                    status = O_VALIDATED
                elif age < 10 * day:
                    status = O_SHIPPED
                else:
                    status = O_CANCELLED if rng.random() < 0.1 else O_DONE
                model = rng.randint(1, len(MODELS))
                lines = [
                    (r, o, q, None) for r, o, q in self._pick_order_parts(model, rng.randint(1, 5))
                ]
                specs.append(
                    (
                        created,
                        centre,
                        rng.choice(people),
                        lines,
                        status,
                        rng.choice(TEXTS[CENTRES[centre]["lang"]]["order_note"]),
                    )
                )
        # the home screen of 249050 shows orders awaiting validation
        p = self.part_id
        awaiting = O_AWAITING
        specs.append(
            (
                self.now - _hours(3),
                0,
                2,
                [(p[MANUAL_PART_CODE], p[MANUAL_PART_CODE], 1, None)],
                awaiting,
                "Achat manuel",
            )
        )
        specs.append(
            (
                self.now - _hours(20),
                0,
                2,
                [
                    (p[CHAIN_CODES[0]], p[CHAIN_CODES[-1]], 2, None),
                    (p["870650444"], p["870650444"], 1, None),
                ],
                awaiting,
                "Réassort bougies et brûleurs",
            )
        )
        specs.sort(key=lambda s: (s[0], s[1]))

        orders, order_lines = self.rows["orders"], self.rows["order_lines"]
        sequences: dict[tuple[int, int], int] = {}
        for created, centre, author, lines, status, note in specs:
            c = CENTRES[centre]
            year = created.year
            seq = sequences[(centre, year)] = sequences.get((centre, year), 0) + 1
            order_id = len(orders) + 1
            validated = status not in (O_AWAITING, O_CANCELLED)
            validated_at = None
            if validated:
                validated_at = min(created + _hours(rng.uniform(1, 26)), self.now)
            net_total = Decimal(0)
            for requested, ordered, quantity, ticket_id in lines:
                part = self.parts[ordered - 1]
                net = from_cents(part["price_cents"]) * quantity * (100 - c["discount_rate"]) / 100
                net_cents = to_cents(net)
                net_total += from_cents(net_cents)
                reserved = shipped = done = 0
                if status == O_VALIDATED:
                    reserved = quantity if part["availability"] == _IN else 0
                elif status == O_SHIPPED:
                    reserved = shipped = quantity
                elif status == O_DONE:
                    reserved = shipped = done = quantity
                order_lines.append(
                    {
                        "id": len(order_lines) + 1,
                        "order_id": order_id,
                        "requested_part_id": requested,
                        "part_id": ordered,
                        "description": part["description"],
                        "quantity_requested": quantity,
                        "quantity_reserved": reserved,
                        "quantity_shipped": shipped,
                        "quantity_done": done,
                        "transport": (
                            rng.choices(TRANSPORTS, weights=(8, 2))[0] if validated else None
                        ),
                        "ticket_id": ticket_id,
                        "price_cents": part["price_cents"],
                        "discount_rate": c["discount_rate"],
                        "net_cents": net_cents,
                        "note": "",
                    }
                )
            vat = vat_on(net_total, c["vat_rate"])
            number = f"{c['customer_number']}{year % 100:02d}{seq:04d}"
            for ticket_id in {line[3] for line in lines if line[3] is not None}:
                entry = self.parts_ordered_entry.get(ticket_id)
                if entry is not None:
                    entry["params"]["order"] = number
            orders.append(
                {
                    "id": order_id,
                    "number": number,
                    "service_centre_id": centre + 1,
                    "created_by_id": author + 1,
                    "status": status,
                    "created_at": created,
                    "validated_at": validated_at,
                    "validated_by_id": OPERATOR + 1 if validated else None,
                    "erp_number": f"45{rng.randint(0, 99999999):08d}" if validated else "",
                    "note": note,
                    **self._ship_to(centre),
                    "net_cents": to_cents(net_total),
                    "vat_cents": to_cents(vat),
                    "total_cents": to_cents(net_total + vat),
                    "version": 1,
                    "vat_rate": c["vat_rate"],
                    "updated_at": validated_at or created,
                    "updated_by_id": OPERATOR + 1 if validated else author + 1,
                }
            )
        self.rows["order_sequences"] = [
            {"service_centre_id": centre + 1, "year": year, "last_value": value}
            for (centre, year), value in sorted(sequences.items())
        ]

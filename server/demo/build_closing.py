"""Demo builder: closing (interventions, the parts used) and payment vouchers."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from server.demo.build_catalogue import _CatalogueBuilder
from server.demo.build_common import (
    _Ticket,
)
from server.demo.data import (
    S,
)
from server.demo.data_centres import (
    CENTRES,
    MANAGER_OF,
)
from server.demo.data_tickets import (
    TEXTS,
)
from server.services import closing_codes
from server.services.money import from_cents, to_cents, vat_on


class _ClosingBuilder(_CatalogueBuilder):
    _INTERVENTION_OF = {"T": "D1", "R": "D1", "N": "D1", "E": "EX"}
    _WORK_OF = {"T": ("W01",), "R": ("W02", "W03", "W04", "W05"), "N": ("W06",), "E": ("W07",)}

    def _vouchers(self, tickets: list[_Ticket]) -> None:
        """Invoiced tickets grouped per centre and month into payment vouchers."""
        batches: dict[tuple[int, int, int], list[_Ticket]] = {}
        for t in tickets:
            if t.status == S.INVOICED and t.centre is not None:
                at = t.times[-1]
                batches.setdefault((t.centre, at.year, at.month), []).append(t)
        self.voucher_batches: list[tuple[int, dt.datetime, str, list[_Ticket]]] = []
        sequences: dict[tuple[int, int], int] = {}
        for key in sorted(batches, key=lambda k: (max(t.times[-1] for t in batches[k]), k)):
            centre = key[0]
            batch = sorted(batches[key], key=lambda t: t.id)
            at = max(t.times[-1] for t in batch)
            seq = sequences[(centre, at.year)] = sequences.get((centre, at.year), 0) + 1
            number = f"BP{CENTRES[centre]['code']}{at.year % 100:02d}{seq:04d}"
            for t in batch:
                t.times[-1] = at
                t.voucher_number = number
            self.voucher_batches.append((centre, at, number, batch))

    def _closing_codes(self, t: _Ticket, fault_type: str, pick: int) -> dict[str, str]:
        """Codes of the demo's coded lists for a closing of ``fault_type`` (``pick`` is the
        main stream's draw; the rest comes from the ticket's own stream, so that adding the
        codes moved no other figure of the demo)."""
        own = random.Random(t.id)
        family = self.model_category[t.model]
        components = [c["code"] for c in self.codes["component", family]]
        faults = [c["code"] for c in self.codes["fault", ""] if c["fault_type"] == fault_type]
        return {
            "component": own.choice(components) if components else "",
            "fault": own.choice(faults) if faults else "",
            "intervention": "D2"
            if pick == 12 and fault_type != "E"
            else self._INTERVENTION_OF[fault_type],
            "work": own.choice(self._WORK_OF[fault_type]),
        }

    def _parts_used(
        self,
        intervention_id: int,
        used: list[tuple[int, int, int]],
        price_cents: int | None = None,
    ) -> None:
        lines = self.rows["intervention_parts"]
        for position, (requested, ordered, quantity) in enumerate(used, start=1):
            part = self.parts[ordered - 1]
            lines.append(
                {
                    "id": len(lines) + 1,
                    "intervention_id": intervention_id,
                    "position": position,
                    "requested_part_id": requested,
                    "ordered_part_id": ordered,
                    "installed_part_id": ordered,
                    "order_line_id": None,
                    "description": part["description"],
                    "quantity": quantity,
                    "unit_price_cents": part["price_cents"] if price_cents is None else price_cents,
                }
            )

    def _interventions(self, tickets: list[_Ticket]) -> None:
        self.rows["closing_codes"] = closing_codes.demo_rows()
        self.codes: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for code in self.rows["closing_codes"]:
            self.codes.setdefault((code["list"], code["family"]), []).append(code)
        rng = self.rng
        rows = self.rows["interventions"]
        voucher_of: dict[int, int] = {}
        vouchers = self.rows["vouchers"]
        fixed = {116470: (8400, 4996, 0), 116471: (7200, 0, 0)}
        money: dict[int, tuple[int, int, int, Decimal]] = {}
        for t in sorted(tickets, key=lambda t: t.id):
            closed = S.CLOSED in t.path
            draft = t.status == S.WAITING_PARTS and t.centre is not None and rng.random() < 0.3
            if not (closed or draft) or t.centre is None:
                continue
            c = CENTRES[t.centre]
            texts = TEXTS[t.lang]
            closed_at = None  # a draft, or reopened by the operator's rejection
            if t.status in (S.CLOSED, S.VERIFIED, S.INVOICED):
                closed_at = t.times[len(t.path) - 1 - t.path[::-1].index(S.CLOSED)]
            verified_at = None
            if t.status in (S.VERIFIED, S.INVOICED) and S.VERIFIED in t.path:
                verified_at = t.times[len(t.path) - 1 - t.path[::-1].index(S.VERIFIED)]
            visit = t.appointments[max(t.appointments)] if t.appointments else None
            day = (visit or closed_at or t.times[-1]).date()
            if closed_at is not None and day > closed_at.date():
                day = closed_at.date()
            parts = [o for _r, o, _q in t.order_parts]
            used = list(t.order_parts)
            spares = sum(self.parts[o - 1]["price_cents"] * q for _r, o, q in t.order_parts)
            if not parts and not t.exchange and rng.random() < 0.45:
                for r, o, q in self._pick_order_parts(t.model, rng.randint(1, 2)):
                    parts.append(o)
                    used.append((r, o, q))
                    spares += self.parts[o - 1]["price_cents"] * q
            if t.exchange:
                fault_type, component, work = "E", texts["whole_appliance"], texts["exchange_work"]
                fault = rng.choice(texts["faults"])
            elif parts:
                fault_type = "T"
                component = self.part_noun[parts[0]].capitalize()
                fault = rng.choice(texts["faults"])
                work = texts["work_part"].format(
                    part=", ".join(
                        f"{self.parts[o - 1]['code']} {self.parts[o - 1]['description']}"
                        for o in parts
                    )
                )
            elif rng.random() < 0.75:
                fault_type, component = (
                    "R",
                    self.part_noun[rng.choice(self.model_parts[t.model])].capitalize(),
                )
                fault, work = rng.choice(texts["faults"]), rng.choice(texts["work_repair"])
            else:
                fault_type, component = "N", ""
                fault, work = rng.choice(texts["no_fault"]), rng.choice(texts["work_none"])
            rate = c["rate_cents"] + (1200 if rng.random() < 0.1 else 0)
            bonuses = 0 if rng.random() < 0.85 else rng.choice((1000, 1500, 2500))
            if t.id in fixed:
                rate, spares, bonuses = fixed[t.id]
                fault_type = "T" if spares else "R"
            if draft:
                work = ""
            codes = self._closing_codes(t, fault_type, rng.randint(1, 12))
            if fault_type == "T" and t.id not in fixed:
                self._parts_used(len(rows) + 1, used)
            elif (
                t.id in fixed and spares
            ):  # the seed's 49.96 of spares: one part, at its price then
                part = self.model_parts[t.model][0]
                self._parts_used(len(rows) + 1, [(part, part, 1)], price_cents=spares)
            net = rate + spares + bonuses
            vat = to_cents(vat_on(from_cents(net), c["vat_rate"]))
            frozen = closed_at is not None
            rows.append(
                {
                    "id": len(rows) + 1,
                    "ticket_id": t.id,
                    "intervention_date": day,
                    "distance_km": rng.randint(2, 65),
                    "warranty": t.warranty,
                    "ticket_type": t.ticket_type,
                    "faulty_component": component,
                    "fault": fault,
                    "fault_type": fault_type,
                    "intervention_code": codes["intervention"],
                    "faulty_component_code": codes["component"] if component else "",
                    "fault_code": codes["fault"],
                    "work_done_code": codes["work"] if work else "",
                    "net_cents": net if frozen else None,
                    "vat_cents": vat if frozen else None,
                    "total_cents": net + vat if frozen else None,
                    "appliance_changes": None,
                    "updated_at": closed_at or t.times[-1],
                    "updated_by_id": None,
                    "closed_by_id": None,
                    "verified_at": verified_at,
                    "verified_by_id": t.operator + 1 if verified_at else None,
                    "rejection_note": "",
                    "work_done": work,
                    "fault_description": t.problem,
                    "rate_cents": rate,
                    "spares_cents": spares,
                    "bonuses_cents": bonuses,
                    "vat_rate": c["vat_rate"],
                    "closed_at": closed_at,
                    "voucher_id": None,
                    "version": 1,
                }
            )
            money[t.id] = (rate, spares, bonuses, c["vat_rate"])
            voucher_of[t.id] = len(rows)
        for i, (centre, at, number, batch) in enumerate(self.voucher_batches):
            # a voucher is the sum of its interventions, each rounded once at closing
            net_sum = sum((from_cents(sum(money[t.id][:3])) for t in batch), Decimal(0))
            vat_sum = sum(
                (vat_on(from_cents(sum(money[t.id][:3])), money[t.id][3]) for t in batch),
                Decimal(0),
            )
            vouchers.append(
                {
                    "id": i + 1,
                    "number": number,
                    "service_centre_id": centre + 1,
                    "created_at": at,
                    "created_by_id": MANAGER_OF[centre] + 1,
                    "net_cents": to_cents(net_sum),
                    "vat_cents": to_cents(vat_sum),
                    "total_cents": to_cents(net_sum + vat_sum),
                }
            )
            for t in batch:
                rows[voucher_of[t.id] - 1]["voucher_id"] = i + 1

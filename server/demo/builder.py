"""Builds every demo row in plain Python, deterministically from a seed and a ``now``."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import random
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from client.models import (
    HistoryEvent,
    RelationDirection,
    RelationKind,
)
from server.demo.data import (
    _IN,
    _ON,
    _TABLES,
    _UN,
    ALL_STATUSES,
    ALSACE_LAST,
    ALTERNATE_CODES,
    APPOINTMENT_HOURS,
    CATEGORY_NAMES,
    CENTRE_WEIGHTS,
    CENTRES,
    CHAIN_CODES,
    CONTACT_MEANS_ORDER,
    ENGINEERS,
    FIXED_LINES,
    FIXED_PARTS,
    FR_COMPANIES,
    FR_CUSTOMER_NOTES,
    FR_FIRST,
    FR_LAST,
    FR_MAIL,
    FR_RESELLERS,
    FR_STREETS,
    H_APPLIANCE_UPDATE,
    H_EMAIL,
    H_NOTE,
    H_STATUS_CHANGE,
    IN_WARRANTY,
    IT_COMPANIES,
    IT_CUSTOMER_NOTES,
    IT_FIRST,
    IT_LAST,
    IT_MAIL,
    IT_RESELLERS,
    IT_STREETS,
    KIT_ONE_FOR_TWO,
    KIT_SET,
    LOCAL_TZ,
    MANAGER_OF,
    MANUAL_PART_CODE,
    MODEL_POOLS,
    MODELS,
    MULTI_QUANTITY,
    O_AWAITING,
    O_CANCELLED,
    O_DONE,
    O_SHIPPED,
    O_VALIDATED,
    OPERATOR,
    OUT_OF_WARRANTY,
    PLEINET,
    POOL_SIZES,
    POOLS,
    PROBLEMS,
    PRODUCTION_SUPERSESSION_CODES,
    QUALIFIERS,
    REASONS,
    RECENCY_HOURS,
    REGIONS,
    RESERVED_TICKET_IDS,
    SAVED_ADDRESSES,
    SEED_AP64_AVAILABILITY,
    SEED_AP64_LINES,
    SEED_CUSTOMER_ID,
    SEED_GROUP_ID,
    SERIAL_FORK_CODES,
    SERIAL_SUPERSESSION_CODES,
    SERIAL_VARIANT_CODES,
    STATUS_WEIGHTS,
    SUFFIX_PREFIXES,
    TEXTS,
    TICKET_TYPES,
    TRANSPORTS,
    UNUSABLE_PASSWORD_HASH,
    USERS,
    UTC,
    S,
)
from server.services import closing_codes, events
from server.services.money import from_cents, to_cents, vat_on

# =========================================================================== helpers


def _hours(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=round(value * 3600))


@functools.lru_cache(maxsize=4096)
def _ascii(value: str) -> str:
    norm = unicodedata.normalize("NFKD", value)
    return "".join(c for c in norm if c.isalnum() and c.isascii()).lower()


def _local(value: dt.datetime) -> dt.datetime:
    """A time as people in the centres read it (France and Italy share a time zone)."""
    return value.astimezone(LOCAL_TZ)


def _fmt_date(value: dt.datetime | dt.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def _ymd(value: dt.date) -> str:
    """YYMMDD, as in a serial number."""
    return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"


class _Random(random.Random):
    """random.Random with cheaper randint, choice and single weighted choices.

    The demo draws millions of numbers; the standard versions (rejection sampling, weights
    accumulated on every call) dominate the build time. Determinism is all that matters here.
    """

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self._cumulative: dict[tuple[float, ...], tuple[list[float], float]] = {}

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.random() * len(seq))]

    def choices(  # type: ignore[override]
        self,
        population: Sequence[Any],
        weights: Sequence[float] | None = None,
        *,
        cum_weights: Sequence[float] | None = None,
        k: int = 1,
    ) -> list[Any]:
        if k != 1 or cum_weights is not None or not isinstance(weights, tuple):
            return super().choices(population, weights, cum_weights=cum_weights, k=k)
        cached = self._cumulative.get(weights)
        if cached is None:
            cached = self._cumulative[weights] = (
                list(itertools.accumulate(weights)),
                float(sum(weights)),
            )
        cumulative, total = cached
        return [population[bisect.bisect_right(cumulative, self.random() * total)]]


class _Ids:
    """Sequential ids that skip reserved values."""

    def __init__(self, start: int = 1, reserved: Sequence[int] | range = ()) -> None:
        self.next_value = start
        self.reserved = frozenset(reserved)

    def take(self) -> int:
        return self.take_block(1)

    def take_block(self, size: int) -> int:
        while any(v in self.reserved for v in range(self.next_value, self.next_value + size)):
            self.next_value += 1
        value = self.next_value
        self.next_value += size
        return value


class _Ticket:
    """A ticket being generated: its path through the status machine and everything else."""

    __slots__ = (
        "appliance_id",
        "appointments",
        "centre",
        "customer_id",
        "engineer",
        "exchange",
        "external_ref",
        "follow",
        "id",
        "lang",
        "model",
        "notes",
        "operator",
        "order_parts",
        "path",
        "problem",
        "step_notes",
        "ticket_type",
        "times",
        "voucher_number",
        "warranty",
    )

    def __init__(self) -> None:
        self.id = 0
        self.centre: int | None = None
        self.customer_id = 0
        self.appliance_id = 0
        self.model = 0
        self.path: list[str] = []
        self.times: list[dt.datetime] = []
        self.appointments: dict[int, dt.datetime] = {}
        self.operator = OPERATOR
        self.engineer: int | None = None
        self.warranty = IN_WARRANTY
        self.ticket_type = ""
        self.problem = ""
        self.external_ref = ""
        self.follow = False
        self.exchange = False
        self.lang = "fr"
        self.order_parts: list[tuple[int, int, int]] = []  # (requested, ordered, quantity)
        # fixed events and notes of the status changes (seed tickets)
        self.step_notes: dict[int, tuple[events.Event, str]] | None = None
        self.notes = True  # add random notes
        self.voucher_number = ""

    @property
    def status(self) -> str:
        return self.path[-1]


class _Group:
    __slots__ = ("centre", "created_at", "customer_id", "fixed_id", "tickets")

    def __init__(self, customer_id: int, centre: int | None) -> None:
        self.customer_id = customer_id
        self.centre = centre
        self.tickets: list[_Ticket] = []
        self.created_at = dt.datetime.min.replace(tzinfo=UTC)
        self.fixed_id: int | None = None


# =========================================================================== the builder


class _Demo:
    def __init__(self, *, seed: int, now: dt.datetime, password_hash: str) -> None:
        self.rng = _Random(seed)
        # Appointment slots are drawn until one falls between two dates that depend on
        # ``now``: from their own stream, so that the rest of the demo (statuses, towns,
        # parts) is the same whatever the hour it is built at.
        self.slot_rng = _Random(seed + 1)
        self.now = now.astimezone(UTC).replace(microsecond=0)
        self.password_hash = password_hash
        self.rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in _TABLES}
        self.used_codes: set[str] = set()
        self.parts: list[dict[str, Any]] = []
        self.part_id: dict[str, int] = {}
        self.part_noun: dict[int, str] = {}
        self.model_ids: dict[tuple[str, str], int] = {}
        self.model_category: dict[int, str] = {}
        self.model_series: dict[int, str] = {}
        self.model_parts: dict[int, list[int]] = {}
        self.supersede_next: dict[int, int] = {}  # permanent supersessions
        self.conditional_from: set[int] = set()  # parts whose replacement depends on context
        self.related: set[int] = set()  # parts in any relation
        self.ticket_ids = _Ids(100000, RESERVED_TICKET_IDS)
        self.customer_ids = _Ids(1, (SEED_CUSTOMER_ID,))
        self.appliance_ids = _Ids(1, (48526, 48527))
        self.customers_by_region: dict[str, list[int]] = {r: [] for r in REGIONS}
        self.customer_region: dict[int, str] = {}
        self.appliances_of: dict[int, list[int]] = {}
        self.appliance_model: dict[int, int] = {}
        self.appliance_purchase: dict[int, dt.date | None] = {}
        self.reseller_of: dict[int, str] = {}
        # ticket id -> its "parts ordered" history entry, which names the order once numbered
        self.parts_ordered_entry: dict[int, dict[str, Any]] = {}

    # ------------------------------------------------------------------ entry point

    def build(self, tickets: int) -> dict[str, list[dict[str, Any]]]:
        self._centres_and_users()
        self._catalogue()
        groups = self._seed_groups() + self._generated_groups(max(0, tickets - 7))
        self._number(groups)
        all_tickets = [t for g in groups for t in g.tickets]
        self._vouchers(all_tickets)
        self._ticket_rows(groups)
        self._orders(all_tickets)
        self._interventions(all_tickets)
        return self.rows

    # ------------------------------------------------------------------ centres and users

    def _centres_and_users(self) -> None:
        for i, c in enumerate(CENTRES):
            self.rows["service_centres"].append(
                {
                    "id": i + 1,
                    **{k: v for k, v in c.items() if k not in ("region", "lang")},
                    "language": c["lang"],
                    "version": 1,
                }
            )
        for i, (centre, address) in enumerate(SAVED_ADDRESSES):
            self.rows["saved_addresses"].append(
                {"id": i + 1, "service_centre_id": centre + 1, **address}
            )
        for i, (username, name, role, centre, lang, usable) in enumerate(USERS):
            first, last = name.split(" ", 1)
            domain = (
                "constructeur.example"
                if centre is None
                else (f"{_ascii(CENTRES[centre]['name'].split()[0])}.example")
            )
            self.rows["users"].append(
                {
                    "id": i + 1,
                    "username": username,
                    "full_name": name,
                    "email": f"{_ascii(first)}.{_ascii(last)}@{domain}",
                    "role": role,
                    "language": lang,
                    "service_centre_id": None if centre is None else centre + 1,
                    "password_hash": self.password_hash if usable else UNUSABLE_PASSWORD_HASH,
                    "active": True,
                    "created_at": self.now - dt.timedelta(days=900 - 20 * i),
                }
            )

    # ------------------------------------------------------------------ catalogue

    def _new_code(self, prefix: str | None = None) -> str:
        rng = self.rng
        while True:
            code = (prefix or f"{rng.randint(10, 899):03d}") + f"{rng.randint(0, 999999):06d}"
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def _add_part(
        self,
        code: str,
        description: str,
        price_cents: int,
        availability: str,
        stock: int,
        lead: int,
        obsolete: bool = False,
        noun: str = "",
    ) -> int:
        self.used_codes.add(code)
        part_id = len(self.parts) + 1
        row = {
            "id": part_id,
            "code": code,
            "description": description,
            "price_cents": price_cents,
            "availability": availability,
            "stock": stock,
            "lead_time_days": lead,
            "obsolete": obsolete,
        }
        self.parts.append(row)
        self.part_id[code] = part_id
        self.part_noun[part_id] = noun or description
        return part_id

    def _random_stock(self) -> tuple[str, int, int]:
        r = self.rng.random()
        if r < 0.72:
            return _IN, self.rng.randint(1, 60), self.rng.randint(1, 3)
        if r < 0.92:
            return _ON, 0, self.rng.randint(5, 45)
        return _UN, 0, 0

    def _describe(self, noun: str) -> str:
        rng = self.rng
        words = [noun]
        if rng.random() < 0.45:
            words.append(rng.choice(QUALIFIERS))
        if rng.random() < 0.55:
            suffix = rng.choice(SUFFIX_PREFIXES) + str(rng.randint(20, 999))
            if rng.random() < 0.4:
                suffix += rng.choice("ABCNX")
            words.append(suffix)
        return " ".join(words)

    def _random_part(self, noun: str, lo: float, hi: float, prefix: str) -> int:
        availability, stock, lead = self._random_stock()
        price = round(self.rng.uniform(lo, hi) * 100)
        return self._add_part(
            self._new_code(prefix),
            self._describe(noun),
            max(price, 15),
            availability,
            stock,
            lead,
            noun=noun,
        )

    def _relation(
        self,
        from_id: int,
        to_id: int,
        kind: str,
        *,
        direction: str = RelationDirection.ONE_WAY.value,
        kit_group: str | None = None,
        quantity: int = 1,
        valid_from: dt.date | None = None,
        serial: tuple[str | None, str | None] = (None, None),
        production: tuple[dt.date | None, dt.date | None] = (None, None),
        model_id: int | None = None,
        reason: str = "",
    ) -> None:
        rows = self.rows["part_relations"]
        rows.append(
            {
                "id": len(rows) + 1,
                "from_part_id": from_id,
                "to_part_id": to_id,
                "kind": kind,
                "direction": direction,
                "kit_group": kit_group,
                "quantity": quantity,
                "valid_from": valid_from,
                "serial_from": serial[0],
                "serial_to": serial[1],
                "production_from": production[0],
                "production_to": production[1],
                "model_id": model_id,
                "reason": reason,
            }
        )
        self.related.add(from_id)
        self.related.add(to_id)
        if kind == RelationKind.SUPERSEDES.value:
            if serial == (None, None) and production == (None, None) and model_id is None:
                self.supersede_next[from_id] = to_id
            else:
                self.conditional_from.add(from_id)
        elif kind == RelationKind.KIT_MEMBER.value:
            self.conditional_from.add(from_id)

    def _catalogue(self) -> None:
        rng = self.rng
        # fixed parts first, so that their codes are never drawn at random
        for _ref, code, _q, desc, price, _vt in SEED_AP64_LINES:
            if code not in self.part_id:
                availability, stock, lead = SEED_AP64_AVAILABILITY.get(
                    code, (_IN, 10 + len(self.parts) % 20, 2)
                )
                self._add_part(code, desc, price, availability, stock, lead)
        for code, (desc, price, availability, stock, lead, obsolete) in FIXED_PARTS.items():
            self._add_part(code, desc, price, availability, stock, lead, obsolete)
        # random pools
        pools: dict[str, list[int]] = {}
        for pool, nouns in POOLS.items():
            prefixes = {noun: f"{rng.randint(10, 899):03d}" for noun, _lo, _hi in nouns}
            pools[pool] = [
                self._random_part(noun, lo, hi, prefixes[noun])
                for noun, lo, hi in (rng.choice(nouns) for _ in range(POOL_SIZES[pool]))
            ]
        # models
        self.rows["catalogue_categories"] = [
            {"code": code, **{f"name_{lang}": name for lang, name in names.items()}}
            for code, names in CATEGORY_NAMES.items()
        ]
        series_used = {s for *_x, s in MODELS if s}
        for i, (code, si, category, description, drawing, series) in enumerate(MODELS):
            model_id = i + 1
            while series is None:
                candidate = f"{rng.randint(10000, 99999)}"
                if candidate not in series_used:
                    series = candidate
                    series_used.add(candidate)
            self.rows["catalogue_models"].append(
                {
                    "id": model_id,
                    "code": code,
                    "service_index": si,
                    "description": description,
                    "category": category,
                    "drawing": drawing,
                }
            )
            self.model_ids[(code, si)] = model_id
            self.model_category[model_id] = category
            self.model_series[model_id] = series
        for model_id in range(1, len(MODELS) + 1):
            self._view(model_id, pools)
        self._fixed_relations()
        self._random_relations(pools)
        self.rows["parts"] = self.parts

    def _view(self, model_id: int, pools: dict[str, list[int]]) -> None:
        """The exploded view of one model: fixed lines, then random ones and their variants."""
        rng = self.rng
        code, si, category, *_rest = MODELS[model_id - 1]
        series = self.model_series[model_id]
        # (ref_num int, order, part_id, quantity, valid_from, valid_to, serial_from, serial_to)
        lines: list[tuple[int, int, int, int, Any, Any, Any, Any]] = []
        if (code, si) in (("AP64-3", "SI00"), ("P64", "SI00")):
            for order, (ref, part_code, quantity, _d, _p, valid_to) in enumerate(SEED_AP64_LINES):
                lines.append(
                    (int(ref), order, self.part_id[part_code], quantity, None, valid_to, None, None)
                )
        for order, (ref, part_code, quantity) in enumerate(FIXED_LINES.get((code, si), [])):
            lines.append(
                (int(ref), order, self.part_id[part_code], quantity, None, None, None, None)
            )
        if (code, si) == ("SF6381X", "SI00"):
            old, new = (self.part_id[c] for c in SERIAL_VARIANT_CODES)
            lines.append((52210, 0, old, 1, None, None, None, f"{series}1803319999999"))
            lines.append((52210, 1, new, 1, None, None, f"{series}1804010000000", None))
        taken_refs = {ref for ref, *_x in lines}
        taken_parts = {line[2] for line in lines}
        target = rng.randint(60, 80) if code in ("AP64-3", "P64") else rng.randint(60, 150)
        pool_names = MODEL_POOLS[category]
        candidates_needed = max(0, target - len(lines))
        refs = sorted(
            r for r in rng.sample(range(1000, 60000), candidates_needed + 40) if r not in taken_refs
        )[:candidates_needed]
        variants_allowed = code != "P64"
        for ref in refs:
            pool = "common" if rng.random() < 0.2 else rng.choice(pool_names)
            part = rng.choice(pools[pool])
            tries = 0
            while part in taken_parts and tries < 5:
                part = rng.choice(pools[pool])
                tries += 1
            if part in taken_parts:
                continue
            taken_parts.add(part)
            noun = self.part_noun[part]
            quantity = (
                rng.randint(2, 6)
                if noun.startswith(MULTI_QUANTITY)
                else (2 if rng.random() < 0.08 else 1)
            )
            if variants_allowed and rng.random() < 0.06:
                new = self._variant_part(part)
                if rng.random() < 0.5:  # date variant
                    cut = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 4000))
                    lines.append((ref, 0, part, quantity, None, cut, None, None))
                    lines.append(
                        (ref, 1, new, quantity, cut + dt.timedelta(days=1), None, None, None)
                    )
                    if rng.random() < 0.5 and part not in self.related:
                        self._relation(
                            part,
                            new,
                            RelationKind.SUPERSEDES.value,
                            valid_from=cut + dt.timedelta(days=1),
                            reason=rng.choice(REASONS),
                        )
                else:  # serial variant
                    cut = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
                    after = cut + dt.timedelta(days=1)
                    lines.append(
                        (ref, 0, part, quantity, None, None, None, f"{series}{_ymd(cut)}9999999")
                    )
                    lines.append(
                        (ref, 1, new, quantity, None, None, f"{series}{_ymd(after)}0000000", None)
                    )
            else:
                lines.append((ref, 0, part, quantity, None, None, None, None))
        lines.sort(key=lambda line: (line[0], line[1]))
        rows = self.rows["exploded_view_lines"]
        used = []
        for ref, _o, part, quantity, valid_from, valid_to, serial_from, serial_to in lines:
            rows.append(
                {
                    "id": len(rows) + 1,
                    "model_id": model_id,
                    "ref_num": str(ref),
                    "part_id": part,
                    "quantity": quantity,
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "serial_from": serial_from,
                    "serial_to": serial_to,
                }
            )
            used.append(part)
        self.model_parts[model_id] = used

    def _variant_part(self, part: int) -> int:
        """A newer part for the same position: same noun, another description and code."""
        old = self.parts[part - 1]
        noun = self.part_noun[part]
        price = max(15, round(old["price_cents"] * self.rng.uniform(1.0, 1.25)))
        availability, stock, lead = self._random_stock()
        if availability == _UN:
            availability, stock, lead = _IN, self.rng.randint(1, 20), 2
        return self._add_part(
            self._new_code(old["code"][:3]),
            self._describe(noun),
            price,
            availability,
            stock,
            lead,
            noun=noun,
        )

    def _fixed_relations(self) -> None:
        p = self.part_id
        sup = RelationKind.SUPERSEDES.value
        for a, b in itertools.pairwise(CHAIN_CODES):
            self._relation(p[a], p[b], sup, reason="Évolution technique de la bougie")
        cut = dt.date(2013, 12, 1)
        self._relation(
            p["870650222"],
            p["870650444"],
            sup,
            valid_from=cut,
            reason="Brûleur monopièce remplacé par le brûleur standard",
        )
        self._relation(
            p["870650221"],
            p["870650446"],
            sup,
            valid_from=cut,
            reason="Brûleur monopièce remplacé par le brûleur standard",
        )
        ap64 = self.model_ids[("AP64-3", "SI00")]
        series = self.model_series[ap64]
        old, new = SERIAL_SUPERSESSION_CODES
        self._relation(
            p[old],
            p[new],
            sup,
            model_id=ap64,
            serial=(f"{series}1001010000000", f"{series}1311309999999"),
            reason="Appareils produits de 2010 à novembre 2013 : brûleur semi-rapide standard",
        )
        sf = self.model_ids[("SF6381X", "SI00")]
        series = self.model_series[sf]
        old, first, second = SERIAL_FORK_CODES
        self._relation(
            p[old],
            p[first],
            sup,
            model_id=sf,
            serial=(None, f"{series}1806309999999"),
            reason="Appareils produits jusqu'au 30/06/2018",
        )
        self._relation(
            p[old],
            p[second],
            sup,
            model_id=sf,
            serial=(f"{series}1807010000000", None),
            reason="Appareils produits à partir du 01/07/2018 (thermostat électronique)",
        )
        fab = self.model_ids[("FAB28ABL1", "SI00")]
        old, new = PRODUCTION_SUPERSESSION_CODES
        self._relation(
            p[old],
            p[new],
            sup,
            model_id=fab,
            production=(dt.date(2015, 1, 1), dt.date(2019, 12, 31)),
            reason="Production 2015-2019 : joint magnétique",
        )
        self._relation(p["880350100"], p["880350125"], sup, reason="Moteur basse consommation")
        for a, b in ALTERNATE_CODES:
            self._relation(
                p[a],
                p[b],
                RelationKind.ALTERNATE.value,
                direction=RelationDirection.TWO_WAY.value,
                reason="Pièces interchangeables",
            )
        group, olds, kit = KIT_ONE_FOR_TWO
        for old in olds:
            self._relation(
                p[old],
                p[kit],
                RelationKind.KIT_MEMBER.value,
                kit_group=group,
                reason="Charnières gauche et droite remplacées par un kit",
            )
        group, old, members = KIT_SET
        for member, quantity in members:
            self._relation(
                p[old],
                p[member],
                RelationKind.KIT_MEMBER.value,
                kit_group=group,
                quantity=quantity,
                reason="Brûleur complet livré en pièces détachées",
            )

    def _random_relations(self, pools: dict[str, list[int]]) -> None:
        rng = self.rng
        in_views = sorted({part for parts in self.model_parts.values() for part in parts})
        free = [part for part in in_views if part not in self.related]
        rng.shuffle(free)
        n_chains = max(1, len(free) // 30)
        heads, rest = free[:n_chains], free[n_chains:]
        for head in heads:
            depth = rng.choices((1, 2, 3, 4, 5), weights=(55, 25, 10, 6, 4))[0]
            current = head
            for _ in range(depth):
                old = self.parts[current - 1]
                if old["availability"] != _UN and rng.random() < 0.7:
                    old["availability"], old["stock"], old["lead_time_days"] = _UN, 0, 0
                new = self._variant_part(current)
                self._relation(
                    current,
                    new,
                    RelationKind.SUPERSEDES.value,
                    valid_from=dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 4500)),
                    reason=rng.choice(REASONS),
                )
                current = new
            if rng.random() < 0.05:  # an obsolete end
                end = self.parts[current - 1]
                end["obsolete"], end["availability"], end["stock"] = True, _UN, 0
                end["lead_time_days"] = 0
        # two-way alternates between parts of the same noun
        by_noun: dict[str, list[int]] = {}
        for part in rest:
            by_noun.setdefault(self.part_noun[part], []).append(part)
        pairs = 0
        for noun in sorted(by_noun):
            same = by_noun[noun]
            if len(same) >= 2 and pairs < max(2, len(free) // 100) and rng.random() < 0.5:
                a, b = same[0], same[1]
                self._relation(
                    a,
                    b,
                    RelationKind.ALTERNATE.value,
                    direction=RelationDirection.TWO_WAY.value,
                    reason="Pièces interchangeables",
                )
                pairs += 1
        # a few serial-dependent supersessions inside one model
        for model_id in sorted(self.model_parts)[::4]:
            parts = [q for q in self.model_parts[model_id] if q not in self.related]
            if not parts:
                continue
            part = rng.choice(parts)
            new = self._variant_part(part)
            series = self.model_series[model_id]
            cut = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
            self._relation(
                part,
                new,
                RelationKind.SUPERSEDES.value,
                model_id=model_id,
                serial=(f"{series}{_ymd(cut)}0000000", None),
                reason=rng.choice(REASONS),
            )
        # a few obsolete parts, nothing replacing them
        for part in rest[-max(2, len(rest) // 150) :]:
            if part not in self.related:
                row = self.parts[part - 1]
                row["obsolete"], row["availability"], row["stock"] = True, _UN, 0
                row["lead_time_days"] = 0

    # ------------------------------------------------------------------ customers, appliances

    def _customer(self, region: str) -> int:
        rng = self.rng
        info = REGIONS[region]
        italian = info["country"] == "IT"
        first = rng.choice(IT_FIRST if italian else FR_FIRST)
        if italian:
            last = rng.choice(IT_LAST)
        elif region == "alsace" and rng.random() < 0.45:
            last = rng.choice(ALSACE_LAST)
        else:
            last = rng.choice(FR_LAST)
        postal_code, city = rng.choice(info["cities"])
        number = rng.randint(1, 120)
        if italian:
            street = f"{rng.choice(IT_STREETS)} {number}"
            phone = (
                f"{info['landline']}{rng.randint(0, 9999999):07d}"
                if rng.random() < 0.4
                else f"3{rng.randint(20, 49)}{rng.randint(0, 9999999):07d}"
            )
            domain = rng.choice(IT_MAIL)
        else:
            bis = " bis" if rng.random() < 0.06 else ""
            street = f"{number}{bis} {rng.choice(FR_STREETS)}"
            phone = (
                f"{info['landline']}{rng.randint(0, 99999999):08d}"
                if rng.random() < 0.5
                else f"0{rng.choice('67')}{rng.randint(0, 99999999):08d}"
            )
            domain = rng.choice(FR_MAIL)
        email = ""
        if rng.random() < 0.8:
            tail = str(rng.randint(1, 99)) if rng.random() < 0.3 else ""
            email = f"{_ascii(first)}.{_ascii(last)}{tail}@{domain}"
        company = ""
        if rng.random() < 0.04:
            company = rng.choice(IT_COMPANIES if italian else FR_COMPANIES).format(
                first=first, last=last
            )
        note = ""
        if rng.random() < 0.08:
            note = rng.choice(IT_CUSTOMER_NOTES if italian else FR_CUSTOMER_NOTES)
        customer_id = self.customer_ids.take()
        self.rows["customers"].append(
            {
                "id": customer_id,
                "first_name": first,
                "last_name": last,
                "company": company,
                "privacy_agreed": rng.random() < 0.8,
                "street": street,
                "postal_code": postal_code,
                "city": city,
                "region": info["region"],
                "country": info["country"],
                "home_phone": phone,
                "email": email,
                "note": note,
            }
        )
        self.customers_by_region[region].append(customer_id)
        self.customer_region[customer_id] = region
        return customer_id

    def _appliance(self, customer_id: int, created: dt.datetime, italian: bool) -> int:
        rng = self.rng
        model_id = rng.randint(1, len(MODELS))
        code, si, *_rest = MODELS[model_id - 1]
        days_old = int(rng.triangular(30, 3650, 300))
        production = created.date() - dt.timedelta(days=days_old)
        purchase = production + dt.timedelta(days=rng.randint(15, 200))
        purchase = min(purchase, created.date() - dt.timedelta(days=1))
        serial = f"{self.model_series[model_id]}{_ymd(production)}{rng.randint(0, 9999999):07d}"
        reseller = rng.choice(IT_RESELLERS if italian else FR_RESELLERS)
        if rng.random() < 0.2:
            reseller = ""
        invoice = "" if rng.random() < 0.3 else f"F{rng.randint(100000, 99999999)}"
        appliance_id = self.appliance_ids.take()
        self.rows["appliances"].append(
            {
                "id": appliance_id,
                "customer_id": customer_id,
                "model_code": code,
                "service_index": si,
                "serial_number": serial,
                "production_date": production,
                "purchase_date": purchase,
                "invoice_number": invoice,
                "reseller": reseller,
            }
        )
        self.appliances_of.setdefault(customer_id, []).append(appliance_id)
        self.appliance_model[appliance_id] = model_id
        self.appliance_purchase[appliance_id] = purchase
        self.reseller_of[appliance_id] = reseller
        return appliance_id

    # ------------------------------------------------------------------ the seed's records

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
        for gid, appliances, start in ((116491, [48527], 40), (116493, [48527, 48526], 20)):
            g = _Group(SEED_CUSTOMER_ID, 0)
            g.fixed_id = gid
            for k, appliance in enumerate(appliances):
                t0 = base - dt.timedelta(minutes=start - k)
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

    # ------------------------------------------------------------------ generated tickets

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
            prefixes = (
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

    def _orderable(self, part: int) -> int | None:
        """The part to order for ``part`` following permanent supersessions, or None."""
        if part in self.conditional_from:
            return None
        seen = 0
        while part in self.supersede_next and seen < 10:
            part = self.supersede_next[part]
            seen += 1
            if part in self.conditional_from:
                return None
        row = self.parts[part - 1]
        if row["obsolete"] or row["availability"] == _UN:
            return None
        return part

    def _pick_order_parts(self, model_id: int, count: int) -> list[tuple[int, int, int]]:
        rng = self.rng
        candidates = self.model_parts[model_id]
        picked: list[tuple[int, int, int]] = []
        for _ in range(count * 4):
            if len(picked) >= count:
                break
            requested = rng.choice(candidates)
            ordered = self._orderable(requested)
            if ordered is None or any(p[1] == ordered for p in picked):
                continue
            quantity = (
                rng.randint(2, 4) if self.part_noun[ordered].startswith(MULTI_QUANTITY) else 1
            )
            picked.append((requested, ordered, quantity))
        if not picked:
            picked.append((self.part_id["810930077"], self.part_id["810930115"], 1))
        return picked

    # ------------------------------------------------------------------ ids, vouchers

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

    # ------------------------------------------------------------------ rows: tickets, history

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
                event: events.Event | None = None
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

    # ------------------------------------------------------------------ orders

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
            lines = [(r, o, q, t.id) for r, o, q in t.order_parts]
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
            for ticket_id in {line[3] for line in lines} - {None}:
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

    # ------------------------------------------------------------------ interventions

    _INTERVENTION_OF = {"T": "D1", "R": "D1", "N": "D1", "E": "EX"}
    _WORK_OF = {"T": ("W01",), "R": ("W02", "W03", "W04", "W05"), "N": ("W06",), "E": ("W07",)}

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
            net = sum((from_cents(sum(money[t.id][:3])) for t in batch), Decimal(0))
            vat = sum(
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
                    "net_cents": to_cents(net),
                    "vat_cents": to_cents(vat),
                    "total_cents": to_cents(net + vat),
                }
            )
            for t in batch:
                rows[voucher_of[t.id] - 1]["voucher_id"] = i + 1

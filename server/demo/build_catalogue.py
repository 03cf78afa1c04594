"""Demo builder: the catalogue (models, parts, exploded views, part relations)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from client.models import (
    RelationDirection,
    RelationKind,
)
from server.demo.build_common import (
    _DemoState,
    _ymd,
)
from server.demo.data import (
    ALTERNATE_CODES,
    CATEGORY_NAMES,
    CHAIN_CODES,
    KIT_ONE_FOR_TWO,
    KIT_SET,
    PRODUCTION_SUPERSESSION_CODES,
    SERIAL_FORK_CODES,
    SERIAL_SUPERSESSION_CODES,
    SERIAL_VARIANT_CODES,
)
from server.demo.data_catalogue import (
    _IN,
    _ON,
    _UN,
    FIXED_LINES,
    FIXED_PARTS,
    MODEL_POOLS,
    MODELS,
    SEED_AP64_AVAILABILITY,
    SEED_AP64_LINES,
)
from server.demo.data_parts import (
    MULTI_QUANTITY,
    POOL_SIZES,
    POOLS,
    QUALIFIERS,
    REASONS,
    SUFFIX_PREFIXES,
)


class _CatalogueBuilder(_DemoState):
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
            for order, (raw, part_code, quantity, _d, _p, valid_to) in enumerate(SEED_AP64_LINES):
                lines.append(
                    (int(raw), order, self.part_id[part_code], quantity, None, valid_to, None, None)
                )
        for order, (raw, part_code, quantity) in enumerate(FIXED_LINES.get((code, si), [])):
            lines.append(
                (int(raw), order, self.part_id[part_code], quantity, None, None, None, None)
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

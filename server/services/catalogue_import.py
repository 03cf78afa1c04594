"""`sav catalogue import PATH`: a manufacturer's catalogue from CSV files (format in README).

Everything is read and checked first; an error names the file, the line and the field, and
then nothing is imported. Otherwise the whole import is one transaction. Importing the same
files again changes nothing:

* ``categories.csv`` adds or updates categories by their code, with their name in English,
  French and Italian (``name_en``, ``name_fr``, ``name_it``; French and Italian default to
  the English name); a model's ``category`` is one of these codes, from the file or already
  in the catalogue;
* ``models.csv`` and ``parts.csv`` add or update rows by their key (model code + service
  index; part code);
* ``views.csv`` gives the whole exploded view of every model it names (replaced when it
  differs);
* ``relations.csv`` gives every relation *from* each part it names (replaced when they
  differ); a cycle of one-way replacements, with the relations already stored, is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from client.models import Availability, RelationDirection, RelationKind
from server.db import models as db
from server.services.supersession import Edge, find_cycle

FILES = ("categories.csv", "models.csv", "parts.csv", "views.csv", "relations.csv")
COLUMNS = {
    "categories.csv": ("code", "name_en", "name_fr", "name_it"),
    "models.csv": ("code", "service_index", "description", "category", "drawing"),
    "parts.csv": (
        "code",
        "description",
        "price",
        "availability",
        "stock",
        "lead_time_days",
        "obsolete",
    ),
    "views.csv": (
        "model",
        "service_index",
        "ref_num",
        "part",
        "quantity",
        "valid_from",
        "valid_to",
        "serial_from",
        "serial_to",
    ),
    "relations.csv": (
        "from",
        "to",
        "kind",
        "direction",
        "kit_group",
        "quantity",
        "valid_from",
        "serial_from",
        "serial_to",
        "production_from",
        "production_to",
        "model",
        "service_index",
        "reason",
    ),
}
REQUIRED = {
    "categories.csv": ("code", "name_en"),
    "models.csv": ("code", "service_index", "description", "category"),
    "parts.csv": ("code", "description", "price", "availability"),
    "views.csv": ("model", "service_index", "ref_num", "part"),
    "relations.csv": ("from", "to", "kind"),
}
MAX_ERRORS = 50


@dataclass(frozen=True)
class ImportError_:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"


class CatalogueImportError(Exception):
    def __init__(self, errors: list[ImportError_]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Summary:
    categories_added: int = 0
    categories_changed: int = 0
    models_added: int = 0
    models_changed: int = 0
    parts_added: int = 0
    parts_changed: int = 0
    views_replaced: int = 0
    relations_replaced: int = 0

    @property
    def changed(self) -> bool:
        return any(vars(self).values())

    def __str__(self) -> str:
        if not self.changed:
            return "nothing changed: the catalogue already holds these files"
        return (
            f"categories: {self.categories_added} added, {self.categories_changed} changed; "
            f"models: {self.models_added} added, {self.models_changed} changed; "
            f"parts: {self.parts_added} added, {self.parts_changed} changed; "
            f"exploded views replaced: {self.views_replaced}; "
            f"parts whose relations were replaced: {self.relations_replaced}"
        )


@dataclass
class _Reader:
    errors: list[ImportError_] = field(default_factory=list)
    model_lines: dict[tuple[str, str], int] = field(default_factory=dict)

    def error(self, file: str, line: int, name: str, message: str) -> None:
        self.errors.append(ImportError_(file, line, name, message))

    def rows(self, folder: Path, name: str) -> list[tuple[int, dict[str, str]]]:
        path = folder / name
        if not path.exists():
            return []
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                header = [h.strip() for h in reader.fieldnames or []]
                missing = [c for c in REQUIRED[name] if c not in header]
                unknown = [c for c in header if c not in COLUMNS[name]]
                for column in missing:
                    self.error(name, 1, column, "missing column")
                for column in unknown:
                    known = ", ".join(COLUMNS[name])
                    self.error(name, 1, column, f"unknown column (known: {known})")
                if missing or unknown:
                    return []
                return [
                    (
                        reader.line_num,
                        {k.strip(): (v or "").strip() for k, v in row.items() if k is not None},
                    )
                    for row in reader
                ]
        except (UnicodeDecodeError, csv.Error) as exc:
            self.error(name, 0, "", f"not a UTF-8 CSV file: {exc}")
            return []

    def value(
        self,
        file: str,
        line: int,
        row: dict[str, str],
        name: str,
        convert: Callable[[str], Any] = str,
        default: Any = None,
    ) -> Any:
        raw = row.get(name, "")
        if raw == "":
            if name in REQUIRED[file]:
                self.error(file, line, name, "required")
            return default
        try:
            return convert(raw)
        except (ValueError, InvalidOperation) as exc:
            self.error(file, line, name, str(exc) or f"not valid: {raw!r}")
            return default


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"not a date YYYY-MM-DD: {raw!r}") from None


def _cents(raw: str) -> int:
    amount = Decimal(raw.replace(",", "."))
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"a price is positive with at most 2 decimals: {raw!r}")
    return int(amount * 100)


def _count(minimum: int) -> Callable[[str], int]:
    def convert(raw: str) -> int:
        if not raw.isdigit() or int(raw) < minimum:
            raise ValueError(f"a whole number from {minimum}: {raw!r}")
        return int(raw)

    return convert


def _choice(values: tuple[str, ...]) -> Callable[[str], str]:
    def convert(raw: str) -> str:
        if raw not in values:
            raise ValueError(f"{raw!r} is not one of {', '.join(values)}")
        return raw

    return convert


def _bool(raw: str) -> bool:
    value = raw.lower()
    if value in ("1", "true", "yes", "y"):
        return True
    if value in ("0", "false", "no", "n"):
        return False
    raise ValueError(f"yes or no: {raw!r}")


def _text(limit: int) -> Callable[[str], str]:
    def convert(raw: str) -> str:
        if len(raw) > limit:
            raise ValueError(f"at most {limit} characters")
        return raw

    return convert


AVAILABILITY = tuple(a.value for a in Availability)
KINDS = tuple(k.value for k in RelationKind)
DIRECTIONS = tuple(d.value for d in RelationDirection)


CATEGORY_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _category_code(raw: str) -> str:
    code = raw.strip()
    if len(code) > 60:
        raise ValueError("at most 60 characters")
    if not CATEGORY_CODE.match(code):
        raise ValueError(f"{code!r} is not a code (lower-case letters, digits, _ and -)")
    return code


def _read_categories(r: _Reader, folder: Path) -> dict[str, dict[str, Any]]:
    categories: dict[str, dict[str, Any]] = {}
    f = "categories.csv"
    for line, row in r.rows(folder, f):
        english = r.value(f, line, row, "name_en", _text(80))
        item = {
            "code": r.value(f, line, row, "code", _category_code),
            "name_en": english,
            "name_fr": r.value(f, line, row, "name_fr", _text(80), "") or english,
            "name_it": r.value(f, line, row, "name_it", _text(80), "") or english,
        }
        if item["code"] in categories:
            r.error(f, line, "code", f"category {item['code']} given twice")
        categories[item["code"]] = item
    return categories


def _canon(rows: Any) -> list[Any]:
    """Rows in one order whatever they hold (None and dates side by side compare by repr)."""
    return sorted(rows, key=repr)


def _read_models_and_parts(
    r: _Reader, folder: Path
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, dict[str, Any]]]:
    if not folder.is_dir():
        raise CatalogueImportError([ImportError_(str(folder), 0, "", "not a folder")])
    if not any((folder / name).exists() for name in FILES):
        raise CatalogueImportError(
            [ImportError_(str(folder), 0, "", f"none of {', '.join(FILES)} is there")]
        )
    models: dict[tuple[str, str], dict[str, Any]] = {}
    for line, row in r.rows(folder, "models.csv"):
        f = "models.csv"
        item = {
            "code": r.value(f, line, row, "code", _text(40)),
            "service_index": r.value(f, line, row, "service_index", _text(10)),
            "description": r.value(f, line, row, "description", _text(200)),
            "category": r.value(f, line, row, "category", _category_code),
            "drawing": r.value(f, line, row, "drawing", _text(200), ""),
        }
        key = (item["code"], item["service_index"])
        if key in models:
            r.error(f, line, "code", f"model {key[0]} {key[1]} given twice")
        models[key] = item
        r.model_lines[key] = line
    parts: dict[str, dict[str, Any]] = {}
    for line, row in r.rows(folder, "parts.csv"):
        f = "parts.csv"
        item = {
            "code": r.value(f, line, row, "code", _text(40)),
            "description": r.value(f, line, row, "description", _text(200)),
            "price_cents": r.value(f, line, row, "price", _cents),
            "availability": r.value(f, line, row, "availability", _choice(AVAILABILITY)),
            "stock": r.value(f, line, row, "stock", _count(0), 0),
            "lead_time_days": r.value(f, line, row, "lead_time_days", _count(0), 0),
            "obsolete": r.value(f, line, row, "obsolete", _bool, False),
        }
        if item["code"] in parts:
            r.error(f, line, "code", f"part {item['code']} given twice")
        parts[item["code"]] = item
    return models, parts


async def import_catalogue(engine: AsyncEngine, folder: Path) -> Summary:
    """Check every file of ``folder``, then import them in one transaction."""
    r = _Reader()
    models, parts = _read_models_and_parts(r, folder)
    categories = _read_categories(r, folder)
    view_rows = r.rows(folder, "views.csv")
    relation_rows = r.rows(folder, "relations.csv")

    async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
        known_parts = {p.code: p for p in (await session.execute(select(db.Part))).scalars()}
        known_models = {
            (m.code, m.service_index): m
            for m in (await session.execute(select(db.CatalogueModel))).scalars()
        }
        known_categories = {
            c.code: c for c in (await session.execute(select(db.CatalogueCategory))).scalars()
        }
        for key, item in models.items():
            code = item["category"]
            if code and code not in categories and code not in known_categories:
                r.error(
                    "models.csv",
                    r.model_lines.get(key, 0),
                    "category",
                    f"no category {code} in categories.csv nor in the catalogue",
                )

        def part_ok(f: str, line: int, name: str, code: str | None) -> None:
            if code and code not in parts and code not in known_parts:
                r.error(f, line, name, f"no part {code} in parts.csv nor in the catalogue")

        def model_ok(f: str, line: int, code: str | None, si: str | None) -> None:
            if code and si and (code, si) not in models and (code, si) not in known_models:
                text = f"no model {code} {si} in models.csv nor in the catalogue"
                r.error(f, line, "model", text)

        views: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        for line, row in view_rows:
            f = "views.csv"
            model = r.value(f, line, row, "model", _text(40))
            si = r.value(f, line, row, "service_index", _text(10))
            part = r.value(f, line, row, "part", _text(40))
            model_ok(f, line, model, si)
            part_ok(f, line, "part", part)
            valid_from = r.value(f, line, row, "valid_from", _date)
            valid_to = r.value(f, line, row, "valid_to", _date)
            if valid_from and valid_to and valid_from > valid_to:
                r.error(f, line, "valid_to", "before valid_from")
            views.setdefault((model, si), []).append(
                (
                    r.value(f, line, row, "ref_num", _text(20)),
                    part,
                    r.value(f, line, row, "quantity", _count(1), 1),
                    valid_from,
                    valid_to,
                    r.value(f, line, row, "serial_from", _text(40)),
                    r.value(f, line, row, "serial_to", _text(40)),
                )
            )
        relations: dict[str, list[tuple[Any, ...]]] = {}
        relation_lines: dict[tuple[str, str], int] = {}
        for line, row in relation_rows:
            f = "relations.csv"
            src = r.value(f, line, row, "from", _text(40))
            dst = r.value(f, line, row, "to", _text(40))
            part_ok(f, line, "from", src)
            part_ok(f, line, "to", dst)
            kind = r.value(f, line, row, "kind", _choice(KINDS))
            direction = r.value(
                f,
                line,
                row,
                "direction",
                _choice(DIRECTIONS),
                RelationDirection.TWO_WAY.value
                if kind == RelationKind.ALTERNATE.value
                else RelationDirection.ONE_WAY.value,
            )
            kit_group = r.value(f, line, row, "kit_group", _text(40))
            if kind == RelationKind.KIT_MEMBER.value and not kit_group:
                r.error(f, line, "kit_group", "a kit member needs its kit group")
            if src and src == dst:
                r.error(f, line, "to", "a part cannot replace itself")
            model = r.value(f, line, row, "model", _text(40))
            si = r.value(f, line, row, "service_index", _text(10))
            if model and not si:
                r.error(f, line, "service_index", "required with a model")
            model_ok(f, line, model, si)
            relation_lines[(src, dst)] = line
            relations.setdefault(src, []).append(
                (
                    dst,
                    kind,
                    direction,
                    kit_group,
                    r.value(f, line, row, "quantity", _count(1), 1),
                    r.value(f, line, row, "valid_from", _date),
                    r.value(f, line, row, "serial_from", _text(40)),
                    r.value(f, line, row, "serial_to", _text(40)),
                    r.value(f, line, row, "production_from", _date),
                    r.value(f, line, row, "production_to", _date),
                    (model, si) if model else None,
                    r.value(f, line, row, "reason", _text(200), ""),
                )
            )
        if not r.errors:
            stored = (await session.execute(select(db.PartRelation))).scalars().all()
            by_id = {p.id: p.code for p in known_parts.values()}
            codes: dict[str, int] = {}

            def code_id(code: str) -> int:
                return codes.setdefault(code, len(codes) + 1)

            edges = [
                Edge(
                    0,
                    code_id(by_id[s.from_part_id]),
                    code_id(by_id[s.to_part_id]),
                    s.kind,
                    s.direction,
                )
                for s in stored
                if by_id[s.from_part_id] not in relations
            ]
            edges += [
                Edge(0, code_id(src), code_id(rel[0]), rel[1], rel[2])
                for src, rels in relations.items()
                for rel in rels
            ]
            cycle = find_cycle(edges)
            if cycle:
                names = {v: k for k, v in codes.items()}
                path = [names[i] for i in cycle]
                pairs = itertools.pairwise(path)
                line = next((relation_lines[p] for p in pairs if p in relation_lines), 0)
                r.error(
                    "relations.csv", line, "to", "a cycle of replacements: " + " -> ".join(path)
                )
        if r.errors:
            raise CatalogueImportError(r.errors[:MAX_ERRORS])
        summary = Summary()
        _write_categories(session, categories, known_categories, summary)
        await session.flush()
        return await _write(
            session, models, parts, views, relations, known_parts, known_models, summary
        )


def _write_categories(
    session: AsyncSession,
    categories: dict[str, dict[str, Any]],
    known: dict[str, db.CatalogueCategory],
    summary: Summary,
) -> None:
    for code, item in categories.items():
        row = known.get(code)
        if row is None:
            session.add(db.CatalogueCategory(**item))
            summary.categories_added += 1
        elif any(getattr(row, k) != v for k, v in item.items()):
            for k, v in item.items():
                setattr(row, k, v)
            summary.categories_changed += 1


async def _write(
    session: AsyncSession,
    models: dict[tuple[str, str], dict[str, Any]],
    parts: dict[str, dict[str, Any]],
    views: dict[tuple[str, str], list[tuple[Any, ...]]],
    relations: dict[str, list[tuple[Any, ...]]],
    known_parts: dict[str, db.Part],
    known_models: dict[tuple[str, str], db.CatalogueModel],
    summary: Summary,
) -> Summary:
    for key, item in models.items():
        row = known_models.get(key)
        if row is None:
            row = db.CatalogueModel(**item)
            session.add(row)
            known_models[key] = row
            summary.models_added += 1
        elif any(getattr(row, k) != v for k, v in item.items()):
            for k, v in item.items():
                setattr(row, k, v)
            summary.models_changed += 1
    for code, item in parts.items():
        part = known_parts.get(code)
        if part is None:
            part = db.Part(**item)
            session.add(part)
            known_parts[code] = part
            summary.parts_added += 1
        elif any(getattr(part, k) != v for k, v in item.items()):
            for k, v in item.items():
                setattr(part, k, v)
            summary.parts_changed += 1
    await session.flush()
    for (code, si), lines in views.items():
        model = known_models[(code, si)]
        wanted = _canon(
            (ref, known_parts[p].id, q, vf, vt, sf, st) for ref, p, q, vf, vt, sf, st in lines
        )
        stored = (
            await session.execute(
                select(db.ExplodedViewLine).where(db.ExplodedViewLine.model_id == model.id)
            )
        ).scalars()
        current = _canon(
            (x.ref_num, x.part_id, x.quantity, x.valid_from, x.valid_to, x.serial_from, x.serial_to)
            for x in stored
        )
        if current == wanted:
            continue
        await session.execute(
            delete(db.ExplodedViewLine).where(db.ExplodedViewLine.model_id == model.id)
        )
        for ref, part_id, q, vf, vt, sf, st in wanted:
            session.add(
                db.ExplodedViewLine(
                    model_id=model.id,
                    ref_num=ref,
                    part_id=part_id,
                    quantity=q,
                    valid_from=vf,
                    valid_to=vt,
                    serial_from=sf,
                    serial_to=st,
                )
            )
        summary.views_replaced += 1
    for src, rels in relations.items():
        from_id = known_parts[src].id
        wanted_rel = _canon(
            (
                known_parts[dst].id,
                kind,
                direction,
                kit,
                q,
                vf,
                sf,
                st,
                pf,
                pt,
                known_models[model].id if model else None,
                reason,
            )
            for dst, kind, direction, kit, q, vf, sf, st, pf, pt, model, reason in rels
        )
        stored_rel = (
            await session.execute(
                select(db.PartRelation).where(db.PartRelation.from_part_id == from_id)
            )
        ).scalars()
        current_rel = _canon(
            (
                x.to_part_id,
                x.kind,
                x.direction,
                x.kit_group,
                x.quantity,
                x.valid_from,
                x.serial_from,
                x.serial_to,
                x.production_from,
                x.production_to,
                x.model_id,
                x.reason,
            )
            for x in stored_rel
        )
        if current_rel == wanted_rel:
            continue
        await session.execute(
            delete(db.PartRelation).where(db.PartRelation.from_part_id == from_id)
        )
        for to_id, kind, direction, kit, q, vf, sf, st, pf, pt, model_id, reason in wanted_rel:
            session.add(
                db.PartRelation(
                    from_part_id=from_id,
                    to_part_id=to_id,
                    kind=kind,
                    direction=direction,
                    kit_group=kit,
                    quantity=q,
                    valid_from=vf,
                    serial_from=sf,
                    serial_to=st,
                    production_from=pf,
                    production_to=pt,
                    model_id=model_id,
                    reason=reason,
                )
            )
        summary.relations_replaced += 1
    return summary

"""The coded lists of the closing form: `sav codes import FILE` and the lists of a family.

The file is CSV (UTF-8, a header line) with the columns
``list,family,code,fault_type,name_en,name_fr,name_it``: ``list`` is component, fault,
intervention or work; ``family`` a product family (the catalogue's model category, e.g.
``hobs``) or empty for every family; ``fault_type`` (faults only) T, R, N or E. The demo's
lists are ``server/demo/closing_codes.csv``.

Everything is read and checked first (an error names the line and the field), then the
rows are added or updated by (list, family, code) in one transaction: importing the same
file again changes nothing. A code missing from the file is kept (closings name it).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from client.models import CodeList, FaultType
from server.db import models as db

COLUMNS = ("list", "family", "code", "fault_type", "name_en", "name_fr", "name_it")
LANGUAGES = ("en", "fr", "it")
DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "closing_codes.csv"
MAX_ERRORS = 50


class CodesImportError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class CodeRow:
    list: str
    family: str
    code: str
    fault_type: str
    name_en: str
    name_fr: str
    name_it: str
    position: int

    def as_row(self) -> dict[str, Any]:
        return dict(self.__dict__)


def parse(path: Path) -> list[CodeRow]:
    """The file's rows, checked; CodesImportError lists what is wrong (file:line: field)."""
    errors: list[str] = []
    rows: list[CodeRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CodesImportError([f"{path}: {exc.strerror or exc}"]) from exc
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise CodesImportError([f"{path.name}:1: missing columns: {', '.join(missing)}"])
        for number, raw in enumerate(reader, start=2):
            where = f"{path.name}:{number}"
            value = {c: (raw.get(c) or "").strip() for c in COLUMNS}
            kind = value["list"]
            if kind not in CodeList.__members__.values():
                errors.append(f"{where}: list: {kind!r} is not one of {_names(CodeList)}")
                continue
            if not value["code"] or len(value["code"]) > 20:
                errors.append(f"{where}: code: required, at most 20 characters")
                continue
            fault_type = value["fault_type"].upper()
            if kind == CodeList.FAULT and fault_type not in FaultType.__members__.values():
                errors.append(f"{where}: fault_type: a fault needs one of {_names(FaultType)}")
            if kind != CodeList.FAULT and fault_type:
                errors.append(f"{where}: fault_type: only a fault has a type")
            for lang in LANGUAGES:
                name = value[f"name_{lang}"]
                if not name or len(name) > 120:
                    errors.append(f"{where}: name_{lang}: required, at most 120 characters")
            key = (kind, value["family"], value["code"])
            if key in seen:
                errors.append(f"{where}: code: {value['code']} already on line {seen[key]}")
            seen[key] = number
            rows.append(
                CodeRow(
                    list=kind,
                    family=value["family"],
                    code=value["code"],
                    fault_type=fault_type,
                    name_en=value["name_en"],
                    name_fr=value["name_fr"],
                    name_it=value["name_it"],
                    position=number,
                )
            )
            if len(errors) >= MAX_ERRORS:
                break
    if errors:
        raise CodesImportError(errors[:MAX_ERRORS])
    return rows


def _names(enum: Any) -> str:
    return ", ".join(m.value for m in enum)


async def import_codes(engine: AsyncEngine, path: Path) -> str:
    """Import the file (all or nothing); a summary of what changed."""
    rows = parse(path)
    added = updated = 0
    async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
        existing = {
            (c.list, c.family, c.code): c
            for c in (await session.execute(select(db.ClosingCode))).scalars()
        }
        for row in rows:
            current = existing.get((row.list, row.family, row.code))
            if current is None:
                session.add(db.ClosingCode(**row.as_row()))
                added += 1
                continue
            changed = False
            for name, value in row.as_row().items():
                if getattr(current, name) != value:
                    setattr(current, name, value)
                    changed = changed or name != "position"
            updated += changed
    return f"{added} codes added, {updated} updated, {len(rows) - added - updated} unchanged"


def demo_rows() -> list[dict[str, Any]]:
    """The demo's lists, as rows for the demo loader (ids from 1)."""
    return [{"id": i, **row.as_row()} for i, row in enumerate(parse(DEMO_FILE), start=1)]


async def family_of(session: AsyncSession, model_code: str) -> str:
    """A model's product family: its catalogue category ("" when the model is unknown)."""
    category = (
        await session.execute(
            select(db.CatalogueModel.category)
            .where(db.CatalogueModel.code == model_code)
            .order_by(db.CatalogueModel.service_index)
            .limit(1)
        )
    ).scalar_one_or_none()
    return category or ""


async def codes_for(session: AsyncSession, family: str) -> list[db.ClosingCode]:
    """Every code that applies to ``family`` (its own and those of every family), in the
    file's order; a family's own code hides an every-family code with the same code."""
    found = (
        (
            await session.execute(
                select(db.ClosingCode)
                .where(or_(db.ClosingCode.family == family, db.ClosingCode.family == ""))
                .order_by(db.ClosingCode.list, db.ClosingCode.position, db.ClosingCode.id)
            )
        )
        .scalars()
        .all()
    )
    own = {(c.list, c.code) for c in found if c.family == family and family}
    return [c for c in found if c.family or (c.list, c.code) not in own]


def name_in(code: db.ClosingCode, language: str) -> str:
    return str(getattr(code, f"name_{language}", None) or code.name_en)

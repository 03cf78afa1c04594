"""The closing form's coded lists: the file format, its checks, and `sav codes import`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db import models as db
from server.db.migrate import upgrade
from server.db.session import create_engine
from server.services.closing_codes import (
    DEMO_FILE,
    CodesImportError,
    codes_for,
    import_codes,
    parse,
)

HEADER = "list,family,code,fault_type,name_en,name_fr,name_it\n"


def test_the_demo_lists_are_valid_and_named_in_three_languages() -> None:
    rows = parse(DEMO_FILE)
    lists = {r.list for r in rows}
    assert lists == {"component", "fault", "intervention", "work"}
    assert {r.fault_type for r in rows if r.list == "fault"} == {"T", "R", "N", "E"}
    assert all(r.name_en and r.name_fr and r.name_it for r in rows)
    families = {r.family for r in rows if r.list == "component"}
    assert {"hobs", "ovens", "dishwashers", "fridges", "washing_machines"} <= families


def test_a_bad_file_names_each_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text(
        HEADER
        + "fault,,T01,X,Broken,Cassé,Rotto\n"
        + "colour,,Z,,a,b,c\n"
        + "work,,W1,T,Done,Fait,\n"
        + "work,,W1,,Done,Fait,Fatto\n",
        encoding="utf-8",
    )
    with pytest.raises(CodesImportError) as caught:
        parse(path)
    errors = caught.value.errors
    assert errors[0].startswith("codes.csv:2: fault_type")
    assert errors[1].startswith("codes.csv:3: list")
    assert any(e.startswith("codes.csv:4: fault_type: only a fault") for e in errors)
    assert any(e.startswith("codes.csv:4: name_it") for e in errors)
    assert any(e.startswith("codes.csv:5: code: W1 already on line 4") for e in errors)


def test_import_is_all_or_nothing_and_idempotent(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'codes.db'}"
    good = tmp_path / "good.csv"
    good.write_text(
        HEADER
        + "component,hobs,BRU,,Burner,Brûleur,Bruciatore\n"
        + "component,,CAR,,Board,Carte,Scheda\n"
        + "component,hobs,CAR,,Hob board,Carte de table,Scheda piano\n"
        + "fault,,T01,T,Broken,Cassé,Rotto\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "fault,,T09,,Broken,Cassé,Rotto\n", encoding="utf-8")

    async def scenario() -> tuple[str, str, int, list[str], list[str]]:
        engine = create_engine(url)
        await upgrade(url, engine)
        first = await import_codes(engine, good)
        again = await import_codes(engine, good)
        with pytest.raises(CodesImportError):
            await import_codes(engine, bad)
        async with AsyncSession(engine) as session:
            count = (await session.execute(select(func.count(db.ClosingCode.id)))).scalar_one()
            hobs = [f"{c.family}:{c.code}" for c in await codes_for(session, "hobs")]
            ovens = [f"{c.family}:{c.code}" for c in await codes_for(session, "ovens")]
        await engine.dispose()
        return first, again, count, hobs, ovens

    first, again, count, hobs, ovens = asyncio.run(scenario())
    assert first.startswith("4 codes added")
    assert again == "0 codes added, 0 updated, 4 unchanged"
    assert count == 4
    # a family's own code hides the every-family one with the same code
    assert hobs == ["hobs:BRU", "hobs:CAR", ":T01"]
    assert ovens == [":CAR", ":T01"]


def test_the_command_imports_and_says_what_it_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from server.cli import codes_import

    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    assert codes_import(url, str(DEMO_FILE)) == 0
    assert "codes added" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "fault,,T09,,Broken,Cassé,Rotto\n", encoding="utf-8")
    assert codes_import(url, str(bad)) == 1
    err = capsys.readouterr().err
    assert "bad.csv:2: fault_type" in err and "nothing was imported" in err

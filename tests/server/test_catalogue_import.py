"""`sav catalogue import PATH`: checked first, then all or nothing; twice changes nothing."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from client.models import ResolutionStatus
from server.db.session import create_engine
from server.services.catalogue_import import CatalogueImportError, import_catalogue
from tests.server.test_tenancy_probe import fingerprint
from tui.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "catalogue"


def run_import(url: str, folder: Path):
    async def go():
        engine = create_engine(url)
        try:
            return await import_catalogue(engine, folder)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def copy_example(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue"
    shutil.copytree(EXAMPLE, folder)
    return folder


def test_the_example_folder_imports_and_a_second_import_changes_nothing(
    database_url: str,
) -> None:
    summary = run_import(database_url, EXAMPLE)
    assert (summary.models_added, summary.parts_added) == (2, 9)
    assert (summary.views_replaced, summary.relations_replaced) == (2, 4)  # 4 "from" parts
    before = asyncio.run(fingerprint(database_url))
    again = run_import(database_url, EXAMPLE)
    assert not again.changed and "nothing changed" in str(again)
    assert asyncio.run(fingerprint(database_url)) == before


async def test_imported_parts_resolve_through_the_api(database_url, signed_in) -> None:
    await asyncio.to_thread(run_import, database_url, EXAMPLE)
    tech = await signed_in("tech")
    assert [m.service_index for m in (await tech.models("SE60X")).items] == ["SI00", "SI01"]
    kit = await tech.resolve("900100020")
    assert [(i.part.code, i.quantity) for i in kit.order] == [("900100021", 4), ("900100022", 8)]
    burner = await tech.resolve("900100001")
    assert burner.status is ResolutionStatus.ORDERABLE
    assert [i.part.code for i in burner.order] == ["900100002"]


def test_a_changed_price_is_updated(database_url: str, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    run_import(database_url, folder)
    parts = folder / "parts.csv"
    parts.write_text(parts.read_text().replace("21.40", "22.00"))
    summary = run_import(database_url, folder)
    assert (summary.parts_changed, summary.parts_added, summary.views_replaced) == (1, 0, 0)


def test_a_bad_line_names_file_line_and_field_and_nothing_is_imported(
    database_url: str, tmp_path: Path
) -> None:
    folder = copy_example(tmp_path)
    parts = folder / "parts.csv"
    parts.write_text(parts.read_text().replace("19.90,unavailable", "19.9x,unknown"))
    views = folder / "views.csv"
    views.write_text(views.read_text() + "SE60X,SI00,50,NO-SUCH,1,,,,\n")
    before = asyncio.run(fingerprint(database_url))
    with pytest.raises(CatalogueImportError) as refused:
        run_import(database_url, folder)
    text = str(refused.value)
    assert "parts.csv:2: price:" in text
    assert "parts.csv:2: availability: 'unknown' is not one of" in text
    assert "views.csv:11: part: no part NO-SUCH" in text
    assert asyncio.run(fingerprint(database_url)) == before


def test_a_cycle_is_reported_and_nothing_is_imported(database_url: str, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    relations = folder / "relations.csv"
    relations.write_text(
        relations.read_text() + "900100002,900100001,supersedes,one_way,,1,,,,,,,,back\n"
    )
    before = asyncio.run(fingerprint(database_url))
    with pytest.raises(CatalogueImportError) as refused:
        run_import(database_url, folder)
    assert "cycle of replacements: 900100001 -> 900100002 -> 900100001" in str(refused.value)
    assert asyncio.run(fingerprint(database_url)) == before


def test_a_cycle_with_relations_already_stored_is_reported(
    database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "cycle"
    folder.mkdir()
    (folder / "relations.csv").write_text(
        "from,to,kind\n810930115,810930077,supersedes\n"  # the seed chain's end back to its start
    )
    with pytest.raises(CatalogueImportError) as refused:
        run_import(database_url, folder)
    assert "relations.csv:2: to: a cycle of replacements" in str(refused.value)


def test_the_command_line(database_url: str, tmp_path: Path, capsys) -> None:
    assert main(["catalogue", "import", str(EXAMPLE), "--database", database_url]) == 0
    assert "models: 2 added" in capsys.readouterr().out
    assert main(["catalog", "import", str(EXAMPLE), "--database", database_url]) == 0
    assert "nothing changed" in capsys.readouterr().out
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "models.csv").write_text("code,service_index,description\nX,SI00,x\n")
    assert main(["catalogue", "import", str(bad), "--database", database_url]) == 1
    err = capsys.readouterr().err
    assert "models.csv:1: category: missing column" in err and "nothing was imported" in err
    assert main(["catalogue", "import", str(tmp_path / "none"), "--database", database_url]) == 1


def test_categories_carry_a_code_and_a_name_per_language(database_url: str, tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    (folder / "categories.csv").write_text(
        "code,name_en,name_fr,name_it\n"
        "hobs,Hobs,Tables de cuisson,Piani cottura\n"
        "wine_coolers,Wine coolers,Caves à vin,\n",
        encoding="utf-8",
    )
    with (folder / "models.csv").open("a", encoding="utf-8") as models:
        models.write("CV4SX,SI00,Cave à vin encastrable,wine_coolers,\n")
    summary = run_import(database_url, folder)
    assert (summary.categories_added, summary.models_added) == (1, 3)

    async def names() -> dict[str, tuple[str, str, str]]:
        from sqlalchemy import select

        from server.db import models as db

        engine = create_engine(database_url)
        try:
            async with engine.connect() as conn:
                rows = (await conn.execute(select(db.CatalogueCategory))).all()
        finally:
            await engine.dispose()
        return {r.code: (r.name_en, r.name_fr, r.name_it) for r in rows}

    # Italian defaults to the English name
    assert asyncio.run(names())["wine_coolers"] == ("Wine coolers", "Caves à vin", "Wine coolers")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("X1,SI00,Unknown family,steamers,", "models.csv:4: category: no category steamers in"),
        (
            "X1,SI00,Free text,Washing machines,",
            "models.csv:4: category: 'Washing machines' is not a code",
        ),
    ],
)
def test_a_model_needs_a_known_category_code(
    database_url: str, tmp_path: Path, line: str, message: str
) -> None:
    folder = copy_example(tmp_path)
    with (folder / "models.csv").open("a", encoding="utf-8") as models:
        models.write(line + "\n")
    before = asyncio.run(fingerprint(database_url))
    with pytest.raises(CatalogueImportError, match=message):
        run_import(database_url, folder)
    assert asyncio.run(fingerprint(database_url)) == before

"""Migration 0005: free-text categories become codes with names, on SQLite and PostgreSQL.

Models are written as the catalogue held them up to 0004 (English text, "hobs"); after the
upgrade each points at a category of ``catalogue_categories`` named in three languages;
the downgrade writes the codes back and drops the table.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from server.db.session import create_engine
from tests.conftest import PG_URL, _admin
from tests.server.test_migration_0004 import _to

OLD = (
    (1, "SE60X", "hobs"),
    (2, "SE60X2", "hobs"),
    (3, "LSA6448", "dishwashers"),
    (4, "WX1", "Washing machines"),  # free text that is no code
    (5, "ZZ1", "Caves à vin"),  # unknown to the migration, with an accent
)


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    if PG_URL:
        name = f"sav_m5_{os.getpid()}"
        asyncio.run(
            _admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        )
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        asyncio.run(_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"


def test_0005_turns_the_categories_into_codes_with_names_and_back(empty_url: str) -> None:
    async def scenario() -> None:
        engine = create_engine(empty_url)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(_to(empty_url, "0004"))
                for model_id, code, category in OLD:
                    await conn.execute(
                        text(
                            "INSERT INTO catalogue_models (id, code, service_index, description,"
                            " category, drawing) VALUES (:id, :code, 'SI00', 'd', :cat, '')"
                        ),
                        {"id": model_id, "code": code, "cat": category},
                    )
            async with engine.begin() as conn:
                await conn.run_sync(_to(empty_url, "0005"))
            async with engine.connect() as conn:
                models = dict(
                    (await conn.execute(text("SELECT id, category FROM catalogue_models"))).all()
                )
                names = {
                    r.code: (r.name_en, r.name_fr, r.name_it)
                    for r in await conn.execute(text("SELECT * FROM catalogue_categories"))
                }
            assert models == {
                1: "hobs",
                2: "hobs",
                3: "dishwashers",
                4: "washing_machines",
                5: "caves_a_vin",
            }
            assert names == {
                "hobs": ("Hobs", "Tables de cuisson", "Piani cottura"),
                "dishwashers": ("Dishwashers", "Lave-vaisselle", "Lavastoviglie"),
                "washing_machines": ("Washing machines", "Lave-linge", "Lavatrici"),
                "caves_a_vin": ("Caves à vin", "Caves à vin", "Caves à vin"),
            }
            # a model's category must now be a known code
            with pytest.raises(IntegrityError):
                async with engine.begin() as conn:
                    if conn.dialect.name == "sqlite":
                        await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    await conn.execute(
                        text("UPDATE catalogue_models SET category = 'nothing' WHERE id = 1")
                    )
            async with engine.begin() as conn:
                await conn.run_sync(_to(empty_url, "0004", down=True))
            async with engine.connect() as conn:
                back = dict(
                    (await conn.execute(text("SELECT id, category FROM catalogue_models"))).all()
                )
                tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            assert "catalogue_categories" not in tables
            assert back == models  # the codes stay: the old texts for the demo's categories
        finally:
            await engine.dispose()

    asyncio.run(scenario())

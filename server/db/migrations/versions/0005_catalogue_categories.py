"""catalogue categories with codes and translated names

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 15:00:00.000000

A catalogue model's category was English free text ("hobs"); it becomes a code in the new
``catalogue_categories`` table, which names each category in English, French and Italian
(the API answers in the request's language, the TUI shows the interface's).

The data migration makes one category of each distinct text: its code is the text made a
code (lower case, accents dropped, every other run of characters one ``_``: "Washing
machines" -> ``washing_machines``), and the models point at it. The categories the demo
and the example catalogue use get their three names; any other is named by its old text in
every language (an import of ``categories.csv`` names it properly).

Downgrade writes each model's category back as its code (the old text for the demo and the
example) and drops the table.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# code -> (English, French, Italian); frozen here, as the demo named them in 0005
KNOWN = {
    "hobs": ("Hobs", "Tables de cuisson", "Piani cottura"),
    "ovens": ("Ovens", "Fours", "Forni"),
    "cookers": ("Cookers", "Cuisinières", "Cucine"),
    "dishwashers": ("Dishwashers", "Lave-vaisselle", "Lavastoviglie"),
    "fridges": ("Fridges", "Réfrigérateurs", "Frigoriferi"),
    "washing_machines": ("Washing machines", "Lave-linge", "Lavatrici"),
    "hoods": ("Hoods", "Hottes", "Cappe"),
    "microwaves": ("Microwave ovens", "Fours à micro-ondes", "Forni a microonde"),
}

models = sa.table("catalogue_models", sa.column("category", sa.String()))
categories = sa.table(
    "catalogue_categories",
    sa.column("code", sa.String()),
    sa.column("name_en", sa.String()),
    sa.column("name_fr", sa.String()),
    sa.column("name_it", sa.String()),
)


def as_code(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in bare if not unicodedata.combining(c)).lower()
    return (re.sub(r"[^0-9a-z]+", "_", bare).strip("_") or "other")[:60]


def upgrade() -> None:
    op.create_table(
        "catalogue_categories",
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("name_fr", sa.String(length=80), nullable=False),
        sa.Column("name_it", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_catalogue_categories")),
    )
    bind = op.get_bind()
    texts = [
        row[0]
        for row in bind.execute(sa.select(models.c.category).distinct().order_by(models.c.category))
    ]
    made: set[str] = set()
    for old in texts:
        code = as_code(old)
        if code not in made:
            en, fr, it = KNOWN.get(code, (old[:80], old[:80], old[:80]))
            bind.execute(categories.insert().values(code=code, name_en=en, name_fr=fr, name_it=it))
            made.add(code)
        if code != old:
            bind.execute(models.update().where(models.c.category == old).values(category=code))
    with op.batch_alter_table("catalogue_models", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_catalogue_models_category_catalogue_categories"),
            "catalogue_categories",
            ["category"],
            ["code"],
        )


def downgrade() -> None:
    with op.batch_alter_table("catalogue_models", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_catalogue_models_category_catalogue_categories"), type_="foreignkey"
        )
    op.drop_table("catalogue_categories")

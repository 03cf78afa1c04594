"""interventions: coded lists, parts used, frozen amounts, verification

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:00:00.000000

The closing of an intervention (issue 12, first half):

* ``closing_codes``: the coded lists of the closing form (faulty component, fault with its
  type, intervention code, work done) per product family, named in English, French and
  Italian (loaded by ``sav codes import`` and by the demo);
* ``intervention_parts``: the parts used, each with the code requested, ordered and
  installed, the quantity and the unit price frozen;
* on ``interventions``: the three starred codes, the amounts frozen at closing (net, VAT,
  total; those already closed get theirs computed here, with the rounding rule of
  server.services.money frozen below), the model data corrections of a draft, who saved,
  closed and verified it and when, and the operator's last rejection note;
* on ``service_centres``: the highest rate a closing may charge (NULL: twice the fixed rate).

Downgrade drops all of it (the closings made since keep their rate, spares and bonuses).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

import server.db.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interventions", schema=None) as batch_op:
        for name in ("faulty_component_code", "fault_code", "work_done_code"):
            batch_op.add_column(
                sa.Column(name, sa.String(length=20), server_default="", nullable=False)
            )
        for name in ("net_cents", "vat_cents", "total_cents"):
            batch_op.add_column(sa.Column(name, sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("appliance_changes", sa.JSON(none_as_null=True)))
        batch_op.add_column(sa.Column("updated_at", server.db.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("updated_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("verified_at", server.db.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("verified_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("rejection_note", sa.Text(), server_default="", nullable=False)
        )
        for column in ("updated_by_id", "closed_by_id", "verified_by_id"):
            batch_op.create_foreign_key(
                batch_op.f(f"fk_interventions_{column}_users"), "users", [column], ["id"]
            )

    op.create_table(
        "closing_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list", sa.String(length=20), nullable=False),
        sa.Column("family", sa.String(length=60), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("fault_type", sa.String(length=4), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("name_fr", sa.String(length=120), nullable=False),
        sa.Column("name_it", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closing_codes")),
        sa.UniqueConstraint("list", "family", "code", name=op.f("uq_closing_codes_list")),
    )
    op.create_table(
        "intervention_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("requested_part_id", sa.Integer(), nullable=False),
        sa.Column("ordered_part_id", sa.Integer(), nullable=True),
        sa.Column("installed_part_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["installed_part_id"],
            ["parts.id"],
            name=op.f("fk_intervention_parts_installed_part_id_parts"),
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_intervention_parts_intervention_id_interventions"),
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_intervention_parts_order_line_id_order_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["ordered_part_id"],
            ["parts.id"],
            name=op.f("fk_intervention_parts_ordered_part_id_parts"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_part_id"],
            ["parts.id"],
            name=op.f("fk_intervention_parts_requested_part_id_parts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervention_parts")),
    )
    with op.batch_alter_table("intervention_parts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intervention_parts_installed_part_id"), ["installed_part_id"]
        )
        batch_op.create_index(
            batch_op.f("ix_intervention_parts_intervention_id"), ["intervention_id"]
        )

    op.add_column("service_centres", sa.Column("max_rate_cents", sa.Integer(), nullable=True))

    _freeze_closed_amounts()


def _freeze_closed_amounts() -> None:
    """The closings made before carry their amounts: net = rate + spares + bonuses, VAT at the
    intervention's rate rounded half up once (the rule of server.services.money, frozen)."""
    interventions = sa.table(
        "interventions",
        sa.column("id", sa.Integer()),
        sa.column("rate_cents", sa.Integer()),
        sa.column("spares_cents", sa.Integer()),
        sa.column("bonuses_cents", sa.Integer()),
        sa.column("vat_rate", sa.Numeric(5, 2)),
        sa.column("closed_at", server.db.models.UTCDateTime()),
        sa.column("net_cents", sa.BigInteger()),
        sa.column("vat_cents", sa.BigInteger()),
        sa.column("total_cents", sa.BigInteger()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            interventions.c.id,
            interventions.c.rate_cents,
            interventions.c.spares_cents,
            interventions.c.bonuses_cents,
            interventions.c.vat_rate,
        ).where(interventions.c.closed_at.is_not(None))
    ).all()
    updates = []
    for id_, rate, spares, bonuses, vat_rate in rows:
        net = rate + spares + bonuses
        vat = int(
            (Decimal(net) * Decimal(str(vat_rate)) / 100).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
        )
        updates.append({"i": id_, "n": net, "v": vat, "t": net + vat})
    if updates:
        bind.execute(
            interventions.update()
            .where(interventions.c.id == sa.bindparam("i"))
            .values(
                net_cents=sa.bindparam("n"),
                vat_cents=sa.bindparam("v"),
                total_cents=sa.bindparam("t"),
            ),
            updates,
        )


def downgrade() -> None:
    with op.batch_alter_table("intervention_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intervention_parts_intervention_id"))
        batch_op.drop_index(batch_op.f("ix_intervention_parts_installed_part_id"))
    op.drop_table("intervention_parts")
    op.drop_table("closing_codes")
    # not a batch on SQLite: copying service_centres would break every key that names it
    op.execute("ALTER TABLE service_centres DROP COLUMN max_rate_cents")
    with op.batch_alter_table("interventions", schema=None) as batch_op:
        for column in ("verified_by_id", "closed_by_id", "updated_by_id"):
            batch_op.drop_constraint(
                batch_op.f(f"fk_interventions_{column}_users"), type_="foreignkey"
            )
        for name in (
            "rejection_note",
            "verified_by_id",
            "verified_at",
            "closed_by_id",
            "updated_by_id",
            "updated_at",
            "appliance_changes",
            "total_cents",
            "vat_cents",
            "net_cents",
            "work_done_code",
            "fault_code",
            "faulty_component_code",
        ):
            batch_op.drop_column(name)

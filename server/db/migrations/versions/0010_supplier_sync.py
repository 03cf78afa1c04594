"""supplier sync

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 19:30:00.000000

The supplier sync (issue 13): its runs (one per centre and period, claimed by a unique
insert, worked on under a lease), the orders each run has checked, and the pending diff
(at most one pending change per order line and field: a partial unique index).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.db.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supplier_sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_centre_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("lease_until", server.db.models.UTCDateTime(), nullable=False),
        sa.Column("started_at", server.db.models.UTCDateTime(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("finished_at", server.db.models.UTCDateTime(), nullable=True),
        sa.Column("orders_checked", sa.Integer(), nullable=False),
        sa.Column("changes_found", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(none_as_null=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centres.id"],
            name=op.f("fk_supplier_sync_runs_service_centre_id_service_centres"),
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["users.id"], name=op.f("fk_supplier_sync_runs_started_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_sync_runs")),
        sa.UniqueConstraint(
            "service_centre_id", "period", name=op.f("uq_supplier_sync_runs_service_centre_id")
        ),
    )
    op.create_table(
        "supplier_sync_run_orders",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("supplier_order_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", server.db.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["supplier_sync_runs.id"],
            name=op.f("fk_supplier_sync_run_orders_run_id_supplier_sync_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_order_id"],
            ["supplier_orders.id"],
            name=op.f("fk_supplier_sync_run_orders_supplier_order_id_supplier_orders"),
        ),
        sa.PrimaryKeyConstraint("run_id", "supplier_order_id", name=op.f("pk_supplier_sync_run_orders")),
    )
    op.create_table(
        "supplier_order_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_centre_id", sa.Integer(), nullable=False),
        sa.Column("supplier_order_id", sa.Integer(), nullable=False),
        sa.Column("supplier_order_line_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("old", sa.Text(), nullable=False),
        sa.Column("new", sa.Text(), nullable=False),
        sa.Column("detected_at", server.db.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", server.db.models.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", server.db.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_supplier_order_changes_decided_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centres.id"],
            name=op.f("fk_supplier_order_changes_service_centre_id_service_centres"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_order_id"],
            ["supplier_orders.id"],
            name=op.f("fk_supplier_order_changes_supplier_order_id_supplier_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_order_line_id"],
            ["supplier_order_lines.id"],
            name=op.f("fk_supplier_order_changes_supplier_order_line_id_supplier_order_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_order_changes")),
    )
    op.create_index(
        "ix_supplier_order_changes_centre_status",
        "supplier_order_changes",
        ["service_centre_id", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_supplier_order_changes_supplier_order_id"),
        "supplier_order_changes",
        ["supplier_order_id"],
        unique=False,
    )
    op.create_index(
        "uq_supplier_order_changes_pending",
        "supplier_order_changes",
        ["supplier_order_line_id", "field"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("uq_supplier_order_changes_pending", table_name="supplier_order_changes")
    op.drop_index(
        op.f("ix_supplier_order_changes_supplier_order_id"), table_name="supplier_order_changes"
    )
    op.drop_index("ix_supplier_order_changes_centre_status", table_name="supplier_order_changes")
    op.drop_table("supplier_order_changes")
    op.drop_table("supplier_sync_run_orders")
    op.drop_table("supplier_sync_runs")

"""supplier accounts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:30:00.000000

A centre's accounts with outside suppliers (issue 13): one per centre and supplier, the
secret encrypted with the server's key.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.db.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supplier_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_centre_id", sa.Integer(), nullable=False),
        sa.Column("supplier", sa.String(length=40), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.String(length=100), nullable=False),
        sa.Column("secret_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("saved_by_id", sa.Integer(), nullable=False),
        sa.Column("saved_at", server.db.models.UTCDateTime(), nullable=False),
        sa.Column("checked_at", server.db.models.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["saved_by_id"], ["users.id"], name=op.f("fk_supplier_accounts_saved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centres.id"],
            name=op.f("fk_supplier_accounts_service_centre_id_service_centres"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_accounts")),
        sa.UniqueConstraint(
            "service_centre_id", "supplier", name=op.f("uq_supplier_accounts_service_centre_id")
        ),
    )
    op.create_index(
        op.f("ix_supplier_accounts_service_centre_id"),
        "supplier_accounts",
        ["service_centre_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_supplier_accounts_service_centre_id"), table_name="supplier_accounts")
    op.drop_table("supplier_accounts")

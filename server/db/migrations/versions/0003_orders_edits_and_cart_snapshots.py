"""orders edits and cart snapshots

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:02:10.000000

Orders keep the VAT rate they were placed at (an edit recomputes the VAT at that rate) and
who saved their current version, and when (a stale edit names them). Existing orders take
their centre's rate, and their validator (or their author) as the last to have saved them.

``cart_snapshots`` keeps the figures of a cart under the fingerprint the server showed, so
that checkout can say what changed since.

On SQLite the columns are added with plain ``ALTER TABLE ... ADD COLUMN`` (a nullable
column may carry its ``REFERENCES`` clause there): a batch operation would copy and drop
``orders``, which ``order_lines`` references, and that fails on a database with orders.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.db.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE orders ADD COLUMN vat_rate NUMERIC(5, 2) NOT NULL DEFAULT 0")
        op.execute("ALTER TABLE orders ADD COLUMN updated_at DATETIME")
        op.execute(
            "ALTER TABLE orders ADD COLUMN updated_by_id INTEGER "
            "CONSTRAINT fk_orders_updated_by_id_users REFERENCES users (id)"
        )
    else:
        op.add_column(
            "orders",
            sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=False, server_default="0"),
        )
        op.add_column(
            "orders",
            sa.Column("updated_at", server.db.models.UTCDateTime(timezone=True), nullable=True),
        )
        op.add_column("orders", sa.Column("updated_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_orders_updated_by_id_users"), "orders", "users", ["updated_by_id"], ["id"]
        )
    op.execute(
        "UPDATE orders SET "
        "vat_rate = (SELECT c.vat_rate FROM service_centres c WHERE c.id = orders.service_centre_id), "
        "updated_at = COALESCE(validated_at, created_at), "
        "updated_by_id = COALESCE(validated_by_id, created_by_id)"
    )
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("orders", "vat_rate", server_default=None)

    op.create_table(
        "cart_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("created_at", server.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_cart_snapshots_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cart_snapshots")),
        sa.UniqueConstraint("user_id", "fingerprint", name=op.f("uq_cart_snapshots_user_id")),
    )


def downgrade() -> None:
    op.drop_table("cart_snapshots")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":
            batch_op.drop_constraint(
                batch_op.f("fk_orders_updated_by_id_users"), type_="foreignkey"
            )
        batch_op.drop_column("updated_by_id")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("vat_rate")

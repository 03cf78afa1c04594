"""supplier orders

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:00:00.000000

Orders sent to outside suppliers (issue 13, seed 002): a draft made from the cart or a ticket,
sent under a client reference unique per centre; each line keeps the code requested and the
code ordered, and its ticket.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.db.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supplier_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_centre_id", sa.Integer(), nullable=False),
        sa.Column("supplier_account_id", sa.Integer(), nullable=False),
        sa.Column("client_reference", sa.String(length=64), nullable=False),
        sa.Column("supplier_order_number", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", server.db.models.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("sent_at", server.db.models.UTCDateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_supplier_orders_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centres.id"],
            name=op.f("fk_supplier_orders_service_centre_id_service_centres"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_account_id"],
            ["supplier_accounts.id"],
            name=op.f("fk_supplier_orders_supplier_account_id_supplier_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_orders")),
        sa.UniqueConstraint(
            "service_centre_id",
            "client_reference",
            name=op.f("uq_supplier_orders_service_centre_id"),
        ),
    )
    op.create_index(
        "ix_supplier_orders_centre_status",
        "supplier_orders",
        ["service_centre_id", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_supplier_orders_supplier_account_id"),
        "supplier_orders",
        ["supplier_account_id"],
        unique=False,
    )
    op.create_table(
        "supplier_order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_order_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("requested_code", sa.String(length=40), nullable=False),
        sa.Column("ordered_code", sa.String(length=40), nullable=False),
        sa.Column("part_name", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("purchase_price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("sale_price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("expected_delivery", sa.Date(), nullable=True),
        sa.Column("supplier_line_ref", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["supplier_order_id"],
            ["supplier_orders.id"],
            name=op.f("fk_supplier_order_lines_supplier_order_id_supplier_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_supplier_order_lines_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_order_lines")),
        sa.UniqueConstraint(
            "supplier_order_id",
            "line_no",
            name=op.f("uq_supplier_order_lines_supplier_order_id"),
        ),
    )
    op.create_index(
        op.f("ix_supplier_order_lines_supplier_order_id"),
        "supplier_order_lines",
        ["supplier_order_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_supplier_order_lines_ticket_id"),
        "supplier_order_lines",
        ["ticket_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_supplier_order_lines_ticket_id"), table_name="supplier_order_lines")
    op.drop_index(
        op.f("ix_supplier_order_lines_supplier_order_id"), table_name="supplier_order_lines"
    )
    op.drop_table("supplier_order_lines")
    op.drop_index(op.f("ix_supplier_orders_supplier_account_id"), table_name="supplier_orders")
    op.drop_index("ix_supplier_orders_centre_status", table_name="supplier_orders")
    op.drop_table("supplier_orders")

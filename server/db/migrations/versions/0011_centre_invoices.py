"""the centre's own invoice recorded against a payment voucher

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 19:00:00.000000

The voucher period view (issue 12): on ``vouchers``, the centre's invoice to the
manufacturer (its number, its amount in cents, when it was recorded and by whom) and a
``version`` for ``If-Match`` (two managers may correct it). The centre's invoice must equal
the voucher; a different amount is kept and flagged, not refused.

Downgrade drops the columns (the invoices recorded since are lost).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.db.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _foreign_keys(on: bool) -> None:
    """SQLite rebuilds ``vouchers`` to add (or drop) a foreign key: a copy is made, the old
    table dropped and the copy renamed. ``interventions`` refers to ``vouchers``, so the
    drop would fail with the checks on. ``foreign_keys`` takes effect outside a
    transaction (this migration run alone); inside one (earlier migrations of the run wrote
    rows), ``defer_foreign_keys`` makes the checks wait for the commit, when every reference
    is whole again."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
        op.execute(f"PRAGMA defer_foreign_keys = {'OFF' if on else 'ON'}")


def upgrade() -> None:
    _foreign_keys(False)
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("centre_invoice_number", sa.String(length=40)))
        batch_op.add_column(sa.Column("centre_invoice_cents", sa.BigInteger()))
        batch_op.add_column(
            sa.Column("centre_invoice_at", server.db.models.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("centre_invoice_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_vouchers_centre_invoice_by_id_users"),
            "users",
            ["centre_invoice_by_id"],
            ["id"],
        )
    _foreign_keys(True)


def downgrade() -> None:
    _foreign_keys(False)
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_vouchers_centre_invoice_by_id_users"), type_="foreignkey"
        )
        for name in (
            "version",
            "centre_invoice_by_id",
            "centre_invoice_at",
            "centre_invoice_cents",
            "centre_invoice_number",
        ):
            batch_op.drop_column(name)
    _foreign_keys(True)

"""contact clock: the 48 h clock pauses while the customer is unreachable

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 19:00:00.000000

Two columns on ``tickets`` (server.services.contact_clock): ``contact_clock_at``, the
clock's start shifted by its pauses (NULL: ``status_changed_at``, which is what every
existing row means), and ``contact_paused_at``, since when it stands still (NULL: it runs;
an existing unreachable ticket put back to contact starts a fresh clock).

Downgrade drops both (the clock then starts again at each status change).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import server.db.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "tickets", sa.Column("contact_clock_at", server.db.models.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "tickets", sa.Column("contact_paused_at", server.db.models.UTCDateTime(), nullable=True)
    )


def downgrade() -> None:
    # SQLite drops a column in place (3.35+): a batch would rebuild tickets, which every
    # other table refers to
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tickets DROP COLUMN contact_paused_at")
        op.execute("ALTER TABLE tickets DROP COLUMN contact_clock_at")
    else:
        op.drop_column("tickets", "contact_paused_at")
        op.drop_column("tickets", "contact_clock_at")

"""the server's own keys: the key that signs paging cursors

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 22:30:00.000000

Issue 14: paging cursors are signed (HMAC-SHA256) so that a cursor this server did not
give is refused (422) before its content is read. The key lives in the database so that
every process of a team server shares it with nothing to configure; this migration makes
one (``server.services.paging`` makes it too if the row is missing).

Downgrade drops the table (the cursors given so far then no longer page: 422, start over).
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.LargeBinary(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_server_secrets")),
    )
    op.bulk_insert(table, [{"name": "cursor", "value": secrets.token_bytes(32)}])


def downgrade() -> None:
    op.drop_table("server_secrets")

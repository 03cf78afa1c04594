"""the customers' search keys: the phone's digits and the city in lower case

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 01:30:00.000000

Issue 15: the ticket search's phone filter matched ``LIKE '%…%'`` over every customer's
phone with its spaces, dots and dashes removed on the fly, and the city filter
``lower(city) LIKE '…%'``: both computed for every customer at every search. The
customers now keep ``phone_digits`` (the phone's digits alone) and ``city_key`` (the city
lower-cased), each with an index: the city as a prefix range the index answers, the phone
as a scan of that narrow index instead of the table. The model keeps them
(``server.db.models.Customer``); this migration fills them for the existing customers,
computed in Python by the same functions, so that they are the same on SQLite and
PostgreSQL (whose ``lower()`` differ outside ASCII).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from server.db.models import city_key_of, phone_digits_of

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    op.add_column(
        "customers",
        sa.Column("phone_digits", sa.String(length=40), nullable=False, server_default=""),
    )
    op.add_column(
        "customers",
        sa.Column("city_key", sa.String(length=100), nullable=False, server_default=""),
    )
    _fill()
    op.create_index("ix_customers_phone_digits", "customers", ["phone_digits"])
    op.create_index("ix_customers_city_key", "customers", ["city_key"])


def _fill() -> None:
    connection = op.get_bind()
    customers = sa.table(
        "customers",
        sa.column("id", sa.Integer),
        sa.column("home_phone", sa.String),
        sa.column("city", sa.String),
        sa.column("phone_digits", sa.String),
        sa.column("city_key", sa.String),
    )
    update = (
        sa.update(customers)
        .where(customers.c.id == sa.bindparam("key"))
        .values(phone_digits=sa.bindparam("digits"), city_key=sa.bindparam("lowered"))
    )
    last = None
    while True:
        page = sa.select(customers.c.id, customers.c.home_phone, customers.c.city)
        if last is not None:
            page = page.where(customers.c.id > last)
        rows = connection.execute(page.order_by(customers.c.id).limit(BATCH)).all()
        if not rows:
            return
        changes = [
            {
                "key": row.id,
                "digits": phone_digits_of(row.home_phone),
                "lowered": city_key_of(row.city),
            }
            for row in rows
            if row.home_phone or row.city
        ]
        if changes:
            connection.execute(update, changes)
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index("ix_customers_city_key", table_name="customers")
    op.drop_index("ix_customers_phone_digits", table_name="customers")
    # ALTER TABLE ... DROP COLUMN on SQLite (3.35+) as on PostgreSQL: a batch copy of the
    # table would trip the foreign keys that point at it
    op.execute("ALTER TABLE customers DROP COLUMN city_key")
    op.execute("ALTER TABLE customers DROP COLUMN phone_digits")

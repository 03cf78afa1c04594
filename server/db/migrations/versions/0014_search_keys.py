"""search keys: the customers' phone digits and city in lower case, the tickets' postal code

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

And each ticket keeps its customer's postal code (``tickets.postal_code``, indexed with the
creation date and with the status): the postal code filter, alone or with statuses, is then
counted from an index of tickets instead of reading a ticket per matching customer (or a
customer per matching ticket). A model's tickets are sorted by date from
``ix_tickets_appliance_created`` without reading each ticket.
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


_PHONE_TRIGGERS = (
    """CREATE TRIGGER customers_phone_ai AFTER INSERT ON customers BEGIN
         INSERT INTO customers_phone(rowid, phone_digits) VALUES (new.id, new.phone_digits);
       END""",
    """CREATE TRIGGER customers_phone_ad AFTER DELETE ON customers BEGIN
         INSERT INTO customers_phone(customers_phone, rowid, phone_digits)
         VALUES ('delete', old.id, old.phone_digits);
       END""",
    """CREATE TRIGGER customers_phone_au AFTER UPDATE OF phone_digits ON customers BEGIN
         INSERT INTO customers_phone(customers_phone, rowid, phone_digits)
         VALUES ('delete', old.id, old.phone_digits);
         INSERT INTO customers_phone(rowid, phone_digits) VALUES (new.id, new.phone_digits);
       END""",
)


def upgrade() -> None:
    # the indexes first, the values after: an index made after the rows' update would wait,
    # on PostgreSQL, for every transaction older than the update to end before it is used
    op.add_column(
        "customers",
        sa.Column("phone_digits", sa.String(length=40), nullable=False, server_default=""),
    )
    op.add_column(
        "customers",
        sa.Column("city_key", sa.String(length=100), nullable=False, server_default=""),
    )
    op.create_index("ix_customers_phone_digits", "customers", ["phone_digits"])
    op.create_index("ix_customers_city_key", "customers", ["city_key"])
    op.add_column(
        "tickets",
        sa.Column("postal_code", sa.String(length=20), nullable=False, server_default=""),
    )
    op.create_index("ix_tickets_postal_created", "tickets", ["postal_code", "created_at"])
    op.create_index("ix_tickets_status_postal", "tickets", ["status", "postal_code"])
    op.create_index("ix_tickets_appliance_created", "tickets", ["appliance_id", "created_at"])
    _fill()
    op.execute(
        "UPDATE tickets SET postal_code = "
        "(SELECT customers.postal_code FROM customers WHERE customers.id = tickets.customer_id)"
    )
    _phone_index()


def _phone_index() -> None:
    """A trigram index of the phones' digits (any three digits in a row find their
    customers): an FTS5 table with the trigram tokenizer on SQLite, kept by triggers; a GIN
    ``pg_trgm`` index on PostgreSQL, when the extension can be made (it is a trusted one:
    the database's owner may). Without it PostgreSQL reads every customer's digits."""
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE customers_phone USING fts5("
            "phone_digits, content='customers', content_rowid='id', tokenize='trigram')"
        )
        for trigger in _PHONE_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO customers_phone(customers_phone) VALUES ('rebuild')")
        return
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        return  # no pg_trgm here: the phone filter works, reading every customer
    op.execute(
        "CREATE INDEX ix_customers_phone_trgm ON customers "
        "USING gin (phone_digits gin_trgm_ops)"
    )


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
    if op.get_bind().dialect.name == "sqlite":
        for name in ("customers_phone_ai", "customers_phone_ad", "customers_phone_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS customers_phone")
    else:
        op.execute("DROP INDEX IF EXISTS ix_customers_phone_trgm")  # pg_trgm stays
    op.drop_index("ix_tickets_appliance_created", table_name="tickets")
    op.drop_index("ix_tickets_status_postal", table_name="tickets")
    op.drop_index("ix_tickets_postal_created", table_name="tickets")
    op.drop_index("ix_customers_city_key", table_name="customers")
    op.drop_index("ix_customers_phone_digits", table_name="customers")
    # ALTER TABLE ... DROP COLUMN on SQLite (3.35+) as on PostgreSQL: a batch copy of the
    # table would trip the foreign keys that point at it
    op.execute("ALTER TABLE tickets DROP COLUMN postal_code")
    op.execute("ALTER TABLE customers DROP COLUMN city_key")
    op.execute("ALTER TABLE customers DROP COLUMN phone_digits")

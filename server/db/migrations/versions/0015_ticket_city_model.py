"""ticket search keys: the customer's city and the appliance's model on the ticket; the
overdue index with the date; PostgreSQL: the free-text vector stored

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 04:40:00.000000

Issue 15: the city and model filters joined the customers (or appliances) of the prefix
and read a ticket per match, both to count and to sort the page by date (26-27 ms at
100,000 tickets on SQLite, 40 ms on PostgreSQL). Each ticket now keeps its customer's
``city_key`` and its appliance's ``model_code``, each indexed with the creation date, as
``postal_code`` is (0014): the count and the page are read from one index of tickets.
The sort by model follows ``ix_tickets_model_id`` (model, id) instead of joining every
appliance to sort 100,000 tickets (PostgreSQL: 44-46 ms). The model keeps them
(``server.db.models.Ticket``).

``ix_tickets_status_created`` (status, date) gains the id and the contact clock's columns:
the overdue tickets' page, walked by date along it, checks each ticket's clock in the index
instead of reading the ticket (8 -> 1.4 ms of CPU on SQLite at 100,000 tickets); with the
id it gives the whole order (date, id), so PostgreSQL walks it rather than the date index
(overdue page: 2,526 -> 55 buffers; one status by date: an index-only scan).

``ix_tickets_waiting``: the tickets waiting for parts (the flag or the status: a partial
index), by date. PostgreSQL counted them from two bitmaps and the table (29 ms, 7,700
tickets at 100,000), both databases merged two walks for the page; now both are read from
this index alone (2.4 ms to count on PostgreSQL, 1.3 ms on SQLite).

PostgreSQL: ``to_tsvector('simple', search_document)`` was computed again for every
ticket a free-text search read (the GIN index's prefix matches are rechecked on the
row); the vector is now a stored generated column (``search_vector``, kept by the
database on every write) with the GIN index on it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_WAITING = {  # as each dialect renders ticket_query.WAITING (SQLite: "= 1")
    "sqlite": "waiting_parts = 1 OR status = 'waiting_parts'",
    "postgresql": "waiting_parts OR status = 'waiting_parts'",
}
_STATUS_CLOCK = ["status", "created_at", "id", "contact_clock_at", "status_changed_at"]


def upgrade() -> None:
    op.add_column(
        "tickets",
        sa.Column("city_key", sa.String(length=100), nullable=False, server_default=""),
    )
    op.add_column(
        "tickets",
        sa.Column("model_code", sa.String(length=40), nullable=False, server_default=""),
    )
    op.create_index("ix_tickets_city_created", "tickets", ["city_key", "created_at"])
    op.create_index("ix_tickets_model_id", "tickets", ["model_code", "id", "created_at"])
    op.execute(
        "UPDATE tickets SET "
        "city_key = (SELECT customers.city_key FROM customers "
        "WHERE customers.id = tickets.customer_id), "
        "model_code = (SELECT appliances.model_code FROM appliances "
        "WHERE appliances.id = tickets.appliance_id)"
    )
    op.drop_index("ix_tickets_status_created", table_name="tickets")
    op.create_index("ix_tickets_status_created", "tickets", _STATUS_CLOCK)
    op.create_index(
        "ix_tickets_waiting",
        "tickets",
        ["created_at", "id"],
        sqlite_where=sa.text(_WAITING["sqlite"]),
        postgresql_where=sa.text(_WAITING["postgresql"]),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE tickets ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', search_document)) STORED"
        )
        op.execute("DROP INDEX IF EXISTS ix_tickets_search")
        op.execute("CREATE INDEX ix_tickets_search ON tickets USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_tickets_search")
        op.execute("ALTER TABLE tickets DROP COLUMN search_vector")
        op.execute(
            "CREATE INDEX ix_tickets_search ON tickets "
            "USING gin (to_tsvector('simple', search_document))"
        )
    op.drop_index("ix_tickets_waiting", table_name="tickets")
    op.drop_index("ix_tickets_status_created", table_name="tickets")
    op.create_index("ix_tickets_status_created", "tickets", ["status", "created_at"])
    op.drop_index("ix_tickets_model_id", table_name="tickets")
    op.drop_index("ix_tickets_city_created", table_name="tickets")
    op.execute("ALTER TABLE tickets DROP COLUMN model_code")
    op.execute("ALTER TABLE tickets DROP COLUMN city_key")

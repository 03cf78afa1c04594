"""indexes for the ticket search's sorts

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 22:30:00.000000

Issue 15: a ticket search sorted by customer (last name, first name) or by city finds its
first page by walking an index of ``customers`` in that order and keeping the matching
tickets, instead of reading and sorting every match (server.services.ticket_query). A
search sorted by status, centre, engineer or appointment reads the result group after group
(each status, each centre...), each group in the order of an index of ``tickets``. And
"waiting for parts" (the flag or the status) is counted from two indexes, not a scan, and
"overdue" (to contact, the contact clock's start long past) from an index on the clock's
start, an expression (``ix_tickets_overdue``: outside the models, as ``ix_tickets_search``).
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


_TICKET_INDEXES = {
    "ix_tickets_status_id": ["status", "id"],
    "ix_tickets_centre_id": ["service_centre_id", "id"],
    "ix_tickets_engineer_id": ["engineer_id", "id"],
    "ix_tickets_appointment": ["appointment_at", "id"],
    "ix_tickets_waiting_parts": ["waiting_parts", "created_at"],
}


def upgrade() -> None:
    op.create_index("ix_customers_name", "customers", ["last_name", "first_name"])
    op.create_index("ix_customers_city", "customers", ["city"])
    for name, columns in _TICKET_INDEXES.items():
        op.create_index(name, "tickets", columns)
    # server.services.contact_clock.overdue_condition, written the same way
    op.execute(
        "CREATE INDEX ix_tickets_overdue ON tickets "
        "(status, coalesce(contact_clock_at, status_changed_at))"
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_overdue", table_name="tickets")
    for name in _TICKET_INDEXES:
        op.drop_index(name, table_name="tickets")
    op.drop_index("ix_customers_city", table_name="customers")
    op.drop_index("ix_customers_name", table_name="customers")

"""ticket search and edits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:07:24.112918

Adds who last changed a ticket (for "changed by X at HH:MM"), how a log's e-mail was
delivered, the indexes of the ticket search, and its free-text index: the words of each
ticket in ``tickets.search_document``, indexed by an FTS5 table on SQLite and a GIN
index on PostgreSQL (both outside the models' metadata; env.py tells autogenerate).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FTS_TRIGGERS = (
    """CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets BEGIN
         INSERT INTO tickets_fts(rowid, search_document) VALUES (new.id, new.search_document);
       END""",
    """CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN
         INSERT INTO tickets_fts(tickets_fts, rowid, search_document)
         VALUES ('delete', old.id, old.search_document);
       END""",
    """CREATE TRIGGER tickets_fts_au AFTER UPDATE OF search_document ON tickets BEGIN
         INSERT INTO tickets_fts(tickets_fts, rowid, search_document)
         VALUES ('delete', old.id, old.search_document);
         INSERT INTO tickets_fts(rowid, search_document) VALUES (new.id, new.search_document);
       END""",
)


def upgrade() -> None:
    with op.batch_alter_table("history_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_delivery", sa.String(length=10), nullable=True))

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("search_document", sa.Text(), nullable=False, server_default="")
        )
        batch_op.create_index(
            "ix_tickets_centre_created", ["service_centre_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_tickets_created", ["created_at", "id"], unique=False)
        batch_op.drop_index("ix_tickets_customer_id")
        batch_op.create_index(
            "ix_tickets_customer_created", ["customer_id", "created_at"], unique=False
        )
        batch_op.drop_index("ix_tickets_status_changed")
        batch_op.create_index(
            "ix_tickets_status_changed",
            ["status", "status_changed_at", "created_at"],
            unique=False,
        )
        batch_op.create_index("ix_tickets_status_created", ["status", "created_at"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_tickets_updated_by_id_users"), "users", ["updated_by_id"], ["id"]
        )

    _fill_search_documents()
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE tickets_fts USING fts5("
            "search_document, content='tickets', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
        )
        for trigger in _FTS_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild')")
    else:
        op.execute(
            "CREATE INDEX ix_tickets_search ON tickets "
            "USING gin (to_tsvector('simple', search_document))"
        )


def _fill_search_documents() -> None:
    """The words of the tickets already there (a database made before this revision)."""
    from server.services.ticket_search import document

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT t.id, t.group_id, c.last_name, c.first_name, c.company, "
            "a.serial_number, t.external_ref FROM tickets t "
            "JOIN customers c ON c.id = t.customer_id JOIN appliances a ON a.id = t.appliance_id"
        )
    ).all()
    update = sa.text("UPDATE tickets SET search_document = :doc WHERE id = :id")
    batch = []
    for ticket_id, group_id, last, first, company, serial, ref in rows:
        doc = document(
            ticket_id=ticket_id,
            group_id=group_id,
            last_name=last,
            first_name=first,
            company=company,
            serial_number=serial,
            external_ref=ref,
        )
        batch.append({"doc": doc, "id": ticket_id})
        if len(batch) >= 5000:
            bind.execute(update, batch)
            batch = []
    if batch:
        bind.execute(update, batch)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("tickets_fts_ai", "tickets_fts_ad", "tickets_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS tickets_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_tickets_search")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tickets_updated_by_id_users"), type_="foreignkey")
        batch_op.drop_index("ix_tickets_status_created")
        batch_op.drop_index("ix_tickets_created")
        batch_op.drop_index("ix_tickets_customer_created")
        batch_op.create_index("ix_tickets_customer_id", ["customer_id"], unique=False)
        batch_op.drop_index("ix_tickets_status_changed")
        batch_op.create_index(
            "ix_tickets_status_changed", ["status", "status_changed_at"], unique=False
        )
        batch_op.drop_index("ix_tickets_centre_created")
        batch_op.drop_column("search_document")
        batch_op.drop_column("updated_by_id")

    with op.batch_alter_table("history_entries", schema=None) as batch_op:
        batch_op.drop_column("email_delivery")

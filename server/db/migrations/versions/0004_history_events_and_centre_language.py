"""history events and centre language

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 09:00:00.000000

What the system writes into a ticket's history is stored as an event (a code and its
parameters, rendered for each reader by server.services.events) instead of a sentence;
``note`` keeps only what a person typed. Service centres get the language they work in
(e-mails to people of unknown language are written in it).

The data migration reads the sentences written before: in English by the server
(``ticket_actions``, ``checkout``, ``orders`` up to 0003) and in French or Italian by the
demo data (moments there are in the centres' time, Europe/Paris), and turns each into its
event, its parameters and the typed note left over. A status change it cannot read becomes
``status_changed`` with the whole text kept as the note; any other entry it cannot read is a
typed log as it stands. No text is lost. The parsing is frozen here, as the writers were:
later changes to the writers do not change what this migration does.

A centre's language is taken from its country (FR -> fr, IT -> it, else en).

Downgrade writes each event back as the English sentence the server wrote before, followed
by the typed note, then drops the columns.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import server.db.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 2000

try:
    DEMO_TZ: dt.tzinfo = zoneinfo.ZoneInfo("Europe/Paris")
except zoneinfo.ZoneInfoNotFoundError:  # the demo then wrote its moments in UTC
    DEMO_TZ = dt.UTC

history = sa.table(
    "history_entries",
    sa.column("id", sa.Integer()),
    sa.column("type", sa.String()),
    sa.column("status", sa.String()),
    sa.column("note", sa.Text()),
    sa.column("appointment_at", server.db.models.UTCDateTime()),
    sa.column("event", sa.String()),
    sa.column("params", sa.JSON()),
)

Parsed = tuple[str | None, dict[str, Any] | None, str]
"""(event, params, typed note)"""


# --------------------------------------------------------------------------- reading the old text

_EN_UTC = r"(?P<when>\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC"
_LOCAL = r"(?P<date>\d{2}/\d{2}/\d{4}) (?:à|alle) (?P<time>\d{2}:\d{2})"
_MEANS = {
    "phone": "phone",
    "sms": "sms",
    "email": "email",
    "téléphone": "phone",
    "telefono": "phone",
    "SMS": "sms",
    "e-mail": "email",
}
_FIELDS = {
    "model code": "model_code",
    "service index": "service_index",
    "serial number": "serial_number",
    "purchase date": "purchase_date",
    "invoice number": "invoice_number",
}

# The status changes: (pattern of the first line, event). Named groups: name + code (a
# centre), when (English, UTC) or date + time (demo, local), means, order, voucher, parts,
# note (typed text inside the sentence).
_STATUS_SENTENCES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.DOTALL), event)
    for p, event in (
        # the server, in English (a typed note follows on the next lines)
        (r"Assigned to (?P<name>.+) (?P<code>\S+)", "assigned"),
        (r"Customer contacted: appointment " + _EN_UTC, "contacted"),
        (
            r"Customer not reachable: attempt " + _EN_UTC + r" by (?P<means>phone|sms|email)",
            "unreachable",
        ),
        (r"Exchange requested", "exchange_requested"),
        (r"Cancelled:", "cancelled"),
        (r"Intervention rejected:", "rejected"),
        (r"Intervention verified", "verified"),
        (r"Parts ordered", "parts_ordered"),
        (r"Parts received", "parts_received"),
        (r"Intervention closed", "closed"),
        (r"Invoiced", "invoiced"),
        # the demo, in French
        (r"Ticket enregistré", "created"),
        (r"Assigné : (?P<name>.+) (?P<code>\S+)", "assigned"),
        (
            r"Client non joignable : tentative le " + _LOCAL
            + r" par (?P<means>téléphone|SMS|e-mail), (?P<note>.*)",
            "unreachable",
        ),
        (
            r"Client contacté : rendez-vous le " + _LOCAL + r"(?: \((?P<note>.*)\))?",
            "contacted",
        ),
        (r"Pièces reçues : nouveau rendez-vous le " + _LOCAL, "parts_received"),
        (r"Intervention rejetée : (?P<note>.*)", "rejected"),
        (r"En attente de pièces : (?P<parts>.*)", "parts_ordered"),
        (r"Échange de l'appareil demandé : (?P<note>.*)", "exchange_requested"),
        (r"Intervention clôturée", "closed"),
        (r"Intervention vérifiée", "verified"),
        (r"Facturée : bon à payer (?P<voucher>\S+)", "invoiced"),
        (r"Annulé : (?P<note>.*)", "cancelled"),
        # the demo, in Italian
        (r"Ticket salvato", "created"),
        (r"Assegnato: (?P<name>.+) (?P<code>\S+)", "assigned"),
        (
            r"Cliente non raggiungibile: tentativo il " + _LOCAL
            + r" via (?P<means>telefono|SMS|e-mail), (?P<note>.*)",
            "unreachable",
        ),
        (
            r"Cliente contattato: appuntamento il " + _LOCAL + r"(?: \((?P<note>.*)\))?",
            "contacted",
        ),
        (r"Ricambi arrivati: nuovo appuntamento il " + _LOCAL, "parts_received"),
        (r"Intervento respinto: (?P<note>.*)", "rejected"),
        (r"In attesa ricambi: (?P<parts>.*)", "parts_ordered"),
        (r"Richiesta sostituzione apparecchio: (?P<note>.*)", "exchange_requested"),
        (r"Intervento chiuso", "closed"),
        (r"Intervento verificato", "verified"),
        (r"Fatturato: buono di pagamento (?P<voucher>\S+)", "invoiced"),
        (r"Annullato: (?P<note>.*)", "cancelled"),
    )
]
_ORDER_LINE = re.compile(r"Order (?P<order>\S+)")
_NOTE_SENTENCES = [
    (re.compile(r"Parts ordered: order (?P<order>\S+)"), "parts_ordered"),
    (re.compile(r"Order (?P<order>\S+) withdrawn"), "order_withdrawn"),
]
_APPLIANCE = re.compile(r"Appliance corrected: (?P<changes>.+)", re.DOTALL)
_CHANGE = re.compile(r"(?P<field>" + "|".join(_FIELDS) + r") (?P<old>.*) → (?P<new>.*)")
_PART_CODE = re.compile(r"[0-9A-Z][0-9A-Z.-]*")


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def _utc(text: str) -> str:
    return _iso(dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=dt.UTC))


def _local(date: str, time: str) -> str:
    naive = dt.datetime.strptime(f"{date} {time}", "%d/%m/%Y %H:%M")
    return _iso(naive.replace(tzinfo=DEMO_TZ))


def _join(*parts: str | None) -> str:
    return "\n".join(p for p in (p.strip() for p in parts if p) if p)


def parse(
    kind: str, status: str, text: str, appointment_at: dt.datetime | None, parts: set[str]
) -> Parsed:
    """The event, its parameters and the typed note of an entry written before 0004.
    ``parts``: the catalogue's part codes (a demo's list of parts names them)."""
    if kind == "status_change":
        return _status_change(status, text, appointment_at, parts)
    first, _sep, rest = text.partition("\n")
    if kind == "appliance_update":  # the server's sentence, or the demo's typed reason
        changes = _changes(first)
        if changes is None:
            return "appliance_corrected", {"changes": []}, text
        return "appliance_corrected", {"changes": changes}, rest.strip()
    for pattern, event in _NOTE_SENTENCES:
        found = pattern.fullmatch(first)
        if found:
            return event, {"order": found["order"]}, rest.strip()
    return None, None, text


def _changes(line: str) -> list[dict[str, str]] | None:
    found = _APPLIANCE.fullmatch(line)
    if not found:
        return None
    changes = []
    for item in found["changes"].split("; "):
        change = _CHANGE.fullmatch(item)
        if not change:
            return None
        old, new = (v if v != "(none)" else "" for v in (change["old"], change["new"]))
        changes.append({"field": _FIELDS[change["field"]], "old": old, "new": new})
    return changes


def _status_change(
    status: str, text: str, appointment_at: dt.datetime | None, parts: set[str]
) -> Parsed:
    first, _sep, rest = text.partition("\n")
    for pattern, event in _STATUS_SENTENCES:
        found = pattern.fullmatch(first)
        if not found:
            continue
        groups = {k: v for k, v in found.groupdict().items() if v is not None}
        params: dict[str, Any] = {}
        note = groups.get("note", "")
        if "code" in groups:
            params = {"centre_code": groups["code"], "centre_name": groups["name"]}
        if event in ("contacted", "parts_received"):
            if appointment_at is not None:  # the column has it exactly
                params["appointment_at"] = _iso(appointment_at)
            elif "when" in groups:
                params["appointment_at"] = _utc(groups["when"])
            elif "date" in groups:
                params["appointment_at"] = _local(groups["date"], groups["time"])
        if event == "unreachable":
            when = groups.get("when")
            attempted = _utc(when) if when else _local(groups["date"], groups["time"])
            params = {"attempted_at": attempted, "means": _MEANS[groups["means"]]}
        if "voucher" in groups:
            params["voucher"] = groups["voucher"]
        if "parts" in groups:
            codes = [item.split(" ", 1)[0] for item in groups["parts"].split(", ")]
            if not all(_PART_CODE.fullmatch(c) and c in parts for c in codes):
                break  # not a list of parts after all: keep the whole text
            params["parts"] = codes
        if event == "parts_ordered" and "parts" not in groups:
            order_line, _sep, after = rest.partition("\n")
            order = _ORDER_LINE.fullmatch(order_line.strip())
            if order:  # checkout wrote the order's number as the note
                params["order"] = order["order"]
                rest = after
        return event, params, _join(note, rest)
    return "status_changed", {"status": status}, text


# --------------------------------------------------------------------------- writing it back


def _when(value: str) -> str:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def sentence(kind: str, event: str, params: dict[str, Any]) -> str:
    """The English sentence the server wrote before 0004 for this event (downgrade)."""
    p = params
    if event == "appliance_corrected":
        changes = p.get("changes") or []
        if not changes:
            return ""
        return "Appliance corrected: " + "; ".join(
            f"{c['field'].replace('_', ' ')} {c['old'] or '(none)'} → {c['new'] or '(none)'}"
            for c in changes
        )
    if event == "order_withdrawn":
        return f"Order {p['order']} withdrawn"
    if event == "parts_ordered" and kind != "status_change":
        return f"Parts ordered: order {p['order']}" if p.get("order") else "Parts ordered"
    if event == "assigned":
        return f"Assigned to {p['centre_name']} {p['centre_code']}"
    if event == "contacted":
        if not p.get("appointment_at"):
            return "Customer contacted"
        return f"Customer contacted: appointment {_when(p['appointment_at'])}"
    if event == "unreachable":
        return f"Customer not reachable: attempt {_when(p['attempted_at'])} by {p['means']}"
    if event == "parts_ordered":
        extra = [f"Order {p['order']}"] if p.get("order") else []
        return _join("Parts ordered", *extra, ", ".join(p.get("parts") or []))
    if event == "invoiced":
        return _join("Invoiced", p.get("voucher"))
    return {
        "created": "Ticket recorded",
        "exchange_requested": "Exchange requested",
        "cancelled": "Cancelled:",
        "rejected": "Intervention rejected:",
        "verified": "Intervention verified",
        "parts_received": "Parts received",
        "closed": "Intervention closed",
    }.get(event, "")


# --------------------------------------------------------------------------- the migration


def _batches(connection: sa.Connection, where: Any) -> Iterator[Sequence[Any]]:
    last = 0
    while True:
        rows = connection.execute(
            sa.select(
                history.c.id,
                history.c.type,
                history.c.status,
                history.c.note,
                history.c.appointment_at,
                history.c.event,
                history.c.params,
            )
            .where(history.c.id > last, where)
            .order_by(history.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _update(connection: sa.Connection, values: list[dict[str, Any]]) -> None:
    if values:
        connection.execute(
            history.update()
            .where(history.c.id == sa.bindparam("row_id"))
            .values(
                event=sa.bindparam("new_event"),
                params=sa.bindparam("new_params", type_=sa.JSON()),
                note=sa.bindparam("new_note"),
            ),
            values,
        )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:  # plain ADD COLUMN: a batch would copy service_centres, which many reference
        op.execute("ALTER TABLE service_centres ADD COLUMN language VARCHAR(5) NOT NULL DEFAULT 'en'")
        op.execute("ALTER TABLE history_entries ADD COLUMN event VARCHAR(40)")
        op.execute("ALTER TABLE history_entries ADD COLUMN params JSON")
    else:
        op.add_column(
            "service_centres",
            sa.Column("language", sa.String(length=5), nullable=False, server_default="en"),
        )
        op.alter_column("service_centres", "language", server_default=None)
        op.add_column("history_entries", sa.Column("event", sa.String(length=40), nullable=True))
        op.add_column("history_entries", sa.Column("params", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE service_centres SET language = CASE UPPER(country) "
        "WHEN 'FR' THEN 'fr' WHEN 'IT' THEN 'it' ELSE 'en' END"
    )

    connection = op.get_bind()
    parts = set(connection.execute(sa.text("SELECT code FROM parts")).scalars())
    for rows in _batches(connection, sa.true()):
        values = []
        for row in rows:
            event, params, note = parse(
                row.type, row.status, row.note or "", row.appointment_at, parts
            )
            if event is not None:
                values.append(
                    {"row_id": row.id, "new_event": event, "new_params": params, "new_note": note}
                )
        _update(connection, values)


def downgrade() -> None:
    connection = op.get_bind()
    for rows in _batches(connection, history.c.event.is_not(None)):
        _update(
            connection,
            [
                {
                    "row_id": row.id,
                    "new_event": None,
                    "new_params": None,
                    "new_note": _join(
                        sentence(row.type, row.event, row.params or {}), row.note or ""
                    ),
                }
                for row in rows
            ],
        )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE history_entries DROP COLUMN params")
        op.execute("ALTER TABLE history_entries DROP COLUMN event")
        op.execute("ALTER TABLE service_centres DROP COLUMN language")
    else:
        op.drop_column("history_entries", "params")
        op.drop_column("history_entries", "event")
        op.drop_column("service_centres", "language")

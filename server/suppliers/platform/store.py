"""The reference platform's own SQLite file: accounts, parts, orders, and their changes.

Plain ``sqlite3`` (one short connection per call, WAL, a busy timeout): the platform and
``sav supplier change`` may write the same file at once. Orders change over time as a real
supplier's do: each order gets a schedule of changes drawn from ``random.Random(seed, number)``
(the same seed and order number always give the same changes), applied once their time has
come, when the order is next read. ``change_order`` makes a change now.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from server.suppliers.platform.catalogue import DEMO_ACCOUNTS, PARTS

TOKEN_LIFETIME = dt.timedelta(hours=8)
PENDING, DELIVERED, CANCELLED = "pending", "delivered", "cancelled"
STATUSES = (PENDING, DELIVERED, CANCELLED)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY, user_name TEXT NOT NULL, customer_id TEXT NOT NULL,
    secret_hash TEXT, name TEXT NOT NULL, UNIQUE (user_name, customer_id));
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id),
    expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parts (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, stock INTEGER NOT NULL,
    lead_time_days INTEGER NOT NULL, purchase_price_cents INTEGER NOT NULL,
    sale_price_cents INTEGER NOT NULL, replaced_by TEXT);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,
    account_id INTEGER NOT NULL REFERENCES accounts(id), client_reference TEXT NOT NULL,
    status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    expected_delivery TEXT NOT NULL, revision INTEGER NOT NULL DEFAULT 1,
    changes_applied INTEGER NOT NULL DEFAULT 0, UNIQUE (account_id, client_reference));
CREATE TABLE IF NOT EXISTS order_lines (
    order_id INTEGER NOT NULL REFERENCES orders(id), line INTEGER NOT NULL,
    code_requested TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
    quantity INTEGER NOT NULL, purchase_price_cents INTEGER NOT NULL,
    sale_price_cents INTEGER NOT NULL, PRIMARY KEY (order_id, line));
CREATE TABLE IF NOT EXISTS order_changes (
    id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id),
    line INTEGER, field TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
    at TEXT NOT NULL, source TEXT NOT NULL);
"""


class PlatformError(Exception):
    """A request the platform refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Account:
    id: int
    user_name: str
    customer_id: str


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @contextmanager
    def _db(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        connection.row_factory = sqlite3.Row
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        finally:
            connection.close()

    # --- set-up ---------------------------------------------------------------------------
    def initialise(self, seed: int) -> None:
        """Create the tables; on a new file, the demo accounts and parts, and the seed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path)
        connection.executescript(_SCHEMA)
        connection.close()
        with self._db(write=True) as db:
            if db.execute("SELECT 1 FROM meta WHERE key = 'seed'").fetchone() is None:
                db.execute("INSERT INTO meta VALUES ('seed', ?)", (str(seed),))
            if db.execute("SELECT COUNT(*) FROM accounts").fetchone()[0] == 0:
                for account in DEMO_ACCOUNTS:
                    db.execute(
                        "INSERT INTO accounts (user_name, customer_id, secret_hash, name) "
                        "VALUES (?, ?, ?, ?)",
                        (
                            account.user_name,
                            account.customer_id,
                            _hash(account.secret) if account.secret else None,
                            account.name,
                        ),
                    )
            if db.execute("SELECT COUNT(*) FROM parts").fetchone()[0] == 0:
                for p in PARTS:
                    db.execute(
                        "INSERT INTO parts VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            p.code,
                            p.name,
                            p.stock,
                            p.lead_time_days,
                            p.purchase_price_cents,
                            p.sale_price_cents,
                            p.replaced_by,
                        ),
                    )

    def seed(self) -> int:
        with self._db() as db:
            return int(db.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone()[0])

    # --- sign-in --------------------------------------------------------------------------
    def sign_in(self, user_name: str, customer_id: str, secret: str | None) -> str:
        with self._db(write=True) as db:
            row = db.execute(
                "SELECT id, secret_hash FROM accounts WHERE user_name = ? AND customer_id = ?",
                (user_name, customer_id),
            ).fetchone()
            wrong = row is None or (
                row["secret_hash"] is not None
                and not hmac.compare_digest(row["secret_hash"], _hash(secret or ""))
            )
            if wrong:
                raise PlatformError(
                    401, "wrong_credentials", "unknown user name, customer id or secret"
                )
            token = secrets.token_urlsafe(32)
            db.execute(
                "INSERT INTO tokens VALUES (?, ?, ?)",
                (_hash(token), row["id"], (_now() + TOKEN_LIFETIME).isoformat()),
            )
            return token

    def account_for(self, token: str) -> Account:
        with self._db() as db:
            row = db.execute(
                "SELECT a.id, a.user_name, a.customer_id, t.expires_at FROM tokens t "
                "JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ?",
                (_hash(token),),
            ).fetchone()
        if row is None or dt.datetime.fromisoformat(row["expires_at"]) <= _now():
            raise PlatformError(401, "not_signed_in", "sign in again: no such token or expired")
        return Account(row["id"], row["user_name"], row["customer_id"])

    # --- parts ----------------------------------------------------------------------------
    @staticmethod
    def _resolve(db: sqlite3.Connection, code: str) -> tuple[sqlite3.Row | None, str | None]:
        """The part sold for ``code`` (following the platform's supersessions), and the
        successor's code when it is another one."""
        row = db.execute("SELECT * FROM parts WHERE code = ?", (code,)).fetchone()
        seen = {code}
        while row is not None and row["replaced_by"] and row["replaced_by"] not in seen:
            seen.add(row["replaced_by"])
            row = db.execute("SELECT * FROM parts WHERE code = ?", (row["replaced_by"],)).fetchone()
        if row is None:
            return None, None
        return row, (row["code"] if row["code"] != code else None)

    def availability(self, codes: list[str]) -> list[dict[str, object]]:
        items: list[dict[str, object]] = []
        with self._db() as db:
            for code in codes:
                row, successor = self._resolve(db, code)
                if row is None:
                    items.append({"code": code, "known": False, "replaced_by": None})
                    continue
                items.append(
                    {
                        "code": code,
                        "known": True,
                        "replaced_by": successor,
                        "name": row["name"],
                        "stock": row["stock"],
                        "lead_time_days": row["lead_time_days"],
                        "purchase_price_cents": row["purchase_price_cents"],
                        "sale_price_cents": row["sale_price_cents"],
                    }
                )
        return items

    # --- orders ---------------------------------------------------------------------------
    def create_order(
        self, account: Account, client_reference: str, lines: list[tuple[str, int]]
    ) -> tuple[dict[str, object], bool]:
        """The order for this client reference: created now (True), or the one already made
        with it (False; the same lines) — asking twice never makes two orders."""
        with self._db(write=True) as db:
            existing = db.execute(
                "SELECT * FROM orders WHERE account_id = ? AND client_reference = ?",
                (account.id, client_reference),
            ).fetchone()
            if existing is not None:
                asked = [(r["code_requested"], r["quantity"]) for r in self._lines(db, existing)]
                if asked != lines:
                    raise PlatformError(
                        409,
                        "reference_reused",
                        f"client reference {client_reference} was already used for other lines",
                    )
                return self._order_dict(db, existing), False
            resolved = []
            unknown = []
            for code, quantity in lines:
                row, _ = self._resolve(db, code)
                if row is None:
                    unknown.append(code)
                else:
                    resolved.append((code, quantity, row))
            if unknown:
                raise PlatformError(
                    422, "unknown_parts", "unknown part codes: " + ", ".join(unknown)
                )
            now = _now()
            lead = max((r["lead_time_days"] if r["stock"] > 0 else 14) for _, _, r in resolved)
            number_row = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM orders").fetchone()
            number = f"SO-{number_row[0]:06d}"
            cursor = db.execute(
                "INSERT INTO orders (number, account_id, client_reference, status, created_at, "
                "updated_at, expected_delivery) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    number,
                    account.id,
                    client_reference,
                    PENDING,
                    now.isoformat(),
                    now.isoformat(),
                    (now.date() + dt.timedelta(days=max(lead, 1))).isoformat(),
                ),
            )
            for index, (code, quantity, row) in enumerate(resolved, start=1):
                db.execute(
                    "INSERT INTO order_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        cursor.lastrowid,
                        index,
                        code,
                        row["code"],
                        row["name"],
                        quantity,
                        row["purchase_price_cents"],
                        row["sale_price_cents"],
                    ),
                )
            order = db.execute("SELECT * FROM orders WHERE id = ?", (cursor.lastrowid,)).fetchone()
            return self._order_dict(db, order), True

    def get_order(self, account: Account, number: str) -> dict[str, object]:
        self._advance(account_id=account.id, number=number)
        with self._db() as db:
            row = db.execute(
                "SELECT * FROM orders WHERE account_id = ? AND number = ?", (account.id, number)
            ).fetchone()
            if row is None:
                raise PlatformError(404, "unknown_order", f"no order {number} for this account")
            return self._order_dict(db, row)

    def pending_orders(self, account: Account) -> list[dict[str, object]]:
        self._advance(account_id=account.id)
        with self._db() as db:
            rows = db.execute(
                "SELECT * FROM orders WHERE account_id = ? AND status = ? ORDER BY id",
                (account.id, PENDING),
            ).fetchall()
            return [self._order_dict(db, row) for row in rows]

    def cancel_order(self, account: Account, number: str) -> dict[str, object]:
        """A pending order becomes cancelled; a cancelled one is answered as it is (asking
        twice is safe); a delivered one is refused (409)."""
        self._advance(account_id=account.id, number=number)
        with self._db(write=True) as db:
            row = db.execute(
                "SELECT * FROM orders WHERE account_id = ? AND number = ?", (account.id, number)
            ).fetchone()
            if row is None:
                raise PlatformError(404, "unknown_order", f"no order {number} for this account")
            if row["status"] == DELIVERED:
                raise PlatformError(
                    409, "already_delivered", f"order {number} was delivered: too late to cancel"
                )
            if row["status"] == PENDING:
                self._change(db, row, None, "status", CANCELLED, "client")
                row = db.execute("SELECT * FROM orders WHERE id = ?", (row["id"],)).fetchone()
            return self._order_dict(db, row)

    @staticmethod
    def _lines(db: sqlite3.Connection, order: sqlite3.Row) -> list[sqlite3.Row]:
        return db.execute(
            "SELECT * FROM order_lines WHERE order_id = ? ORDER BY line", (order["id"],)
        ).fetchall()

    def _order_dict(self, db: sqlite3.Connection, order: sqlite3.Row) -> dict[str, object]:
        return {
            "number": order["number"],
            "client_reference": order["client_reference"],
            "status": order["status"],
            "created_at": order["created_at"],
            "updated_at": order["updated_at"],
            "expected_delivery": order["expected_delivery"],
            "revision": order["revision"],
            "lines": [
                {
                    "line": line["line"],
                    "code_requested": line["code_requested"],
                    "code": line["code"],
                    "name": line["name"],
                    "quantity": line["quantity"],
                    "purchase_price_cents": line["purchase_price_cents"],
                    "sale_price_cents": line["sale_price_cents"],
                }
                for line in self._lines(db, order)
            ],
        }

    # --- changes over time ----------------------------------------------------------------
    @staticmethod
    def schedule(seed: int, number: str, lines: int) -> list[tuple[float, str, int]]:
        """The changes an order will see: (hours after creation, what, line), the same for
        the same seed and order number."""
        rng = random.Random(f"{seed}:{number}")
        kinds = ("delivery", "purchase_price", "sale_price", "name", "part")
        changes = [
            (round(rng.uniform(1, 72), 2), rng.choice(kinds), rng.randint(1, lines))
            for _ in range(rng.randint(0, 3))
        ]
        return sorted(changes)

    def _advance(self, account_id: int, number: str | None = None) -> None:
        """Apply the scheduled changes whose time has come to this account's pending orders."""
        now = _now()
        with self._db(write=True) as db:
            seed = int(db.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone()[0])
            query = "SELECT * FROM orders WHERE account_id = ? AND status = ?"
            params: tuple[object, ...] = (account_id, PENDING)
            if number is not None:
                query += " AND number = ?"
                params += (number,)
            for order in db.execute(query, params).fetchall():
                lines = self._lines(db, order)
                plan = self.schedule(seed, order["number"], len(lines))
                created = dt.datetime.fromisoformat(order["created_at"])
                done = order["changes_applied"]
                for hours, kind, line in plan[done:]:
                    if created + dt.timedelta(hours=hours) > now:
                        break
                    rng = random.Random(f"{seed}:{order['number']}:{done}")
                    self._apply_scheduled(db, order, lines[line - 1], kind, rng)
                    done += 1
                    db.execute(
                        "UPDATE orders SET changes_applied = ? WHERE id = ?", (done, order["id"])
                    )

    def _apply_scheduled(
        self,
        db: sqlite3.Connection,
        order: sqlite3.Row,
        line: sqlite3.Row,
        kind: str,
        rng: random.Random,
    ) -> None:
        current = db.execute(
            "SELECT * FROM order_lines WHERE order_id = ? AND line = ?",
            (order["id"], line["line"]),
        ).fetchone()
        fresh = db.execute("SELECT * FROM orders WHERE id = ?", (order["id"],)).fetchone()
        if kind == "delivery":
            date = dt.date.fromisoformat(fresh["expected_delivery"])
            new = date + dt.timedelta(days=rng.choice((-1, 2, 3, 5, 8)))
            self._change(db, fresh, None, "expected_delivery", new.isoformat(), "schedule")
        elif kind in ("purchase_price", "sale_price"):
            old = current[f"{kind}_cents"]
            new_cents = max(1, round(old * (100 + rng.choice((-8, -5, 4, 7, 12))) / 100))
            self._change(db, fresh, current["line"], kind, new_cents, "schedule")
        elif kind == "name":
            self._change(
                db, fresh, current["line"], "name", current["name"] + " (RÉV.)", "schedule"
            )
        else:
            self._change(db, fresh, current["line"], "code", current["code"] + "N", "schedule")

    def change_order(
        self,
        number: str,
        *,
        line: int = 1,
        expected_delivery: dt.date | None = None,
        purchase_price_cents: int | None = None,
        sale_price_cents: int | None = None,
        code: str | None = None,
        name: str | None = None,
        status: str | None = None,
    ) -> dict[str, object]:
        """Make changes to an order now (``sav supplier change``); ``number`` is the
        platform's order number or the client's reference."""
        with self._db(write=True) as db:
            order = db.execute(
                "SELECT * FROM orders WHERE number = ? OR client_reference = ? ORDER BY id",
                (number, number),
            ).fetchone()
            if order is None:
                raise PlatformError(404, "unknown_order", f"no order {number}")
            exists = db.execute(
                "SELECT 1 FROM order_lines WHERE order_id = ? AND line = ?", (order["id"], line)
            ).fetchone()
            if exists is None:
                raise PlatformError(404, "unknown_line", f"order {number} has no line {line}")
            fields: list[tuple[int | None, str, int | str]] = []
            if expected_delivery is not None:
                fields.append((None, "expected_delivery", expected_delivery.isoformat()))
            if status is not None:
                if status not in STATUSES:
                    raise PlatformError(422, "bad_status", f"status must be one of {STATUSES}")
                fields.append((None, "status", status))
            for field, value in (
                ("purchase_price", purchase_price_cents),
                ("sale_price", sale_price_cents),
                ("code", code),
                ("name", name),
            ):
                if value is not None:
                    fields.append((line, field, value))
            for at_line, field, value in fields:
                order = db.execute("SELECT * FROM orders WHERE id = ?", (order["id"],)).fetchone()
                self._change(db, order, at_line, field, value, "command")
            order = db.execute("SELECT * FROM orders WHERE id = ?", (order["id"],)).fetchone()
            return self._order_dict(db, order)

    def _change(
        self,
        db: sqlite3.Connection,
        order: sqlite3.Row,
        line: int | None,
        field: str,
        value: object,
        source: str,
    ) -> None:
        now = _now().isoformat()
        if line is None:
            old = order[field]
            db.execute(f"UPDATE orders SET {field} = ? WHERE id = ?", (value, order["id"]))
        else:
            column = f"{field}_cents" if field.endswith("_price") else field
            row = db.execute(
                f"SELECT {column} FROM order_lines WHERE order_id = ? AND line = ?",
                (order["id"], line),
            ).fetchone()
            old = row[0]
            db.execute(
                f"UPDATE order_lines SET {column} = ? WHERE order_id = ? AND line = ?",
                (value, order["id"], line),
            )
            if field == "code":
                self._renumber(db, str(old), str(value))
        if str(old) == str(value):
            return
        db.execute(
            "UPDATE orders SET revision = revision + 1, updated_at = ? WHERE id = ?",
            (now, order["id"]),
        )
        db.execute(
            "INSERT INTO order_changes (order_id, line, field, old, new, at, source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (order["id"], line, field, str(old), str(value), now, source),
        )

    @staticmethod
    def _renumber(db: sqlite3.Connection, old: str, new: str) -> None:
        """The platform now sells ``old`` under the number ``new`` (its own supersession)."""
        if old == new:
            return
        if db.execute("SELECT 1 FROM parts WHERE code = ?", (new,)).fetchone() is None:
            db.execute(
                "INSERT INTO parts SELECT ?, name, stock, lead_time_days, purchase_price_cents, "
                "sale_price_cents, NULL FROM parts WHERE code = ?",
                (new, old),
            )
        db.execute("UPDATE parts SET replaced_by = ? WHERE code = ?", (new, old))

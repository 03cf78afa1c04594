"""Backend settings: from arguments, or the environment with the ``SAV_`` prefix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAV_", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///sav.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///path or postgresql+asyncpg://...",
    )
    token_ttl_hours: int = 12
    max_body_bytes: int = 1_000_000
    login_max_failures: int = 5
    login_failure_window_seconds: int = 900
    login_lockout_seconds: int = 300
    overdue_contact_hours: int = 48
    search_count_limit: int = Field(
        default=10_000,
        ge=1,
        description="a ticket search counts its matches up to this many, then says 10,000+",
    )
    demo: bool = Field(default=False, description="advertise the demo accounts on /health")
    sql_echo: bool = False
    smtp_host: str | None = Field(
        default=None, description="SMTP server for e-mailed logs; none: they go to the outbox"
    )
    smtp_port: int = 25
    smtp_from: str = "sav@localhost"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = 10.0
    outbox_dir: Path | None = Field(
        default=None,
        description="where e-mails go when there is no SMTP server (or it fails); default: "
        "an 'outbox' folder beside the SQLite database file, else in the working directory",
    )
    supplier_key: SecretStr | None = Field(
        default=None,
        description="Fernet key(s), comma-separated, newest first, encrypting the supplier "
        "accounts' secrets; default: a key file beside the SQLite database (none on PostgreSQL)",
    )
    suppliers: dict[str, str] = Field(
        default_factory=lambda: {"reference": "http://127.0.0.1:8765"},
        description="the suppliers sav may talk to: id -> its platform's URL",
    )
    supplier_platform_database: Path | None = Field(
        default=None,
        description="embedded mode: the supplier 'reference' is the reference platform, started "
        "on first use as its own process with this SQLite file (server/suppliers/launcher.py)",
    )
    supplier_timeout_seconds: float = Field(
        default=5.0, description="how long an availability check waits for each supplier"
    )
    supplier_sync_hours: float = Field(
        default=3.0,
        description="how often the orders pending at suppliers are checked for changes "
        "(hours; 0: only on Synchronise)",
    )
    supplier_sync_concurrency: int = Field(
        default=10, ge=1, le=100, description="supplier calls a sync makes at once"
    )
    supplier_sync_lease_seconds: float = Field(
        default=120.0,
        description="a sync run not heard of for this long is taken over by another process",
    )
    supplier_sync_tick_seconds: float = Field(
        default=60.0, description="how often each server process looks for a sync to run"
    )
    now: dt.datetime | None = Field(
        default=None,
        description="a fixed 'now' for every rule that reads the clock (tests only)",
    )

"""Backend settings: from arguments, or the environment with the ``SAV_`` prefix."""

from __future__ import annotations

import datetime as dt

from pydantic import Field
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
    demo: bool = Field(default=False, description="advertise the demo accounts on /health")
    sql_echo: bool = False
    now: dt.datetime | None = Field(
        default=None,
        description="a fixed 'now' for every rule that reads the clock (tests only)",
    )

"""GET /health: liveness, version and (in demo mode) the demo accounts to show on login."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from client.models import DemoAccount, Health, Role
from server import __version__
from server.deps import AppSettings, Session

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
async def health(session: Session, settings: AppSettings) -> Health:
    await session.execute(text("SELECT 1"))
    accounts: list[DemoAccount] = []
    if settings.demo:
        from server.demo_accounts import DEMO_ACCOUNTS

        accounts = [
            DemoAccount(username=u, password=p, role=Role(r), service_centre=c)
            for u, p, r, c in DEMO_ACCOUNTS
        ]
    backend = session.bind.dialect.name if session.bind else "unknown"
    return Health(status="ok", version=__version__, database=backend, demo_accounts=accounts)

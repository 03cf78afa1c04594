"""GET /dashboard: the home screen's figures."""

from __future__ import annotations

from fastapi import APIRouter

from client.models import Dashboard
from server.deps import AppSettings, CurrentUser, Now, Session
from server.services.dashboard import dashboard

router = APIRouter(tags=["home"])


@router.get("/dashboard", response_model=Dashboard)
async def get_dashboard(
    user: CurrentUser, session: Session, settings: AppSettings, now: Now
) -> Dashboard:
    return await dashboard(session, user, settings.overdue_contact_hours, now)

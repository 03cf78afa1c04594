"""GET /dashboard: the home screen's figures."""

from __future__ import annotations

from fastapi import APIRouter

from client.models import Dashboard
from server.deps import AppSettings, CurrentUser, Now, Session, read_only
from server.services.dashboard import dashboard, last_success_at

router = APIRouter(tags=["home"])


@router.get("/dashboard", response_model=Dashboard)
@read_only
async def get_dashboard(
    user: CurrentUser, session: Session, settings: AppSettings, now: Now
) -> Dashboard:
    figures = await dashboard(session, user, settings.overdue_contact_hours, now)
    if user.service_centre_id is None:
        return figures
    synced = await last_success_at(session, user.service_centre_id)
    return figures.model_copy(update={"supplier_sync_at": synced})

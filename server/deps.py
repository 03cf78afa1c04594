"""FastAPI dependencies: the database session, the settings and the signed-in user."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from server.db import models as db
from server.errors import Unauthorized
from server.i18n import _
from server.services.auth import user_for_token
from server.settings import Settings

_bearer = HTTPBearer(auto_error=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessions() as session:
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_now(request: Request) -> dt.datetime:
    """The time every rule of this request reads: one instant, from one clock."""
    settings: Settings = request.app.state.settings
    return settings.now or dt.datetime.now(dt.UTC)


Now = Annotated[dt.datetime, Depends(get_now)]


def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or not credentials.credentials:
        raise Unauthorized(_("not signed in"))
    return credentials.credentials


async def current_user(
    session: Annotated[AsyncSession, Depends(get_session)],
    token: Annotated[str, Depends(bearer_token)],
    now: Now,
) -> db.User:
    return await user_for_token(session, token, now)


Session = Annotated[AsyncSession, Depends(get_session)]
CurrentUser = Annotated[db.User, Depends(current_user)]
AppSettings = Annotated[Settings, Depends(get_settings)]
Token = Annotated[str, Depends(bearer_token)]

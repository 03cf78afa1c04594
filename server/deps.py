"""FastAPI dependencies: the database session, the settings and the signed-in user.

They are ``async def`` although none of them waits for anything: FastAPI runs a plain ``def``
dependency in a worker thread (a hand-off to the thread and back through the event loop,
for each one, on every request); these take microseconds and never block."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from server.db import models as db
from server.errors import Invalid, Unauthorized
from server.i18n import _
from server.services.auth import user_for_token
from server.settings import Settings

_bearer = HTTPBearer(auto_error=False)

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
_READ_ONLY: set[Callable[..., Any]] = set()


def read_only(endpoint: Endpoint) -> Endpoint:
    """Mark a route's function as one that only reads (below its ``@router.get``): its
    session, the token lookup's too, is ``server.db.session.read_session_factory``'s (on
    PostgreSQL no BEGIN / ROLLBACK round trips; a write through it raises)."""
    _READ_ONLY.add(endpoint)
    return endpoint


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    state = request.app.state
    route = request.scope.get("route")
    if getattr(route, "endpoint", None) in _READ_ONLY:
        sessions = getattr(state, "read_sessions", None) or state.sessions
    else:
        sessions = state.sessions
    async with sessions() as session:
        yield session


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_now(request: Request) -> dt.datetime:
    """The time every rule of this request reads: one instant, from one clock."""
    settings: Settings = request.app.state.settings
    return settings.now or dt.datetime.now(dt.UTC)


Now = Annotated[dt.datetime, Depends(get_now)]

MAX_ZONE_NAME = 64


@functools.cache
def zone_names() -> frozenset[str]:
    """The IANA zone names this server knows: the ``Time-Zone`` header takes one of them
    (the OpenAPI document lists them)."""
    return frozenset(zoneinfo.available_timezones())


async def reader_zone(
    time_zone: Annotated[
        str | None,
        Header(
            alias="Time-Zone",
            max_length=MAX_ZONE_NAME,
            description="the reader's time zone, an IANA name (Europe/Paris); UTC without",
        ),
    ] = None,
) -> dt.tzinfo:
    """The zone the reader's moments are shown in: the ``Time-Zone`` header (an IANA name,
    as GitHub's API takes it), else UTC. A name that is no zone is refused (422)."""
    if time_zone is None or not time_zone.strip():
        return dt.UTC
    name = time_zone.strip()
    try:
        if name not in zone_names():
            raise zoneinfo.ZoneInfoNotFoundError(name)
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid(
            _("unknown time zone {zone}").format(zone=name),
            fields={"Time-Zone": _("an IANA time zone name, e.g. Europe/Paris")},
        ) from None


ReaderZone = Annotated[dt.tzinfo, Depends(reader_zone)]


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or not credentials.credentials:
        raise Unauthorized(_("not signed in"))
    return credentials.credentials


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    return _token(credentials)


async def current_user(
    session: Annotated[AsyncSession, Depends(get_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    now: Now,
) -> db.User:
    """The token's user (``bearer_token``'s checks, without its own step in every request's
    dependencies: each one costs FastAPI some 15 µs of CPU to solve)."""
    return await user_for_token(session, _token(credentials), now)


Session = Annotated[AsyncSession, Depends(get_session)]
CurrentUser = Annotated[db.User, Depends(current_user)]
AppSettings = Annotated[Settings, Depends(get_settings)]
Token = Annotated[str, Depends(bearer_token)]

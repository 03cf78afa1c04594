"""Sign-in and sign-out, the signed-in user, the dashboard, the service centres."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from client import models as wire  # each model's module imported when first used
from client.api._base import ClientBase, _parse

if TYPE_CHECKING:
    from client.models import Dashboard, Health, Page, ServiceCentre, TokenResponse, User


class SessionApi(ClientBase):
    """The session's endpoints: health, login, logout, me, dashboard, centres."""

    async def health(self) -> Health:
        return await self._get("/health", wire.Health)

    async def login(self, username: str, password: str) -> TokenResponse:
        body = wire.LoginRequest(username=username, password=password)
        answer = await self._call("POST", "/auth/login", json=body.model_dump(), auth=False)
        result = _parse(answer, wire.TokenResponse)
        self._token = result.access_token
        return result

    async def logout(self) -> None:
        if self._token is None:
            return
        try:
            await self._call("POST", "/auth/logout", idempotent=True)
        finally:
            self._token = None

    async def me(self) -> User:
        return await self._get("/me", wire.User)

    async def dashboard(self) -> Dashboard:
        return await self._get("/dashboard", wire.Dashboard)

    async def service_centres(
        self, *, limit: int = 50, cursor: str | None = None
    ) -> Page[ServiceCentre]:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        answer = await self._call("GET", "/service-centres", params=params)
        return _parse(answer, wire.Page[wire.ServiceCentre])

    async def service_centre(self, centre_id: int) -> ServiceCentre:
        return await self._get(f"/service-centres/{centre_id}", wire.ServiceCentre)

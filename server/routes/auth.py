"""Sign in, sign out, and who am I."""

from __future__ import annotations

from fastapi import APIRouter, Response

from client.models import LoginRequest, TokenResponse, User
from server.deps import AppSettings, CurrentUser, Now, Session, Token, read_only
from server.services import auth, mapping

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=TokenResponse)
async def login(
    body: LoginRequest, session: Session, settings: AppSettings, now: Now
) -> TokenResponse:
    user = await auth.authenticate(session, body.username, body.password, settings, now)
    token, expires = await auth.issue_token(session, user, settings, now)
    return TokenResponse(access_token=token, expires_at=expires, user=mapping.user(user))


@router.post("/auth/logout", status_code=204)
async def logout(session: Session, token: Token, now: Now) -> Response:
    await auth.revoke_token(session, token, now)
    return Response(status_code=204)


@router.get("/me", response_model=User)
@read_only
async def me(user: CurrentUser) -> User:
    return mapping.user(user)

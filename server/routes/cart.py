"""The signed-in user's cart lines (the cart screen and checkout come with the cart issue)."""

from __future__ import annotations

from fastapi import APIRouter

from client.models import AddToCart, Cart, CartAdded, CartCount
from server.deps import CurrentUser, Now, Session
from server.services import cart

router = APIRouter(prefix="/cart", tags=["cart"])


@router.get("", response_model=Cart)
async def get_cart(user: CurrentUser, session: Session) -> Cart:
    return await cart.get(session, user)


@router.get("/count", response_model=CartCount)
async def count(user: CurrentUser, session: Session) -> CartCount:
    return CartCount(count=await cart.count(session, user))


@router.post("/lines", response_model=CartAdded, status_code=201)
async def add_line(body: AddToCart, user: CurrentUser, session: Session, now: Now) -> CartAdded:
    """Add a part; a superseded one is ordered as what it resolves to (both codes are kept)."""
    return await cart.add(session, user, body, now)


@router.delete("/lines/{line_id}", response_model=CartCount)
async def remove_line(line_id: int, user: CurrentUser, session: Session) -> CartCount:
    return await cart.remove(session, user, line_id)

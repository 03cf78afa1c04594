"""The signed-in user's cart: its lines, their ticket and note, the order note.

Every answer that shows the cart computes its amounts afresh and carries its fingerprint
(server.services.cart); the rules live there.
"""

from __future__ import annotations

from fastapi import APIRouter

from client.models import AddToCart, Cart, CartAdded, CartCount, CartLineUpdate, CartNoteUpdate
from client.models.base import IdParam
from server.deps import CurrentUser, Now, Session
from server.services import cart

router = APIRouter(prefix="/cart", tags=["cart"])


@router.get("", response_model=Cart)
async def get_cart(user: CurrentUser, session: Session, now: Now) -> Cart:
    return await cart.show(session, user, now)


@router.delete("", response_model=CartCount)
async def empty_cart(user: CurrentUser, session: Session) -> CartCount:
    """Remove every line and the order note."""
    return await cart.empty(session, user)


@router.get("/count", response_model=CartCount)
async def count(user: CurrentUser, session: Session) -> CartCount:
    return CartCount(count=await cart.count(session, user))


@router.put("/note", response_model=Cart)
async def set_note(body: CartNoteUpdate, user: CurrentUser, session: Session, now: Now) -> Cart:
    """The note for the whole order."""
    return await cart.set_note(session, user, body, now)


@router.post("/lines", response_model=CartAdded, status_code=201)
async def add_line(body: AddToCart, user: CurrentUser, session: Session, now: Now) -> CartAdded:
    """Add a part; a superseded one is ordered as what it resolves to (both codes are kept)."""
    return await cart.add(session, user, body, now)


@router.put("/lines/{line_id}", response_model=Cart)
async def update_line(
    line_id: IdParam, body: CartLineUpdate, user: CurrentUser, session: Session, now: Now
) -> Cart:
    """A line's quantity, tied ticket (one of the centre's open tickets, or none) and note;
    the whole cart with its new totals."""
    return await cart.update_line(session, user, line_id, body, now)


@router.delete("/lines/{line_id}", response_model=CartCount)
async def remove_line(line_id: IdParam, user: CurrentUser, session: Session) -> CartCount:
    return await cart.remove(session, user, line_id)

"""Shipping addresses of the signed-in user's centre (server.services.addresses)."""

from __future__ import annotations

from fastapi import APIRouter

from client.models import AddressBook, SaveAddressRequest, SavedAddress
from server.deps import CurrentUser, Session
from server.services import addresses

router = APIRouter(tags=["addresses"])


@router.get("/addresses", response_model=AddressBook)
async def get_addresses(user: CurrentUser, session: Session) -> AddressBook:
    """The default address, its blank required fields, the saved ones (403 for operators)."""
    return await addresses.book(session, user)


@router.post("/addresses", response_model=SavedAddress, status_code=201)
async def save_address(
    body: SaveAddressRequest, user: CurrentUser, session: Session
) -> SavedAddress:
    """Keep an address for the next orders; a label already used replaces that address."""
    return await addresses.save_request(session, user, body)

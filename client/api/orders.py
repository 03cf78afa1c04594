"""The cart, the addresses, checkout and the orders (their shipments and validation)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from client import models as wire  # each model's module imported when first used
from client.api._base import ClientBase, _body, _parse

if TYPE_CHECKING:
    from client.models import (
        AddressBook,
        AddToCart,
        Cart,
        CartAdded,
        CartLineUpdate,
        CartNoteUpdate,
        Order,
        OrderQuery,
        OrderSummary,
        OrderUpdate,
        Page,
        PlaceOrder,
        RecordShipment,
        SaveAddressRequest,
        SavedAddress,
        ValidationResult,
    )


class OrdersApi(ClientBase):
    """The cart, address book and order endpoints (``/cart``, ``/addresses``, ``/orders``)."""

    # ------------------------------------------------------------------ cart, addresses, checkout

    async def add_to_cart(self, request: AddToCart) -> CartAdded:
        body = request.model_dump(mode="json", exclude_none=True)
        return _parse(await self._call("POST", "/cart/lines", json=body), wire.CartAdded)

    async def cart(self) -> Cart:
        return await self._get("/cart", wire.Cart)

    async def cart_count(self) -> int:
        return (await self._get("/cart/count", wire.CartCount)).count

    async def remove_cart_line(self, line_id: int) -> int:
        answer = await self._call("DELETE", f"/cart/lines/{line_id}")
        return _parse(answer, wire.CartCount).count

    async def update_cart_line(self, line_id: int, body: CartLineUpdate) -> Cart:
        """Set a line's quantity, ticket and note; the whole cart with its new totals."""
        return _parse(
            await self._call("PUT", f"/cart/lines/{line_id}", json=_body(body)), wire.Cart
        )

    async def set_cart_note(self, body: CartNoteUpdate) -> Cart:
        return _parse(await self._call("PUT", "/cart/note", json=_body(body)), wire.Cart)

    async def empty_cart(self) -> int:
        """Remove every line (and the order note); the count, 0."""
        return _parse(await self._call("DELETE", "/cart"), wire.CartCount).count

    async def addresses(self) -> AddressBook:
        return await self._get("/addresses", wire.AddressBook)

    async def save_address(self, body: SaveAddressRequest) -> SavedAddress:
        return _parse(await self._call("POST", "/addresses", json=_body(body)), wire.SavedAddress)

    async def place_order(self, body: PlaceOrder, *, idempotency_key: str) -> Order:
        """Order the cart. ``idempotency_key`` is chosen once per confirmation and reused on
        every retry of it: however often this is sent, one order results."""
        answer = await self._call(
            "POST", "/orders", json=_body(body), headers={"Idempotency-Key": idempotency_key}
        )
        return _parse(answer, wire.Order)

    # ------------------------------------------------------------------ orders

    async def search_orders(
        self, query: OrderQuery, *, limit: int = 50, offset: int = 0
    ) -> Page[OrderSummary]:
        params: dict[str, Any] = {**query.params(), "limit": limit, "offset": offset}
        return _parse(
            await self._call("GET", "/orders", params=params), wire.Page[wire.OrderSummary]
        )

    async def order(self, order_id: int) -> Order:
        return await self._get(f"/orders/{order_id}", wire.Order)

    async def update_order(self, order_id: int, body: OrderUpdate, *, version: int) -> Order:
        answer = await self._call(
            "PUT", f"/orders/{order_id}", json=_body(body), headers={"If-Match": str(version)}
        )
        return _parse(answer, wire.Order)

    async def delete_order(self, order_id: int, *, version: int) -> Order:
        """Withdraw an order awaiting validation; the order, now cancelled."""
        answer = await self._call(
            "DELETE", f"/orders/{order_id}", headers={"If-Match": str(version)}
        )
        return _parse(answer, wire.Order)

    async def record_shipment(self, order_id: int, body: RecordShipment | None = None) -> Order:
        """Operators: what of the order was shipped (all of the rest without lines); tickets
        whose parts are now all shipped go back to confirmed."""
        answer = await self._call(
            "POST", f"/orders/{order_id}/shipments", json=_body(body or wire.RecordShipment())
        )
        return _parse(answer, wire.Order)

    async def validate_orders(self, order_ids: Sequence[int]) -> ValidationResult:
        body = wire.ValidateOrders(ids=list(order_ids))
        answer = await self._call("POST", "/orders/validate", json=_body(body))
        return _parse(answer, wire.ValidationResult)

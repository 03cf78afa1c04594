"""Outside suppliers: the sync of pending orders and its changes, the supplier orders,
the centre's accounts and the availability of parts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from client.api._base import SYNC_TIMEOUT, ClientBase, _body, _parse, _parse_list

if TYPE_CHECKING:
    from client.models.supplier_orders import (
        CreateSupplierOrder,
        SupplierOrder,
        SupplierOrderSummary,
    )
    from client.models.supplier_sync import DecisionResult, SupplierChanges, SyncSummary
    from client.models.suppliers import (
        SaveSupplierAccountRequest,
        Supplier,
        SupplierAccount,
        SupplierAvailability,
    )


class SuppliersApi(ClientBase):
    """The supplier endpoints (sync, supplier orders, accounts, availability)."""

    # ------------------------------------------------------------------ supplier sync

    async def synchronise_suppliers(self) -> SyncSummary:
        """Check every order of the centre pending at a supplier now; the changes found join
        the pending diff. The summary names the suppliers that did not answer."""
        from client.models.supplier_sync import SyncSummary

        return _parse(await self._call("POST", "/supplier-sync", wait=SYNC_TIMEOUT), SyncSummary)

    async def supplier_changes(self, *, limit: int = 5000, offset: int = 0) -> SupplierChanges:
        """The centre's pending supplier changes (``limit`` from ``offset``; ``total`` counts
        them all), and when the sync last succeeded."""
        from client.models.supplier_sync import SupplierChanges

        params = {"limit": limit, "offset": offset}
        answer = await self._call("GET", "/supplier-changes", params=params)
        return _parse(answer, SupplierChanges)

    async def apply_supplier_changes(
        self, ids: Sequence[int] = (), *, every: bool = False
    ) -> DecisionResult:
        """Apply these changes (``every``: all pending); a ConflictError when one of the
        named changes is on an order cancelled meanwhile: then nothing was applied."""
        from client.models.supplier_sync import ChangeDecision, DecisionResult

        body = ChangeDecision(ids=list(ids), all=every)
        return _parse(
            await self._call("POST", "/supplier-changes/apply", json=_body(body)), DecisionResult
        )

    async def dismiss_supplier_changes(
        self, ids: Sequence[int] = (), *, every: bool = False
    ) -> DecisionResult:
        from client.models.supplier_sync import ChangeDecision, DecisionResult

        body = ChangeDecision(ids=list(ids), all=every)
        return _parse(
            await self._call("POST", "/supplier-changes/dismiss", json=_body(body)),
            DecisionResult,
        )

    # ------------------------------------------------------------------ supplier orders

    async def supplier_orders(
        self, *, status: str | None = None, ticket_id: int | None = None
    ) -> list[SupplierOrderSummary]:
        """The centre's orders with outside suppliers, newest first."""
        from client.models.supplier_orders import SupplierOrderSummary, supplier_order_params

        params = supplier_order_params(status, ticket_id)
        answer = await self._call("GET", "/supplier-orders", params=params)
        return _parse_list(answer, SupplierOrderSummary)

    async def supplier_order(self, order_id: int) -> SupplierOrder:
        from client.models.supplier_orders import SupplierOrder

        return await self._get(f"/supplier-orders/{order_id}", SupplierOrder)

    async def create_supplier_order(self, body: CreateSupplierOrder) -> SupplierOrder:
        """Create order: a draft with the supplier (cart lines named leave the cart)."""
        from client.models.supplier_orders import SupplierOrder

        answer = await self._call("POST", "/supplier-orders", json=_body(body))
        return _parse(answer, SupplierOrder)

    async def send_supplier_order(
        self, order_id: int, *, confirm_to: str | None = None
    ) -> SupplierOrder:
        """Order: send the draft to the supplier. Safe to repeat (the supplier keeps one
        order per client reference; a sent order is answered as it is), hence retried."""
        from client.models.supplier_orders import SendSupplierOrder, SupplierOrder

        body = SendSupplierOrder(confirm_to=confirm_to or None)
        answer = await self._call(
            "POST", f"/supplier-orders/{order_id}/send", json=_body(body), idempotent=True
        )
        return _parse(answer, SupplierOrder)

    async def cancel_supplier_order(self, order_id: int) -> SupplierOrder:
        """Drop a draft."""
        from client.models.supplier_orders import SupplierOrder

        answer = await self._call("POST", f"/supplier-orders/{order_id}/cancel", idempotent=True)
        return _parse(answer, SupplierOrder)

    # ------------------------------------------------------------------ suppliers (availability)

    async def suppliers(self) -> list[Supplier]:
        """The suppliers the server is set up for (a centre may enter an account with each)."""
        from client.models.suppliers import Supplier

        return _parse_list(await self._call("GET", "/suppliers"), Supplier)

    async def supplier_accounts(self) -> list[SupplierAccount]:
        """The centre's supplier accounts, without their secrets."""
        from client.models.suppliers import SupplierAccount

        return _parse_list(await self._call("GET", "/supplier-accounts"), SupplierAccount)

    async def save_supplier_account(self, body: SaveSupplierAccountRequest) -> SupplierAccount:
        """Enter (or replace) the centre's account with a supplier (its manager): the server
        checks it with the supplier first; wrong credentials are a ``ValidationFailed`` naming
        the fields, a supplier down an ``UnavailableError``; nothing is kept then."""
        from client.models.suppliers import SupplierAccount

        payload = body.model_dump(mode="json")
        if body.secret is not None:
            payload["secret"] = body.secret.get_secret_value()
        answer = await self._call("POST", "/supplier-accounts", json=payload, idempotent=True)
        return _parse(answer, SupplierAccount)

    async def supplier_availability(
        self, codes: Sequence[str], *, supplier: str | None = None
    ) -> SupplierAvailability:
        """Stock, lead time and prices of ``codes`` at every supplier account of the centre
        (or only at ``supplier``), asked in parallel by the server; each supplier's
        ``status`` says whether it answered."""
        from client.models.suppliers import SupplierAvailability

        params = [("code", code) for code in codes]
        if supplier is not None:
            params.append(("supplier", supplier))
        answer = await self._call("GET", "/supplier-availability", params=params)  # type: ignore[arg-type]
        return _parse(answer, SupplierAvailability)

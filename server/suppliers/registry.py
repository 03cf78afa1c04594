"""The server's supplier clients, kept between requests (one per account and its version).

A client keeps its connections, its sign-in token and, above all, its memory that a supplier
did not answer: for its cooldown every request gets "no answer" at once instead of asking a
supplier that is down again (no tight loop of retries across users). A saved account has a
new version, hence a new client; the old one is closed (so does a supplier at a new URL).
Each server process has its own.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from server.suppliers.adapter import SupplierClient


class SupplierClients:
    def __init__(self) -> None:
        self._clients: dict[tuple[int, str], tuple[Hashable, SupplierClient]] = {}

    async def get(
        self,
        account_id: int,
        version: Hashable,
        supplier: str,
        make: Callable[[], SupplierClient],
    ) -> SupplierClient:
        key = (account_id, supplier)
        kept = self._clients.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]
        if kept is not None:
            await kept[1].aclose()
        client = make()
        self._clients[key] = (version, client)
        return client

    async def aclose(self) -> None:
        clients, self._clients = self._clients, {}
        for _, client in clients.values():
            await client.aclose()

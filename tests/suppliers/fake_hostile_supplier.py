"""A FAKE of an outside party: a tiny in-process ASGI app playing a supplier that misbehaves.

It is not our backend and not the reference platform: it stands for a supplier we do not
control, answering whatever ``mode`` says after a correct sign-in, to prove the adapter refuses
it. It counts the requests it gets, to show what is and is not retried.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

GOOD_ITEM = {
    "code": "870650447",
    "known": True,
    "replaced_by": None,
    "name": "BRULEUR SEMI-RAPIDE",
    "stock": 9,
    "lead_time_days": 2,
    "purchase_price_cents": 1560,
    "sale_price_cents": 2020,
}
GOOD_ORDER = {
    "number": "SO-000042",
    "client_reference": "R-1",
    "status": "pending",
    "created_at": "2026-12-01T10:00:00Z",
    "updated_at": "2026-12-01T10:00:00Z",
    "expected_delivery": "2026-12-04",
    "revision": 1,
    "lines": [
        {
            "line": 1,
            "code_requested": "870650447",
            "code": "870650447",
            "name": "BRULEUR SEMI-RAPIDE",
            "quantity": 1,
            "purchase_price_cents": 1560,
            "sale_price_cents": 2020,
        }
    ],
}


class FakeHostileSupplier:
    def __init__(self, mode: str = "good") -> None:
        self.mode = mode
        self.calls: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        path = scope["path"]
        self.calls[path] += 1
        if path == "/v1/sign-in":
            await self._json(
                send, 200, {"token": "fake-token-123", "expires_in": 60, "customer_id": "1"}
            )
            return
        mode = self.mode
        if mode == "timeout":
            await asyncio.sleep(30)
        elif mode == "500":
            await self._json(send, 500, {"code": "oops", "message": "internal error"})
        elif mode == "503-then-good":
            if self.calls[path] == 1:
                await self._json(send, 503, {})
            else:
                await self._json(send, *self._good(path))
        elif mode == "redirect":
            await send(
                {
                    "type": "http.response.start",
                    "status": 302,
                    "headers": [(b"location", b"http://elsewhere.invalid/steal")],
                }
            )
            await send({"type": "http.response.body", "body": b""})
        elif mode == "garbage":
            await self._raw(send, 200, b"<html>\x00\xff not json", b"application/json")
        elif mode == "html":
            await self._raw(send, 200, b"<html>hello</html>", b"text/html")
        elif mode == "huge":
            await self._raw(send, 200, b"[" + b"1," * 1_500_000 + b"1]", b"application/json")
        elif mode == "huge-undeclared":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            for _ in range(40):
                await send(
                    {"type": "http.response.body", "body": b" " * 100_000, "more_body": True}
                )
            await send({"type": "http.response.body", "body": b"{}"})
        else:
            status, body = self._good(path)
            if path == "/v1/availability":
                item = body["items"][0]
                if mode == "wrong-types":
                    item["stock"] = "plenty"
                elif mode == "negative-price":
                    item["purchase_price_cents"] = -500
                elif mode == "unknown-field":
                    item["discount_code"] = "x"
                elif mode == "other-codes":
                    item["code"] = "999999999"
                elif mode == "float-price":
                    item["sale_price_cents"] = 20.2
            await self._json(send, status, body)

    @staticmethod
    def _good(path: str) -> tuple[int, dict[str, Any]]:
        if path == "/v1/availability":
            return 200, {"items": [dict(GOOD_ITEM)]}
        if path == "/v1/orders":
            return 201, json.loads(json.dumps(GOOD_ORDER))
        return 200, {"orders": []}

    async def _json(self, send: Send, status: int, body: object) -> None:
        await self._raw(send, status, json.dumps(body).encode(), b"application/json")

    @staticmethod
    async def _raw(send: Send, status: int, body: bytes, kind: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

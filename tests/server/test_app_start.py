"""The embedded backend answers before every router is imported (``create_app(defer_routes=
True)``, ``server.app.LateRoutes``): the same routes in the end, matched in the same order,
and a request for one not loaded yet waits for it rather than finding nothing."""

from __future__ import annotations

import asyncio

import httpx

from server.app import create_app
from server.openapi import api_routes
from server.settings import Settings


def _routes(app: object) -> list[tuple[str, list[str]]]:
    return [(path, sorted(route.methods or ())) for path, route in api_routes(app)]  # type: ignore[arg-type]


async def test_deferred_routes_end_as_the_eager_ones_in_the_same_order(
    settings: Settings,
) -> None:
    eager = create_app(settings)
    deferred = create_app(settings, defer_routes=True)
    try:
        first = _routes(deferred)
        assert ("/health", ["GET"]) in first and ("/auth/login", ["POST"]) in first
        assert ("/dashboard", ["GET"]) in first
        assert len(first) < len(_routes(eager)) / 4
        await deferred.state.late_routes.load()
        assert _routes(deferred) == _routes(eager)
    finally:
        await eager.state.engine.dispose()
        await deferred.state.engine.dispose()


async def test_a_request_for_a_route_not_loaded_yet_waits_for_it(settings: Settings) -> None:
    app = create_app(settings, defer_routes=True)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            assert (await http.get("/health")).status_code == 200  # a first route: at once
            waiting = asyncio.create_task(http.get("/tickets"))
            openapi = asyncio.create_task(http.get("/openapi.json"))
            await asyncio.sleep(0.2)
            assert not waiting.done() and not openapi.done()  # neither a 404 nor half a schema
            await app.state.late_routes.load()
            assert (await waiting).status_code == 401  # routed: the ticket list wants a token
            paths = (await openapi).json()["paths"]
            assert "/tickets" in paths and "/health" in paths
    finally:
        await app.state.engine.dispose()

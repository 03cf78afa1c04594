"""The embedded backend answers before every router is imported (``create_app(defer_routes=
True)``, ``server.app.LateRoutes``): the same routes in the end, matched in the same order,
and a request for one not loaded yet waits for it rather than finding nothing."""

from __future__ import annotations

import asyncio

import httpx
import pytest

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


async def test_the_late_routes_wait_for_a_quiet_moment(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not from the end of the first request on: the client's next one (sign-in after
    ``/health``) comes at once, and would share the interpreter with an import."""
    import server.app

    monkeypatch.setattr(server.app, "QUIET", 1.0)  # wide margins on a loaded machine
    app = create_app(settings, defer_routes=True)
    late = app.state.late_routes
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            assert (await http.get("/health")).status_code == 200
            assert not late._idle.is_set()  # answered, but the next request may be on its way
            await asyncio.sleep(0.3)
            assert (await http.get("/health")).status_code == 200
            await asyncio.sleep(0.8)
            assert not late._idle.is_set()  # the second answer started the wait again
            await asyncio.wait_for(asyncio.to_thread(late._idle.wait), 5)
    finally:
        await app.state.engine.dispose()


async def test_the_embedded_backend_collects_garbage_again_once_the_routes_are_loaded(
    settings: Settings,
) -> None:
    """``server.embedded.main`` turns the collector off for the start-up; it is on again, and
    what the start-up made frozen, once the late routes are imported."""
    import gc

    from server.embedded import _collect_once_started

    app = create_app(settings, defer_routes=True)
    gc.disable()
    try:
        collecting = asyncio.create_task(_collect_once_started(app))
        await asyncio.sleep(0.05)
        assert not gc.isenabled()  # the routes are not all there yet
        await app.state.late_routes.load()
        await asyncio.wait_for(collecting, 5)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
        await app.state.engine.dispose()

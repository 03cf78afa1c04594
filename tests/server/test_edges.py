"""Issue 14, the edges: forged paging cursors, bodies over the limit sent chunked, a method
a path does not take. Each ends in a 4xx with our error body, and the server stays up."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
from sqlalchemy import delete

from server.app import create_app
from server.db.models import ServerSecret
from server.services import catalogue, paging, ticket_history
from server.settings import Settings
from tests.server.ticket_state import SEED_TICKET

BIG = 2**63
WHERE_USED = "/catalogue/parts/870650444/where-used"
HISTORY = f"/tickets/{SEED_TICKET}/history"


def _old_style(state: Any) -> str:
    """A cursor as this server used to give them: base64 JSON, not signed."""
    raw = json.dumps(state).encode()  # json writes inf as Infinity
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def _headers(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await http.post("/auth/login", json={"username": username, "password": "demo"})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _is_bad_cursor(answer: httpx.Response) -> bool:
    return answer.status_code == 422 and set(answer.json()["fields"]) == {"cursor"}


async def test_forged_or_foreign_cursors_are_a_422(http: httpx.AsyncClient, app: Any) -> None:
    operator = await _headers(http, "operator")
    forged = [
        ("/service-centres", {"after": "x"}),
        ("/service-centres", {"after": [1]}),
        ("/service-centres", {"after": BIG}),
        ("/catalogue/parts", {"offset": float("inf")}),
        ("/catalogue/parts", {"offset": 1e30}),
        ("/catalogue/parts", {"offset": BIG}),
        ("/catalogue/models", {"offset": -5}),
        (WHERE_USED, {"offset": 1e308}),
        (HISTORY, {"at": "2026-01-01T00:00:00+00:00", "id": BIG}),
        (HISTORY, {"at": "2026-01-01T00:00:00+00:00", "id": 1}),  # well-formed, not signed
    ]
    for path, state in forged:
        answer = await http.get(path, params={"cursor": _old_style(state)}, headers=operator)
        assert _is_bad_cursor(answer), (path, state, answer.status_code, answer.text)

    # cursors the server gave: they page, and each only on its own kind of list
    given = {}
    for path in ("/service-centres", "/catalogue/parts", WHERE_USED, HISTORY, "/catalogue/models"):
        page = (await http.get(path, params={"limit": 1}, headers=operator)).json()
        assert page["next_cursor"], path
        given[path] = page["next_cursor"]
        again = await http.get(path, params={"limit": 1, "cursor": given[path]}, headers=operator)
        assert again.status_code == 200 and again.json()["items"] != page["items"], path
    centres, parts = given["/service-centres"], given["/catalogue/parts"]
    payload, mac = centres.split(".")
    state = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    other = _old_style({**state, "after": state["after"] + 1})  # moved on, the old signature
    for path, cursor in [
        ("/service-centres", parts),  # a catalogue cursor on the centres
        (HISTORY, centres),
        (WHERE_USED, given[HISTORY]),
        ("/service-centres", f"{other}.{mac}"),
        ("/service-centres", f"{payload}.{'A' * len(mac)}"),
        ("/service-centres", f"{payload}=.{mac}"),
        ("/service-centres", centres + "A"),
        ("/service-centres", "."),
        ("/service-centres", "%%%"),
    ]:
        answer = await http.get(path, params={"cursor": cursor}, headers=operator)
        assert _is_bad_cursor(answer), (path, cursor, answer.status_code, answer.text)

    # signed with the server's key, yet a state the list cannot take: refused all the same
    async with app.state.sessions() as session:
        wrong = [
            (
                "/catalogue/parts",
                await paging.encode_cursor(session, catalogue._Offset.model_construct(offset=BIG)),
            ),
            (
                HISTORY,
                await paging.encode_cursor(
                    session,
                    ticket_history._After.model_construct(at=dt.datetime.now(dt.UTC), id=-1),
                ),
            ),
        ]
    for path, cursor in wrong:
        answer = await http.get(path, params={"cursor": cursor}, headers=operator)
        assert _is_bad_cursor(answer), (path, answer.status_code, answer.text)
    assert (await http.get("/health")).status_code == 200


async def test_offsets_out_of_range_are_a_422(http: httpx.AsyncClient) -> None:
    operator, manager = await _headers(http, "operator"), await _headers(http, "manager")
    for path, who in [
        ("/tickets", operator),
        ("/orders", operator),
        ("/invoicing", operator),
        ("/vouchers", operator),
        ("/supplier-changes", manager),
    ]:
        fine = await http.get(path, params={"offset": 2**31 - 1}, headers=who)
        assert fine.status_code == 200, (path, fine.text)
        for offset in (2**31, BIG, -1):
            answer = await http.get(path, params={"offset": offset}, headers=who)
            assert answer.status_code == 422, (path, offset, answer.status_code, answer.text)
            assert set(answer.json()["fields"]) == {"offset"}


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_a_chunked_body_over_the_limit_is_a_413(http: httpx.AsyncClient) -> None:
    """No Content-Length: the body is counted as it comes, and refused as with one."""
    tech = await _headers(http, "tech")
    json_type = {"Content-Type": "application/json"}
    big = [b"x" * 300_000] * 4
    cases: list[tuple[str, str, list[bytes], dict[str, str]]] = [
        ("POST", "/auth/login", [b'{"username":"tech","password":"', *big, b'"}'], json_type),
        ("PUT", "/cart/note", [b'{"note":"', *big, b'"}'], {**json_type, **tech}),
        ("POST", f"/tickets/{SEED_TICKET}/logs", [b"{", *big], {**json_type, **tech}),
        ("GET", "/health", big, {}),  # a route that reads no body
        ("POST", "/no-such-route", big, {"Content-Type": "text/plain"}),
        ("POST", "/auth/login", [b"x" * 1_000_001], json_type),  # one chunk, one byte over
    ]
    for method, path, parts, headers in cases:
        request = http.build_request(method, path, content=_chunks(*parts), headers=headers)
        assert "content-length" not in request.headers
        answer = await http.send(request)
        assert answer.status_code == 413, (method, path, answer.status_code, answer.text)
        assert answer.json()["code"] == "too_large", (method, path)
        assert "1000000" in answer.json()["message"]
    # under the limit, chunked, the request is read as usual
    body = json.dumps({"username": "tech", "password": "demo"}).encode()
    request = http.build_request(
        "POST", "/auth/login", content=_chunks(body[:10], body[10:]), headers=json_type
    )
    assert (await http.send(request)).status_code == 200
    request = http.build_request(
        "PUT", "/cart/note", content=_chunks(b'{"note":', b'"ok"}'), headers={**json_type, **tech}
    )
    assert (await http.send(request)).status_code == 200


async def test_a_method_a_path_does_not_take_is_a_405_naming_those_it_takes(
    http: httpx.AsyncClient,
) -> None:
    cases = {
        ("TRACE", "/health"): "GET",
        ("HEAD", "/health"): "GET",
        ("TRACE", f"/tickets/{SEED_TICKET}"): "GET",
        ("PUT", "/auth/login"): "POST",
        ("POST", "/cart"): "DELETE, GET",  # two routes on one path
        ("PATCH", "/cart/lines/1"): "DELETE, PUT",
        ("POST", "/openapi.json"): "GET, HEAD",
        # /orders/validate is not /orders/{order_id}: only its own method is named
        ("OPTIONS", "/orders/validate"): "POST",
        ("OPTIONS", "/orders/1.pdf"): "GET",
    }
    for (method, path), allow in cases.items():
        answer = await http.request(method, path)
        assert answer.status_code == 405, (method, path, answer.status_code)
        assert answer.headers.get("allow") == allow, (method, path, answer.headers)
        if method != "HEAD":
            assert answer.json()["code"] == "method_not_allowed"
        for listed in allow.split(", "):  # every method named is one the path takes
            assert (await http.request(listed, path)).status_code != 405, (listed, path)
    french = await http.request("TRACE", "/health", headers={"Accept-Language": "fr"})
    assert french.status_code == 405 and french.json()["message"] != "Method Not Allowed"


async def test_a_path_of_another_route_is_a_405_not_a_bad_id(http: httpx.AsyncClient) -> None:
    # PUT /orders/validate fits PUT /orders/{order_id}, but names POST /orders/validate
    tech = await _headers(http, "tech")
    for method, path, allow in (
        ("PUT", "/orders/validate", "POST"),
        ("PUT", "/orders/1.pdf", "GET"),
        ("DELETE", "/orders/1.pdf", "GET"),
    ):
        answer = await http.request(method, path, headers=tech)
        assert answer.status_code == 405, (method, path, answer.text)
        assert answer.headers.get("allow") == allow, (method, path, answer.headers)
    # an id that is no number, where no other route fits, is still a 422 naming it
    answer = await http.get("/tickets/abc", headers=tech)
    assert answer.status_code == 422 and "ticket_id" in answer.json()["fields"]
    # signed out is a 401 before anything about the query
    answer = await http.get("/reports/parts", params={"month": "1000-01"})
    assert answer.status_code == 401


async def test_a_cursor_pages_on_every_process_sharing_the_database(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    """The key is the database's: another process (another app on the same database) takes
    the cursors this one gave. A database without a key gets one on first use."""
    operator = await _headers(http, "operator")
    page = (await http.get("/service-centres", params={"limit": 1}, headers=operator)).json()
    expected = await http.get(
        "/service-centres", params={"cursor": page["next_cursor"]}, headers=operator
    )
    assert expected.status_code == 200

    async def on_another_process(cursor: str | None, forget_key: bool = False) -> httpx.Response:
        other = create_app(settings)
        try:
            if forget_key:
                async with other.state.sessions() as session:
                    await session.execute(delete(ServerSecret))
                    await session.commit()
            transport = httpx.ASGITransport(app=other)
            async with httpx.AsyncClient(transport=transport, base_url="http://other") as client:
                params: dict[str, Any] = {"cursor": cursor} if cursor else {"limit": 1}
                return await client.get("/service-centres", params=params, headers=operator)
        finally:
            await other.state.engine.dispose()

    answer = await on_another_process(page["next_cursor"])
    assert answer.status_code == 200 and answer.json() == expected.json()
    assert _is_bad_cursor(await on_another_process(page["next_cursor"], forget_key=True))
    first = await on_another_process(None)  # a new key was made and is used from now on
    assert first.status_code == 200 and first.json()["next_cursor"]
    assert (await on_another_process(first.json()["next_cursor"])).status_code == 200

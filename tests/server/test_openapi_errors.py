"""The OpenAPI document declares each route's errors with ``ErrorBody`` (issue 14), and a bug
answers a readable 500 whose log entry keeps no message."""

from __future__ import annotations

import logging

import httpx
import pytest

from server.app import create_app
from server.settings import Settings

_APP = create_app(Settings(database_url="sqlite+aiosqlite://"))
_SPEC = _APP.openapi()
ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}


def _operations() -> list[tuple[str, str, dict[str, object]]]:
    return [
        (method.upper(), path, operation)
        for path, item in _SPEC["paths"].items()
        for method, operation in item.items()
    ]


def test_every_error_answer_is_an_error_body() -> None:
    wrong = []
    for method, path, operation in _operations():
        responses: dict[str, dict[str, object]] = operation["responses"]  # type: ignore[assignment]
        for status, answer in responses.items():
            if status.startswith("4"):
                content = answer.get("content", {})
                schema = content.get("application/json", {}).get("schema")  # type: ignore[attr-defined]
                if schema != ERROR_BODY:
                    wrong.append(f"{method} {path} {status}")
    assert wrong == []
    assert "HTTPValidationError" not in _SPEC["components"]["schemas"]


def test_statuses_follow_what_the_route_is() -> None:
    declared = {
        (method, path): set(operation["responses"])  # type: ignore[call-overload]
        for method, path, operation in _operations()
    }
    assert {"401", "403", "404", "422"} <= declared["GET", "/tickets/{ticket_id}"]
    assert "409" not in declared["GET", "/tickets/{ticket_id}"]
    assert {"409", "412", "413", "428"} <= declared["PUT", "/orders/{order_id}"]
    assert {"409", "412", "413"} <= declared["POST", "/tickets/{ticket_id}/cancel"]
    assert "428" not in declared["POST", "/tickets/{ticket_id}/cancel"]  # If-Match optional
    assert {"401", "422", "429"} <= declared["POST", "/auth/login"]
    assert "403" not in declared["POST", "/auth/login"]
    assert {"428", "409"} <= declared["POST", "/orders"]
    assert declared["GET", "/health"] == {"200"}
    for (_method, path), statuses in declared.items():
        if path not in ("/health", "/auth/login"):
            assert "401" in statuses, path


def test_required_headers_and_patterns_are_declared() -> None:
    def header(method: str, path: str, name: str) -> dict[str, object]:
        parameters = _SPEC["paths"][path][method]["parameters"]
        return next(p for p in parameters if p["name"] == name)

    assert header("put", "/orders/{order_id}", "If-Match")["required"] is True
    assert header("post", "/tickets/{ticket_id}/cancel", "If-Match")["required"] is False
    assert "pattern" in header("post", "/tickets/{ticket_id}/cancel", "If-Match")["schema"]  # type: ignore[operator]
    assert header("post", "/orders", "Idempotency-Key")["required"] is True
    zone = header("get", "/tickets.csv", "Time-Zone")["schema"]
    assert zone == {"$ref": "#/components/schemas/TimeZoneName"}
    assert "Europe/Paris" in _SPEC["components"]["schemas"]["TimeZoneName"]["enum"]


@pytest.mark.parametrize("value", ["abc", "²", "1" * 12, "W/x"])
async def test_if_match_outside_the_pattern_is_422(value: str) -> None:
    from server.errors import Invalid
    from server.services.ticket_actions import parse_if_match

    with pytest.raises(Invalid):
        parse_if_match(value)
    assert parse_if_match(' W/"7" ') == 7 and parse_if_match("*") is None


async def test_a_bug_is_a_500_error_body_and_its_log_has_no_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(Settings(database_url="sqlite+aiosqlite://"))

    @app.get("/boom/{what}")
    async def boom(what: str) -> None:
        raise ValueError(f"customer 0611223344 {what}")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        with caplog.at_level(logging.INFO, logger="sav"):
            answer = await http.get("/boom/zoe@example.org?phone=0611223344")
            json = {"content-type": "application/json"}
            bad = await http.post("/supplier-accounts", content=b"9_b\xef\x01", headers=json)
    assert answer.status_code == 500
    assert answer.json()["code"] == "internal"
    assert bad.status_code == 422 and bad.json()["fields"] == {"body": "JSON decode error"}
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "builtins.ValueError" in logged and "GET /boom/{what} 500" in logged
    assert "0611223344" not in logged and "zoe" not in logged
    await app.state.engine.dispose()


def test_building_the_document_and_a_first_body_warns_of_nothing() -> None:
    """The deferred wire models made pydantic warn, once per process, that FastAPI's alias on
    a body has no effect (a false positive): ``sav serve`` printed it into its log. A fresh
    process with every warning shown builds the document and validates a first body."""
    import subprocess
    import sys

    script = (
        "from server.app import create_app\n"
        "from server.settings import Settings\n"
        "from fastapi.testclient import TestClient\n"
        "app = create_app(Settings(database_url='sqlite+aiosqlite://'))\n"
        "app.openapi()\n"
        "with TestClient(app) as http:\n"
        "    print(http.post('/auth/login', json={'username': 1}).status_code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "422", done.stdout  # the body was validated (no database)
    assert "UnsupportedFieldAttributeWarning" not in done.stderr, done.stderr

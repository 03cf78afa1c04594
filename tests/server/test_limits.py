"""Bounded bodies and pages, health, OpenAPI, and the error shape."""

from __future__ import annotations

import httpx


async def test_health_answers_with_database_and_demo_accounts(http: httpx.AsyncClient) -> None:
    body = (await http.get("/health")).json()
    assert body["status"] == "ok"
    assert body["database"] in ("sqlite", "postgresql")
    assert {a["username"] for a in body["demo_accounts"]} >= {
        "tech",
        "manager",
        "operator",
        "tech2",
    }


async def test_openapi_is_served(http: httpx.AsyncClient) -> None:
    spec = (await http.get("/openapi.json")).json()
    assert "/auth/login" in spec["paths"] and "/dashboard" in spec["paths"]


async def test_oversized_body_is_refused_before_reading(http: httpx.AsyncClient) -> None:
    big = "x" * 1_200_000
    answer = await http.post("/auth/login", json={"username": "tech", "password": big})
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large"


async def test_page_size_is_bounded(http: httpx.AsyncClient) -> None:
    token = (
        await http.post("/auth/login", json={"username": "operator", "password": "demo"})
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    answer = await http.get("/service-centres", params={"limit": 10_000}, headers=headers)
    assert answer.status_code == 422
    assert "limit" in answer.json()["fields"]
    page = (await http.get("/service-centres", params={"limit": 2}, headers=headers)).json()
    assert len(page["items"]) == 2 and page["total"] == 3 and page["next_cursor"]
    rest = (
        await http.get("/service-centres", params={"cursor": page["next_cursor"]}, headers=headers)
    ).json()
    assert [c["id"] for c in rest["items"]] and rest["next_cursor"] is None
    assert not {c["id"] for c in page["items"]} & {c["id"] for c in rest["items"]}


async def test_bad_input_names_the_field(http: httpx.AsyncClient) -> None:
    answer = await http.post("/auth/login", json={"username": "", "password": "x", "extra": 1})
    assert answer.status_code == 422
    fields = answer.json()["fields"]
    assert "username" in fields and "extra" in fields


async def test_a_bad_cursor_is_a_422(http: httpx.AsyncClient) -> None:
    token = (await http.post("/auth/login", json={"username": "tech", "password": "demo"})).json()[
        "access_token"
    ]
    answer = await http.get(
        "/service-centres", params={"cursor": "%%%"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 422 and "cursor" in answer.json()["fields"]

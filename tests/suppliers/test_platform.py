"""The reference supplier platform, spoken to over HTTP as its own process."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest

from server.demo.data import FIXED_PARTS, SEED_AP64_LINES
from server.suppliers.cli import contract
from server.suppliers.platform.catalogue import PARTS
from server.suppliers.platform.store import Store
from tests.suppliers.conftest import RunningPlatform

CONTRACT = Path(__file__).resolve().parents[2] / "server/suppliers/contract/openapi.json"


def _sign_in(platform: RunningPlatform, **body: str) -> httpx.Response:
    return httpx.post(f"{platform.url}/v1/sign-in", json=body, timeout=5)


def _headers(platform: RunningPlatform) -> dict[str, str]:
    token = _sign_in(platform, user_name="demo", customer_id="100200").json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_the_running_platform_serves_exactly_the_committed_contract(
    supplier_platform: RunningPlatform,
) -> None:
    committed = json.loads(CONTRACT.read_text())
    served = httpx.get(f"{supplier_platform.url}/openapi.json", timeout=5).json()
    assert served == committed, (
        "the API changed: if on purpose, rewrite the contract: python -m server.suppliers.cli"
    )
    assert contract() == committed


def test_its_parts_are_codes_of_the_demo_catalogue() -> None:
    demo_codes = set(FIXED_PARTS) | {line[1] for line in SEED_AP64_LINES}
    assert {p.code for p in PARTS} <= demo_codes
    assert {p.replaced_by for p in PARTS if p.replaced_by} <= demo_codes


@pytest.mark.parametrize(
    "body",
    [
        {"user_name": "demo", "customer_id": "999999"},
        {"user_name": "nobody", "customer_id": "100200"},
        {"user_name": "atelier", "customer_id": "100300"},  # this account needs its secret
        {"user_name": "atelier", "customer_id": "100300", "secret": "wrong"},
    ],
)
def test_wrong_credentials_are_refused(supplier_platform: RunningPlatform, body: dict) -> None:
    answer = _sign_in(supplier_platform, **body)
    assert answer.status_code == 401
    assert answer.json()["code"] == "wrong_credentials"


def test_right_credentials_give_a_token_that_opens_the_api(
    supplier_platform: RunningPlatform,
) -> None:
    answer = _sign_in(
        supplier_platform, user_name="atelier", customer_id="100300", secret="demo-secret"
    )
    assert answer.status_code == 200
    token = answer.json()["token"]
    url = f"{supplier_platform.url}/v1/orders"
    assert httpx.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer forged"}).status_code == 401


def test_availability_follows_the_platforms_own_supersessions(
    supplier_platform: RunningPlatform,
) -> None:
    answer = httpx.get(
        f"{supplier_platform.url}/v1/availability",
        params=[("code", "870650222"), ("code", "870650447"), ("code", "NOPE")],
        headers=_headers(supplier_platform),
    )
    assert answer.status_code == 200
    old, semi, unknown = answer.json()["items"]
    assert (old["known"], old["replaced_by"], old["stock"]) == (True, "870650444", 12)
    assert (semi["stock"], semi["lead_time_days"], semi["purchase_price_cents"]) == (9, 2, 1560)
    assert semi["sale_price_cents"] == 2020 and semi["replaced_by"] is None
    assert unknown == {**unknown, "known": False, "stock": None}


def test_an_order_made_twice_with_one_reference_is_one_order(
    supplier_platform: RunningPlatform, reference: str
) -> None:
    headers = _headers(supplier_platform)
    body = {"client_reference": reference, "lines": [{"code": "870650222", "quantity": 2}]}
    first = httpx.post(f"{supplier_platform.url}/v1/orders", json=body, headers=headers)
    second = httpx.post(f"{supplier_platform.url}/v1/orders", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["number"] == second.json()["number"]
    line = first.json()["lines"][0]
    assert (line["code_requested"], line["code"], line["quantity"]) == ("870650222", "870650444", 2)
    pending = httpx.get(f"{supplier_platform.url}/v1/orders", headers=headers).json()["orders"]
    assert [o["client_reference"] for o in pending].count(reference) == 1
    other = {**body, "lines": [{"code": "870650447", "quantity": 1}]}
    reused = httpx.post(f"{supplier_platform.url}/v1/orders", json=other, headers=headers)
    assert reused.status_code == 409 and reused.json()["code"] == "reference_reused"


def test_an_order_with_an_unknown_code_is_refused_whole(
    supplier_platform: RunningPlatform, reference: str
) -> None:
    headers = _headers(supplier_platform)
    body = {
        "client_reference": reference,
        "lines": [{"code": "870650447", "quantity": 1}, {"code": "NOPE", "quantity": 1}],
    }
    answer = httpx.post(f"{supplier_platform.url}/v1/orders", json=body, headers=headers)
    assert answer.status_code == 422 and "NOPE" in answer.json()["message"]
    pending = httpx.get(f"{supplier_platform.url}/v1/orders", headers=headers).json()["orders"]
    assert reference not in [o["client_reference"] for o in pending]


def test_sav_supplier_change_shows_in_the_pending_list(
    supplier_platform: RunningPlatform, reference: str
) -> None:
    headers = _headers(supplier_platform)
    body = {"client_reference": reference, "lines": [{"code": "870650447", "quantity": 2}]}
    order = httpx.post(f"{supplier_platform.url}/v1/orders", json=body, headers=headers).json()
    done = supplier_platform.sav(
        "change", order["number"], "--delivery", "2031-02-03", "--price", "17.25", "--part", "X1"
    )
    assert done.returncode == 0, done.stderr
    pending = httpx.get(f"{supplier_platform.url}/v1/orders", headers=headers).json()["orders"]
    (now,) = [o for o in pending if o["number"] == order["number"]]
    assert now["expected_delivery"] == "2031-02-03"
    assert (now["lines"][0]["code"], now["lines"][0]["purchase_price_cents"]) == ("X1", 1725)
    assert now["revision"] == order["revision"] + 3
    # cancelled by the supplier: no longer pending, still readable
    assert supplier_platform.sav("change", reference, "--status", "cancelled").returncode == 0
    pending = httpx.get(f"{supplier_platform.url}/v1/orders", headers=headers).json()["orders"]
    assert order["number"] not in [o["number"] for o in pending]
    one = httpx.get(f"{supplier_platform.url}/v1/orders/{order['number']}", headers=headers)
    assert one.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("SO-999999", "--delivery", "2031-01-01"), "no order SO-999999"),
        (("SO-000001", "--delivery", "tomorrow"), "--delivery must be a date"),
        (("SO-000001", "--price", "-3"), "--price must be a positive amount"),
        (("SO-000001",), "say what changes"),
    ],
)
def test_sav_supplier_change_says_what_is_wrong(
    supplier_platform: RunningPlatform, args: tuple[str, ...], message: str
) -> None:
    done = supplier_platform.sav("change", *args)
    assert done.returncode != 0 and message in done.stderr


def test_the_changes_over_time_are_the_same_for_the_same_seed() -> None:
    plans = [Store.schedule(7, f"SO-{n:06d}", 3) for n in range(1, 40)]
    assert plans == [Store.schedule(7, f"SO-{n:06d}", 3) for n in range(1, 40)]
    assert plans != [Store.schedule(8, f"SO-{n:06d}", 3) for n in range(1, 40)]
    kinds = {kind for plan in plans for _, kind, _ in plan}
    assert kinds == {"delivery", "purchase_price", "sale_price", "name", "part"}


def test_scheduled_changes_apply_once_their_time_has_come(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.db")
    store.initialise(seed=7)
    account = store.account_for(store.sign_in("demo", "100200", None))
    number = next(f"SO-{n:06d}" for n in range(1, 100) if Store.schedule(7, f"SO-{n:06d}", 1))
    for n in range(int(number[3:])):
        order, _ = store.create_order(account, f"R{n}", [("870650447", 1)])
    assert order["number"] == number and order["revision"] == 1
    plan = Store.schedule(7, number, 1)
    # three days later every change of the plan has come, once
    with store._db(write=True) as db:
        past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=73)).replace(microsecond=0)
        db.execute("UPDATE orders SET created_at = ? WHERE number = ?", (past.isoformat(), number))
    first = store.get_order(account, number)
    assert first["revision"] == 1 + len(plan)
    assert store.get_order(account, number) == first

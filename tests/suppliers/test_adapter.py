"""The adapter against the reference platform (its own process) and against a hostile fake."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from server.suppliers.adapter import (
    HttpSupplierClient,
    RetryPolicy,
    SupplierAuthError,
    SupplierBadAnswer,
    SupplierClient,
    SupplierCredentials,
    SupplierRefused,
    SupplierTimeout,
    SupplierUnavailable,
)
from server.suppliers.models import (
    OrderLineRequest,
    PartAvailability,
    SignInAnswer,
    SupplierOrder,
    SupplierOrderLine,
)
from tests.suppliers.conftest import RunningPlatform
from tests.suppliers.fake_hostile_supplier import FakeHostileSupplier

CONTRACT = json.loads(
    (Path(__file__).resolve().parents[2] / "server/suppliers/contract/openapi.json").read_text()
)
DEMO = SupplierCredentials("demo", "100200")
FAST = RetryPolicy(attempts=3, timeout=5, wait_initial=0.01, wait_max=0.02, wait_jitter=0)
SHORT = httpx.Timeout(0.5)


def _client(
    platform: RunningPlatform, credentials: SupplierCredentials = DEMO
) -> HttpSupplierClient:
    return HttpSupplierClient("Reference", platform.url, credentials, timeout=SHORT, retry=FAST)


@pytest.mark.parametrize(
    ("model", "schema"),
    [
        (SignInAnswer, "Token"),
        (PartAvailability, "Availability"),
        (SupplierOrder, "Order"),
        (SupplierOrderLine, "OrderLine"),
    ],
)
def test_the_adapters_models_have_the_contracts_fields(model: type, schema: str) -> None:
    properties = CONTRACT["components"]["schemas"][schema]["properties"]
    assert set(model.model_fields) == set(properties)


async def test_right_and_wrong_accounts(
    supplier_platform: RunningPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with _client(supplier_platform) as client:
        assert isinstance(client, SupplierClient)
        await client.check_credentials()
    secret = SupplierCredentials("atelier", "100300", "demo-secret")
    async with _client(supplier_platform, secret) as client:
        await client.check_credentials()
    wrong = SupplierCredentials("atelier", "100300", "hunter2-wrong")
    async with _client(supplier_platform, wrong) as client:
        with pytest.raises(SupplierAuthError) as caught:
            await client.check_credentials()
    assert "hunter2" not in str(caught.value) and "hunter2" not in repr(wrong)
    assert "hunter2" not in caplog.text and "demo-secret" not in caplog.text
    assert "wrong user name, customer id or secret" in str(caught.value)


async def test_availability_through_the_adapter(supplier_platform: RunningPlatform) -> None:
    async with _client(supplier_platform) as client:
        old, semi, unknown = await client.availability(["870650222", "870650447", "NOPE"])
    assert (old.replaced_by, old.stock, old.purchase_price_cents) == ("870650444", 12, 1390)
    assert (semi.stock, semi.lead_time_days, semi.sale_price_cents) == (9, 2, 2020)
    assert not unknown.known and unknown.stock is None


async def test_order_creation_is_idempotent_on_the_reference(
    supplier_platform: RunningPlatform, reference: str
) -> None:
    lines = [OrderLineRequest(code="870650221", quantity=1)]
    async with _client(supplier_platform) as client:
        first = await client.create_order(reference, lines)
        again = await client.create_order(reference, lines)
        pending = await client.pending_orders()
        read = await client.get_order(first.number)
    assert first == again == read
    assert [o.client_reference for o in pending].count(reference) == 1
    assert (first.lines[0].code_requested, first.lines[0].code) == ("870650221", "870650446")
    with pytest.raises(SupplierRefused) as caught:
        async with _client(supplier_platform) as client:
            await client.create_order(reference, [OrderLineRequest(code="870650447", quantity=3)])
    assert caught.value.code == "reference_reused"


async def test_a_change_made_by_the_supplier_is_seen(
    supplier_platform: RunningPlatform, reference: str
) -> None:
    async with _client(supplier_platform) as client:
        order = await client.create_order(
            reference, [OrderLineRequest(code="870650444", quantity=1)]
        )
        done = supplier_platform.sav("change", order.number, "--delivery", "2030-05-06")
        assert done.returncode == 0, done.stderr
        (now,) = [o for o in await client.pending_orders() if o.number == order.number]
    assert str(now.expected_delivery) == "2030-05-06" and now.revision == order.revision + 1


async def test_an_unknown_order_is_a_refusal(supplier_platform: RunningPlatform) -> None:
    async with _client(supplier_platform) as client:
        with pytest.raises(SupplierRefused) as caught:
            await client.get_order("SO-../../admin")
    assert caught.value.code in ("unknown_order", "http_404")


async def test_a_supplier_that_is_not_running_is_unavailable() -> None:
    client = HttpSupplierClient("Closed", "http://127.0.0.1:9", DEMO, timeout=SHORT, retry=FAST)
    async with client:
        with pytest.raises(SupplierUnavailable, match="could not be reached"):
            await client.availability(["870650447"])


# --- the hostile fake -------------------------------------------------------------------------
def _fake(mode: str, **options: object) -> tuple[HttpSupplierClient, FakeHostileSupplier]:
    fake = FakeHostileSupplier(mode)
    options = {"timeout": SHORT, "retry": FAST, **options}
    client = HttpSupplierClient(
        "Fake",
        "http://fake-supplier.test",
        DEMO,
        transport=httpx.ASGITransport(app=fake),
        **options,  # type: ignore[arg-type]
    )
    return client, fake


async def test_the_fake_answers_well_when_told_to() -> None:
    client, _ = _fake("good")
    async with client:
        (item,) = await client.availability(["870650447"])
    assert item.stock == 9


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("garbage", "Invalid JSON"),
        ("html", "not JSON (text/html)"),
        ("wrong-types", "items.0.stock"),
        ("negative-price", "items.0.purchase_price_cents"),
        ("float-price", "items.0.sale_price_cents"),
        ("unknown-field", "discount_code"),
        ("other-codes", "not about the codes asked"),
        ("huge", "too large"),
        ("huge-undeclared", "larger than"),
        ("redirect", "redirect (302), not followed"),
    ],
)
async def test_a_hostile_answer_is_refused_logged_and_not_retried(
    mode: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    client, fake = _fake(mode, max_body=1_000_000)
    async with client:
        with caplog.at_level(logging.WARNING, logger="sav.suppliers"):
            with pytest.raises(SupplierBadAnswer) as caught:
                await client.availability(["870650447"])
    assert reason in str(caught.value)
    assert fake.calls["/v1/availability"] == 1  # a bad answer is not asked for again
    assert reason in caplog.text
    assert "elsewhere.invalid" not in str(fake.calls)  # the redirect was not followed


async def test_a_500_is_retried_with_backoff_then_reported_and_not_hammered() -> None:
    client, fake = _fake("500")
    async with client:
        with pytest.raises(SupplierUnavailable, match="HTTP 500"):
            await client.availability(["870650447"])
        assert fake.calls["/v1/availability"] == FAST.attempts
        with pytest.raises(SupplierUnavailable, match="not asked again"):
            await client.availability(["870650447"])
        assert fake.calls["/v1/availability"] == FAST.attempts  # the cooldown held it back


async def test_a_passing_failure_is_absorbed_by_the_retry() -> None:
    client, fake = _fake("503-then-good")
    async with client:
        order = await client.create_order("R-1", [OrderLineRequest(code="870650447", quantity=1)])
    assert order.number == "SO-000042" and fake.calls["/v1/orders"] == 2


async def test_a_supplier_that_does_not_answer_times_out() -> None:
    client, fake = _fake(
        "timeout",
        deadline=0.2,
        retry=RetryPolicy(attempts=2, wait_initial=0.01, wait_max=0.01, wait_jitter=0),
    )
    async with client:
        with pytest.raises(SupplierTimeout, match=r"no answer within 0\.2 s"):
            await client.pending_orders()
    assert fake.calls["/v1/orders"] == 2

"""SavClient's supplier order methods against the real app and the platform as its own
process: choose among the centre's suppliers, create, review, send (twice: one order),
list by ticket; refusals reach the caller as typed errors with their field."""

from __future__ import annotations

from typing import Any

import pytest

from client.api import ForbiddenError, UnavailableError, ValidationFailed
from client.models.supplier_orders import CreateSupplierOrder, SupplierOrderLineInput
from client.models.suppliers import SaveSupplierAccountRequest
from tests.server.order_helpers import set_ticket_status

TICKET = 116496


async def test_choose_create_review_send_and_list(signed_in: Any, database_url: str) -> None:
    manager = await signed_in("manager")
    tech = await signed_in("tech")
    assert await tech.supplier_accounts() == []
    with pytest.raises(ValidationFailed) as refused:
        await tech.create_supplier_order(
            CreateSupplierOrder(
                supplier="reference", lines=[SupplierOrderLineInput(code="870650447")]
            )
        )
    assert "supplier" in refused.value.fields
    await manager._call(
        "POST",
        "/supplier-accounts",
        json=SaveSupplierAccountRequest(
            supplier="reference", user_name="demo", customer_id="100200"
        ).model_dump(mode="json"),
    )
    (account,) = await tech.supplier_accounts()
    await set_ticket_status(database_url, TICKET, "confirmed")
    draft = await tech.create_supplier_order(
        CreateSupplierOrder(
            supplier=account.supplier,
            lines=[SupplierOrderLineInput(code="870650447", quantity=1, ticket_id=TICKET)],
        )
    )
    assert draft.status == "draft" and draft.tickets == [TICKET]
    assert (await tech.supplier_order(draft.id)) == draft
    sent = await tech.send_supplier_order(draft.id)
    again = await tech.send_supplier_order(draft.id)
    assert sent.status == "sent" and again.supplier_order_number == sent.supplier_order_number
    (listed,) = await tech.supplier_orders(ticket_id=TICKET)
    assert (listed.id, listed.status, listed.line_count) == (draft.id, "sent", 1)
    assert await tech.supplier_orders(status="draft") == []
    operator = await signed_in("operator")
    with pytest.raises(ForbiddenError):
        await operator.supplier_orders()


async def test_a_supplier_that_does_not_answer_is_an_unavailable_error(
    signed_in: Any, database_url: str
) -> None:
    from tests.suppliers.test_orders import _closed_account

    await _closed_account(database_url)
    tech = await signed_in("tech")
    draft = await tech.create_supplier_order(
        CreateSupplierOrder(supplier="closed", lines=[SupplierOrderLineInput(code="870650447")])
    )
    with pytest.raises(UnavailableError) as down:
        await tech.send_supplier_order(draft.id)
    assert "draft" in down.value.message
    assert (await tech.supplier_order(draft.id)).status == "draft"
    assert (await tech.cancel_supplier_order(draft.id)).status == "cancelled"

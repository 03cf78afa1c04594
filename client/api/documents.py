"""Documents: the PDFs (intervention report, voucher, order) and e-mailing the report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from client import models as wire  # each model's module imported when first used
from client.api._base import ClientBase, _body, _parse

if TYPE_CHECKING:
    from client.models import ReportEmailed


class DocumentsApi(ClientBase):
    """The PDF documents and the e-mailed intervention report."""

    async def intervention_pdf(self, ticket_id: int) -> bytes:
        """The intervention report as a PDF, in the client's language."""
        return await self._bytes(f"/tickets/{ticket_id}/intervention.pdf")

    async def voucher_pdf(self, voucher_id: int) -> bytes:
        """The payment voucher as a PDF, every intervention on it."""
        return await self._bytes(f"/vouchers/{voucher_id}.pdf")

    async def order_pdf(self, order_id: int) -> bytes:
        """The order as a PDF."""
        return await self._bytes(f"/orders/{order_id}.pdf")

    async def email_intervention(
        self, ticket_id: int, *, to: str | None = None, idempotency_key: str
    ) -> ReportEmailed:
        """E-mail the intervention report (its PDF attached) to ``to``, else the customer;
        ``idempotency_key`` is chosen once per sending and reused on its retries."""
        answer = await self._call(
            "POST",
            f"/tickets/{ticket_id}/intervention/email",
            json=_body(wire.ReportEmailRequest(to=to)),
            headers={"Idempotency-Key": idempotency_key},
        )
        return _parse(answer, wire.ReportEmailed)

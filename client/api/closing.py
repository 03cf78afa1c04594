"""Closing: the ticket's intervention form, its totals, its save and close."""

from __future__ import annotations

from typing import TYPE_CHECKING

from client import models as wire  # each model's module imported when first used
from client.api._base import ClientBase, _body, _parse

if TYPE_CHECKING:
    from client.models import Closing, InterventionForm, InterventionTotals


class ClosingApi(ClientBase):
    """The intervention endpoints (``/tickets/{id}/intervention``, ``close``)."""

    async def intervention(self, ticket_id: int) -> Closing:
        """The ticket's intervention: its draft or closing, or a new form prefilled (the
        centre's fixed rate), with the coded lists, the parts ordered and the figures. What
        the operator sees to verify it."""
        return await self._get(f"/tickets/{ticket_id}/intervention", wire.Closing)

    async def intervention_totals(
        self, ticket_id: int, form: InterventionForm
    ) -> InterventionTotals:
        """The server's net, VAT and final price for the form as it stands (writes nothing;
        a wrong field is a ``ValidationFailed`` naming it)."""
        answer = await self._call(
            "POST", f"/tickets/{ticket_id}/intervention/totals", json=_body(form), idempotent=True
        )
        return _parse(answer, wire.InterventionTotals)

    async def save_intervention(
        self, ticket_id: int, form: InterventionForm, *, version: int | None = None
    ) -> Closing:
        """Update intervention: save the form as a draft (the ticket keeps its status). With
        ``version`` (the intervention's, 0 before the first save), a save by someone else
        meanwhile is refused (``ConflictError.stale``)."""
        headers = {"If-Match": str(version)} if version is not None else {}
        answer = await self._call(
            "PUT", f"/tickets/{ticket_id}/intervention", json=_body(form), headers=headers
        )
        return _parse(answer, wire.Closing)

    async def close_intervention(
        self, ticket_id: int, form: InterventionForm, *, ticket_version: int | None = None
    ) -> Closing:
        """Save and close: the ticket becomes closed, the amounts are frozen."""
        headers = {"If-Match": str(ticket_version)} if ticket_version is not None else {}
        answer = await self._call(
            "POST", f"/tickets/{ticket_id}/close", json=_body(form), headers=headers
        )
        return _parse(answer, wire.Closing)

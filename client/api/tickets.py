"""Tickets: reading, searching, exporting, history, status actions, new tickets."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from client import models as wire  # each model's module imported when first used
from client.api._base import ClientBase, _body, _parse, _parse_list

if TYPE_CHECKING:
    from client.models import (
        AddLogRequest,
        ApplianceUpdate,
        AssignRequest,
        ContactedRequest,
        CsvFormat,
        HistoryEntry,
        MotivationRequest,
        NewTicket,
        NoteRequest,
        Page,
        RescheduleRequest,
        Ticket,
        TicketAction,
        TicketGroup,
        TicketQuery,
        TicketSummary,
        UnreachableRequest,
    )


class TicketsApi(ClientBase):
    """The ticket endpoints (``/tickets``, ``/ticket-groups``)."""

    async def ticket(self, ticket_id: int) -> Ticket:
        return await self._get(f"/tickets/{ticket_id}", wire.Ticket)

    async def ticket_group(self, group_id: int) -> TicketGroup:
        return await self._get(f"/ticket-groups/{group_id}", wire.TicketGroup)

    async def search_tickets(
        self, query: TicketQuery, *, limit: int = 50, offset: int = 0
    ) -> Page[TicketSummary]:
        """One page of the tickets matching ``query``, from position ``offset`` of the result."""
        params: dict[str, Any] = {**query.params(), "limit": limit, "offset": offset}
        answer = await self._call("GET", "/tickets", params=params)
        return _parse(answer, wire.Page[wire.TicketSummary])

    async def export_tickets(
        self,
        query: TicketQuery,
        target: Path,
        *,
        csv_format: CsvFormat = wire.CsvFormat.SPREADSHEET,
    ) -> int:
        """Stream every ticket matching ``query`` as CSV into ``target``; the rows written.

        ``spreadsheet``: in the client's language, as a spreadsheet there opens it (``;``
        and a BOM in French and Italian, names and dates in the language and zone);
        ``machine``: codes, ``,`` and ISO 8601 UTC, for programs. The file is written next
        to ``target`` and renamed when complete, so a failed export never leaves half a file
        under the name given; one the server or the network cut short raises
        :class:`IncompleteDownload`.
        """
        params = {**query.params(), "format": csv_format.value}
        lines = await self._download("/tickets.csv", params, target)
        return max(lines - 1, 0)  # the header line is not a ticket

    async def ticket_history(
        self, ticket_id: int, *, limit: int = 200, cursor: str | None = None
    ) -> Page[HistoryEntry]:
        """The ticket's history, newest first."""
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        answer = await self._call("GET", f"/tickets/{ticket_id}/history", params=params)
        return _parse(answer, wire.Page[wire.HistoryEntry])

    async def previous_tickets(self, ticket_id: int) -> list[TicketSummary]:
        """Earlier tickets of the same customer or appliance, newest first."""
        answer = await self._call("GET", f"/tickets/{ticket_id}/previous")
        return _parse_list(answer, wire.TicketSummary)

    async def add_log(self, ticket_id: int, body: AddLogRequest) -> HistoryEntry:
        answer = await self._call("POST", f"/tickets/{ticket_id}/logs", json=_body(body))
        return _parse(answer, wire.HistoryEntry)

    async def ticket_action(
        self,
        ticket_id: int,
        action: TicketAction,
        body: ContactedRequest
        | UnreachableRequest
        | AssignRequest
        | NoteRequest
        | MotivationRequest,
        *,
        version: int | None = None,
    ) -> Ticket:
        """Carry out a status action (``POST /tickets/{id}/{action}``); the updated ticket.

        With ``version``, the server refuses (412, ``ConflictError.stale``) if the ticket
        changed since that version was read. Contact (contacted, unreachable) is recorded on
        the whole group: the answer is then a ``ContactOutcome`` whose ``group_updated``
        names the group's other tickets it changed.
        """
        headers = {"If-Match": str(version)} if version is not None else {}
        answer = await self._call(
            "POST", f"/tickets/{ticket_id}/{action.value}", json=_body(body), headers=headers
        )
        if action in (wire.TicketAction.CONTACTED, wire.TicketAction.UNREACHABLE):
            return _parse(answer, wire.ContactOutcome)
        return _parse(answer, wire.Ticket)

    async def create_ticket(self, body: NewTicket, *, idempotency_key: str | None = None) -> Ticket:
        """Operators: record a customer's request (a new ticket group); to assign, or to
        contact when ``service_centre_code`` is given. A wrong field is a
        ``ValidationFailed`` naming it. ``idempotency_key`` is chosen once per user action
        and passed again when the user retries it (one is drawn when none is given): a
        lost answer never records the request twice."""
        key = idempotency_key or uuid.uuid4().hex
        answer = await self._call(
            "POST", "/tickets", json=_body(body), headers={"Idempotency-Key": key}
        )
        return _parse(answer, wire.Ticket)

    async def reschedule(
        self, ticket_id: int, body: RescheduleRequest, *, version: int | None = None
    ) -> Ticket:
        """Operators: a new appointment for the ticket (its history keeps the old one)."""
        headers = {"If-Match": str(version)} if version is not None else {}
        answer = await self._call(
            "POST", f"/tickets/{ticket_id}/reschedule", json=_body(body), headers=headers
        )
        return _parse(answer, wire.Ticket)

    async def update_appliance(
        self, ticket_id: int, body: ApplianceUpdate, *, version: int
    ) -> Ticket:
        answer = await self._call(
            "PUT",
            f"/tickets/{ticket_id}/appliance",
            json=_body(body),
            headers={"If-Match": str(version)},
        )
        return _parse(answer, wire.Ticket)

"""Builds every demo row in plain Python, deterministically from a seed and a ``now``.

Each area has its own builder (a mixin over the shared state of ``build_common``); ``_Demo``
puts them together and runs them in order."""

from __future__ import annotations

from typing import Any

from server.demo.build_closing import _ClosingBuilder
from server.demo.build_history import _HistoryBuilder
from server.demo.build_orders import _OrdersBuilder
from server.demo.build_tickets import _TicketsBuilder


class _Demo(_TicketsBuilder, _HistoryBuilder, _OrdersBuilder, _ClosingBuilder):
    def build(self, tickets: int) -> dict[str, list[dict[str, Any]]]:
        self._centres_and_users()
        self._catalogue()
        groups = self._seed_groups() + self._generated_groups(max(0, tickets - 7))
        self._number(groups)
        all_tickets = [t for g in groups for t in g.tickets]
        self._vouchers(all_tickets)
        self._ticket_rows(groups)
        self._orders(all_tickets)
        self._interventions(all_tickets)
        return self.rows

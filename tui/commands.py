"""Command palette (ctrl+p): the same actions as the keys and the ``:`` line."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.command_line import Command
from tui.i18n import _

if TYPE_CHECKING:
    from tui.app import SavApp


class SavCommands(Provider):
    """sav's own commands."""

    def _commands(self) -> list[tuple[str, str, Command]]:
        app: SavApp = self.app  # type: ignore[assignment]
        signed_in = app.user is not None
        items = [(_("Help"), _("Keys and commands for this screen"), Command("help"))]
        if signed_in:
            items += [
                (_("Home"), _("What needs you today"), Command("home")),
                (_("Tickets"), _("Search tickets"), Command("tickets")),
                (_("Catalogue"), _("Find spare parts"), Command("catalogue")),
                (_("Cart"), _("Parts to order"), Command("cart")),
                (_("Orders"), _("Follow your orders"), Command("orders")),
                (
                    _("Orders to suppliers"),
                    _("Orders sent to outside suppliers"),
                    Command("supplier-orders"),
                ),
                (_("Invoicing"), _("Verified interventions to invoice"), Command("invoicing")),
                (
                    _("Monthly parts report"),
                    _("Parts installed in the month's closed interventions, by model"),
                    Command("parts"),
                ),
                (
                    _("Voucher period view"),
                    _("Month by month: to invoice, invoiced, your invoices"),
                    Command("periods"),
                ),
                (
                    _("Language: English"),
                    _("Switch the interface to English"),
                    Command("lang", "en"),
                ),
                (_("Language: French"), _("Switch the interface to French"), Command("lang", "fr")),
                (
                    _("Language: Italian"),
                    _("Switch the interface to Italian"),
                    Command("lang", "it"),
                ),
                (_("Sign out"), _("End this session and forget the token"), Command("logout")),
            ]
        return items

    async def discover(self) -> Hits:
        app: SavApp = self.app  # type: ignore[assignment]
        for name, help_text, command in self._commands():
            yield DiscoveryHit(name, partial(app.run_command, command), help=help_text)

    async def search(self, query: str) -> Hits:
        app: SavApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for name, help_text, command in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(app.run_command, command),
                    help=help_text,
                )

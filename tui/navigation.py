"""Opening screens by name: the ticket search and a ticket, the catalogue, the cart and the
orders, the invoicing, the suppliers. ``SavApp`` has these as methods (``Navigation`` is one of
its bases): the screens, the ``:`` line and the palette call ``app.open_ticket(...)`` and the like.

Each method imports its screen when it is first opened: ``tui.app`` is imported before the
login screen paints, and this module imports nothing that ``tui.app`` does not import already.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from tui import glyphs
from tui.i18n import _
from tui.messages import CartCountChanged

if TYPE_CHECKING:
    from client.api import SavClient
    from client.models import CartAdded, CartLine, Health, Order, User, VoucherDetail
    from client.models.suppliers import SupplierAccount
    from tui.screens.add_to_cart import ApplianceInfo


class Navigation(App[object]):
    """The screens ``SavApp`` opens by name, each where the session allows it."""

    # the session, which SavApp holds (tui.app): who may open what, and the server asked
    client: SavClient | None
    health: Health | None
    user: User | None

    def action_go_home(self, rebuild: bool = False) -> None:
        """Back to the home screen (rebuilt, e.g. after the language changed)."""
        from tui.screens.home import HomeScreen

        if self.user is None:
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if rebuild or not isinstance(self.screen, HomeScreen):
            self.switch_screen(HomeScreen())

    def open_tickets(self, text: str | None = None) -> None:
        """The ticket search, with ``text`` on its search line (else the first queue)."""
        from tui.screens.ticket_search import TicketSearchScreen

        if self.user is None:
            return
        if isinstance(self.screen, TicketSearchScreen) and text is None:
            return
        self.push_screen(TicketSearchScreen(text))

    def open_ticket(self, ticket_id: int, replace: bool = False) -> None:
        """A ticket's own screen (its group, history and actions); ``replace``: in place of
        the current screen (the ``:`` line that asked for it)."""
        from tui.screens.ticket import TicketScreen

        if self.user is not None:
            if replace:
                self.switch_screen(TicketScreen(ticket_id))
            else:
                self.push_screen(TicketScreen(ticket_id))

    # ------------------------------------------------------------------ catalogue (issue 4)

    def open_catalogue(self, mode: str = "models", query: str = "") -> None:
        from tui.screens.catalogue import CatalogueScreen

        self.push_screen(CatalogueScreen(mode, query))

    def open_model(
        self, model_id: int, appliance: ApplianceInfo | None = None, select_code: str | None = None
    ) -> None:
        from tui.screens.model import ModelScreen

        self.push_screen(ModelScreen(model_id, appliance=appliance, select_code=select_code))

    def open_part(self, code: str, appliance: ApplianceInfo | None = None) -> None:
        from tui.screens.part import PartScreen

        self.push_screen(PartScreen(code, appliance))

    def open_add_to_cart(self, code: str, appliance: ApplianceInfo | None = None) -> None:
        from tui.screens.add_to_cart import AddToCartScreen

        self.push_screen(AddToCartScreen(code, appliance), self._added_to_cart)

    def _added_to_cart(self, added: CartAdded | None) -> None:
        if added is None:
            return
        self.post_message(CartCountChanged(added.count))
        text = ", ".join(
            glyphs.text(
                _("{n}× {code} (for {requested})")
                if line.ordered_code != line.requested_code
                else _("{n}× {code}")
            ).format(n=line.quantity, code=line.ordered_code, requested=line.requested_code)
            for line in added.lines
        )
        self.notify(_("In the cart: {lines}").format(lines=text))

    @work(exclusive=True, group="open-model", exit_on_error=False)
    async def open_model_code(self, code: str) -> None:
        """`:m CODE`: the model when the code names exactly one, else the search for it."""
        from client.api import SavError

        if self.client is None:
            return
        try:
            page = await self.client.models(code)
        except SavError as exc:
            self.notify(exc.message, severity="error")
            return
        exact = [m for m in page.items if m.code.lower() == code.lower()]
        if len(exact) == 1:
            self.open_model(exact[0].id)
        else:
            self.open_catalogue("models", code)

    # ------------------------------------------------------------------ cart, orders (issue 5)

    def open_cart(self) -> None:
        from tui.screens.cart import CartScreen

        if self.user is None:
            return
        if self.user.is_operator:
            self.notify(_("Service centres order parts; operators validate orders (:o)."))
            return
        if not isinstance(self.screen, CartScreen):
            self.push_screen(CartScreen())

    def open_checkout(self) -> None:
        from tui.screens.checkout import CheckoutScreen

        self.push_screen(CheckoutScreen())

    def open_orders(self, text: str = "") -> None:
        from tui.screens.orders import OrdersScreen

        if self.user is not None:
            self.push_screen(OrdersScreen(text))

    def open_invoicing(self, text: str = "") -> None:
        from tui.screens.invoicing import InvoicingScreen

        if self.user is not None:
            self.push_screen(InvoicingScreen(text))

    def open_supplier_changes(self, synchronise: bool = False) -> None:
        from tui.screens.supplier_changes import SupplierChangesScreen

        if self.user is not None:
            self.push_screen(SupplierChangesScreen(synchronise))

    def open_vouchers(self, text: str = "") -> None:
        from tui.screens.vouchers import VouchersScreen

        if self.user is not None:
            self.push_screen(VouchersScreen(text))

    def open_parts_report(self, month: str | None = None) -> None:
        from tui.screens.parts_report import PartsReportScreen

        if self.user is not None:
            self.push_screen(PartsReportScreen(month))

    def open_periods(self, year: int | None = None) -> None:
        from tui.screens.invoice_periods import InvoicePeriodsScreen

        if self.user is not None:
            self.push_screen(InvoicePeriodsScreen(year))

    def open_voucher(self, voucher_id: int, voucher: VoucherDetail | None = None) -> None:
        from tui.screens.voucher import VoucherScreen

        if self.user is not None:
            self.push_screen(VoucherScreen(voucher_id, voucher))

    def open_order(self, order_id: int, placed: bool = False) -> None:
        from tui.screens.order import OrderScreen

        if self.user is not None:
            self.push_screen(OrderScreen(order_id, placed=placed))

    # ------------------------------------------------------------------ supplier orders (issue 13)

    def open_supplier_orders(self) -> None:
        """The centre's orders to outside suppliers (the centres' staff; not operators)."""
        from tui.screens.supplier_orders import SupplierOrdersScreen

        if self.user is None:
            return
        if self.user.is_operator:
            self.notify(_("Service centres order from suppliers; operators have no supplier."))
            return
        if not isinstance(self.screen, SupplierOrdersScreen):
            self.push_screen(SupplierOrdersScreen())

    def action_open_supplier_orders(self) -> None:
        self.open_supplier_orders()

    def open_supplier_order(
        self,
        order_id: int | None = None,
        *,
        cart_lines: list[CartLine] | None = None,
        ticket_id: int | None = None,
    ) -> None:
        """An order to a supplier: a new one (from cart lines or for a ticket), or one made."""
        from tui.screens.supplier_order import SupplierOrderScreen

        if self.user is None or self.user.is_operator:
            return
        self.push_screen(SupplierOrderScreen(order_id, cart_lines=cart_lines, ticket_id=ticket_id))

    def order_placed(self, order: Order) -> None:
        """After checkout: the cart and checkout give way to the new order."""
        from tui.screens.cart import CartScreen
        from tui.screens.checkout import CheckoutScreen

        while isinstance(self.screen, CheckoutScreen | CartScreen) and len(self.screen_stack) > 2:
            self.pop_screen()
        self.open_order(order.id, placed=True)

    # ------------------------------------------------------------------ suppliers (issue 13)

    def open_availability(self, code: str, appliance: ApplianceInfo | None = None) -> None:
        """A part, its successors and alternates at the manufacturer and every supplier."""
        from tui.screens.availability import AvailabilityScreen

        if self.user is not None:
            self.push_screen(AvailabilityScreen(code, appliance))

    @work(exclusive=True, group="supplier-account", exit_on_error=False)
    async def open_supplier_account(
        self,
        supplier: str | None = None,
        then: Callable[[SupplierAccount | None], None] | None = None,
    ) -> None:
        """The centre's supplier account form (its manager); ``then`` gets the saved account."""
        from client.api import SavError
        from client.models import Role
        from tui.screens.supplier_account import account_form

        if self.client is None or self.user is None:
            return
        if self.user.role is not Role.MANAGER:
            self.notify(
                _("Only your centre's manager enters supplier accounts."), severity="warning"
            )
            return
        try:
            suppliers = await self.client.suppliers()
            accounts = await self.client.supplier_accounts()
        except SavError as exc:
            self.notify(exc.message, severity="error")
            return
        if not suppliers:
            self.notify(_("This server is set up for no supplier."), severity="warning")
            return
        demo = bool(self.health and self.health.demo_accounts)
        form = account_form(suppliers, accounts, supplier=supplier, demo=demo)
        self.call_later(self.push_screen, form, lambda saved: self._account_saved(saved, then))

    def _account_saved(
        self,
        saved: SupplierAccount | None,
        then: Callable[[SupplierAccount | None], None] | None,
    ) -> None:
        if saved is not None:
            self.notify(
                _("Supplier account kept: {user} at {supplier}, checked with it.").format(
                    user=saved.user_name, supplier=saved.supplier_name
                ),
            )
        if then is not None:
            then(saved)

"""Add a part to the cart, with a quantity: the server says what will really be ordered.

Opened on a part (from the list, the tree, the detail) or empty for a manual purchase by
code. The part is resolved first: a superseded part proposes its replacement (and the line
keeps both codes); when the answer depends on the appliance, each outcome is offered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from client.models import AddToCart, CartAdded, Resolution, ResolutionStatus, TicketStatus
from tui import glyphs
from tui.i18n import N_, _, localized
from tui.messages import LoadFailed, ResolutionLoaded
from tui.screens.ticket_picker import OPEN_FOR_PARTS
from tui.widgets.key_footer import KeyFooter
from tui.widgets.parts_list import availability_text
from tui.widgets.status import ticket_status
from tui.widgets.supersession_tree import resolution_text
from tui.widgets.text_field import TextField


@dataclass(frozen=True)
class ApplianceInfo:
    """The appliance the parts are for, when known (opened from a ticket)."""

    model_id: int | None = None
    serial: str | None = None
    production_date: dt.date | None = None
    ticket_id: int | None = None
    ticket_status: TicketStatus | None = None
    """The ticket's status when the screen was opened (a hint; the server decides)."""

    @property
    def known(self) -> bool:
        return bool(self.serial or self.production_date)


@localized
class AddToCartScreen(ModalScreen[CartAdded | None]):
    HELP = N_(
        "Add to cart: type the part code (manual purchase) or keep the one given, and the "
        "quantity (1 by default). The server resolves the part first: a replaced part is "
        "ordered as its replacement, and when that depends on the appliance, ↑ ↓ choose "
        "the part to order. Enter adds, Esc cancels."
    )
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="add-to-cart.cancel"),
        Binding("enter", "add", N_("Add"), id="add-to-cart.add"),
        Binding("down", "choice(1)", N_("Next part"), show=False, priority=True,
                id="add-to-cart.next"),
        Binding("up", "choice(-1)", N_("Previous part"), show=False, priority=True,
                id="add-to-cart.previous"),
    ]  # fmt: skip

    def __init__(self, code: str = "", appliance: ApplianceInfo | None = None) -> None:
        super().__init__()
        self.code = code
        self.appliance = appliance or ApplianceInfo()
        self.resolution: Resolution | None = None
        self._choices: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="add-to-cart") as box:
            box.border_title = _("Add to cart")
            with Horizontal(classes="row"):
                yield Label(_("Part"), classes="caption")
                yield TextField(self.code, id="cart-code", max_length=40, compact=True)
            yield Label("", id="cart-code-error", classes="field-error")
            with Horizontal(classes="row"):
                yield Label(_("Quantity"), classes="caption")
                yield TextField("1", id="cart-quantity", max_length=3, compact=True, type="integer")
            yield Label("", id="cart-quantity-error", classes="field-error")
            if self.appliance.ticket_id is not None:
                yield Label(
                    _("For ticket {id}").format(id=self.appliance.ticket_id), id="cart-ticket"
                )
                status = self.appliance.ticket_status
                if status is not None and status not in OPEN_FOR_PARTS:
                    # said now rather than at checkout, which refuses to order for it
                    yield Label(
                        _(
                            "The ticket is “{status}”: its parts can be ordered once it is "
                            "confirmed (or waiting for parts)."
                        ).format(status=ticket_status(status.value)),
                        id="cart-ticket-warning",
                    )
            yield Static("", id="cart-proposal")
            yield OptionList(id="cart-choices", compact=True)
            yield Label("", id="cart-error", classes="field-error")
            yield Static(_("Enter adds · Esc cancels"), id="cart-keys")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#cart-choices", OptionList).display = False
        field = "#cart-quantity" if self.code else "#cart-code"
        self.set_focus(self.query_one(field, Input))
        if self.code:
            self.resolve(self.code)

    # ------------------------------------------------------------------ resolution

    @on(Input.Changed, "#cart-code")
    def _code_changed(self, event: Input.Changed) -> None:
        self._error("#cart-code-error", "")
        code = event.value.strip()
        if code and code != self.code:
            self.code = code
            self.resolve(code, pause=0.25)

    @work(exclusive=True, group="resolve", exit_on_error=False)
    async def resolve(self, code: str, pause: float = 0.0) -> None:
        import asyncio

        from client.api import NotFoundError, SavError

        if pause:
            await asyncio.sleep(pause)  # typing: only the last code is asked
        client = self.app.client  # type: ignore[attr-defined]
        a = self.appliance
        try:
            resolution = await client.resolve(
                code, serial=a.serial, production_date=a.production_date, model_id=a.model_id
            )
        except NotFoundError:
            self.post_message(LoadFailed(_("No part {code} in the catalogue.").format(code=code)))
            return
        except SavError as exc:
            self.post_message(LoadFailed(exc.message))
            return
        self.post_message(ResolutionLoaded(resolution))

    @on(ResolutionLoaded)
    def _resolved(self, message: ResolutionLoaded) -> None:
        resolution = message.resolution
        if resolution.requested_code != self.code:
            return
        self.resolution = resolution
        proposal = self.query_one("#cart-proposal", Static)
        choices = self.query_one("#cart-choices", OptionList)
        choices.clear_options()
        self._choices = []
        lines = []
        if resolution.status is ResolutionStatus.ORDERABLE:
            if resolution.replaced:
                lines.append(
                    _("{code} is replaced: this will be ordered instead:").format(
                        code=resolution.requested_code
                    )
                )
            for item in resolution.order:
                part = item.part
                stock = availability_text(part.availability, part.stock, part.lead_time_days)
                g = glyphs.current()
                in_stock = _("stock: {stock}").format(stock=stock)
                lines.append(
                    f"  {g.pointer} {item.quantity}{g.times} {part.code} {part.description} "
                    f"({in_stock})"
                )
            if resolution.steps:
                path = " → ".join(
                    [resolution.requested_code] + [s.to_code for s in resolution.steps]
                )
                lines.append("  " + path)
        elif resolution.status is ResolutionStatus.DEPENDS:
            lines.append(resolution_text(resolution))
            lines.append(_("Choose the part to order:"))
            for choice in resolution.choices:
                if choice.status is not ResolutionStatus.ORDERABLE:
                    continue
                first = choice.order[0].part.code
                times = glyphs.current().times
                items = ", ".join(f"{i.quantity}{times} {i.part.code}" for i in choice.order)
                condition = _("otherwise") if choice.condition == "otherwise" else choice.condition
                choices.add_option(Option(f"{items} ({condition})", id=first))
                self._choices.append(first)
        else:
            lines.append(glyphs.error_mark() + resolution_text(resolution))
        proposal.update(escape("\n".join(lines)))
        choices.display = bool(self._choices)
        if self._choices:
            choices.highlighted = 0

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        self.resolution = None
        self.query_one("#cart-proposal", Static).update("")
        self._error("#cart-code-error", message.message)

    def action_choice(self, delta: int) -> None:
        choices = self.query_one("#cart-choices", OptionList)
        if not self._choices:
            return
        current = choices.highlighted or 0
        choices.highlighted = max(0, min(len(self._choices) - 1, current + delta))

    # ------------------------------------------------------------------ adding

    def _error(self, selector: str, text: str) -> None:
        label = self.query_one(selector, Label)
        label.update(f"{glyphs.error_mark()}{text}" if text else "")
        label.display = bool(text)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        # Enter reaches the Input after the keys typed before it: the fields are complete.
        self.action_add()

    def action_add(self) -> None:
        code = self.query_one("#cart-code", Input).value.strip()
        if not code:
            self._error("#cart-code-error", _("Type a part code."))
            self.set_focus(self.query_one("#cart-code", Input))
            return
        raw = self.query_one("#cart-quantity", Input).value.strip() or "1"
        if not raw.isdigit() or not 1 <= int(raw) <= 999:
            self._error("#cart-quantity-error", _("A quantity from 1 to 999."))
            self.set_focus(self.query_one("#cart-quantity", Input))
            return
        self._error("#cart-quantity-error", "")
        resolution = self.resolution
        if resolution is None or resolution.requested_code != code:
            self.resolve(code)
            return
        ordered = None
        if resolution.status is ResolutionStatus.DEPENDS:
            if not self._choices:
                self._error("#cart-error", resolution.reason)
                return
            index = self.query_one("#cart-choices", OptionList).highlighted or 0
            ordered = self._choices[index]
        elif resolution.status is ResolutionStatus.NONE:
            self._error("#cart-error", resolution_text(resolution))
            return
        else:
            ordered = resolution.order[0].part.code
        a = self.appliance
        request = AddToCart(
            requested_code=code,
            ordered_code=ordered,
            quantity=int(raw),
            ticket_id=a.ticket_id,
            serial=a.serial,
            production_date=a.production_date,
            model_id=a.model_id,
        )
        self.add(request)

    @work(exclusive=True, group="add", exit_on_error=False)
    async def add(self, request: AddToCart) -> None:
        from client.api import SavError, ValidationFailed

        client = self.app.client  # type: ignore[attr-defined]
        try:
            added = await client.add_to_cart(request)
        except ValidationFailed as exc:
            where = {
                "quantity": "#cart-quantity-error",
                "requested_code": "#cart-code-error",
            }
            field = next((f for f in exc.fields if f in where), None)
            text = exc.fields.get(field, exc.message) if field else exc.message
            self._error(where.get(field or "", "#cart-error"), text)
            return
        except SavError as exc:
            self._error("#cart-error", exc.message)
            return
        self.dismiss(added)

    def action_cancel(self) -> None:
        self.dismiss(None)

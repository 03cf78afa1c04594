"""Close an intervention: every field of the closing form, the server's figures as it changes.

Opened with ``x`` on a ticket that may be closed (confirmed, waiting for parts, exchange
requested). The form opens on the saved draft, or prefilled (the centre's fixed rate, the
ticket's warranty, type and problem). The coded fields (faulty component, fault,
intervention code, work done) take a code, or F4 opens their list with type-to-filter; the
name of the code shows beside it. Parts used: type a part code in "Add part" and Enter (it
is resolved through the supersessions for this appliance), or F4 there to pick one of the
parts ordered for the ticket; Delete on a line removes it.

The totals (rate, spares, bonuses, net, VAT, final price) are the server's: asked again a
moment after each change, in a worker, never blocking the typing. ctrl+s saves and closes;
F2 saves the draft (the ticket keeps its status). A refusal puts each reason beside its
field and keeps everything typed.

This module keeps the screen (layout, keys, workers, errors beside the fields); the text it
shows (labels, the title, the figures' lines, the parts' rows, the lookup lists) and the
reading of typed amounts are tui.close_text's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, Select, Static

from client.models import ApplianceUpdate, InterventionForm, PartUsedInput, WarrantyStatus
from tui import close_text, glyphs
from tui.close_text import APPLIANCE_FIELDS, CODE_FIELDS, PARTS_COLUMNS, WARRANTY, amount, whole
from tui.i18n import N_, _, localized
from tui.screens.code_lookup import CodeLookup
from tui.widgets.choice import Choice
from tui.widgets.form import (
    FieldError,
    focus_step,
    leave_or_ask,
    line_step,
    parse_date,
    refusal,
)
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_table import KeyTable
from tui.widgets.session_bar import SessionBar
from tui.widgets.text_field import TextField

if TYPE_CHECKING:
    from client.models import Closing, InterventionTotals, PartUsed, ReportEmailed
    from tui.app import SavApp

TOTALS_DELAY = 0.3
"""Seconds of calm after a change before the figures are asked again."""


@dataclass
class ClosingLoaded(Message):
    closing: Closing | None
    error: str = ""


@dataclass
class TotalsAnswered(Message):
    serial: int
    totals: InterventionTotals | None
    error: Exception | None = None


@dataclass
class Saved(Message):
    closing: Closing | None
    closed: bool
    error: Exception | None = None
    quiet: bool = False
    """Saved on the way to a PDF or an e-mail: that says how it went."""


@dataclass
class AddressAsked(Message):
    """The address to offer for the e-mail (the customer's), the form to save first."""

    form: InterventionForm
    address: str


@dataclass
class Emailed(Message):
    sent: ReportEmailed | None
    error: str = ""


@localized
class CloseInterventionScreen(Screen[bool | None]):
    HELP = N_(
        "Close the intervention: the fields marked * are required to close. The coded "
        "fields take a code, or F4 opens their list: type to narrow it, Enter picks. A "
        "fault of type T (component exchanged) needs the parts used: type a part code in "
        "Add part and Enter (the supersessions give the part to install), or F4 there to "
        "pick a part ordered for this ticket; Delete on a line removes it. The totals "
        "are the server's and follow what you type. ctrl+s saves and closes; F2 saves the "
        "draft without closing (the ticket keeps its status). F7 saves the draft and its "
        "report as a PDF in the exports folder (printed when a print command is set); F8 "
        "saves it and e-mails the report, the PDF attached, to the address you confirm "
        "(the customer's, as it opens). The model data can be "
        "corrected at the bottom. If the server refuses, each reason shows beside its "
        "field and what you typed stays. Esc goes back without saving: once you have typed "
        "something since it opened or was last saved, it asks first (y leaves, what you "
        "typed lost; n stays)."
    )
    BINDINGS = [
        Binding("ctrl+s", "save(True)", N_("Save and close"), id="close.save", priority=True),
        Binding("f2", "save(False)", N_("Update draft"), id="close.draft"),
        Binding("f4", "lookup", N_("List"), id="close.lookup"),
        Binding("delete", "remove_part", N_("Remove part"), show=False, id="close.remove-part"),
        Binding("escape", "back", N_("Back"), id="close.back"),
        # after Back: at 80 columns the footer keeps what comes first (F1 lists them all)
        Binding("f7", "save_then('pdf')", N_("PDF"), id="close.pdf",
                tooltip=N_("Save the draft, then its report as a PDF (printed when set)")),
        Binding("f8", "save_then('email')", N_("E-mail"), id="close.email",
                tooltip=N_("Save the draft, then e-mail its report with the PDF")),
        Binding("tab", "next_field(1)", N_("Next field"), show=False, id="close.next-field"),
        Binding("shift+tab", "next_field(-1)", N_("Previous field"), show=False,
                id="close.previous-field"),
        Binding("down", "line_field(1)", N_("Next field"), show=False, priority=True,
                id="close.down"),
        Binding("up", "line_field(-1)", N_("Previous field"), show=False, priority=True,
                id="close.up"),
    ]  # fmt: skip

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.closing: Closing | None = None
        self.parts: list[PartUsedInput] = []
        self.resolved: list[PartUsed] = []
        self.busy = False
        self._timer: Timer | None = None
        self._serial = 0
        self._filling = False
        self.live_errors: dict[str, str] = {}
        self.save_errors: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.opened: dict[str, object] = {}
        """The form as it opened (filled, or the draft loaded) or as last saved: Esc asks
        before leaving when it differs."""
        self._sending: dict[str, object] = {}

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield SessionBar()
        with VerticalScroll(id="closing"):
            yield Static(_("Loading ticket {id}…").format(id=self.ticket_id), id="closing-title")
            yield Static("", id="closing-rejection", classes="field-error")
            yield from self._row("intervention_date", _("Date"), placeholder="DD/MM/YYYY")
            yield from self._row("distance_km", _("Distance (km)"))
            self.labels["warranty"] = _("Warranty")
            with Horizontal(classes="form-row"):
                yield Label(_("Warranty"), classes="form-label")
                yield Choice([(_(label), value) for label, value in WARRANTY],
                             value=WARRANTY[0][1], allow_blank=False, id="field-warranty",
                             compact=True)  # fmt: skip
            yield Static("", id="error-warranty", classes="field-error")
            yield from self._row("ticket_type", _("Ticket type"))
            for name, label, _list, starred in CODE_FIELDS:
                yield from self._row(name, _(label) + (" *" if starred else ""), code=True)
            yield from self._row("work_done", _("Work details"))
            yield from self._row("fault_description", _("Fault description"))
            yield from self._row("rate", _("Rate (EUR)"))
            yield from self._row("bonuses", _("Bonuses (EUR)"))
            self.labels["parts"] = self.labels["part_code"] = _("Parts used")
            self.labels["part_qty"] = _("Parts used")
            yield Label(_("Parts used"), classes="section")
            yield KeyTable(id="parts-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="form-row"):
                yield Label(_("Add part"), classes="form-label")
                yield TextField(id="field-part_code", compact=True, max_length=20,
                                placeholder=_("code, Enter · F4: ordered parts"))  # fmt: skip
                yield TextField("1", id="field-part_qty", compact=True, max_length=3)
            yield Static("", id="error-parts", classes="field-error")
            yield Label(_("Model data"), classes="section")
            for name, label in APPLIANCE_FIELDS:
                yield from self._row(f"appliance-{name}", _(label))
        yield Static("", id="closing-totals")
        yield Static("", id="closing-error", classes="field-error")
        yield KeyFooter()

    def _row(
        self, name: str, label: str, *, code: bool = False, placeholder: str = ""
    ) -> ComposeResult:
        self.labels[name] = label.removesuffix(" *")
        with Horizontal(classes="form-row"):
            yield Label(escape(label), classes="form-label")
            yield TextField(id=f"field-{name}", compact=True, placeholder=placeholder,
                            classes="code" if code else "")  # fmt: skip
            if code:
                yield Label("", id=f"name-{name}", classes="code-name")
        yield Static("", id=f"error-{name}", classes="field-error")

    def on_mount(self) -> None:
        table = self.query_one("#parts-table", DataTable)
        for title, width in PARTS_COLUMNS:
            table.add_column(_(title), width=width)
        self.opened = self.state()  # empty until the form is filled (then again)
        self.load()

    # ------------------------------------------------------------------ loading

    @work(exclusive=True, group="closing-load", exit_on_error=False)
    async def load(self) -> None:
        from client.api import SavError

        client = self.sav.client
        assert client is not None
        try:
            closing = await client.intervention(self.ticket_id)
        except SavError as exc:
            self.post_message(ClosingLoaded(None, exc.message))
            return
        self.post_message(ClosingLoaded(closing))

    @on(ClosingLoaded)
    def _loaded(self, message: ClosingLoaded) -> None:
        if message.closing is None:
            self._show_error(None, message.error)
            return
        first = self.closing is None
        self.closing = c = message.closing
        self.query_one("#closing-title", Static).update(escape(close_text.title(c)))
        rejection = self.query_one("#closing-rejection", Static)
        rejection.display = bool(c.rejection_note)
        if c.rejection_note:
            rejection.update(glyphs.error_mark() + escape(close_text.rejection(c)))
        if first:
            self._fill(c)
        self._show_totals(c.totals)
        self._show_parts(c.parts)
        self.set_focus(self.query_one("#field-intervention_date", Input))

    def _fill(self, c: Closing) -> None:
        f = c.form
        self._filling = True
        values = close_text.form_values(c, self.sav.clock().astimezone().date())
        for name, value in values.items():
            self.query_one(f"#field-{name}", Input).value = value
        if f.warranty is not None:
            self.query_one("#field-warranty", Select).value = f.warranty.value
        self.parts = list(f.parts)
        for name, *_rest in CODE_FIELDS:
            self._show_name(name)
        self._filling = False
        self.opened = self.state()

    def state(self) -> dict[str, object]:
        """What the form holds now: every field's text, the warranty, the parts' lines."""
        out: dict[str, object] = {}
        for widget in self.query("#closing Input, #closing Select"):
            if isinstance(widget, Input | Select) and widget.id:
                out[widget.id.removeprefix("field-")] = widget.value
        out["parts"] = [p.model_dump() for p in self.parts]
        return out

    def changed_fields(self) -> list[str]:
        """The labels of what differs from the form as it opened or was last saved."""
        now = self.state()
        labels = [self.labels.get(k, k) for k, v in now.items() if v != self.opened.get(k)]
        return list(dict.fromkeys(labels))

    # ------------------------------------------------------------------ the form

    def _value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Input).value

    def build(self) -> InterventionForm:
        """The form as typed (FieldError for what cannot be read, or what the contract
        refuses: a distance no column holds, a date past 2100, a control character)."""
        try:
            return self._build()
        except ValidationError as exc:
            error = exc.errors()[0]
            raise FieldError(".".join(str(p) for p in error["loc"]), refusal(error)) from None

    def _build(self) -> InterventionForm:
        date_text = self._value("intervention_date").strip()
        appliance = None
        if self.closing is not None:
            purchase_text = self._value("appliance-purchase_date").strip()
            purchase = (
                parse_date("appliance-purchase_date", purchase_text) if purchase_text else None
            )
            typed = {
                "model_code": self._value("appliance-model_code").strip(),
                "service_index": self._value("appliance-service_index").strip(),
                "serial_number": self._value("appliance-serial_number").strip(),
                "purchase_date": purchase,
                "invoice_number": self._value("appliance-invoice_number").strip(),
            }
            c = self.closing
            current = {
                "model_code": c.model_code,
                "service_index": c.service_index,
                "serial_number": c.serial_number,
                "purchase_date": c.purchase_date,
                "invoice_number": c.invoice_number,
            }
            if typed != current:
                if not typed["model_code"]:
                    raise FieldError("appliance-model_code", _("Required."))
                if not typed["service_index"]:
                    raise FieldError("appliance-service_index", _("Required."))
                appliance = ApplianceUpdate(**typed)
        rate_text = self._value("rate").strip()
        return InterventionForm(
            intervention_date=parse_date("intervention_date", date_text) if date_text else None,
            distance_km=whole("distance_km", self._value("distance_km")),
            warranty=WarrantyStatus(str(self.query_one("#field-warranty", Select).value)),
            ticket_type=self._value("ticket_type").strip(),
            faulty_component_code=self._value("faulty_component_code").strip().upper(),
            fault_code=self._value("fault_code").strip().upper(),
            intervention_code=self._value("intervention_code").strip().upper(),
            work_done_code=self._value("work_done_code").strip().upper(),
            work_done=self._value("work_done").strip(),
            fault_description=self._value("fault_description").strip(),
            rate=amount("rate", rate_text) if rate_text else None,
            bonuses=amount("bonuses", self._value("bonuses")),
            parts=list(self.parts),
            appliance=appliance,
        )

    def _choices(self, name: str) -> list[tuple[str, str, str]]:
        if self.closing is None:
            return []
        return close_text.code_choices(self.closing.lists, name)

    def _show_name(self, name: str) -> None:
        code = self._value(name).strip().upper()
        found = next((n for v, _c, n in self._choices(name) if v == code), "")
        self.query_one(f"#name-{name}", Label).update(escape(found))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if self._filling or event.input.id in (None, "field-part_code", "field-part_qty"):
            return
        name = event.input.id.removeprefix("field-")
        if name in {f for f, *_r in CODE_FIELDS}:
            self._show_name(name)
        if self.save_errors.pop(name, None) is not None:
            self._show_errors()
        self._schedule_totals()

    @on(Select.Changed, "#field-warranty")
    def _warranty_changed(self) -> None:
        if not self._filling:
            self._schedule_totals()

    def _schedule_totals(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if TOTALS_DELAY <= 0:  # no waiting for calm (the tests)
            self.call_later(self._ask_totals)
            return
        self._timer = self.set_timer(TOTALS_DELAY, self._ask_totals)

    def _ask_totals(self) -> None:
        self._timer = None
        try:
            form = self.build()
        except FieldError as exc:
            self.live_errors = {exc.name: exc.message}
            self._show_errors()
            return
        self._serial += 1
        self._totals(self._serial, form)

    @work(exclusive=True, group="closing-totals", exit_on_error=False)
    async def _totals(self, serial: int, form: InterventionForm) -> None:
        client = self.sav.client
        assert client is not None
        try:
            totals = await client.intervention_totals(self.ticket_id, form)
        except Exception as exc:  # shown beside the fields; the form stays as typed
            self.post_message(TotalsAnswered(serial, None, exc))
            return
        self.post_message(TotalsAnswered(serial, totals))

    @on(TotalsAnswered)
    def _totals_answered(self, message: TotalsAnswered) -> None:
        from client.api import SavError, ValidationFailed

        if message.serial != self._serial:
            return  # an older answer: a newer question is on its way
        if message.totals is not None:
            self.live_errors = {}
            self._show_totals(message.totals)
            self._show_parts(message.totals.parts)
        elif isinstance(message.error, ValidationFailed):
            self.live_errors = dict(message.error.fields)
        elif isinstance(message.error, SavError):
            self.live_errors = {"": message.error.message}
        self._show_errors()

    def _show_totals(self, t: InterventionTotals) -> None:
        self.query_one("#closing-totals", Static).update(escape(close_text.totals_text(t)))

    # ------------------------------------------------------------------ parts used

    def _show_parts(self, resolved: list[PartUsed]) -> None:
        self.resolved = list(resolved)
        table = self.query_one("#parts-table", DataTable)
        table.clear()
        for n, part in enumerate(self.parts):
            shown = resolved[n] if n < len(resolved) else None
            if shown is not None:
                table.add_row(*close_text.part_row(shown))
            else:
                table.add_row(*close_text.pending_part_row(part))
        table.display = bool(self.parts)

    @on(Input.Submitted, "#field-part_code")
    def _add_typed_part(self) -> None:
        code = self._value("part_code").strip().upper()
        if not code:
            return
        try:
            quantity = whole("parts", self._value("part_qty")) or 1
        except FieldError as exc:
            self.save_errors[exc.name] = exc.message
            self._show_errors()
            return
        self._add_part(PartUsedInput(code=code, quantity=quantity))
        self.query_one("#field-part_code", Input).value = ""
        self.query_one("#field-part_qty", Input).value = "1"

    def _add_part(self, part: PartUsedInput) -> None:
        self.parts.append(part)
        self.save_errors.pop("parts", None)
        self._show_parts(self.resolved)
        self._schedule_totals()

    def action_remove_part(self) -> None:
        table = self.query_one("#parts-table", DataTable)
        if self.focused is not table or not self.parts:
            return
        row = table.cursor_row
        if 0 <= row < len(self.parts):
            del self.parts[row]
            if row < len(self.resolved):
                del self.resolved[row]
            self._show_parts(self.resolved)
            self._schedule_totals()

    # ------------------------------------------------------------------ F4

    def action_lookup(self) -> None:
        focused = self.focused
        if self.closing is None or not isinstance(focused, Input) or focused.id is None:
            return
        name = focused.id.removeprefix("field-")
        if name in ("part_code", "part_qty"):
            ordered = self.closing.ordered_parts
            if not ordered:
                self._show_error("parts", _("No part was ordered for this ticket."))
                return
            choices = close_text.ordered_choices(ordered)

            def picked_part(value: str | None) -> None:
                if value:
                    line = next(o for o in ordered if str(o.order_line_id) == value)
                    self._add_part(PartUsedInput(order_line_id=int(value), quantity=line.quantity))

            self.app.push_screen(CodeLookup(_("Parts ordered"), choices), picked_part)
            return
        label = close_text.code_label(name)
        if label is None:
            return

        def picked(value: str | None) -> None:
            if value:
                field = self.query_one(f"#field-{name}", Input)
                field.value = value
                self.set_focus(field)

        self.app.push_screen(
            CodeLookup(label, self._choices(name), self._value(name).strip().upper()), picked
        )

    # ------------------------------------------------------------------ saving

    def _form_to_send(self) -> InterventionForm | None:
        """The form as typed, the screen marked busy; None (the reason shown) if not now."""
        if self.busy or self.closing is None:
            return None
        try:
            form = self.build()
        except FieldError as exc:
            self.save_errors = {exc.name: exc.message}
            self._show_errors()
            return None
        self.busy = True
        self._sending = self.state()
        self.query_one("#closing-error", Static).update(_("Saving…"))
        self.query_one("#closing-error", Static).display = True
        return form

    def action_save(self, close: bool) -> None:
        form = self._form_to_send()
        if form is not None:
            self._send(form, close)

    def action_save_then(self, then: str) -> None:
        """F7: save the draft, then its report as a PDF; F8: save it, then e-mail the
        report (to the address confirmed first: asked before anything is sent, since keys
        typed in the question are not held for a worker waiting on it)."""
        form = self._form_to_send()
        if form is None:
            return
        if then == "pdf":
            self._send_then(form, None)
        else:
            self._customer_address(form)

    @work(exclusive=True, group="background-closing-address", exit_on_error=False)
    async def _customer_address(self, form: InterventionForm) -> None:
        from client.api import SavError

        client = self.sav.client
        assert client is not None
        try:
            address = (await client.ticket(self.ticket_id)).customer.email
        except SavError:
            address = ""
        self.post_message(AddressAsked(form, address))

    @on(AddressAsked)
    def _ask_address(self, message: AddressAsked) -> None:
        from tui.screens.prompt import PromptScreen

        def answered(to: str | None) -> None:
            if to is None:  # cancelled: nothing saved, nothing sent
                self.post_message(Saved(None, False, quiet=True))
            else:
                self._send_then(message.form, to)

        question = _("E-mail the intervention report to:")
        self.app.push_screen(PromptScreen(question, message.address), answered)

    @work(exclusive=True, group="closing-save", exit_on_error=False)
    async def _send_then(self, form: InterventionForm, to: str | None) -> None:
        """Save the draft; then, in the background, the PDF (``to`` None) or the e-mail."""
        from client.documents import file_name
        from tui.documents import produce

        client = self.sav.client
        assert client is not None and self.closing is not None
        try:
            result = await client.save_intervention(
                self.ticket_id, form, version=self.closing.version
            )
        except Exception as exc:  # shown to the person; the form keeps its values
            self.post_message(Saved(None, False, exc))
            return
        self.post_message(Saved(result, False, quiet=True))
        ticket_id = self.ticket_id
        if to is None:
            fetch = produce(
                self, lambda c: c.intervention_pdf(ticket_id), file_name("intervention", ticket_id)
            )
            self.run_worker(fetch, group="background-pdf", exclusive=True, exit_on_error=False)
        else:
            self.run_worker(
                self._email(ticket_id, to),
                group="background-email",
                exclusive=True,
                exit_on_error=False,
            )

    async def _email(self, ticket_id: int, to: str) -> None:
        import uuid

        from client.api import SavError

        client = self.sav.client
        assert client is not None
        self.notify(_("Sending the report to {to}…").format(to=to), markup=False)
        try:
            sent = await client.email_intervention(
                ticket_id, to=to, idempotency_key=uuid.uuid4().hex
            )
        except SavError as exc:
            self.post_message(Emailed(None, exc.message))
            return
        self.post_message(Emailed(sent))

    @on(Emailed)
    def _emailed(self, message: Emailed) -> None:
        self.notify(
            close_text.emailed(message.sent, message.error),
            severity="error" if message.sent is None else "information",
            markup=False,
        )

    @work(exclusive=True, group="closing-save", exit_on_error=False)
    async def _send(self, form: InterventionForm, close: bool) -> None:
        client = self.sav.client
        assert client is not None and self.closing is not None
        try:
            if close:
                result = await client.close_intervention(self.ticket_id, form)
            else:
                result = await client.save_intervention(
                    self.ticket_id, form, version=self.closing.version
                )
        except Exception as exc:  # shown to the person; the form keeps its values
            self.post_message(Saved(None, close, exc))
            return
        self.post_message(Saved(result, close))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        from client.api import ConflictError, SavError, ValidationFailed

        self.busy = False
        error = message.error
        if error is None and message.closing is None:  # the e-mail's address not given
            self._show_errors()
            return
        if error is None and message.closing is not None:
            self.opened = self._sending  # what was sent is kept: Esc no longer asks for it
            self.save_errors = {}
            self._show_errors()
            if message.closed:
                self.dismiss(True)
                return
            self.closing = message.closing
            self._show_parts(message.closing.parts)
            self._show_totals(message.closing.totals)
            if not message.quiet:
                self.notify(_("Draft saved: the ticket keeps its status."))
            return
        if isinstance(error, ValidationFailed):
            self.save_errors = dict(error.fields) or {"": error.message}
            if not any(k for k in self.save_errors):
                self.save_errors = {"": error.message}
        elif isinstance(error, ConflictError) and error.stale:
            self.save_errors = {"": close_text.stale(error.changed_by)}
        elif isinstance(error, SavError):
            self.save_errors = {"": error.message}
        else:
            self.save_errors = {"": f"{type(error).__name__}: {error}"}
        self._show_errors()
        self._focus_first_error()

    def _focus_first_error(self) -> None:
        """The cursor goes to the first field refused, in the form's order."""
        targets = {self._error_target(name) for name in self.save_errors}
        for widget in self._fields():
            name = (widget.id or "").removeprefix("field-")
            if name in targets or (name == "part_code" and "parts" in targets):
                self.set_focus(widget)
                widget.scroll_visible()
                return

    # ------------------------------------------------------------------ errors

    def _show_errors(self) -> None:
        for widget in self.query(".field-error").results(Static):
            if widget.id == "closing-rejection":
                continue
            widget.update("")
            widget.display = False
        shown = self.live_errors | self.save_errors
        leftover = []
        for name, text in shown.items():
            target = self._error_target(name)
            if target is None:
                leftover.append(text)
                continue
            self._show_error(target, text)
        if leftover:
            self._show_error(None, " · ".join(leftover))

    def _error_target(self, name: str) -> str | None:
        if not name:
            return None
        if name.startswith("parts"):
            return "parts"
        if name.startswith("appliance."):
            name = "appliance-" + name.removeprefix("appliance.")
        if self.query(f"#error-{name}"):
            return name
        return None

    def _show_error(self, name: str | None, message: str) -> None:
        target = f"#error-{name}" if name else "#closing-error"
        error = self.query_one(target, Static)
        error.update(glyphs.error_mark() + escape(message))
        error.display = True

    # ------------------------------------------------------------------ moving

    def _fields(self) -> list[Any]:
        return [w for w in self.query("#closing Input, #closing Select, #parts-table")
                if w.display]  # fmt: skip

    def action_next_field(self, step: int) -> None:
        focus_step(self, self._fields(), step)

    def action_line_field(self, step: int) -> None:
        line_step(self, self._fields(), step)

    def action_back(self) -> None:
        """Esc: back to the ticket at once if nothing was typed since the form opened (or
        was saved), else asked first."""
        leave_or_ask(
            self,
            _("Leave the closing form without saving?"),
            self.changed_fields(),
            lambda: self.dismiss(None),
        )

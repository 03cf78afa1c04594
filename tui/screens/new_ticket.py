"""Operators: record a customer's request for one appliance (a new ticket).

The form asks for what the seed's operator types: the customer and their address and
phone, the appliance (model, serial number, purchase date), the problem, and optionally
the centre to assign it to at once. The server checks the model against the catalogue;
every refusal shows beside its field and keeps what was typed (``tui.widgets.form``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from pydantic import ValidationError

from client.models import NewTicket, WarrantyStatus
from tui import formats
from tui.i18n import N_, _, localized
from tui.widgets.form import ActionForm, Field, FieldError, parse_date, refusal

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from client.api import SavClient
    from client.models import Ticket


def _fields() -> list[Field]:
    return [
        Field("last_name", _("Last name"), required=True),
        Field("first_name", _("First name")),
        Field("company", _("Company")),
        Field("street", _("Street"), required=True),
        Field("postal_code", _("Postal code"), required=True),
        Field("city", _("City"), required=True),
        Field("country", _("Country"), value="FR", required=True),
        Field("home_phone", _("Phone"), required=True),
        Field("email", _("E-mail"), placeholder=_("optional: name@example.com")),
        Field("model_code", _("Model"), required=True, placeholder="P64"),
        Field("service_index", _("Service index"), placeholder=_("the model's only one")),
        Field("serial_number", _("Serial number")),
        Field("purchase_date", _("Purchased on"), placeholder=formats.date_forms()),
        Field("warranty", _("Warranty"), kind="choice", choices=(
            (_("in warranty"), WarrantyStatus.IN_WARRANTY.value),
            (_("out of warranty"), WarrantyStatus.OUT_OF_WARRANTY.value),
        )),
        Field("problem", _("Problem"), kind="multiline", required=True),
        Field("service_centre_code", _("Centre code"),
              placeholder=_("optional: assign it at once")),
    ]  # fmt: skip


def _request(v: dict[str, str], email: str, purchase: dt.date | None) -> NewTicket:
    return NewTicket(
        last_name=v["last_name"],
        first_name=v["first_name"],
        company=v["company"],
        street=v["street"],
        postal_code=v["postal_code"],
        city=v["city"],
        country=v["country"],
        home_phone=v["home_phone"],
        email=email,
        model_code=v["model_code"].strip().upper(),
        service_index=v["service_index"].strip().upper(),
        serial_number=v["serial_number"],
        purchase_date=purchase,
        warranty=WarrantyStatus(v["warranty"]),
        problem=v["problem"],
        service_centre_code=v["service_centre_code"].strip(),
    )


@localized
class NewTicketForm(ActionForm):
    """The new ticket's form; dismissed with the ticket the server recorded."""

    HELP = N_(
        "A new ticket: the customer's request for one appliance, recorded To assign (or "
        "To contact at once when you give a centre's code: the centre then has 48 h to "
        "contact the customer). The model must be in the parts catalogue; without a "
        "service index, the model's only one is taken. Tab and shift+Tab (or ↓ ↑) move "
        "between the fields, ctrl+s records, Esc cancels (asked first once something is "
        "typed); a refusal shows beside its "
        "field and what you typed stays."
    )

    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        self.key = uuid.uuid4().hex

        def build(v: dict[str, str]) -> NewTicket:
            purchase = (
                parse_date("purchase_date", v["purchase_date"])
                if v["purchase_date"].strip()
                else None
            )
            if purchase is not None and purchase > clock().astimezone().date():
                raise FieldError("purchase_date", _("A purchase date cannot be in the future."))
            email = v["email"].strip()
            if email and ("@" not in email or "." not in email.partition("@")[2]):
                raise FieldError("email", _("Not an e-mail address: {text}").format(text=email))
            try:
                return _request(v, email, purchase)
            except ValidationError as exc:  # a length the server would refuse: say it here
                error = exc.errors()[0]
                name = str(error["loc"][0]) if error["loc"] else "last_name"
                raise FieldError(name, refusal(error)) from None

        async def send(client: SavClient, body: NewTicket) -> Ticket:
            from client.api import ConflictError, ForbiddenError, ValidationFailed

            # one key per request recorded: ctrl+s again after a lost answer sends the same
            # key (the server answers the ticket it recorded); after a definite refusal the
            # corrected form is a new request
            try:
                return await client.create_ticket(body, idempotency_key=self.key)
            except (ValidationFailed, ForbiddenError, ConflictError):
                self.key = uuid.uuid4().hex
                raise

        super().__init__(
            _("New ticket"),
            _fields(),
            build,
            send,
            intro=_("A customer's request for one appliance. * required."),
        )

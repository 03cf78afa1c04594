"""The centre's account with a supplier, entered once by its manager (issue 13, seed 000).

Supplier, user name, customer id, and a secret where the supplier needs one. ctrl+s sends it:
the server checks it with the supplier before keeping it, so wrong credentials are answered
beside the fields and nothing is kept; a supplier that does not answer is said under the form.
What was typed stays. The secret is typed hidden and never shown back: an account already
kept shows its user name and customer id, and the secret field stays empty (type it again to
replace the account). Reached by ``s`` where availability is shown and by ``:supplier``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.widget import Widget
from textual.widgets import Input, Select

from tui.i18n import N_, _, localized
from tui.widgets.form import ActionForm, Field
from tui.widgets.text_field import TextField

if TYPE_CHECKING:
    from client.api import SavClient
    from client.models.suppliers import Supplier, SupplierAccount

DEMO_HINT = N_(
    "The demo platform's accounts: demo / 100200 (no secret), atelier / 100300 "
    "(secret demo-secret)."
)


def _build(values: dict[str, str]) -> Any:
    from pydantic import SecretStr

    from client.models.suppliers import SaveSupplierAccountRequest

    secret = values["secret"]
    return SaveSupplierAccountRequest(
        supplier=values["supplier"],
        user_name=values["user_name"].strip(),
        customer_id=values["customer_id"].strip(),
        secret=SecretStr(secret) if secret else None,
    )


async def _send(client: SavClient, body: Any) -> SupplierAccount:
    return await client.save_supplier_account(body)


@localized
class SupplierAccountForm(ActionForm):
    """``ActionForm`` with the secret typed hidden."""

    HELP = N_(
        "The centre's account with a supplier: its user name and customer id (and a secret "
        "where the supplier gives one), entered once by the centre's manager. ctrl+s checks it "
        "with the supplier and keeps it; wrong credentials are said beside the fields and "
        "nothing is kept. The secret is never shown back: type it again to replace an account. "
        "Esc cancels (asked first once something is typed)."
    )
    BINDINGS = list(ActionForm.__msgid_bindings__)  # type: ignore[attr-defined]

    def __init__(self, *args: Any, accounts: list[SupplierAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accounts = {a.supplier: a for a in accounts}

    @on(Select.Changed, "#field-supplier")
    def _supplier_chosen(self, event: Select.Changed) -> None:
        """Another supplier: the centre's account with it, if it has one (never its secret)."""
        kept = self.accounts.get(str(event.value))
        secret = self.query_one("#field-secret", Input)
        if kept is not None:
            self.query_one("#field-user_name", Input).value = kept.user_name
            self.query_one("#field-customer_id", Input).value = kept.customer_id
            secret.value = ""
        secret.placeholder = _secret_placeholder(kept)

    def _widget(self, spec: Field) -> Widget:
        if spec.name == "secret":
            return TextField(
                "",
                placeholder=spec.placeholder,
                id=f"field-{spec.name}",
                compact=True,
                password=True,
                max_length=200,
            )
        return super()._widget(spec)


def account_form(
    suppliers: list[Supplier],
    accounts: list[SupplierAccount],
    *,
    supplier: str | None = None,
    demo: bool = False,
) -> SupplierAccountForm:
    """The form for the centre's account with ``supplier`` (else the first without one)."""
    kept = {a.supplier: a for a in accounts}
    if supplier is None:
        supplier = next(
            (s.supplier for s in suppliers if s.supplier not in kept),
            suppliers[0].supplier if suppliers else "",
        )
    current = kept.get(supplier)
    choices = tuple((f"{s.supplier_name} ({s.supplier})", s.supplier) for s in suppliers)
    fields = [
        Field("supplier", _("Supplier"), kind="choice", value=supplier, choices=choices),
        Field(
            "user_name",
            _("User name"),
            value=current.user_name if current else "",
            required=True,
        ),
        Field(
            "customer_id",
            _("Customer id"),
            value=current.customer_id if current else "",
            required=True,
        ),
        Field("secret", _("Secret"), placeholder=_secret_placeholder(current)),
    ]
    intro = _(
        "Entered once for the centre; checked with the supplier before it is kept. "
        "The secret is never shown again."
    )
    if demo:
        intro += " " + _(DEMO_HINT)
    return SupplierAccountForm(
        _("Supplier account"), fields, _build, _send, intro=intro, accounts=accounts
    )


def _secret_placeholder(kept: SupplierAccount | None) -> str:
    if kept is not None and kept.has_secret:
        return _("kept, never shown; type it again to replace it")
    return _("only if the supplier gave one")

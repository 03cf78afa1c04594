"""The ``:`` command line: short codes, parsed here and carried out by the app.

:t 116496    open a ticket         :p 870650444   a part      :m AP64-3   a model
:cart        the cart              :o             the orders  :home       the home screen
:parts 2026-10  the monthly parts report          :periods 2026  the voucher period view
:so          the orders to suppliers
:lang fr     switch the language   :help          help        :q          quit
:redraw      repaint every cell of the screen
:supplier    the centre's supplier account    :av 870650222  a part at every supplier
In French and Italian each command also has its name in that language (:panier, :carrello).
:changes     the supplier changes (the sync's pending diff)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui import i18n
from tui.i18n import N_, _
from tui.search_words import plain

if TYPE_CHECKING:
    from tui.app import SavApp


@dataclass(frozen=True)
class Command:
    name: str
    argument: str = ""


@dataclass(frozen=True)
class Spec:
    name: str
    aliases: tuple[str, ...]
    argument: str | None  # what the argument is, or None when it takes none
    help: str
    optional: bool = False  # the argument may be left out


SPECS = (
    Spec("ticket", ("t",), N_("ticket number"), N_("open a ticket")),
    Spec("part", ("p",), N_("part code"), N_("open a part")),
    Spec("model", ("m",), N_("model code"), N_("open a model")),
    Spec(
        "availability", ("av",), N_("part code"), N_("a part at the manufacturer and the suppliers")
    ),
    Spec("supplier", ("sup",), None, N_("enter the centre's supplier account")),
    Spec("cart", (), None, N_("open the cart")),
    Spec("orders", ("o",), None, N_("open the orders")),
    Spec("supplier-orders", ("so",), None, N_("open the orders to suppliers")),
    Spec("tickets", ("ts",), None, N_("open the ticket search")),
    Spec("catalogue", ("c",), None, N_("open the catalogue")),
    Spec("invoicing", ("i",), None, N_("open invoicing")),
    Spec("parts", ("pr",), N_("month: YYYY-MM"), N_("open the monthly parts report"), True),
    Spec("periods", ("pv",), N_("year"), N_("open the voucher period view"), True),
    Spec("changes", ("sync",), None, N_("open the supplier changes (s synchronises)")),
    Spec("home", ("h",), None, N_("go to the home screen")),
    Spec("lang", (), N_("language: en, fr, it"), N_("switch the language")),
    Spec("help", ("?",), None, N_("show help")),
    Spec("redraw", (), None, N_("repaint the whole screen (when a line garbled it)")),
    Spec("logout", (), None, N_("sign out")),
    Spec("quit", ("q",), None, N_("quit sav")),
)
_BY_NAME = {alias: spec for spec in SPECS for alias in (spec.name, *spec.aliases)}

# The commands' names in the interface's language, beside the English ones that work in
# every language (``:panier``, ``:carrello``); compared without accents or case.
LOCAL_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "ticket": ("fiche",),
        "part": ("piece",),
        "model": ("modele",),
        "availability": ("dispo", "disponibilite"),
        "supplier": ("fournisseur",),
        "cart": ("panier",),
        "orders": ("commandes",),
        "tickets": ("recherche",),
        "catalogue": ("cat",),
        "invoicing": ("facturation", "factures"),
        "parts": ("rapport",),
        "periods": ("periodes",),
        "home": ("accueil",),
        "lang": ("langue",),
        "help": ("aide",),
        "redraw": ("redessiner",),
        "logout": ("deconnexion",),
        "quit": ("quitter",),
    },
    "it": {
        "ticket": ("intervento",),
        "part": ("ricambio",),
        "model": ("modello",),
        "availability": ("disp", "disponibilita"),
        "supplier": ("fornitore",),
        "cart": ("carrello",),
        "orders": ("ordini",),
        "tickets": ("ricerca", "interventi"),
        "catalogue": ("catalogo",),
        "invoicing": ("fatturazione",),
        "parts": ("rapporto",),
        "periods": ("periodi",),
        "home": ("inizio",),
        "lang": ("lingua",),
        "help": ("aiuto",),
        "redraw": ("ridisegna",),
        "logout": ("esci",),
        "quit": ("chiudi",),
    },
}


def local_names(name: str) -> tuple[str, ...]:
    """A command's names in the interface's language (none in English)."""
    return LOCAL_NAMES.get(i18n.language(), {}).get(name, ())


def _spec(word: str) -> Spec | None:
    spec = _BY_NAME.get(word)
    if spec is not None:
        return spec
    bare = plain(word)
    for name, words in LOCAL_NAMES.get(i18n.language(), {}).items():
        if bare in words:
            return _BY_NAME.get(name)
    return None


class CommandError(ValueError):
    """The text is not a command; the message says why, for a person."""


def parse(text: str) -> Command:
    words = text.strip().removeprefix(":").split()
    if not words:
        raise CommandError(_("Type a command, e.g. t 116496; help lists them."))
    name, args = words[0].lower(), words[1:]
    spec = _spec(name)
    if spec is None:
        raise CommandError(_("Unknown command: {name}").format(name=name))
    if spec.optional and not args:
        return Command(spec.name)
    if spec.argument is None:
        if args:
            raise CommandError(_("{name} takes no argument").format(name=spec.name))
        return Command(spec.name)
    if len(args) != 1:
        raise CommandError(
            _("{name} needs one {what}").format(name=spec.name, what=_(spec.argument))
        )
    argument = args[0]
    if spec.name == "ticket" and not argument.isdigit():
        raise CommandError(_("A ticket number is digits only: {arg}").format(arg=argument))
    if spec.name == "parts":
        # here, not at the top: client.models is pydantic, which the login screen does without
        from client.models.reports import shift_month

        try:
            shift_month(argument, 0)
        except ValueError:
            raise CommandError(
                _("A month is written YYYY-MM, e.g. 2026-10: {arg}").format(arg=argument)
            ) from None
        if not 1 <= int(argument[5:]) <= 12:
            raise CommandError(
                _("A month is written YYYY-MM, e.g. 2026-10: {arg}").format(arg=argument)
            )
    if spec.name == "periods" and not (argument.isdigit() and len(argument) == 4):
        raise CommandError(_("A year is four digits, e.g. 2026: {arg}").format(arg=argument))
    if spec.name == "lang" and i18n.normalise(argument) is None:
        raise CommandError(_("Unknown language: {arg} (en, fr, it)").format(arg=argument))
    return Command(spec.name, argument)


def run(app: SavApp, command: Command) -> None:
    """Carry out a parsed command."""
    name = command.name
    if name == "quit":
        app.exit()
    elif name == "help":
        app.action_help()
    elif name == "redraw":
        app.redraw()
    elif name == "lang":
        app.choose_language(command.argument)
        if app.user is None:  # before signing in: the login screen, in that language
            app.relabel_login()
        else:
            app.action_go_home(rebuild=True)
    elif app.user is None:
        app.notify(_("Sign in first."), severity="warning")
    elif name == "home":
        app.action_go_home()
    elif name == "logout":
        app.action_sign_out()
    elif name == "ticket":
        app.open_ticket(int(command.argument))
    elif name == "tickets":
        app.open_tickets()
    elif name == "part":
        app.open_part(command.argument)
    elif name == "model":
        app.open_model_code(command.argument)
    elif name == "catalogue":
        app.open_catalogue()
    elif name == "availability":
        app.open_availability(command.argument)
    elif name == "supplier":
        app.open_supplier_account()
    elif name == "cart":
        app.open_cart()
    elif name == "orders":
        app.open_orders()
    elif name == "parts":
        app.open_parts_report(command.argument or None)
    elif name == "periods":
        app.open_periods(int(command.argument) if command.argument else None)
    elif name == "changes":
        app.open_supplier_changes()
    elif name == "supplier-orders":
        app.open_supplier_orders()
    else:
        app.open_invoicing()

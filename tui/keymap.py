"""The user's keys: ``keys.toml`` in the config folder rebinds any action by its binding id.

Every binding of sav has a stable id (``tickets.export``, ``cart.checkout``, ``help``);
Textual's keymap (``App.set_keymap``) puts the user's keys in place of the shipped ones,
on every screen that has the binding. ``sav keys`` prints the ids with their keys::

    # ~/.config/sav/keys.toml
    "tickets.export" = "f7"              # one key
    "cart.checkout" = ["f9", "ctrl+o"]   # several
    [ticket]                             # or a table per prefix
    log = "n"

A file that cannot be used whole is used for what it can: each entry that is wrong (an id
sav does not have, a key no terminal sends, an alt+ key, which tmux, PuTTY and the Linux
console turn into Esc then the key) is named with its line and left out, and sav starts
with the others. A key given to two actions of the same screen is said too.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from tui import glyphs
from tui.i18n import N_, _

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.dom import DOMNode

FILE_NAME = "keys.toml"

OWNERS: tuple[tuple[str, str, str], ...] = (
    ("tui.app", "SavApp", N_("Everywhere")),
    ("tui.screens.login", "LoginScreen", N_("Sign-in")),
    ("tui.screens.home", "HomeScreen", N_("Home")),
    ("tui.screens.ticket_search", "TicketSearchScreen", N_("Ticket search")),
    ("tui.widgets.ticket_list", "TicketList", N_("Ticket list")),
    ("tui.screens.ticket", "TicketScreen", N_("Ticket")),
    ("tui.widgets.form", "ActionForm", N_("Forms")),
    ("tui.screens.supplier_account", "SupplierAccountForm", N_("Supplier account")),
    ("tui.screens.new_ticket", "NewTicketForm", N_("New ticket")),
    ("tui.screens.close_intervention", "CloseInterventionScreen", N_("Closing form")),
    ("tui.screens.code_lookup", "CodeLookup", N_("Lists to choose from")),
    ("tui.widgets.note", "NoteArea", N_("Note fields")),
    ("tui.widgets.note", "NoteInput", N_("Note fields")),
    ("tui.screens.catalogue", "CatalogueScreen", N_("Catalogue")),
    ("tui.screens.model", "ModelScreen", N_("Model")),
    ("tui.widgets.parts_list", "PartsList", N_("Model lines")),
    ("tui.widgets.supersession_tree", "SupersessionTreeView", N_("Supersession tree")),
    ("tui.screens.part", "PartScreen", N_("Part")),
    ("tui.screens.availability", "AvailabilityScreen", N_("Availability at the suppliers")),
    ("tui.screens.add_to_cart", "AddToCartScreen", N_("Add to cart")),
    ("tui.screens.cart", "CartScreen", N_("Cart")),
    ("tui.screens.ticket_picker", "TicketPickerScreen", N_("Ticket lookup")),
    ("tui.screens.checkout", "CheckoutScreen", N_("Checkout")),
    ("tui.screens.orders", "OrdersScreen", N_("Orders")),
    ("tui.screens.order", "OrderScreen", N_("Order")),
    ("tui.screens.supplier_orders", "SupplierOrdersScreen", N_("Orders to suppliers")),
    ("tui.screens.supplier_order", "SupplierOrderScreen", N_("Order to a supplier")),
    ("tui.screens.invoicing", "InvoicingScreen", N_("Invoicing")),
    ("tui.screens.vouchers", "VouchersScreen", N_("Payment vouchers")),
    ("tui.screens.supplier_changes", "SupplierChangesScreen", N_("Supplier changes")),
    ("tui.screens.voucher", "VoucherScreen", N_("Payment voucher")),
    ("tui.screens.parts_report", "PartsReportScreen", N_("Monthly parts report")),
    ("tui.screens.invoice_periods", "InvoicePeriodsScreen", N_("Voucher period view")),
    ("tui.widgets.key_table", "KeyTable", N_("Lists")),
    ("tui.screens.confirm", "ConfirmScreen", N_("Questions")),
    ("tui.screens.prompt", "PromptScreen", N_("Questions")),
    ("tui.screens.command_line", "CommandLineScreen", N_("Command line")),
    ("tui.screens.help", "HelpScreen", N_("Help")),
)
"""Every class of sav with key bindings, and where a person meets them."""

MODIFIERS = ("ctrl", "shift")
NOT_SENT = ("alt", "meta", "super", "hyper", "option", "cmd")
CTRL_ALIASES = {
    "i": "Tab",
    "m": "Enter",
    "h": "BackSpace",
    "left_square_bracket": "Esc",
}
"""ctrl+ keys a terminal sends as another key."""
CTRL_EXTRAS = ("backslash", "right_square_bracket", "circumflex_accent", "underscore")
"""ctrl+ with these (besides the letters) reaches sav."""


# --------------------------------------------------------------------------- the bindings


@dataclass(frozen=True)
class Owner:
    cls: type[DOMNode]
    where: str
    """Where a person meets these keys (an English message id)."""

    def bindings(self) -> list[Binding]:
        """The bindings the class declares itself (not those it inherits)."""
        from textual.binding import Binding

        declared = getattr(self.cls, "__msgid_bindings__", self.cls.__dict__.get("BINDINGS", []))
        return [b if isinstance(b, Binding) else Binding(*b) for b in declared]


@cache
def owners() -> tuple[Owner, ...]:
    found = []
    for module_name, class_name, where in OWNERS:
        cls = getattr(importlib.import_module(module_name), class_name)
        found.append(Owner(cls, where))
    return tuple(found)


def defaults() -> dict[str, tuple[str, str]]:
    """Every binding id: (its keys as shipped, comma separated; what it does, message id)."""
    out: dict[str, tuple[str, str]] = {}
    for owner in owners():
        for binding in owner.bindings():
            if binding.id and binding.id not in out:
                out[binding.id] = (binding.key, binding.description)
    return out


def split_keys(keys: str) -> list[str]:
    return [k.strip() for k in keys.split(",") if k.strip()]


def key_display(key: str) -> str:
    """A key as people write it: F7, ^o, Esc, ⏎, ?, G."""
    from textual.binding import Binding
    from textual.keys import format_key

    modifiers, name = Binding(key, "").parse_key()
    shown = format_key(name)
    if "ctrl" in modifiers:
        modifiers.remove("ctrl")
        shown = "^" + shown
    shown = "+".join([*modifiers, shown])
    if shown[:1] == "f" and shown[1:].isdigit():
        shown = shown.upper()
    elif shown == "esc":
        shown = "Esc"
    return glyphs.text(shown)


# --------------------------------------------------------------------------- the file


@dataclass(frozen=True)
class Problem:
    """What is wrong with an entry of the file (or the whole file)."""

    message: str
    line: int | None = None
    binding_id: str | None = None
    applied: bool = False
    """The entry is used all the same (e.g. a key taken from another action)."""

    def text(self, path: Path | None) -> str:
        where = path.name if path is not None else FILE_NAME
        if self.line is not None:
            where += f":{self.line}"
        if self.binding_id:
            where += f": {self.binding_id}"
        return f"{where}: {self.message}"


@dataclass
class UserKeymap:
    path: Path | None
    """The file read (None: there is none)."""
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id -> its keys, comma separated (what ``App.set_keymap`` takes)."""
    problems: list[Problem] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    """Binding id -> the line of the file it is set on."""
    checked: bool = False
    """The ids were checked against sav's bindings (``check``)."""

    @property
    def ignored(self) -> list[Problem]:
        return [p for p in self.problems if not p.applied]


def keymap_path() -> Path:
    from client.profiles import config_dir

    return config_dir() / FILE_NAME


def load(path: Path | None = None, *, check_ids: bool = True) -> UserKeymap:
    """Read the user's keys; never raises (what is wrong is in ``problems``).

    ``check_ids=False`` reads the file and checks the keys only: the ids are checked
    against every screen's bindings by ``check``, which imports every screen (the app
    does it once its first frame is painted)."""
    try:
        path = path or keymap_path()
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return UserKeymap(None)
    except (OSError, UnicodeDecodeError) as exc:
        return UserKeymap(path, problems=[Problem(_("cannot read it: {e}").format(e=exc))])
    return parse(text, path, check_ids=check_ids)


_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def parse(text: str, path: Path | None = None, *, check_ids: bool = True) -> UserKeymap:
    import tomllib  # only when there is a file: sav starts without it

    keymap = UserKeymap(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _LINE.search(str(exc))
        reason = _LINE.sub("", str(exc)).strip()
        keymap.problems.append(
            Problem(
                _("not a TOML file ({reason}): none of its keys apply").format(reason=reason),
                int(found.group(1)) if found else None,
            )
        )
        return keymap
    keymap.lines = lines = _line_numbers(text)
    for binding_id, value in _flatten(data):
        line = lines.get(binding_id)
        if isinstance(value, str):
            wanted = split_keys(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            wanted = [k for v in value for k in split_keys(v)]
        else:
            keymap.problems.append(
                Problem(_('a key ("f7") or a list of keys (["f7", "ctrl+e"])'), line, binding_id)
            )
            continue
        keys, wrong = [], []
        for key in wanted:
            normal, error = check_key(key)
            if error:
                wrong.append(f"{key}: {error}")
            else:
                keys.append(normal)
        for error in wrong:
            keymap.problems.append(Problem(error, line, binding_id))
        if not keys:
            if not wrong:
                keymap.problems.append(Problem(_("no key given"), line, binding_id))
            continue
        keymap.keys[binding_id] = ",".join(dict.fromkeys(keys))
    if check_ids:
        check(keymap)
    return keymap


def check(keymap: UserKeymap) -> UserKeymap:
    """Leave out (and name) the ids sav does not have; say which keys another action of
    the same screen also has. Once per keymap."""
    import difflib

    if keymap.checked:
        return keymap
    keymap.checked = True
    known = defaults()
    for binding_id in list(keymap.keys):
        if binding_id not in known:
            del keymap.keys[binding_id]
            close = difflib.get_close_matches(binding_id, known, n=1)
            message = _("sav has no such binding")
            if close:
                message += " " + _("(did you mean {id}?)").format(id=close[0])
            keymap.problems.append(Problem(message, keymap.lines.get(binding_id), binding_id))
    keymap.problems.extend(clashes(keymap.keys, keymap.lines))
    keymap.problems.sort(key=lambda p: (p.line or 0, p.binding_id or ""))
    return keymap


def _flatten(data: dict[str, object], prefix: str = "") -> list[tuple[str, object]]:
    """``{"ticket": {"log": "n"}}`` (a table, or a bare dotted key) -> ``ticket.log``."""
    out: list[tuple[str, object]] = []
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.extend(_flatten(value, name))
        else:
            out.append((name, value))
    return out


_TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
_ENTRY = re.compile(r"^\s*((?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_.\-\s])+?)\s*=")


def _dotted(key: str) -> str:
    """A TOML key as written (``"tickets.export"``, ``ticket . log``) -> its id."""
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_\-]+)", key)
    return ".".join(next(p for p in part if p) for part in parts)


def _line_numbers(text: str) -> dict[str, int]:
    """Binding id -> the line it is set on (to say where a problem is)."""
    numbers: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _TABLE.match(line):
            table = _dotted(match.group(1))
            continue
        if match := _ENTRY.match(line):
            name = _dotted(match.group(1))
            numbers.setdefault(f"{table}.{name}" if table else name, number)
    return numbers


def check_key(key: str) -> tuple[str, str]:
    """(the key as Textual names it, "") or ("", why no terminal would send it)."""
    from textual.keys import Keys, _character_to_key

    raw = key.strip()
    if len(raw) == 1:
        return (_character_to_key(raw) if raw != " " else "space"), ""
    parts = raw.split("+")
    *modifiers, name = [p.strip() for p in parts]
    modifiers = [m.lower() for m in modifiers]
    if len(name) > 1:
        name = name.lower()
    elif name:
        name = _character_to_key(name)
    if not name or any(not m for m in modifiers):
        return "", _("not a key")
    for modifier in modifiers:
        if modifier in NOT_SENT:
            return "", _(
                "{modifier}+ keys do not reach sav on tmux, PuTTY or the Linux console "
                "(they come as Esc, then the key): choose an F-key or a ctrl+ letter"
            ).format(modifier=modifier)
        if modifier not in MODIFIERS:
            return "", _("unknown modifier {modifier} (ctrl, shift)").format(modifier=modifier)
    named = {k.value.rsplit("+", 1)[-1] for k in Keys} | {"enter", "space", "tab", "backspace"}
    from textual.keys import key_to_character

    if len(name) > 1 and name not in named and key_to_character(name) is None:
        return "", _("unknown key {name}").format(name=name)
    if "ctrl" in modifiers:
        if len(name) == 1:
            name = name.lower()  # a terminal sends the same byte for ctrl+O and ctrl+o
        if name in CTRL_ALIASES:
            return "", _("a terminal sends ctrl+{name} as {key}").format(
                name=name, key=CTRL_ALIASES[name]
            )
        if not (len(name) == 1 and name.isalpha()) and name not in CTRL_EXTRAS:
            return "", _("terminals send no ctrl+{name}: use ctrl with a letter").format(name=name)
    if "shift" in modifiers:
        if len(name) == 1:
            return "", _("write the character itself ({upper}, not shift+{name})").format(
                upper=name.upper(), name=name
            )
        if re.fullmatch(r"f\d+", name):
            return "", _("shift+F-keys do not reach sav on the Linux console or PuTTY")
    return "+".join([*sorted(set(modifiers), key=MODIFIERS.index), name]), ""


def effective(owner: Owner, keys: dict[str, str]) -> dict[str, list[str]]:
    """Key -> the ids of ``owner`` bound to it once the user's keys are in place.

    (Textual's ``BindingsMap.apply_keymap`` gives a rebound key to the user's binding and
    drops the shipped one without saying so; this says it.)"""
    out: dict[str, list[str]] = {}
    for binding in owner.bindings():
        if not binding.id:
            continue
        for key in split_keys(keys.get(binding.id, binding.key)):
            ids = out.setdefault(check_key(key)[0] or key, [])
            if binding.id not in ids:
                ids.append(binding.id)
    return out


def clashes(keys: dict[str, str], lines: dict[str, int]) -> list[Problem]:
    """Keys of the file that are also another action's where both are reachable: on the
    same screen, or one of the app's keys (F1, :, ctrl+q…) on a screen."""
    if not keys:
        return []
    known = defaults()
    app, *others = owners()
    app_keys = effective(app, keys)
    problems = []
    for owner in (app, *others):
        for key, ids in effective(owner, keys).items():
            also = ids + [i for i in app_keys.get(key, []) if owner is not app and i not in ids]
            for binding_id in (i for i in ids if i in keys):
                for other in (i for i in also if i != binding_id):
                    does = known[other][1]
                    problems.append(
                        Problem(
                            _("{key} is also {other} ({does}) on {where}").format(
                                key=key_display(key), other=other,
                                does=_(does) if does else other, where=_(owner.where),
                            ),
                            lines.get(binding_id),
                            binding_id,
                            applied=True,
                        )
                    )  # fmt: skip
    return list(dict.fromkeys(problems))


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Row:
    where: str
    binding_id: str
    keys: str
    does: str
    yours: bool


def table(keymap: UserKeymap) -> list[Row]:
    """Every binding of sav as the keymap makes it, screen by screen (translated)."""
    rows = []
    seen = set()
    for owner in owners():
        for binding in owner.bindings():
            if not binding.id or (owner.where, binding.id) in seen:
                continue
            seen.add((owner.where, binding.id))
            keys = keymap.keys.get(binding.id, binding.key)
            rows.append(
                Row(
                    _(owner.where),
                    binding.id,
                    " ".join(key_display(k) for k in split_keys(keys)),
                    _(binding.description) if binding.description else binding.action,
                    binding.id in keymap.keys,
                )
            )
    return rows


def render(keymap: UserKeymap) -> str:
    """What ``sav keys`` prints: the keys screen by screen, the user's marked with *."""
    if keymap.path is not None:
        head = _("sav's keys; * marks yours, from {path}").format(path=keymap.path)
    else:
        head = _("sav's keys as shipped; to change one, write its id and keys in {path}").format(
            path=keymap_path()
        )
    lines = [head, "", "  " + _("KEYS").ljust(16) + _("WHAT IT DOES").ljust(34) + _("ID")]
    where = None
    for row in table(keymap):
        if row.where != where:
            where = row.where
            lines += ["", where]
        keys = row.keys + (" *" if row.yours else "")
        lines.append(f"  {keys:<15} {row.does:<33} {row.binding_id}")
    return "\n".join(lines)


__all__ = [
    "FILE_NAME",
    "OWNERS",
    "Owner",
    "Problem",
    "Row",
    "UserKeymap",
    "check",
    "check_key",
    "clashes",
    "defaults",
    "key_display",
    "keymap_path",
    "load",
    "owners",
    "parse",
    "render",
    "split_keys",
    "table",
]

"""The words of the search lines in the user's language: filter keys, flags, sort columns
and status names, in English and in the interface's language (French ``ville:mol
tri:-date st:attente``, Italian ``città:mol ordina:-data stato:attesa``).

Pure (no Textual): ``tui.ticket_filter`` and ``tui.order_filter`` read their lines with
it, the help screens list its words. Words are compared without accents or case
(``modèle:`` is ``modele:``). A status is named by its code, its English name, its name
in the interface's language (the catalogue's) or one of the names below; any clear start
of one will do (``st:att``): the start of a whole name first (``verif`` is Verified, not
"Closed, to verify"), else the start of one of its words (``attente`` is "En attente de
pièces"). A start that several statuses share is refused, naming them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TypeVar

from tui.i18n import N_, _

E = TypeVar("E", bound=StrEnum)


def plain(word: str) -> str:
    """Lower case, accents removed, ``_`` and ``-`` made spaces: how words are compared."""
    decomposed = unicodedata.normalize("NFKD", word)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(bare.replace("_", " ").replace("-", " ").split())


# ----------------------------------------------------------------------------- filter keys
# Field -> its keys in each language (the first is the one the help shows first).

TICKET_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "status": ("st", "status"),
        "postal_code": ("cp", "pc", "zip"),
        "city": ("city",),
        "phone": ("tel", "phone"),
        "model": ("model", "m"),
        "engineer": ("eng", "engineer"),
        "created_from": ("from",),
        "created_to": ("to",),
        "is": ("is",),
        "not": ("not",),
        "sort": ("sort",),
    },
    "fr": {
        "status": ("st", "statut", "état"),
        "postal_code": ("cp",),
        "city": ("ville",),
        "phone": ("tél", "tel", "téléphone"),
        "model": ("modèle", "m"),
        "engineer": ("tech", "technicien"),
        "created_from": ("du", "depuis"),
        "created_to": ("au", "jusqua"),
        "is": ("est",),
        "not": ("pas",),
        "sort": ("tri",),
    },
    "it": {
        "status": ("st", "stato"),
        "postal_code": ("cap",),
        "city": ("città",),
        "phone": ("tel", "telefono"),
        "model": ("modello", "m"),
        "engineer": ("tec", "tecnico"),
        "created_from": ("dal",),
        "created_to": ("al",),
        "is": ("è",),
        "not": ("non",),
        "sort": ("ordina",),
    },
}

ORDER_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "status": ("st", "status"),
        "ticket_id": ("t", "ticket"),
        "part": ("p", "part"),
        "centre": ("sc", "centre"),
        "created_from": ("from",),
        "created_to": ("to",),
        "note": ("n", "note"),
    },
    "fr": {
        "status": ("st", "statut", "état"),
        "ticket_id": ("t", "dossier"),
        "part": ("p", "pièce"),
        "centre": ("sc", "centre"),
        "created_from": ("du", "depuis"),
        "created_to": ("au", "jusqua"),
        "note": ("n", "note"),
    },
    "it": {
        "status": ("st", "stato"),
        "ticket_id": ("t", "intervento"),
        "part": ("p", "ricambio"),
        "centre": ("sc", "centro"),
        "created_from": ("dal",),
        "created_to": ("al",),
        "note": ("n", "nota"),
    },
}

INVOICING_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"intervention_from": ("from",), "intervention_to": ("to",), "centre": ("sc", "centre")},
    "fr": {"intervention_from": ("du", "depuis"), "intervention_to": ("au", "jusqua"),
           "centre": ("sc", "centre")},
    "it": {"intervention_from": ("dal",), "intervention_to": ("al",), "centre": ("sc", "centro")},
}  # fmt: skip
"""The invoicing list's search line: intervention dates and (operators) a centre."""

VOUCHER_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"created_from": ("from",), "created_to": ("to",), "amount_min": ("min",),
           "amount_max": ("max",), "centre": ("sc", "centre")},
    "fr": {"created_from": ("du", "depuis"), "created_to": ("au", "jusqua"),
           "amount_min": ("min",), "amount_max": ("max",), "centre": ("sc", "centre")},
    "it": {"created_from": ("dal",), "created_to": ("al",), "amount_min": ("min",),
           "amount_max": ("max",), "centre": ("sc", "centro")},
}  # fmt: skip
"""The vouchers' search line: the day a voucher was made, its total, a centre."""

FIELD_HELP = {
    "status": N_("statuses, comma-separated, by any clear start of their names"),
    "postal_code": N_("postal code (its start)"),
    "city": N_("city (its start)"),
    "phone": N_("phone number (its digits)"),
    "model": N_("appliance model (its start)"),
    "engineer": N_("engineer"),
    "created_from": N_("created on or after a date"),
    "created_to": N_("created on or before a date"),
    "is": N_("only overdue tickets, or those waiting for parts"),
    "not": N_("leave them out"),
    "sort": N_("sort by a column; a leading - sorts descending"),
    "ticket_id": N_("a ticket number"),
    "part": N_("a part code (its start)"),
    "centre": N_("a centre code or customer number (operators)"),
    "note": N_("words of the notes"),
}

# is: / not: flags, and the sort columns, by language (values: the query's field or column).
FLAGS: dict[str, dict[str, str]] = {
    "en": {"overdue": "overdue", "parts": "waiting_parts", "waiting": "waiting_parts"},
    "fr": {"retard": "overdue", "pièces": "waiting_parts", "attente": "waiting_parts"},
    "it": {"ritardo": "overdue", "ricambi": "waiting_parts", "attesa": "waiting_parts"},
}

SORTS: dict[str, dict[str, str]] = {
    "en": {
        "date": "created_at",
        "created": "created_at",
        "id": "id",
        "ticket": "id",
        "customer": "customer",
        "name": "customer",
        "city": "city",
        "cp": "postal_code",
        "postal": "postal_code",
        "model": "model",
        "status": "status",
        "centre": "service_centre",
        "engineer": "engineer",
        "appointment": "appointment",
    },
    "fr": {
        "date": "created_at",
        "numéro": "id",
        "dossier": "id",
        "client": "customer",
        "nom": "customer",
        "ville": "city",
        "cp": "postal_code",
        "modèle": "model",
        "statut": "status",
        "centre": "service_centre",
        "tech": "engineer",
        "technicien": "engineer",
        "rdv": "appointment",
    },
    "it": {
        "data": "created_at",
        "numero": "id",
        "intervento": "id",
        "cliente": "customer",
        "nome": "customer",
        "città": "city",
        "cap": "postal_code",
        "modello": "model",
        "stato": "status",
        "centro": "service_centre",
        "tecnico": "engineer",
        "appuntamento": "appointment",
    },
}

# Names of the statuses people use beside the catalogue's (which count too, whatever they
# are): the English ones are the message ids; French and Italian add the service centres'
# own words ("injoignable", "irreperibile").
STATUS_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "to_assign": ("to assign", "unassigned"),
        "to_contact": ("to contact",),
        "unreachable": ("unreachable", "not reachable"),
        "confirmed": ("confirmed",),
        "waiting_parts": ("waiting for parts",),
        "exchange_requested": ("exchange requested",),
        "closed": ("closed, to verify",),
        "verified": ("verified",),
        "invoiced": ("invoiced",),
        "cancelled": ("cancelled", "canceled"),
    },
    "fr": {
        "to_assign": ("à assigner", "à affecter"),
        "to_contact": ("client à contacter", "à contacter"),
        "unreachable": ("client non joignable", "injoignable", "non joignable"),
        "confirmed": ("confirmé",),
        "waiting_parts": ("en attente de pièces",),
        "exchange_requested": ("échange demandé",),
        "closed": ("clôturé, à vérifier",),
        "verified": ("vérifié",),
        "invoiced": ("facturé",),
        "cancelled": ("annulé",),
    },
    "it": {
        "to_assign": ("da assegnare",),
        "to_contact": ("da contattare",),
        "unreachable": ("irreperibile", "non raggiungibile"),
        "confirmed": ("confermato",),
        "waiting_parts": ("in attesa di ricambi",),
        "exchange_requested": ("sostituzione richiesta",),
        "closed": ("chiuso, da verificare",),
        "verified": ("verificato",),
        "invoiced": ("fatturato",),
        "cancelled": ("annullato",),
    },
}

ORDER_STATUS_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "awaiting_validation": ("awaiting validation",),
        "validated": ("validated",),
        "shipped": ("shipped",),
        "done": ("done",),
        "cancelled": ("withdrawn",),
    },
    "fr": {
        "awaiting_validation": ("en attente de validation",),
        "validated": ("validée",),
        "shipped": ("expédiée",),
        "done": ("terminée",),
        "cancelled": ("retirée",),
    },
    "it": {
        "awaiting_validation": ("in attesa di convalida",),
        "validated": ("convalidato",),
        "shipped": ("spedito",),
        "done": ("evaso", "completato"),
        "cancelled": ("ritirato",),
    },
}


def languages(lang: str) -> tuple[str, ...]:
    """The languages whose words a user of ``lang`` may type: theirs, and English."""
    return (lang, "en") if lang != "en" and lang in TICKET_KEYS else ("en",)


def keys_for(table: Mapping[str, Mapping[str, tuple[str, ...]]], lang: str) -> dict[str, str]:
    """Every key a user of ``lang`` may type (compared plain) -> its field."""
    out: dict[str, str] = {}
    for code in languages(lang):
        for field, keys in table[code].items():
            for key in keys:
                out.setdefault(plain(key), field)
    return out


def words_for(table: Mapping[str, Mapping[str, str]], lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for code in languages(lang):
        for word, value in table[code].items():
            out.setdefault(plain(word), value)
    return out


def shown_keys(table: Mapping[str, Mapping[str, tuple[str, ...]]], lang: str) -> list[str]:
    """The keys the help and the messages name: the user's language's (English's are
    understood too, and named in English)."""
    seen: list[str] = []
    for code in languages(lang)[:1]:
        for keys in table[code].values():
            for key in keys:
                if key not in seen:
                    seen.append(key)
    return seen


class Ambiguous(ValueError):
    def __init__(self, candidates: list[StrEnum]) -> None:
        super().__init__(candidates)
        self.candidates = candidates


def status_names(
    status: StrEnum,
    lang: str,
    names: Mapping[str, Mapping[str, tuple[str, ...]]],
    labels: Mapping[str, str],
) -> list[str]:
    """A status's names a user of ``lang`` may type, compared plain."""
    found = [plain(status.value)]
    label = labels.get(status.value)
    if label:
        found += [plain(label), plain(_(label))]
    for code in languages(lang):
        found += [plain(n) for n in names.get(code, {}).get(status.value, ())]
    return list(dict.fromkeys(found))


def status_by_start(
    word: str,
    statuses: Iterable[E],
    lang: str,
    names: Mapping[str, Mapping[str, tuple[str, ...]]],
    labels: Mapping[str, str],
) -> E | None:
    """The status ``word`` names (see the module's doc); None for none, Ambiguous for several."""
    typed = plain(word)
    if not typed:
        return None
    every = [(s, status_names(s, lang, names, labels)) for s in statuses]
    for test in (
        lambda n: n == typed,
        lambda n: n.startswith(typed),
        lambda n: any(w.startswith(typed) for w in n.replace(",", " ").split()),
    ):
        matches = [s for s, ns in every if any(test(n) for n in ns)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise Ambiguous(matches)
    return None


def shown_words(table: Mapping[str, Mapping[str, str]], lang: str) -> list[str]:
    """The words of ``table`` the help and the messages name: the user's language's."""
    return list(table[languages(lang)[0]])


LANGUAGE_NAMES = {"en": N_("English"), "fr": N_("French"), "it": N_("Italian")}


def filters_help(
    table: Mapping[str, Mapping[str, tuple[str, ...]]],
    lang: str,
    statuses: Iterable[str],
    with_flags_and_sorts: bool = False,
) -> str:
    """The help's list of filters, in the user's language: each field's keys (its English
    ones after), what it does; the statuses by their names; the is: flags and sort columns."""
    english = table["en"]
    rows = []
    for field, keys in table[languages(lang)[0]].items():
        shown = " ".join(f"`{k}:`" for k in keys)
        others = [k for k in english[field] if plain(k) not in {plain(k2) for k2 in keys}]
        if others and lang != "en":
            shown += " (" + " ".join(f"`{k}:`" for k in others) + ")"
        rows.append(f"- {shown} {_(FIELD_HELP[field])}")
    parts = [
        _("Filters (in {language}, or in English):").format(
            language=_(LANGUAGE_NAMES.get(lang, "English"))
        )
        if lang != "en"
        else _("Filters:"),
        "\n".join(rows),
        _("Statuses: {names}.").format(names=", ".join(statuses)),
    ]
    if with_flags_and_sorts:
        flag_key = table[languages(lang)[0]]["is"][0]
        sort_key = table[languages(lang)[0]]["sort"][0]
        parts.append(
            _("Flags: {flags}. Sort columns: {columns}.").format(
                flags=" ".join(f"`{flag_key}:{w}`" for w in shown_words(FLAGS, lang)),
                columns=", ".join(f"`{w}`" for w in shown_words(SORTS, lang)),
            )
            + " "
            + _("Example: {example}").format(example=f"`{sort_key}:-{shown_words(SORTS, lang)[0]}`")
        )
    return "\n\n".join(parts)

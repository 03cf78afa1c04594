"""Demo data: the service centres, their saved addresses and the user accounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from client.models import (
    Role,
)

CENTRES: list[dict[str, Any]] = [
    {
        "code": "249050",
        "customer_number": "FR10015195",
        "name": "2AM ASSISTANCE AUDIOVISUEL ET ÉLECTROMÉNAGER",
        "company": "2AM Assistance Audiovisuel et Électroménager SARL",
        "street": "14 rue du Général Leclerc",
        "postal_code": "67000",
        "city": "Strasbourg",
        "province": "Bas-Rhin",
        "country": "FR",
        "phone": "0388324519",
        "fax": "0388324520",
        "vat_id": "FR32512345678",
        "rate_cents": 7200,
        "vat_rate": Decimal("20.00"),
        "discount_rate": Decimal("5.00"),
        "region": "alsace",
        "lang": "fr",
    },
    {
        "code": "249117",
        "customer_number": "FR10015342",
        "name": "RHÔNE ÉLECTRO SERVICE",
        "company": "Rhône Électro Service SARL",
        "street": "27 rue de Gerland",
        "postal_code": "69007",
        "city": "Lyon",
        "province": "Rhône",
        "country": "FR",
        "phone": "0478615230",
        "fax": "",
        "vat_id": "",  # missing: must be completed before ordering
        "rate_cents": 7800,
        "vat_rate": Decimal("20.00"),
        "discount_rate": Decimal("0.00"),
        "region": "lyon",
        "lang": "fr",
    },
    {
        "code": "310224",
        "customer_number": "IT20031877",
        "name": "ASSISTENZA TECNICA EMILIANA",
        "company": "Assistenza Tecnica Emiliana S.r.l.",
        "street": "Via Emilia Est 118",
        "postal_code": "41121",
        "city": "Modena",
        "province": "MO",
        "country": "IT",
        "phone": "059238417",
        "fax": "059238418",
        "vat_id": "IT02345670361",
        "rate_cents": 6500,
        "vat_rate": Decimal("22.00"),
        "discount_rate": Decimal("3.00"),
        "region": "emilia",
        "lang": "it",
    },
]
CENTRE_WEIGHTS = (45, 35, 20)

SAVED_ADDRESSES: list[tuple[int, dict[str, str]]] = [
    (
        0,
        {
            "label": "Atelier Molsheim",
            "company": "2AM Assistance - Atelier",
            "street": "3 rue de l'Industrie",
            "postal_code": "67120",
            "city": "Molsheim",
            "province": "Bas-Rhin",
            "country": "FR",
            "phone": "0388497710",
            "fax": "",
            "vat_id": "FR32512345678",
        },
    ),
    (
        0,
        {
            "label": "Dépôt Colmar",
            "company": "2AM Assistance - Dépôt Colmar",
            "street": "45 route de Neuf-Brisach",
            "postal_code": "68000",
            "city": "Colmar",
            "province": "Haut-Rhin",
            "country": "FR",
            "phone": "0389201144",
            "fax": "",
            "vat_id": "FR32512345678",
        },
    ),
    (
        1,
        {
            "label": "Siège (avec n° TVA)",
            "company": "Rhône Électro Service SARL",
            "street": "27 rue de Gerland",
            "postal_code": "69007",
            "city": "Lyon",
            "province": "Rhône",
            "country": "FR",
            "phone": "0478615230",
            "fax": "",
            "vat_id": "FR45953158461",
        },
    ),
    (
        2,
        {
            "label": "Magazzino Sassuolo",
            "company": "Assistenza Tecnica Emiliana S.r.l.",
            "street": "Via Radici in Piano 310",
            "postal_code": "41049",
            "city": "Sassuolo",
            "province": "MO",
            "country": "IT",
            "phone": "0536801122",
            "fax": "",
            "vat_id": "IT02345670361",
        },
    ),
]

# (username, full name, role, centre index or None, language, usable password)
USERS: list[tuple[str, str, str, int | None, str, bool]] = [
    ("operator", "Chiara Benedetti", Role.OPERATOR.value, None, "it", True),
    ("apleinet", "Alain Pleinet", Role.OPERATOR.value, None, "fr", False),
    ("tech", "Julien Marchal", Role.TECHNICIAN.value, 0, "fr", True),
    ("manager", "Sophie Lambert", Role.MANAGER.value, 0, "en", True),
    ("nweber", "Nicolas Weber", Role.TECHNICIAN.value, 0, "fr", False),
    ("khaddad", "Karim Haddad", Role.TECHNICIAN.value, 0, "fr", False),
    ("tech2", "Thomas Girard", Role.TECHNICIAN.value, 1, "en", True),
    ("lbernard", "Lucas Bernard", Role.TECHNICIAN.value, 1, "fr", False),
    ("cdubois", "Claire Dubois", Role.MANAGER.value, 1, "fr", False),
    ("mrossi", "Marco Rossi", Role.TECHNICIAN.value, 2, "it", False),
    ("lbianchi", "Luca Bianchi", Role.TECHNICIAN.value, 2, "it", False),
    ("fromano", "Francesca Romano", Role.MANAGER.value, 2, "it", False),
]
# engineers per centre (user indexes into USERS) and their weights
ENGINEERS: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {
    0: ((2, 4, 5), (5, 3, 2)),
    1: ((6, 7), (6, 4)),
    2: ((9, 10), (1, 1)),
}
MANAGER_OF = {0: 3, 1: 8, 2: 11}
OPERATOR, PLEINET = 0, 1

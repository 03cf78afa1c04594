"""Demo data: the catalogue's models and the seed's fixed parts, lines and relations."""

from __future__ import annotations

import datetime as dt

from client.models import (
    Availability,
)
from server.demo.data import (
    MANUAL_PART_CODE,
)

# (code, service index, category, description, drawing, fixed series or None)
MODELS: list[tuple[str, str, str, str, str, str | None]] = [
    ("AP64-3", "SI00", "hobs", "Table de cuisson gaz 60 cm, 4 foyers, inox", "251908 - A", "25190"),
    (
        "AP641",
        "SI00",
        "hobs",
        "Table de cuisson gaz 60 cm, 4 foyers, inox brossé",
        "251911 - A",
        None,
    ),
    ("AP641B", "SI00", "hobs", "Table de cuisson gaz 60 cm, 4 foyers, noire", "251912 - A", None),
    (
        "AP642",
        "SI00",
        "hobs",
        "Table de cuisson mixte 60 cm, 3 gaz + 1 électrique",
        "251915 - B",
        None,
    ),
    ("AP6453", "SI00", "hobs", "Table de cuisson gaz 60 cm, grilles fonte", "251930 - A", None),
    ("P64", "SI00", "hobs", "Table de cuisson gaz 60 cm, 4 foyers", "250640 - C", None),
    ("GVIP640", "SI00", "hobs", "Table de cuisson gaz sur verre 60 cm", "252640 - A", None),
    (
        "SR975XGH",
        "SI00",
        "hobs",
        "Table de cuisson gaz 90 cm, 5 foyers, triple couronne",
        "253975 - A",
        None,
    ),
    ("SI5641D", "SI00", "hobs", "Table de cuisson à induction 60 cm", "254641 - A", None),
    ("SF6381X", "SI00", "ovens", "Four multifonction 60 cm, inox", "361381 - A", "63810"),
    ("SF6381X", "SI01", "ovens", "Four multifonction 60 cm, inox (série 2019)", "361381 - B", None),
    ("SFP6925NPZE", "SI00", "ovens", "Four pyrolyse 60 cm, verre noir", "369925 - A", None),
    ("SF6400TVX", "SI00", "ovens", "Four Victoria 60 cm, inox", "364400 - A", None),
    (
        "C9GMX9",
        "SI00",
        "cookers",
        "Cuisinière 90 cm, 5 feux gaz, four multifonction",
        "409900 - A",
        None,
    ),
    ("SUK91MFX9", "SI00", "cookers", "Cuisinière 90 cm, four électrique", "409191 - A", None),
    ("TR4110IP", "SI00", "cookers", "Cuisinière Victoria 110 cm", "404110 - A", None),
    (
        "LSAP6448X",
        "SI00",
        "dishwashers",
        "Lave-vaisselle 60 cm, 13 couverts, inox",
        "526448 - A",
        None,
    ),
    (
        "LSAP6445X",
        "SI00",
        "dishwashers",
        "Lave-vaisselle 60 cm, 13 couverts, blanc",
        "526445 - A",
        None,
    ),
    (
        "LP6470W",
        "SI00",
        "dishwashers",
        "Lave-vaisselle pose libre 60 cm, blanc",
        "526470 - A",
        None,
    ),
    ("STA6445", "SI00", "dishwashers", "Lave-vaisselle tout intégrable 60 cm", "527445 - A", None),
    ("LVS367SX", "SI00", "dishwashers", "Lave-vaisselle 45 cm, inox", "523367 - A", None),
    ("FAB28ABL1", "SI00", "fridges", "Réfrigérateur années 50, bleu azur", "612801 - A", "61325"),
    ("FAB28ARD1", "SI00", "fridges", "Réfrigérateur années 50, rouge", "612802 - A", None),
    (
        "FAB32RCR3",
        "SI00",
        "fridges",
        "Réfrigérateur-congélateur années 50, crème",
        "613203 - A",
        None,
    ),
    ("WHT1114LSIT", "SI00", "washing_machines", "Lave-linge 11 kg, blanc", "711114 - A", None),
    ("LBW50CIT", "SI00", "washing_machines", "Lave-linge années 50, crème", "715050 - A", None),
    ("KD90X", "SI00", "hoods", "Hotte décorative murale 90 cm, inox", "819090 - A", None),
    (
        "KD90X",
        "SI01",
        "hoods",
        "Hotte décorative murale 90 cm, inox (moteur EC)",
        "819090 - B",
        None,
    ),
    ("KSED95X", "SI00", "hoods", "Hotte îlot 90 cm, inox", "819595 - A", None),
    ("FMI325X", "SI00", "microwaves", "Micro-ondes encastrable 25 l", "903250 - A", None),
    ("MP322X1", "SI00", "microwaves", "Micro-ondes combiné 22 l", "903221 - A", None),
]
MODEL_POOLS = {
    "hobs": ("hobs",),
    "ovens": ("ovens",),
    "cookers": ("ovens", "hobs"),
    "dishwashers": ("dishwashers",),
    "fridges": ("fridges",),
    "washing_machines": ("washing_machines",),
    "hoods": ("hoods",),
    "microwaves": ("microwaves", "ovens"),
}

# the seed's AP64-3 SI00 lines: (ref_num, code, quantity, description, price, valid_to)
SEED_AP64_LINES: list[tuple[str, str, int, str, int, dt.date | None]] = [
    ("7382", "878970607", 1, "TUYAU VENTURI RAPIDE S/26/A", 680, None),
    ("7384", "878970609", 1, "TUYAU VENTURI AUX. S/26/A", 620, None),
    ("11649", "764130328", 1, 'JOINT EN GOMME "MIE DE PAIN" S24/A', 315, None),
    ("41602", "810930077", 1, "BOUGIE D'ALLUMAGE MM.260 A2", 1290, None),
    ("43183", "870650222", 1, "BRÛLEUR AUX. MONOPIÈCE SRV596X1", 2150, dt.date(2013, 11, 30)),
    ("43183", "870650444", 1, "BRULEUR AUXILIAIRE", 1840, None),
    ("43184", "870650221", 1, "BRÛLEUR RAPIDE MONOPIÈCE SRV574EB", 2490, dt.date(2013, 11, 30)),
    ("43184", "870650446", 1, "BRULEUR RAPIDE", 2230, None),
    (
        "43185",
        "870650223",
        2,
        "BRÛLEUR SEMI-RAPIDE MONOPIÈCE SRV596X1",
        2310,
        dt.date(2013, 11, 30),
    ),
    ("43185", "870650447", 2, "BRULEUR SEMI-RAPIDE", 2060, None),
    ("43196", "351050670", 1, "CHAPEAU RAPIDE MARRON SE64A", 980, None),
    ("43197", "351050669", 2, "CHAPEAU SEMI-RAPIDE MARRON SE64A", 870, None),
    ("43198", "351050668", 1, "CHAPEAU AUX. MARRON", 740, None),
    ("43527", "065612405", 1, "TABLE 4 FOYERS INOX SE64", 18900, None),
    ("43528", "821290349", 1, "CÂBLE D'ALIMENTATION 3X0,75 SR574", 1425, None),
]

# other fixed parts: code -> (description, price cents, availability, stock, lead, obsolete)
_IN, _ON, _UN = (
    a.value for a in (Availability.IN_STOCK, Availability.ON_ORDER, Availability.UNAVAILABLE)
)
FIXED_PARTS: dict[str, tuple[str, int, str, int, int, bool]] = {
    "810930088": ("BOUGIE D'ALLUMAGE MM.260 A3", 1340, _UN, 0, 0, False),
    "810930094": ("BOUGIE D'ALLUMAGE MM.280", 1410, _UN, 0, 0, False),
    "810930101": ("BOUGIE D'ALLUMAGE MM.280 AVEC CÂBLE", 1590, _UN, 0, 0, False),
    "810930115": ("BOUGIE D'ALLUMAGE UNIVERSELLE MM.300", 1650, _IN, 35, 2, False),
    "690070150": ("CHARNIÈRE PORTE FOUR GAUCHE SF64", 1890, _UN, 0, 0, False),
    "690070151": ("CHARNIÈRE PORTE FOUR DROITE SF64", 1890, _UN, 0, 0, False),
    "696090012": ("KIT CHARNIÈRES PORTE FOUR GAUCHE + DROITE", 3250, _IN, 9, 2, False),
    "870650330": ("BRÛLEUR TRIPLE COURONNE COMPLET SR975", 5800, _UN, 0, 0, False),
    "870650331": ("BRÛLEUR TRIPLE COURONNE SR975", 4120, _IN, 7, 2, False),
    "870650332": ("INJECTEUR TRIPLE COURONNE 1.35", 460, _IN, 40, 1, False),
    "764130440": ("JOINT BRÛLEUR TRIPLE COURONNE", 230, _IN, 60, 1, False),
    "694972530": ("MANETTE INOX SE64", 990, _ON, 0, 30, False),
    "694972531": ("MANETTE ALU SE64", 1040, _IN, 17, 2, False),
    "824610447": ("LAMPE FOUR 25W 300°C E14", 520, _IN, 48, 1, False),
    "824610568": ("LAMPE FOUR 25W 300°C E14 HAUTE TEMPÉRATURE", 610, _IN, 22, 1, False),
    "818730140": ("THERMOSTAT FOUR 50-250°C", 3900, _UN, 0, 0, False),
    "818730155": ("THERMOSTAT FOUR 50-250°C EGO 55.17052", 4250, _IN, 6, 2, False),
    "818730162": ("THERMOSTAT FOUR ÉLECTRONIQUE AVEC SONDE", 5780, _ON, 0, 10, False),
    "695210250": ("RÉSISTANCE CIRCULAIRE 2000W", 3460, _IN, 11, 2, False),
    "695210398": ("RÉSISTANCE CIRCULAIRE 2200W", 3690, _IN, 8, 2, False),
    "818730099": ("PROGRAMMATEUR ÉLECTROMÉCANIQUE 120 MIN", 6400, _UN, 0, 0, True),
    "880350100": ("MOTEUR VENTILATEUR 25W", 4500, _UN, 0, 0, False),
    "880350125": ("MOTEUR VENTILATEUR 25W BASSE CONSOMMATION", 4900, _UN, 0, 0, True),
    "764130901": ("JOINT DE PORTE RÉFRIGÉRATEUR BLEU AZUR", 5400, _IN, 4, 2, False),
    "764130935": ("JOINT DE PORTE RÉFRIGÉRATEUR BLEU AZUR MAGNÉTIQUE", 5800, _IN, 10, 2, False),
    MANUAL_PART_CODE: ("INOX SPLEND BOTTLE", 945, _IN, 120, 1, False),
}
SEED_AP64_AVAILABILITY = {
    "810930077": (_UN, 0, 0),
    "870650222": (_UN, 0, 0),
    "870650221": (_UN, 0, 0),
    "870650223": (_IN, 3, 2),
    "870650447": (_ON, 0, 12),
    "065612405": (_ON, 0, 21),
}
# fixed lines added to other models: model (code, si) -> [(ref_num, part code, quantity)]
FIXED_LINES: dict[tuple[str, str], list[tuple[str, str, int]]] = {
    ("AP641", "SI00"): [
        ("41602", "810930077", 1),
        ("43183", "870650444", 1),
        ("43184", "870650446", 1),
        ("43185", "870650447", 2),
        ("44120", "694972530", 4),
    ],
    ("AP641B", "SI00"): [
        ("43183", "870650444", 1),
        ("43184", "870650446", 1),
        ("43185", "870650447", 2),
    ],
    ("AP642", "SI00"): [
        ("43183", "870650444", 1),
        ("43185", "870650447", 2),
        ("44120", "694972530", 3),
    ],
    ("AP6453", "SI00"): [
        ("43183", "870650444", 1),
        ("43184", "870650446", 1),
        ("43185", "870650447", 2),
        ("44121", "694972531", 4),
    ],
    ("SR975XGH", "SI00"): [("45010", "870650330", 1), ("41602", "810930094", 1)],
    ("C9GMX9", "SI00"): [("45010", "870650330", 1), ("52301", "824610447", 1)],
    ("SF6381X", "SI00"): [
        ("51020", "690070150", 1),
        ("51021", "690070151", 1),
        ("52301", "824610447", 1),
        ("53400", "818730140", 1),
    ],
    ("SF6381X", "SI01"): [
        ("51020", "690070150", 1),
        ("51021", "690070151", 1),
        ("52455", "880350100", 1),
    ],
    ("SF6400TVX", "SI00"): [
        ("51020", "690070150", 1),
        ("51021", "690070151", 1),
        ("52302", "824610568", 1),
        ("53410", "818730099", 1),
    ],
    ("SFP6925NPZE", "SI00"): [("52301", "824610447", 1), ("52455", "880350100", 1)],
    ("FAB28ABL1", "SI00"): [("61230", "764130901", 1)],
    ("FAB28ARD1", "SI00"): [("61230", "764130901", 1)],
}

"""What the reference platform sells and to whom: demo accounts, parts, its own supersessions.

The part codes are codes of sav's demo catalogue (``server/demo/data.py``; a test checks it), so
a demo user can compare the manufacturer and the supplier side by side. Prices are the
supplier's own, in cents of EUR.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoAccount:
    user_name: str
    customer_id: str
    secret: str | None  # None: this account signs in with user name + customer id only
    name: str


DEMO_ACCOUNTS = (
    DemoAccount("demo", "100200", None, "Centre SAV démo"),
    DemoAccount("atelier", "100300", "demo-secret", "Atelier démo (with a secret)"),
)


@dataclass(frozen=True)
class PlatformPart:
    code: str
    name: str
    stock: int
    lead_time_days: int
    purchase_price_cents: int
    sale_price_cents: int
    replaced_by: str | None = None  # the platform's own supersession: sold under this code


PARTS = (
    # the burners of the AP64-3 (ticket 116496's model): the old single-piece burners are sold
    # under their successors, as at the manufacturer
    PlatformPart("870650222", "BRÛLEUR AUX. MONOPIÈCE SRV596X1", 0, 0, 1650, 2150, "870650444"),
    PlatformPart("870650444", "BRULEUR AUXILIAIRE", 12, 2, 1390, 1790),
    PlatformPart("870650221", "BRÛLEUR RAPIDE MONOPIÈCE SRV574EB", 0, 0, 1900, 2490, "870650446"),
    PlatformPart("870650446", "BRULEUR RAPIDE", 4, 3, 1690, 2190),
    PlatformPart("870650223", "BRÛLEUR SEMI-RAPIDE MONOPIÈCE SRV596X1", 2, 2, 1780, 2310),
    # the manufacturer has it on order for 12 days; this supplier has it in 2
    PlatformPart("870650447", "BRULEUR SEMI-RAPIDE", 9, 2, 1560, 2020),
    PlatformPart("870650330", "BRÛLEUR TRIPLE COURONNE COMPLET SR975", 1, 4, 4400, 5690),
    PlatformPart("870650331", "BRÛLEUR TRIPLE COURONNE SR975", 3, 2, 3150, 4090),
    PlatformPart("810930077", "BOUGIE D'ALLUMAGE MM.260 A2", 0, 0, 980, 1290, "810930115"),
    PlatformPart("810930115", "BOUGIE D'ALLUMAGE UNIVERSELLE MM.300", 25, 1, 1190, 1620),
    PlatformPart("694972530", "MANETTE INOX SE64", 6, 3, 720, 960),
    PlatformPart("065612405", "TABLE 4 FOYERS INOX SE64", 1, 6, 14200, 18500),
    PlatformPart("818730140", "THERMOSTAT FOUR 50-250°C", 0, 0, 2950, 3900, "818730155"),
    PlatformPart("818730155", "THERMOSTAT FOUR 50-250°C EGO 55.17052", 5, 2, 3180, 4190),
    PlatformPart("824610447", "LAMPE FOUR 25W 300°C E14", 80, 1, 360, 490),
    PlatformPart("INOX-SP", "INOX SPLEND BOTTLE", 200, 1, 640, 899),
)

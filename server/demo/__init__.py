"""Deterministic demo data: ``sav demo`` and the embedded backend's first run.

Everything is drawn from ``random.Random(seed)`` and placed relative to ``now``, so one
(tickets, seed, now) always gives the same rows (password hashes aside: each demo account
has its own, with its own salt). Rows are built in plain Python (in a worker thread), with
explicit primary keys, and written in one transaction: Core bulk inserts
(``conn.execute(insert(table), rows)``) in chunks of 5,000, or the equivalent faster driver
paths of :func:`_bulk_insert` on SQLite and asyncpg (same stored values, checked by the
tests). On PostgreSQL the id sequences are then moved past the ids used.

Layout
------
:mod:`server.demo.load` writes the rows that :mod:`server.demo.builder` builds. The builder is
one mixin per area over the shared state of ``build_common``: ``build_centres`` (centres,
users, customers, appliances), ``build_catalogue``, ``build_tickets`` (groups, paths, ids),
``build_history`` (ticket and history rows), ``build_orders`` and ``build_closing``
(interventions, vouchers). The fixed content is in ``data`` (shared constants) and
``data_centres``, ``data_catalogue``, ``data_parts``, ``data_customers``, ``data_tickets``.

What is in it
-------------
* 3 service centres: ``249050`` (the seed's: customer number ``FR10015195``, rate 72.00,
  VAT 20 %, discount 5 %), ``249117`` in Lyon (rate 78.00, VAT 20 %, **empty VAT id** on its
  default address: it must be completed before ordering; its saved address has one) and
  ``310224`` in Modena, Italy (rate 65.00, VAT 22 %, discount 3 %).
* Users: :data:`DEMO_ACCOUNTS` (password ``demo``), plus per centre one or two engineers and
  a manager, and a second operator (Alain Pleinet, the seed's), all with an unusable hash.
* The catalogue: 31 models (:data:`CATEGORIES`), each with an exploded view of 60-150 lines,
  about 2,500 parts with 9-digit codes shared between models (where-used finds several).
* Customers, appliances, ticket groups, tickets in every status, their history, orders,
  interventions and payment vouchers, consistent with the status machine of DOMAIN.md.

Conventions
-----------
Serial numbers (generated ones) have 18 digits: the model's 5-digit series, the production
date ``YYMMDD`` and a 7-digit progressive number. A serial range (``serial_from`` /
``serial_to``, on exploded-view lines and on part relations) is inclusive, ``None`` meaning
open, and compares as strings of equal length (hence numerically). The seed's own serials
(``123345``, ``613254671253762133``) predate this scheme; the P64 view has no serial variants.

Exploded-view validity dates (``valid_from`` / ``valid_to``) are inclusive and refer to the
appliance's production date. Several lines sharing a RefNum are variants of one position.

Part relations (``part_relations``):

* ``supersedes``, ``one_way``: ``from_part`` is the replaced (old) part, ``to_part`` its
  replacement. With no serial range, no production range and no model it is permanent
  (order the new one, always); with ``serial_from``/``serial_to`` (and ``model_id``) it applies
  only to those appliances' serials; with ``production_from``/``production_to`` only to
  appliances produced then. A part may have several conditional supersessions with disjoint
  conditions (a fork). Replacements chain.
* ``alternate``, ``two_way``: the two parts are interchangeable, either may be ordered.
* ``kit_member``, ``one_way``: ``from_part`` is a replaced part and ``to_part`` one part to
  order instead, ``quantity`` of it; ``kit_group`` names the replacement set. Every row with
  the same ``kit_group`` belongs to one set: replacing any ``from_part`` of a group means
  ordering every distinct ``to_part`` of the group once (with its quantity), and a single set
  covers all the group's ``from_part`` codes at once.

The named special cases (see the ``*_CODES`` constants):

* Depth-4 permanent chain: 810930077 (the seed's "BOUGIE D'ALLUMAGE MM.260 A2") -> 810930088
  -> 810930094 -> 810930101 -> 810930115 (the only one in stock). The generator adds random
  chains of depth 1-5 elsewhere.
* AP64-3 SI00 (the seed's lines, exactly): RefNum 43183 = 870650222 (valid to 2013-11-30)
  and 870650444; 43184 = 870650221 (valid to 2013-11-30) and 870650446; 43185 = 870650223
  (valid to 2013-11-30) and 870650447, quantity 2; the other seed lines (7382 878970607,
  7384, 11649, 41602 810930077, 43196-43198, 43527, 43528) as in the manual. The P64 SI00
  view has the same lines. 870650222 -> 870650444 and 870650221 -> 870650446 are permanent
  supersessions; 870650223 -> 870650447 is serial-dependent (AP64-3, series 25190: serials
  produced 2010-01-01 .. 2013-11-30 take the new burner, older ones keep the old one).
* Serial fork: 818730140 -> 818730155 for SF6381X SI00 serials up to production 2018-06-30,
  -> 818730162 from 2018-07-01.
* Production-date supersession: 764130901 -> 764130935 for FAB28ABL1 produced 2015-2019.
* Serial-dependent view variants: SF6381X SI00 RefNum 52210 = 695210250 (serial_to
  ``63810180331...``) and 695210398 (serial_from ``63810180401...``); the generator adds
  random date and serial variants to most views.
* Two-way alternates: 694972530 <-> 694972531 (knobs; the first is on order, the second in
  stock) and 824610447 <-> 824610568 (oven lamps).
* Kits: kit_group ``KIT-CHARNIERES-SF`` replaces the two hinges 690070150 and 690070151 by
  the single kit part 696090012 (one kit for both); kit_group ``KIT-BRULEUR-TC`` replaces
  870650330 by 870650331 x1 + 870650332 x1 + 764130440 x2.
* Obsolete ends: 818730099 (obsolete, unavailable, nothing replaces it) and the chain
  880350100 -> 880350125 whose end is obsolete and unavailable.
* ``INOX-SP`` "INOX SPLEND BOTTLE" at 9.45 EUR, in no view (bought by code).

Tickets and groups share one id counter, as in the seed (group 116496 holds tickets 116496
and 116497): a group's id is its first ticket's id. Generated ids start at 100000 in
creation order and skip the block 116470-116499 kept for the seed's records: Emidio
Reggiani (customer 81806; appliances 48526 = P64 serial 123345 and 48527 = FAB28ABL1) with
group 116496 (tickets 116496 P64 and 116497 FAB28ABL1, to contact, overdue), groups 116491
and 116493 (cancelled, operator mistake) and group 116470 (tickets 116470/116471, verified,
whose interventions are the seed's invoicing figures: 84.00 + 49.96 + 0.00 -> 160.75 and
72.00 -> 86.40). ``tickets`` counts these 7.

Interventions: one per ticket that went through ``closed`` (``closed_at`` = its last
closing; NULL again when the operator's rejection sent it back to ``confirmed``), plus
unsaved drafts (``closed_at`` NULL) for some tickets waiting for parts. ``fault_type`` is
``T`` (malfunction with component exchange: spares > 0), ``R`` (repair or adjustment
without parts), ``N`` (no fault found / misuse) or ``E`` (appliance exchanged). Payment
vouchers group a centre's invoiced interventions by calendar month; a voucher's net, VAT
and total are the sums of its interventions' (each rounded once at closing); the invoiced
tickets' last change is the voucher's time.
Orders: one per ticket that waited for parts (lines tied to the ticket), plus stock orders;
line net = price x quantity less the centre's discount, order VAT on the order's net.
"""

from __future__ import annotations

from server.demo.data import (
    ALTERNATE_CODES,
    CATEGORIES,
    CHAIN_CODES,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    KIT_ONE_FOR_TWO,
    KIT_SET,
    MANUAL_PART_CODE,
    OBSOLETE_END_CODES,
    PRODUCTION_SUPERSESSION_CODES,
    SEED_CENTRE_CODE,
    SEED_CUSTOMER_ID,
    SEED_GROUP_ID,
    SEED_TICKET_IDS,
    SERIAL_FORK_CODES,
    SERIAL_SUPERSESSION_CODES,
    SERIAL_VARIANT_CODES,
)
from server.demo.load import DemoSummary, build_rows, is_seeded, seed_demo

__all__ = [
    "ALTERNATE_CODES",
    "CATEGORIES",
    "CHAIN_CODES",
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "KIT_ONE_FOR_TWO",
    "KIT_SET",
    "MANUAL_PART_CODE",
    "OBSOLETE_END_CODES",
    "PRODUCTION_SUPERSESSION_CODES",
    "SEED_CENTRE_CODE",
    "SEED_CUSTOMER_ID",
    "SEED_GROUP_ID",
    "SEED_TICKET_IDS",
    "SERIAL_FORK_CODES",
    "SERIAL_SUPERSESSION_CODES",
    "SERIAL_VARIANT_CODES",
    "DemoSummary",
    "build_rows",
    "is_seeded",
    "seed_demo",
]

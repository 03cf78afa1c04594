"""The demo builder's shared parts: helpers, the random source, ids, the state."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import random
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from server.demo.data import (
    _TABLES,
    IN_WARRANTY,
    LOCAL_TZ,
    RESERVED_TICKET_IDS,
    SEED_CUSTOMER_ID,
    UTC,
)
from server.demo.data_centres import (
    OPERATOR,
)
from server.demo.data_customers import (
    REGIONS,
)
from server.services import events

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")

# =========================================================================== helpers


def _hours(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=round(value * 3600))


@functools.lru_cache(maxsize=4096)
def _ascii(value: str) -> str:
    norm = unicodedata.normalize("NFKD", value)
    return "".join(c for c in norm if c.isalnum() and c.isascii()).lower()


def _local(value: dt.datetime) -> dt.datetime:
    """A time as people in the centres read it (France and Italy share a time zone)."""
    return value.astimezone(LOCAL_TZ)


def _fmt_date(value: dt.datetime | dt.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def _ymd(value: dt.date) -> str:
    """YYMMDD, as in a serial number."""
    return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"


class _Random(random.Random):
    """random.Random with cheaper randint, choice and single weighted choices.

    The demo draws millions of numbers; the standard versions (rejection sampling, weights
    accumulated on every call) dominate the build time. Determinism is all that matters here.
    """

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self._cumulative: dict[tuple[float, ...], tuple[list[float], float]] = {}

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def choices(  # type: ignore[override]
        self,
        population: Sequence[Any],
        weights: Sequence[float] | None = None,
        *,
        cum_weights: Sequence[float] | None = None,
        k: int = 1,
    ) -> list[Any]:
        if k != 1 or cum_weights is not None or not isinstance(weights, tuple):
            return super().choices(population, weights, cum_weights=cum_weights, k=k)
        cached = self._cumulative.get(weights)
        if cached is None:
            cached = self._cumulative[weights] = (
                list(itertools.accumulate(weights)),
                float(sum(weights)),
            )
        cumulative, total = cached
        return [population[bisect.bisect_right(cumulative, self.random() * total)]]


class _Ids:
    """Sequential ids that skip reserved values."""

    def __init__(self, start: int = 1, reserved: Sequence[int] | range = ()) -> None:
        self.next_value = start
        self.reserved = frozenset(reserved)

    def take(self) -> int:
        return self.take_block(1)

    def take_block(self, size: int) -> int:
        while any(v in self.reserved for v in range(self.next_value, self.next_value + size)):
            self.next_value += 1
        value = self.next_value
        self.next_value += size
        return value


class _Ticket:
    """A ticket being generated: its path through the status machine and everything else."""

    __slots__ = (
        "appliance_id",
        "appointments",
        "centre",
        "customer_id",
        "engineer",
        "exchange",
        "external_ref",
        "follow",
        "id",
        "lang",
        "model",
        "notes",
        "operator",
        "order_parts",
        "path",
        "problem",
        "step_notes",
        "ticket_type",
        "times",
        "voucher_number",
        "warranty",
    )

    def __init__(self) -> None:
        self.id = 0
        self.centre: int | None = None
        self.customer_id = 0
        self.appliance_id = 0
        self.model = 0
        self.path: list[str] = []
        self.times: list[dt.datetime] = []
        self.appointments: dict[int, dt.datetime] = {}
        self.operator = OPERATOR
        self.engineer: int | None = None
        self.warranty = IN_WARRANTY
        self.ticket_type = ""
        self.problem = ""
        self.external_ref = ""
        self.follow = False
        self.exchange = False
        self.lang = "fr"
        self.order_parts: list[tuple[int, int, int]] = []  # (requested, ordered, quantity)
        # fixed events and notes of the status changes (seed tickets)
        self.step_notes: dict[int, tuple[events.Event, str]] | None = None
        self.notes = True  # add random notes
        self.voucher_number = ""

    @property
    def status(self) -> str:
        return self.path[-1]


class _Group:
    __slots__ = ("centre", "created_at", "customer_id", "fixed_id", "tickets")

    def __init__(self, customer_id: int, centre: int | None) -> None:
        self.customer_id = customer_id
        self.centre = centre
        self.tickets: list[_Ticket] = []
        self.created_at = dt.datetime.min.replace(tzinfo=UTC)
        self.fixed_id: int | None = None


# =========================================================================== the state


class _DemoState:
    """What the area builders share: the random source, `now`, the rows, the ids and
    the lookups one area fills and others read."""

    def __init__(self, *, seed: int, now: dt.datetime, password_hashes: Mapping[str, str]) -> None:
        self.rng = _Random(seed)
        # Appointment slots are drawn until one falls between two dates that depend on
        # ``now``: from their own stream, so that the rest of the demo (statuses, towns,
        # parts) is the same whatever the hour it is built at.
        self.slot_rng = _Random(seed + 1)
        self.now = now.astimezone(UTC).replace(microsecond=0)
        self.password_hashes = password_hashes
        self.rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in _TABLES}
        self.used_codes: set[str] = set()
        self.parts: list[dict[str, Any]] = []
        self.part_id: dict[str, int] = {}
        self.part_noun: dict[int, str] = {}
        self.model_ids: dict[tuple[str, str], int] = {}
        self.model_category: dict[int, str] = {}
        self.model_series: dict[int, str] = {}
        self.model_parts: dict[int, list[int]] = {}
        self.supersede_next: dict[int, int] = {}  # permanent supersessions
        self.conditional_from: set[int] = set()  # parts whose replacement depends on context
        self.related: set[int] = set()  # parts in any relation
        self.ticket_ids = _Ids(100000, RESERVED_TICKET_IDS)
        self.customer_ids = _Ids(1, (SEED_CUSTOMER_ID,))
        self.appliance_ids = _Ids(1, (48526, 48527))
        self.customers_by_region: dict[str, list[int]] = {r: [] for r in REGIONS}
        self.customer_region: dict[int, str] = {}
        self.appliances_of: dict[int, list[int]] = {}
        self.appliance_model: dict[int, int] = {}
        self.appliance_purchase: dict[int, dt.date | None] = {}
        self.reseller_of: dict[int, str] = {}
        # ticket id -> its "parts ordered" history entry, which names the order once numbered
        self.parts_ordered_entry: dict[int, dict[str, Any]] = {}

"""The wire's building blocks: money, the base models, a page of results, a search."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer, StringConstraints

CENT = Decimal("0.01")


def quantize_money(value: Decimal) -> Decimal:
    """Round half-up to the cent: the only rounding rule for money."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


Money = Annotated[
    Decimal,
    PlainSerializer(lambda v: str(quantize_money(v)), return_type=str, when_used="json"),
]
"""An amount in the centre's currency (EUR), serialised as "12.34"."""

Percent = Annotated[
    Decimal,
    PlainSerializer(lambda v: str(v), return_type=str, when_used="json"),
]
"""A rate in percent, e.g. Decimal("20") for 20 % VAT."""

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=4000)]

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class Wire(BaseModel):
    """Base of every wire model: strict about unknown request fields, immutable."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)


class RequestBody(Wire):
    """Requests refuse unknown fields, so a typo is a 422 rather than silently ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


T = TypeVar("T")


class Page(Wire, Generic[T]):
    """One page of a result: the items, the total that matched, the cursor to the next page.

    ``offset`` is the position of the first item in the whole result (0-based).
    ``total_exact`` False: ``total`` is a lower bound, the result holds more (a large
    ticket search counts up to a limit and says "10,000+"; ``next_cursor`` says whether
    there is a next page).
    """

    items: list[T]
    total: int
    next_cursor: str | None = None
    offset: int = 0
    total_exact: bool = True


class Query(Wire):
    """A search: ``params()`` are its query parameters, the filters left empty omitted."""

    def params(self) -> dict[str, str | list[str]]:
        out: dict[str, str | list[str]] = {}
        for name, value in self.model_dump(mode="json", exclude_defaults=True).items():
            if isinstance(value, list):
                out[name] = [str(v) for v in value]
            elif isinstance(value, bool):
                out[name] = "true" if value else "false"
            else:
                out[name] = str(value)
        return out

"""The wire's building blocks: money, the base models, a page of results, a search."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

CENT = Decimal("0.01")


def quantize_money(value: Decimal) -> Decimal:
    """Round half-up to the cent: the only rounding rule for money."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


Money = Annotated[
    Decimal,
    PlainSerializer(lambda v: str(quantize_money(v)), return_type=str, when_used="json"),
]
"""An amount in the centre's currency (EUR), serialised as "12.34"."""

AmountInput = Annotated[Money, Field(max_digits=14)]
"""An amount as a request gives it: finite, at most 14 digits (12 before the cents), so
that rounding it to the cent and counting it in cents cannot overflow."""

Percent = Annotated[
    Decimal,
    PlainSerializer(lambda v: str(v), return_type=str, when_used="json"),
]
"""A rate in percent, e.g. Decimal("20") for 20 % VAT."""

# ---- the bounds of every input: what the server accepts is what its columns can hold

MAX_ID = 2_147_483_647
"""The highest id: ids are 32-bit integer columns (PostgreSQL ``integer``)."""

Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
"""A row's id in a body or a model: a JSON number (never ``true`` nor ``"5"``) from 1 to
:data:`MAX_ID`; out of range is a 422 naming the field, not a database error."""

IdParam = Annotated[int, Field(ge=1, le=MAX_ID)]
"""The same id in a path or query parameter (text on the wire, hence not strict)."""

Int32 = Annotated[int, Field(strict=True, ge=-MAX_ID - 1, le=MAX_ID)]
"""Any number a 32-bit integer column holds (the service checks the sensible range)."""

MAX_OFFSET = MAX_ID
"""The furthest a page may start (``offset``): beyond any real result, within a 32-bit
integer on every database."""

LINE = r"^[^\x00-\x1f\x7f-\x9f]*$"
"""The pattern of a one-line text: no control character at all (PostgreSQL refuses NUL,
a terminal obeys escapes)."""

LINES = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
"""The pattern of a multi-line text (notes): tab, line feed and carriage return allowed."""

TEXT_PATTERNS = frozenset({LINE, LINES})

_ADDRESS_PART = r"[^@\s\x00-\x1f\x7f-\x9f]+"
EMAIL = rf"^{_ADDRESS_PART}@{_ADDRESS_PART}\.{_ADDRESS_PART}$"
"""An e-mail address: something@domain.tld, no space nor control character."""

Line = Annotated[str, StringConstraints(pattern=LINE)]
"""One line of text (add the length: ``Annotated[Line, StringConstraints(max_length=..)]``)."""
Lines = Annotated[str, StringConstraints(pattern=LINES)]
"""Text that may span lines (a note)."""

Code = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
ShortText = Annotated[Line, StringConstraints(max_length=200)]
LongText = Annotated[Lines, StringConstraints(max_length=4000)]
EmailAddress = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200, pattern=EMAIL)
]

MIN_YEAR = 1900
MAX_YEAR = 2100
"""Dates and moments are between these years (a purchase date of an old appliance, an
appointment far ahead): outside, a 422 naming the field, not an overflow in the server."""


def _in_years(value: dt.date) -> dt.date:
    # a datetime is checked in its own offset: 9999-12-31T23:59-14:00 is refused here,
    # before anything converts it to UTC (year 10000)
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise PydanticCustomError(
            "date_out_of_range",
            "Date should be between {low} and {high}",
            {"low": f"{MIN_YEAR}-01-01", "high": f"{MAX_YEAR}-12-31"},
        )
    return value


_ISO_DAY = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")
_ISO_MOMENT = re.compile(r"\s*\d{4}-\d{2}-\d{2}[T ].*", re.DOTALL)


def _iso_day(value: object) -> object:
    # pydantic reads a number, or a string of digits, as seconds since 1970: not a date here
    if isinstance(value, int | float) or (isinstance(value, str) and not _ISO_DAY.fullmatch(value)):
        raise PydanticCustomError("date_not_iso", "Input should be a date as YYYY-MM-DD")
    return value


def _iso_moment(value: object) -> object:
    if isinstance(value, int | float) or (
        isinstance(value, str) and not _ISO_MOMENT.fullmatch(value)
    ):
        raise PydanticCustomError(
            "datetime_not_iso", "Input should be a date and time as YYYY-MM-DDTHH:MM+HH:MM"
        )
    return value


Day = Annotated[dt.date, BeforeValidator(_iso_day), AfterValidator(_in_years)]
"""A date from :data:`MIN_YEAR` to :data:`MAX_YEAR`."""
Moment = Annotated[dt.datetime, BeforeValidator(_iso_moment), AfterValidator(_in_years)]
"""A date and time whose date (in its own offset) is from :data:`MIN_YEAR` to :data:`MAX_YEAR`."""

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

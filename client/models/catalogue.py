"""The parts catalogue: models, parts, exploded views, supersession, adding to the cart."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from client.models.base import Code, Day, Id, Line, Lines, Money, Percent, RequestBody, Wire
from client.models.enums import Availability, RelationDirection, RelationKind
from client.models.orders import CartLine


class CatalogueModel(Wire):
    """An appliance model at one service index: it owns one exploded view."""

    id: int
    code: str
    service_index: str
    description: str
    category: str
    """The category's code (``hobs``)."""
    drawing: str = ""
    category_name: str = ""
    """The category's name in the request's language (Accept-Language)."""


class Category(Wire):
    """A family of appliances: its code and its name in the request's language."""

    code: str
    name: str


class Part(Wire):
    id: int
    code: str
    description: str
    price: Money
    availability: Availability
    stock: int
    lead_time_days: int
    obsolete: bool = False
    replaced: bool = False


class ExplodedViewLine(Wire):
    id: int
    model_id: int
    ref_num: str
    part: Part
    quantity: int
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    serial_from: str | None = None
    serial_to: str | None = None


class PartRelation(Wire):
    id: int
    from_code: str
    to_code: str
    kind: RelationKind
    direction: RelationDirection
    kit_group: str | None = None
    quantity: int = 1
    valid_from: dt.date | None = None
    serial_from: str | None = None
    serial_to: str | None = None
    production_from: dt.date | None = None
    production_to: dt.date | None = None
    model_code: str | None = None
    reason: str = ""


class Applicability(StrEnum):
    """Does a line or a relation hold for the appliance in front of the technician?"""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"  # the appliance's serial, production date or model is not known


class ResolutionStatus(StrEnum):
    ORDERABLE = "orderable"  # ``order`` says what to order
    DEPENDS = "depends"  # on the appliance: ``choices`` lists every outcome
    NONE = "none"  # nothing can be ordered: ``reason`` says why


class PartBrief(Wire):
    code: str
    description: str
    price: Money
    availability: Availability
    stock: int = 0
    lead_time_days: int = 0
    obsolete: bool = False


class OrderItem(Wire):
    part: PartBrief
    quantity: int


class ResolutionStep(Wire):
    """One replacement taken from ``from_code`` to ``to_code``, and why."""

    from_code: str
    to_code: str
    kind: RelationKind
    direction: RelationDirection
    quantity: int = 1
    valid_from: dt.date | None = None
    why: str = ""
    reason: str = ""


class ResolutionChoice(Wire):
    """One possible outcome when the answer depends on the appliance."""

    condition: str
    status: ResolutionStatus
    order: list[OrderItem] = Field(default_factory=list)
    steps: list[ResolutionStep] = Field(default_factory=list)
    reason: str = ""


class Resolution(Wire):
    """What to order now for ``requested_code`` (for one appliance when one is known)."""

    requested_code: str
    status: ResolutionStatus
    order: list[OrderItem] = Field(default_factory=list)
    steps: list[ResolutionStep] = Field(default_factory=list)
    reason: str = ""
    reason_code: str = ""
    choices: list[ResolutionChoice] = Field(default_factory=list)

    @property
    def replaced(self) -> bool:
        """The part to order is not the one requested."""
        return self.status is ResolutionStatus.ORDERABLE and [i.part.code for i in self.order] != [
            self.requested_code
        ]


class TreeNode(Wire):
    """A part in a supersession tree, reached through ``relation`` from its parent."""

    part: PartBrief
    relation: PartRelation
    applies: Applicability
    why: str = ""
    to_order: bool = False
    cycle: bool = False
    children: list[TreeNode] = Field(default_factory=list)


class SupersessionTree(Wire):
    """Predecessors (what the part replaced) above, successors below, and the resolution."""

    part: PartBrief
    replaced: bool = False
    predecessors: list[TreeNode] = Field(default_factory=list)
    successors: list[TreeNode] = Field(default_factory=list)
    interchangeable: list[TreeNode] = Field(default_factory=list)
    resolution: Resolution


class ViewLine(Wire):
    """A line of an exploded view, with whether it applies to the appliance when known."""

    id: int
    ref_num: str
    part: Part
    quantity: int
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    serial_from: str | None = None
    serial_to: str | None = None
    applies: Applicability = Applicability.UNKNOWN
    why: str = ""
    conditional_replacement: bool = False


class ModelView(Wire):
    """A model at one service index and its exploded-view parts list."""

    model: CatalogueModel
    lines: list[ViewLine]
    serial: str | None = None
    production_date: dt.date | None = None


class WhereUsed(Wire):
    model: CatalogueModel
    ref_num: str
    quantity: int


class PartDetail(Wire):
    part: Part
    discount_rate: Percent
    net_price: Money
    relations: list[PartRelation]
    where_used: int


class AddToCart(RequestBody):
    """Add ``quantity`` of a part. ``ordered_code`` is the part chosen to order (the resolved
    one, or the requested one when it can be ordered); left out, the server resolves it."""

    requested_code: Code
    ordered_code: Code | None = None
    quantity: Annotated[int, Field(strict=True, ge=1, le=999)] = 1
    ticket_id: Id | None = None
    note: Annotated[Lines, StringConstraints(max_length=500)] = ""
    serial: Annotated[Line, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    production_date: Day | None = None
    model_id: Id | None = None


class CartAdded(Wire):
    lines: list[CartLine]
    count: int
    resolution: Resolution


class CartCount(Wire):
    count: int

"""Messages that workers post back to the app: small, typed, and the only way results return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from client.api import SavClient
    from client.models import (
        Dashboard,
        Health,
        ModelView,
        Page,
        PartDetail,
        Resolution,
        SupersessionTree,
        User,
    )
    from tui.backend import BackendUnavailable


@dataclass
class Connected(Message):
    """The backend answered its health check."""

    client: SavClient
    health: Health


@dataclass
class ConnectionFailed(Message):
    error: BackendUnavailable


@dataclass
class SignedIn(Message):
    """Credentials (or a remembered token) were accepted."""

    user: User
    remembered_in: str | None = None


@dataclass
class SignInFailed(Message):
    message: str
    fields: tuple[str, ...] = ()


@dataclass
class DashboardLoaded(Message):
    dashboard: Dashboard


@dataclass
class LoadFailed(Message):
    """A background call failed; ``message`` is fit to show."""

    message: str


# --------------------------------------------------------------------------- catalogue (issue 4)


@dataclass
class SearchAnswered(Message):
    """A catalogue search answered; ``query`` and ``mode`` say which one, ``offset`` where
    the page goes in the whole result (0: a new search; more: the next page of it)."""

    mode: str
    query: str
    page: Page[Any]
    offset: int = 0


@dataclass
class ViewLoaded(Message):
    view: ModelView


@dataclass
class TreeLoaded(Message):
    code: str
    tree: SupersessionTree


@dataclass
class TreeFailed(Message):
    code: str
    message: str


@dataclass
class PartLoaded(Message):
    detail: PartDetail


@dataclass
class ResolutionLoaded(Message):
    resolution: Resolution


@dataclass
class CartCountChanged(Message):
    count: int

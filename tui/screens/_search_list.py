"""What the search-and-list screens share (orders, invoicing, payment vouchers).

A search line above a list: what is typed is parsed (a bad filter is said under the line,
the list stays as it was), then searched after a short pause; answers to an older line are
dropped; the next page is fetched as the cursor comes within 10 rows of the end; a failed
search is said under the line; Enter opens the highlighted row.

A screen sets ``LIST`` (the list's id, which also prefixes ``#LIST-query``, ``#LIST-error``
and names the worker group of its fetches), composes :meth:`_compose_search` then its list
and the rest, and says how to parse a line, fetch a page, show, key and open a row, and what
its status line reads. Its keys and actions stay in its own file: they call the helpers here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from tui import glyphs
from tui.ticket_filter import FilterError
from tui.widgets.search_line import SearchLine
from tui.widgets.session_bar import SessionBar

if TYPE_CHECKING:
    from rich.text import Text

    from client.api import SavClient
    from tui.app import SavApp

SEARCH_DELAY = 0.15

RowT = TypeVar("RowT")
QueryT = TypeVar("QueryT")


@dataclass
class PageLoaded(Message):
    generation: int
    page: Any  # a Page (or InvoicingList): offset, items, total
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class PageFailed(Message):
    generation: int
    message: str


def room_left(width: int, columns: list[tuple[str, int, str]]) -> int:
    """The cells left in a list ``width`` cells wide for one more column, after ``columns``
    (each has a cell of padding either side)."""
    return width - sum(w + 2 for _t, w, _k in columns) - 2


class SearchListScreen(Screen[None], Generic[RowT, QueryT]):
    LIST: ClassVar[str]
    """The list's id; ``#LIST-query`` is the search line, ``#LIST-error`` the line under it."""

    query_: QueryT
    """The query of the search line shown (the next pages are fetched with it)."""

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.initial = text
        self.rows: list[RowT] = []
        self.total = 0
        self.generation = 0
        self._fetching = False

    @property
    def sav(self) -> SavApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------------ what a screen says

    def _set_columns(self) -> None:
        """The list's columns (on mount, before the first search)."""
        raise NotImplementedError

    def _parse(self, text: str) -> QueryT:
        """The query of a search line; FilterError says what is wrong with it."""
        raise NotImplementedError

    async def _load(self, client: SavClient, query: QueryT, offset: int, **options: Any) -> Any:
        """The page of rows from ``offset`` (``options``: those given to :meth:`_fetch`)."""
        raise NotImplementedError

    def _cells(self, row: RowT) -> list[str | Text]:
        raise NotImplementedError

    def _key(self, row: RowT) -> str:
        """The row's key in the list (the id :meth:`_open_row` gets)."""
        raise NotImplementedError

    def _status(self) -> None:
        """Update the line under the list (counts, totals)."""
        raise NotImplementedError

    def _open_row(self, key: int) -> None:
        """Enter on a row."""
        raise NotImplementedError

    def _new_search(self) -> None:
        """A new search line is being searched (before its first page)."""

    def _cleared(self) -> None:
        """The list was emptied for the first page of a new search."""

    def _keep(self, row: RowT) -> bool:
        """Whether to add a row of a page (False: already in the list)."""
        return True

    def _page_loaded(self, page: Any, **options: Any) -> None:
        """A page's rows were added (``options``: those given to :meth:`_fetch`)."""

    # ------------------------------------------------------------------ the widgets

    def _compose_search(self, label: str, placeholder: str) -> ComposeResult:
        """The session bar, the search line and the line for its errors."""
        yield SessionBar()
        with Horizontal(id="search-row"):
            yield Label(label, id="search-label")
            yield SearchLine(
                self.initial,
                id=f"{self.LIST}-query",
                compact=True,
                max_length=200,
                placeholder=placeholder,
            )
        yield Static("", id=f"{self.LIST}-error", classes="-error")

    def _search_line(self) -> Input:
        return self.query_one(f"#{self.LIST}-query", Input)

    def _table(self) -> DataTable[Any]:
        return self.query_one(f"#{self.LIST}", DataTable)

    def _list_width(self) -> int:
        """The room inside the list, less its vertical scroll bar (before the first layout:
        the screen's width, less a scroll bar for the screen's and one for the list's)."""
        table = self._table()
        scrollbar = table.styles.scrollbar_size_vertical
        return (table.size.width or self.app.size.width - scrollbar) - scrollbar

    def _highlighted(self) -> RowT | None:
        row = self._table().cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _error_line(self) -> Static:
        return self.query_one(f"#{self.LIST}-error", Static)

    def _show_error(self, text: str) -> None:
        self._error_line().update(glyphs.error_mark() + escape(text))

    def on_mount(self) -> None:
        self._set_columns()
        self.set_focus(self._search_line())
        self._search(self.initial, pause=0.0)

    # ------------------------------------------------------------------ searching

    @on(Input.Changed, "SearchLine")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "SearchLine")
    def _submitted(self) -> None:
        self.set_focus(self._table())

    def _search(self, text: str, pause: float = SEARCH_DELAY) -> None:
        try:
            query = self._parse(text)
        except FilterError as exc:
            self._show_error(str(exc))
            return  # the results stay as they were
        self._error_line().update("")
        self.query_ = query
        self.generation += 1
        self._new_search()
        self._fetching = True  # no next page of the old list while the new one is on its way
        self._fetch(self.generation, query, 0, pause)

    def _fetch(
        self, generation: int, query: QueryT, offset: int, pause: float, **options: Any
    ) -> None:
        self.run_worker(
            self._fetch_page(generation, query, offset, pause, options),
            group=self.LIST,
            exclusive=True,
            exit_on_error=False,
        )

    async def _fetch_page(
        self, generation: int, query: QueryT, offset: int, pause: float, options: dict[str, Any]
    ) -> None:
        import asyncio

        from client.api import SavError

        if pause:
            await asyncio.sleep(pause)
        client = self.sav.client
        assert client is not None
        try:
            page = await self._load(client, query, offset, **options)
        except SavError as exc:
            self.post_message(PageFailed(generation, exc.message))
            return
        self.post_message(PageLoaded(generation, page, options))

    @on(PageLoaded)
    def _loaded(self, message: PageLoaded) -> None:
        page = message.page
        if message.generation != self.generation or page.offset not in (0, len(self.rows)):
            return  # an answer to an older search line
        self._fetching = False
        table = self._table()
        if page.offset == 0:
            table.clear()
            self.rows = []
            self._cleared()
        for row in page.items:
            if self._keep(row):
                self.rows.append(row)
                table.add_row(*self._cells(row), key=self._key(row))
        self.total = page.total
        self._page_loaded(page, **message.options)
        self._status()

    @on(PageFailed)
    def _failed(self, message: PageFailed) -> None:
        if message.generation == self.generation:
            self._fetching = False
            self._show_error(message.message)

    @on(DataTable.RowHighlighted, "KeyTable")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        """Fetch the next page when the cursor comes within 10 rows of the end."""
        if (
            not self._fetching
            and len(self.rows) < self.total
            and event.cursor_row >= len(self.rows) - 10
        ):
            self._fetching = True
            self._fetch(self.generation, self.query_, len(self.rows), 0.0)

    @on(DataTable.RowSelected, "KeyTable")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self._open_row(int(event.row_key.value))

"""The catalogue: models, categories, parts, where used, supersession and resolution."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from client import models as wire  # each model's module imported when first used
from client.api._base import ClientBase, _params, _parse, _parse_list, _segment

if TYPE_CHECKING:
    from client.models import (
        CatalogueModel,
        Category,
        ModelView,
        Page,
        Part,
        PartDetail,
        Resolution,
        SupersessionTree,
        WhereUsed,
    )


class CatalogueApi(ClientBase):
    """The catalogue endpoints (``/catalogue/...``)."""

    async def models(
        self,
        q: str = "",
        *,
        category: str | None = None,
        code: str | None = None,
        service_index: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[CatalogueModel]:
        """Models whose code contains ``q`` (prefix matches first), description or category;
        ``code`` and ``service_index`` are exact (any case): an appliance's own model."""
        params = _params(
            q=q,
            category=category,
            code=code,
            service_index=service_index,
            limit=limit,
            cursor=cursor,
        )
        answer = await self._call("GET", "/catalogue/models", params=params)
        return _parse(answer, wire.Page[wire.CatalogueModel])

    async def categories(self) -> list[Category]:
        """Every category: its code and its name in the client's language."""
        answer = await self._call("GET", "/catalogue/categories")
        return _parse_list(answer, wire.Category)

    async def model_view(
        self, model_id: int, *, serial: str | None = None, production_date: dt.date | None = None
    ) -> ModelView:
        params = _params(serial=serial, production_date=production_date)
        answer = await self._call("GET", f"/catalogue/models/{model_id}", params=params)
        return _parse(answer, wire.ModelView)

    async def parts(self, q: str = "", *, limit: int = 50, cursor: str | None = None) -> Page[Part]:
        params = _params(q=q, limit=limit, cursor=cursor)
        return _parse(
            await self._call("GET", "/catalogue/parts", params=params), wire.Page[wire.Part]
        )

    async def part(self, code: str) -> PartDetail:
        return await self._get(f"/catalogue/parts/{_segment(code)}", wire.PartDetail)

    async def where_used(
        self, code: str, *, limit: int = 50, cursor: str | None = None
    ) -> Page[WhereUsed]:
        params = _params(limit=limit, cursor=cursor)
        path = f"/catalogue/parts/{_segment(code)}/where-used"
        return _parse(await self._call("GET", path, params=params), wire.Page[wire.WhereUsed])

    async def part_tree(
        self,
        code: str,
        *,
        serial: str | None = None,
        production_date: dt.date | None = None,
        model_id: int | None = None,
    ) -> SupersessionTree:
        params = _params(serial=serial, production_date=production_date, model_id=model_id)
        path = f"/catalogue/parts/{_segment(code)}/tree"
        return _parse(await self._call("GET", path, params=params), wire.SupersessionTree)

    async def resolve(
        self,
        code: str,
        *,
        serial: str | None = None,
        production_date: dt.date | None = None,
        model_id: int | None = None,
    ) -> Resolution:
        params = _params(serial=serial, production_date=production_date, model_id=model_id)
        path = f"/catalogue/parts/{_segment(code)}/resolution"
        return _parse(await self._call("GET", path, params=params), wire.Resolution)

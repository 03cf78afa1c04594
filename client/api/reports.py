"""Reports: the monthly spare-parts report, as data, PDF or CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from client import models as wire  # each model's module imported when first used
from client.api._base import ClientBase, _parse

if TYPE_CHECKING:
    from client.models import CsvFormat, PartsReport, PartsReportQuery


class ReportsApi(ClientBase):
    """The report endpoints (``/reports/...``)."""

    async def parts_report(self, query: PartsReportQuery) -> PartsReport:
        """The monthly spare-parts report: the parts installed in the month's closed
        interventions, by model, with totals."""
        return _parse(
            await self._call("GET", "/reports/parts", params=query.params()), wire.PartsReport
        )

    async def parts_report_pdf(self, query: PartsReportQuery) -> bytes:
        """The monthly spare-parts report as a PDF."""
        return (await self._call("GET", "/reports/parts.pdf", params=query.params())).content

    async def export_parts_report(
        self,
        query: PartsReportQuery,
        target: Path,
        *,
        csv_format: CsvFormat = wire.CsvFormat.SPREADSHEET,
    ) -> int:
        """Write the monthly spare-parts report as CSV into ``target`` (as
        :meth:`export_tickets` does); the lines written after the header."""
        params = {**query.params(), "format": csv_format.value}
        return max(await self._download("/reports/parts.csv", params, target) - 1, 0)

"""The ticker that runs the supplier sync every ``supplier_sync_hours``, in every process.

Each server process wakes up every ``supplier_sync_tick_seconds`` and calls ``sync_due``;
whether anything runs is decided by the database (``sync.py``: one run per centre and
period, claimed by a unique insert; an abandoned run taken over once its lease ran out), so
several processes on one database run each period once. The first tick waits a full tick:
starting the server (and the embedded one behind the first frame) does no supplier work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from server.suppliers.sync import RunContext, sync_due

log = logging.getLogger("sav.suppliers.sync")


class SyncTicker:
    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.ctx.settings.supplier_sync_hours > 0 and self._task is None:
            self._task = asyncio.create_task(self._loop(), name="supplier-sync-ticker")

    async def _loop(self) -> None:
        tick = max(1.0, self.ctx.settings.supplier_sync_tick_seconds)
        while True:
            await asyncio.sleep(tick)
            try:
                await sync_due(self.ctx)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bad tick must not stop the next ones
                log.exception("supplier sync tick failed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

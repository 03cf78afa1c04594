"""A server process doing a scheduled sync run, slowly, to be killed by a test.

    python -m tests.suppliers.sync_worker DATABASE_URL PLATFORM_URL CENTRE_ID PERIOD

One order at a time, each written as soon as it is checked, with 0.3 s more per supplier
call: the test kills it (SIGKILL: nothing of its own clean-up runs) midway.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from server.db.session import create_engine, session_factory
from server.settings import Settings
from server.suppliers import sync


def slow(supplier: str, url: str, credentials: Any) -> Any:
    client = sync.sync_client(supplier, url, credentials)
    get_order = client.get_order

    async def slowly(number: str) -> Any:
        await asyncio.sleep(0.3)
        return await get_order(number)

    client.get_order = slowly  # type: ignore[method-assign]
    return client


async def main(database_url: str, platform_url: str, centre_id: int, period: str) -> None:
    sync.BATCH = 1
    settings = Settings(
        database_url=database_url,
        suppliers={"reference": platform_url},
        supplier_sync_concurrency=1,
    )
    engine = create_engine(database_url)
    ctx = sync.RunContext(sessions=session_factory(engine), settings=settings, make_client=slow)
    await sync.sync_centre(ctx, centre_id, kind="scheduled", period=period)
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))

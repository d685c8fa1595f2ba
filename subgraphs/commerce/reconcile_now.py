"""``python -m subgraphs.commerce.reconcile_now``: reconcile every current flash sale once.

Reads the commerce settings from the environment (as ``beyond worker commerce``
does) and prints one line per sale: agreed, repaired (and how), or skipped.
"""

from __future__ import annotations

import asyncio

from shared.settings import load_settings
from subgraphs.commerce.reconcile import reconcile_current
from subgraphs.commerce.runtime import build_runtime
from subgraphs.commerce.settings import CommerceSettings


async def main() -> int:
    runtime = build_runtime(load_settings(CommerceSettings))
    try:
        for repair in await reconcile_current(runtime.service.store, runtime.database):
            print(repair.describe())
    finally:
        await runtime.aclose()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))

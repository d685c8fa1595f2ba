"""The cache's Redis failing: every call a miss, one warning, no exception.

Nothing listens on port 9 (discard) of the loopback address, so connecting is refused.
"""

from __future__ import annotations

import logging

import pytest

from router.cache import CacheStore
from shared.redis import create_redis


async def test_an_unreachable_redis_is_a_miss_and_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = CacheStore(create_redis("redis://127.0.0.1:9/0", timeout=0.2), retry_after=0)
    with caplog.at_level(logging.WARNING, logger="router.cache"):
        assert await store.get(["a", "b"]) is None
        await store.put([("a", "1", 60)])
        assert await store.bump(["v"], 60) is False
        assert await store.get(["a"]) is None
    await store.aclose()
    warnings = [r for r in caplog.records if r.name == "router.cache"]
    assert len(warnings) == 1
    assert "entity cache lookup failed, answering from subgraphs" in warnings[0].getMessage()

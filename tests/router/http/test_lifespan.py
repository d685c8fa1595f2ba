"""While the router serves, the cyclic garbage collector is tuned; shutdown restores it."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any


async def test_the_collector_is_tuned_while_serving_and_restored_after(
    make_client: Callable[..., Any],
) -> None:
    app = make_client().router_app
    before = gc.get_threshold()
    async with app.router.lifespan_context(app):
        assert gc.get_threshold()[0] >= 20_000
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0

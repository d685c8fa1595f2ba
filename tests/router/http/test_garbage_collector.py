"""The router tunes the cyclic garbage collector while it serves and pauses it while loading."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from router.http.federation import FederationFront
from tests.router.planner.plan_cases import supergraph_path


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


def test_loading_a_supergraph_leaves_the_collector_as_it_found_it() -> None:
    sdl = supergraph_path("requires").read_text()
    front = FederationFront()
    assert gc.isenabled()
    assert front.load(sdl).subgraph_urls
    assert gc.isenabled()
    gc.disable()
    try:
        front.load(sdl)
        assert not gc.isenabled()
    finally:
        gc.enable()

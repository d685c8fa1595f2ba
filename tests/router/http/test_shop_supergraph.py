"""The checked-in shop supergraph is what Apollo's composition makes of the shop subgraphs today."""

from __future__ import annotations

import pytest

from router.supergraph import load_supergraph
from tests.router.http.compose import SHOP_SUPERGRAPH, compose_shop


@pytest.mark.node
def test_the_checked_in_supergraph_matches_the_subgraphs() -> None:
    assert compose_shop() == SHOP_SUPERGRAPH.read_text()


def test_the_router_loads_it() -> None:
    supergraph = load_supergraph(SHOP_SUPERGRAPH.read_text())
    assert set(supergraph.subgraphs) == {"accounts", "products", "reviews", "inventory", "search"}

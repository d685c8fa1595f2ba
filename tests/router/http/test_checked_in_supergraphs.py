"""The checked-in supergraphs are what Apollo's composition makes of the test subgraphs today."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.supergraph import load_supergraph
from tests.router.http.compose import FED1_GRAPHS, GRAPHS, compose, compose_fed1


@pytest.mark.node
@pytest.mark.parametrize("path", list(GRAPHS), ids=lambda p: p.stem)
def test_the_checked_in_supergraph_matches_the_subgraphs(path: Path) -> None:
    assert compose(GRAPHS[path]) == path.read_text()


@pytest.mark.parametrize("path", list(GRAPHS), ids=lambda p: p.stem)
def test_the_router_loads_it(path: Path) -> None:
    assert set(load_supergraph(path.read_text()).subgraphs) == set(GRAPHS[path])


@pytest.mark.node
@pytest.mark.parametrize("path", list(FED1_GRAPHS), ids=lambda p: p.stem)
def test_the_checked_in_federation_1_supergraph_matches_the_subgraphs(path: Path) -> None:
    assert compose_fed1(*FED1_GRAPHS[path]) == path.read_text()


@pytest.mark.parametrize("path", list(FED1_GRAPHS), ids=lambda p: p.stem)
def test_the_router_loads_the_federation_1_supergraph(path: Path) -> None:
    supergraph = load_supergraph(path.read_text())
    assert set(supergraph.subgraphs) == set(FED1_GRAPHS[path][1])
    assert supergraph.federation_version == 1

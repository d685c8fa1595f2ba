"""@context / @fromContext: the value read on an ancestor, passed to the subgraph as a variable."""

from __future__ import annotations

import pytest

from router.operation import prepare
from router.planner import UnsatisfiableField, plan
from router.supergraph import load_supergraph
from tests.router.planner.plan_cases import case_names, check_case, supergraph_path

FEATURE = "context"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)


def test_a_path_without_the_context_is_refused_not_planned_without_the_argument() -> None:
    # Composition rejects such a supergraph; edited by hand, the planner must still refuse.
    sdl = supergraph_path(FEATURE).read_text()
    root = "  shops: [Shop!]! @join__field(graph: CATALOG)\n"
    assert root in sdl
    graph = load_supergraph(
        sdl.replace(root, root + "  product(id: ID!): Product @join__field(graph: CATALOG)\n")
    )
    operation = prepare(graph, '{ product(id: "p1") { name price } }')
    with pytest.raises(UnsatisfiableField, match="no enclosing object at product sets the context"):
        plan(graph, operation)

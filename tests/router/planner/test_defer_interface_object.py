"""``@defer`` below a field an ``@interfaceObject`` subgraph answers (oracle split 21).

Subgraph ``n`` answers ``node`` with ``Node`` as an object and knows no
implementation. A fragment deferred inside ``... on User`` is planned from
there as a fragment on ``User`` (a hop to the subgraph holding ``Node`` as an
entity interface, which also answers the concrete ``__typename``), not by
narrowing ``n``'s objects to a type ``n`` lacks, which found no subgraph to
resolve ``User.id`` from.
"""

from __future__ import annotations

import pytest

from router.plan import DeferNode
from tests.router.planner.plan_cases import case_names, check_case, fetches, our_plan

FEATURE = "defer_interface_object"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)


@pytest.mark.parametrize(
    "case",
    ["defer_inside_a_fragment_on_an_implementation", "deferred_fragment_on_an_implementation"],
)
def test_the_deferred_part_fetches_the_concrete_type_with_its_fields(case: str) -> None:
    node = our_plan(FEATURE, case).node
    assert isinstance(node, DeferNode)
    (part,) = node.deferred
    (fetch,) = fetches(part.node)
    assert fetch.service_name == "b"
    assert "...on Node{__typename ...on User{name}}" in fetch.operation

"""Subscriptions: a Primary fetch to the owning subgraph, and a Rest run for every event."""

from __future__ import annotations

import pytest

from router.operation import prepare
from router.plan import OperationKind, SubscriptionNode
from router.planner import plan
from tests.router.planner.plan_cases import (
    case_names,
    check_case,
    fetches,
    our_plan,
    supergraph,
)

FEATURE = "subscriptions"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)


def test_the_primary_subscribes_and_the_rest_only_queries_entities() -> None:
    node = our_plan(FEATURE, "chain_of_hops").node
    assert isinstance(node, SubscriptionNode)
    assert node.primary.operation_kind is OperationKind.SUBSCRIPTION
    assert node.primary.operation.startswith("subscription")
    assert not node.primary.is_entity_fetch
    assert node.rest is not None
    rest = fetches(node.rest)
    assert [f.service_name for f in rest] == ["accounts", "products"]
    assert all(f.operation_kind is OperationKind.QUERY and f.is_entity_fetch for f in rest)


def test_a_named_subscription_names_its_subgraph_operations() -> None:
    graph = supergraph(FEATURE)
    operation = prepare(graph, "subscription Ticks { counter(to: 2) }")
    node = plan(graph, operation).node
    assert isinstance(node, SubscriptionNode)
    assert node.primary.operation_name == "Ticks__reviews__0"

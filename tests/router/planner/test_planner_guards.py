"""The planner's guards: the step budget, unsatisfiable fields, per-subgraph enum values."""

from __future__ import annotations

import pytest

from router.operation import prepare
from router.plan import FetchNode
from router.planner import PlanningBudgetExceeded, UnsatisfiableField, plan
from router.supergraph import load_supergraph
from tests.router.planner.plan_cases import query, supergraph

# Hand-written: composition never emits a field no graph owns, and it only
# keeps input enum values every graph knows; a supergraph from another
# composer might still, and the planner must not send a subgraph a value it
# does not declare.
HAND_WRITTEN = load_supergraph("""
schema @link(url: "https://specs.apollo.dev/link/v1.0")
       @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query }
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet,
  type: String, external: Boolean, override: String, usedOverridden: Boolean)
  repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)
  repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import])
  repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph {
  A @join__graph(name: "a", url: "http://a")
  B @join__graph(name: "b", url: "http://b")
}
enum Sort @join__type(graph: A) @join__type(graph: B) {
  NEWEST @join__enumValue(graph: A) @join__enumValue(graph: B)
  HOTTEST @join__enumValue(graph: B)
}
input Filter @join__type(graph: A) @join__type(graph: B) {
  tag: String
  author: String @join__field(graph: B)
}
type Query @join__type(graph: A) @join__type(graph: B) {
  posts(sort: Sort, filter: Filter): [String]
  orphan: String @join__field
}
""")


def _services(text: str) -> list[str]:
    node = plan(HAND_WRITTEN, prepare(HAND_WRITTEN, text)).node
    assert isinstance(node, FetchNode)
    return [node.service_name]


def test_an_enum_value_goes_only_to_a_subgraph_that_knows_it() -> None:
    assert _services("{ posts(sort: NEWEST) }") == ["a"]
    assert _services("{ posts(sort: HOTTEST) }") == ["b"]


def test_an_input_field_goes_only_to_a_subgraph_that_knows_it() -> None:
    assert _services('{ posts(filter: { tag: "x" }) }') == ["a"]
    assert _services('{ posts(filter: { author: "x" }) }') == ["b"]


def test_a_field_no_subgraph_resolves_is_a_clear_error() -> None:
    with pytest.raises(UnsatisfiableField, match=r"Query\.orphan"):
        plan(HAND_WRITTEN, prepare(HAND_WRITTEN, "{ orphan }"))


def test_the_budget_stops_planning_with_a_clear_message() -> None:
    graph = supergraph("fed1")
    operation = prepare(graph, query("fed1", "requires_and_provides"))
    with pytest.raises(PlanningBudgetExceeded, match="more than 5 steps"):
        plan(graph, operation, budget=5)


def test_a_wide_deep_operation_plans_within_the_default_budget() -> None:
    graph = supergraph("fed1")
    level = "reviews { body author { username reviews { product { name inStock } } } }"
    fields = " ".join(f"r{i}: {level}" for i in range(40))
    operation = prepare(graph, f"{{ me {{ {fields} }} topProducts {{ {fields} }} }}")
    assert plan(graph, operation).node is not None


def test_plans_are_deterministic() -> None:
    graph = supergraph("fed1")
    operation = prepare(graph, query("fed1", "requires_and_provides"))
    assert plan(graph, operation) == plan(graph, operation)

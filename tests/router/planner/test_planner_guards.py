"""The planner's guards: the step budget, unsatisfiable fields, per-subgraph enum values."""

from __future__ import annotations

import pytest

from router.operation import prepare
from router.plan import FetchNode, UnknownInputs
from router.planner import (
    PlanningBudgetExceeded,
    UnknownInputValue,
    UnsatisfiableField,
    plan,
    print_plan,
)
from router.supergraph import load_supergraph
from tests.router.hand_written import TWO_GRAPHS
from tests.router.http.compose import SHOWCASE_SUPERGRAPH
from tests.router.planner.plan_cases import query, supergraph

# Hand-written: composition never emits a field no graph owns, and it only
# keeps input enum values every graph knows; a supergraph from another
# composer might still, and the planner must not send a subgraph a value it
# does not declare.
HAND_WRITTEN = load_supergraph(
    TWO_GRAPHS
    + """
enum Sort @join__type(graph: A) @join__type(graph: B) {
  NEWEST @join__enumValue(graph: A) @join__enumValue(graph: B)
  HOTTEST @join__enumValue(graph: B)
}
input Filter @join__type(graph: A) @join__type(graph: B) {
  tag: String
  author: String @join__field(graph: B)
  within: Window
}
input Window @join__type(graph: A) @join__type(graph: B) { sorts: [Sort!] }
type Query @join__type(graph: A) @join__type(graph: B) {
  posts(sort: Sort, filter: Filter): [String]
  drafts(sort: Sort, filter: Filter): [String] @join__field(graph: A)
  orphan: String @join__field
}
"""
)


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


def test_a_variable_default_is_routed_like_a_literal() -> None:
    # The subgraph operation declares the default, so its subgraph must know the value.
    assert _services("query($s: Sort = HOTTEST) { posts(sort: $s) }") == ["b"]
    assert _services("query($s: Sort = NEWEST) { posts(sort: $s) }") == ["a"]


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("{ drafts(sort: HOTTEST) }", 'argument "sort": enum "Sort" has no value "HOTTEST"'),
        (
            "{ drafts(filter: { within: { sorts: [NEWEST, HOTTEST] } }) }",
            'argument "filter": enum "Sort" has no value "HOTTEST"',
        ),
        (
            '{ drafts(filter: { author: "x" }) }',
            'argument "filter": input "Filter" has no field "author"',
        ),
        (
            "query($s: Sort = HOTTEST) { drafts(sort: $s) }",
            'argument "sort": the default of $s: enum "Sort" has no value "HOTTEST"',
        ),
    ],
)
def test_a_value_no_owner_of_the_field_knows_is_a_clear_error(text: str, refusal: str) -> None:
    with pytest.raises(UnknownInputValue) as raised:
        plan(HAND_WRITTEN, prepare(HAND_WRITTEN, text))
    assert str(raised.value) == (
        "The arguments of Query.drafts use a value that no subgraph resolving that field "
        f'accepts: in subgraph "a", {refusal}.'
    )


def test_a_fetch_lists_what_its_subgraph_lacks_in_the_types_its_variables_reach() -> None:
    node = plan(
        HAND_WRITTEN, prepare(HAND_WRITTEN, "query($f: Filter) { drafts(filter: $f) }")
    ).node
    assert isinstance(node, FetchNode) and node.service_name == "a"
    # Filter reaches Window, which reaches Sort.
    assert node.unknown_inputs == (
        UnknownInputs("Filter", frozenset({"author"})),
        UnknownInputs("Sort", frozenset({"HOTTEST"})),
    )
    node = plan(
        HAND_WRITTEN, prepare(HAND_WRITTEN, "query($t: String) { drafts(filter: { tag: $t }) }")
    ).node
    assert isinstance(node, FetchNode) and node.unknown_inputs == ()


def test_a_fetch_to_a_subgraph_that_knows_every_value_lists_nothing() -> None:
    node = plan(
        HAND_WRITTEN, prepare(HAND_WRITTEN, "query($s: Sort = HOTTEST) { posts(sort: $s) }")
    ).node
    assert isinstance(node, FetchNode) and node.service_name == "b"
    assert node.unknown_inputs == ()


def test_a_field_no_subgraph_resolves_is_a_clear_error() -> None:
    with pytest.raises(UnsatisfiableField, match=r"Query\.orphan"):
        plan(HAND_WRITTEN, prepare(HAND_WRITTEN, "{ orphan }"))


# Hand-written too: composition refuses a graph where a's Video.id is external and its only
# key, so that a reaches no subgraph that answers it; another composer might not.
EXTERNAL_ID = load_supergraph(
    TWO_GRAPHS.replace(
        "directive @link(",
        "directive @join__implements(graph: join__Graph!, interface: String!)\n"
        "  repeatable on OBJECT | INTERFACE\ndirective @link(",
    )
    + """
interface Node @join__type(graph: A) @join__type(graph: B) { id: ID! }
type Video implements Node
  @join__implements(graph: A, interface: "Node") @join__implements(graph: B, interface: "Node")
  @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID! @join__field(graph: A, external: true) @join__field(graph: B)
  title: String @join__field(graph: B)
}
type Article implements Node @join__implements(graph: A, interface: "Node") @join__type(graph: A) {
  id: ID!
}
type Query @join__type(graph: A) @join__type(graph: B) { nodes: [Node] @join__field(graph: A) }
"""
)


@pytest.mark.parametrize("query_text", ["{ nodes { id } }", "{ nodes { ... on Video { id } } }"])
def test_a_field_not_every_possible_type_can_answer_is_an_error(query_text: str) -> None:
    # a answers Article.id but declares Video.id external: the interface field is not a's to
    # answer for every node, and no key leads from a to b for a Video.
    with pytest.raises(UnsatisfiableField, match=r"Video\.id at nodes\.@ .* 'a'"):
        plan(EXTERNAL_ID, prepare(EXTERNAL_ID, query_text))


def test_the_possible_types_that_answer_it_plan() -> None:
    node = plan(EXTERNAL_ID, prepare(EXTERNAL_ID, "{ nodes { ... on Article { id } } }")).node
    assert isinstance(node, FetchNode) and node.service_name == "a"


SHOWCASE = load_supergraph(SHOWCASE_SUPERGRAPH.read_text())


@pytest.mark.parametrize("query_text", ["{ featured { title } }", "{ featured { id title } }"])
def test_an_interface_field_with_no_implementation_to_serve_it_is_an_error(
    query_text: str,
) -> None:
    # feed returns Media but implements it nowhere and lacks Media.title: no subgraph can
    # answer it there, and dropping it would answer what was never fetched.
    with pytest.raises(UnsatisfiableField, match=r"Media\.title at featured\.@ .* 'feed'"):
        plan(SHOWCASE, prepare(SHOWCASE, query_text))


def test_the_same_field_through_an_implementation_plans() -> None:
    operation = prepare(
        SHOWCASE, '{ featured { id ... on Book { pages } } book(id: "1") { title } }'
    )
    printed = print_plan(plan(SHOWCASE, operation))
    # feed can never return a Book, so the fragment asks it for nothing more.
    assert 'Fetch(service: "feed")' in printed and "pages" not in printed
    assert 'Fetch(service: "books")' in printed and "title" in printed


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

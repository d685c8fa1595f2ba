"""The sibling-fetch pass: the same request at several paths of one plan level is one fetch."""

from __future__ import annotations

from router.operation import prepare
from router.plan import FetchNode, FlattenNode, PlanNode
from router.planner import plan
from tests.router.planner.plan_cases import fetches, supergraph

USER_REVIEWS = "reviews { body }"


def flattens(node: PlanNode | None) -> list[FlattenNode]:
    """Every Flatten node of a plan, in plan order."""
    if node is None or isinstance(node, FetchNode):
        return []
    if isinstance(node, FlattenNode):
        return [node]
    children: list[PlanNode | None] = []
    for name in ("nodes", "if_clause", "else_clause", "rest"):
        value = getattr(node, name, None)
        children.extend(value if isinstance(value, tuple) else [value])
    if hasattr(node, "primary") and hasattr(node, "deferred"):
        children += [node.primary.node, *(part.node for part in node.deferred)]
    return [found for child in children for found in flattens(child)]


def planned(feature: str, text: str) -> PlanNode | None:
    graph = supergraph(feature)
    return plan(graph, prepare(graph, text)).node


def test_one_request_carries_every_path_of_the_same_hop() -> None:
    node = planned("operations", f"{{ me {{ {USER_REVIEWS} }} users {{ {USER_REVIEWS} }} }}")
    (flatten,) = flattens(node)
    assert flatten.paths == (("me",), ("users", "@"))
    assert [f.service_name for f in fetches(node)] == ["accounts", "reviews"]


def test_different_selections_stay_apart() -> None:
    node = planned("operations", f"{{ me {{ {USER_REVIEWS} }} users {{ reviews {{ stars }} }} }}")
    assert sorted(f.paths for f in flattens(node)) == [(("me",),), (("users", "@"),)]


def test_a_deferred_part_does_not_share_the_primary_plans_request() -> None:
    product, top = f'product(upc: "1") {{ {USER_REVIEWS} }}', f"topProducts {{ {USER_REVIEWS} }}"
    together = flattens(planned("defer", f"{{ {product} {top} }}"))
    assert [f.paths for f in together] == [(("product",), ("topProducts", "@"))]
    deferred = flattens(planned("defer", f"{{ {product} ... @defer {{ {top} }} }}"))
    assert [f.paths for f in deferred] == [(("product",),), (("topProducts", "@"),)]


def test_mutation_fields_do_not_share_requests_across_each_other() -> None:
    node = planned(
        "mutations",
        f'mutation {{ a: createUser(name: "a") {{ {USER_REVIEWS} }} addReview(body: "x") {{ body }} '
        f'b: createUser(name: "b") {{ {USER_REVIEWS} }} }}',
    )
    assert [f.paths for f in flattens(node)] == [(("a",),), (("b",),)]


def test_consecutive_mutation_fields_in_one_fetch_share_their_hops() -> None:
    node = planned(
        "mutations",
        f'mutation {{ a: createUser(name: "a") {{ {USER_REVIEWS} }} '
        f'b: createUser(name: "b") {{ {USER_REVIEWS} }} }}',
    )
    (flatten,) = flattens(node)
    assert flatten.paths == (("a",), ("b",))

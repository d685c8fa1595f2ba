"""@defer: a primary plan, then one part per deferred fragment with fetches of its own."""

from __future__ import annotations

import pytest

from router.operation import OperationError, prepare
from router.plan import ConditionNode, DeferNode
from router.planner import plan
from router.supergraph import load_supergraph
from tests.router.http.compose import VAULT_SUPERGRAPH
from tests.router.planner.plan_cases import case_names, check_case, fetches, our_plan, supergraph

FEATURE = "defer"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)


def test_a_deferred_part_depends_on_the_fetch_that_brought_its_object() -> None:
    node = our_plan(FEATURE, "other_subgraph").node
    assert isinstance(node, DeferNode)
    primary = fetches(node.primary.node)
    assert [(f.service_name, f.id) for f in primary] == [("products", 0)]
    (deferred,) = node.deferred
    assert deferred.depends == (0,)
    assert deferred.path == ("product",)
    assert [f.service_name for f in fetches(deferred.node)] == ["reviews"]


def test_if_false_plans_no_deferral() -> None:
    assert not isinstance(our_plan(FEATURE, "if_false").node, DeferNode)


def test_if_variable_plans_both_ways() -> None:
    node = our_plan(FEATURE, "if_variable").node
    assert isinstance(node, ConditionNode)
    assert isinstance(node.if_clause, DeferNode)
    assert node.else_clause is not None and not isinstance(node.else_clause, DeferNode)


def test_nested_defer_is_a_defer_inside_the_deferred_part() -> None:
    node = our_plan(FEATURE, "nested_with_labels").node
    assert isinstance(node, DeferNode)
    (outer,) = node.deferred
    assert outer.label == "reviews"
    assert isinstance(outer.node, DeferNode)
    (inner,) = outer.node.deferred
    assert (inner.label, inner.path) == ("mail", ("topProducts", "reviews", "author"))


@pytest.mark.parametrize(
    ("feature", "query", "message"),
    [
        (
            "subscriptions",
            "subscription { reviewAdded { body ... @defer { id } } }",
            "Defer directive not supported on subscription operations",
        ),
        (
            "defer",
            'mutation { ... @defer { addReview(upc: "1", body: "x") { id } } }',
            "Defer directive cannot be used on root mutation type",
        ),
    ],
)
def test_defer_where_it_cannot_apply_is_a_validation_error(
    feature: str, query: str, message: str
) -> None:
    with pytest.raises(OperationError) as raised:
        prepare(supergraph(feature), query)
    assert message in raised.value.errors[0].message


def test_a_defer_inside_a_fragment_on_an_interface_is_one_part_for_every_implementation() -> None:
    # Under the union Finding, `... on Thing` stands for a fragment on Gadget and one on
    # Secret, each holding a copy of the deferred fragment: one part delivers both.
    vault = load_supergraph(VAULT_SUPERGRAPH.read_text())
    query = "{ findings { ... on Thing { ... @defer { id } } } }"
    node = plan(vault, prepare(vault, query)).node
    assert isinstance(node, DeferNode)
    (deferred,) = node.deferred
    assert deferred.path == ("findings",)
    assert deferred.subselection is not None
    assert "... on Gadget" in deferred.subselection and "... on Secret" in deferred.subselection

"""Planner cases as data: ``<feature>/supergraph.graphql`` + ``<feature>/cases/<case>.graphql``.

Each case's expected plan text sits beside it as ``<case>.plan``. Run with
``UPDATE_PLANS=1`` to (re)write the expected files, then review the diff.

A case's first lines may hold ``# variables: {...}`` (unused by the planner,
kept for end-to-end runs) and ``# apollo: <note>`` when Apollo's planner is
known to get the case wrong or to fail; the note says why.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from router.operation import prepare
from router.plan import (
    ConditionNode,
    DeferNode,
    FetchNode,
    FlattenNode,
    PlanNode,
    QueryPlan,
    SubscriptionNode,
)
from router.planner import plan, print_plan
from router.supergraph import Supergraph, load_supergraph

HERE = Path(__file__).parent


def features() -> list[str]:
    return sorted(p.parent.name for p in HERE.glob("*/supergraph.graphql"))


def case_names(feature: str) -> list[str]:
    return sorted(p.stem for p in (HERE / feature / "cases").glob("*.graphql"))


def all_cases() -> list[tuple[str, str]]:
    return [(feature, case) for feature in features() for case in case_names(feature)]


def supergraph_path(feature: str) -> Path:
    return HERE / feature / "supergraph.graphql"


@cache
def supergraph(feature: str) -> Supergraph:
    return load_supergraph(supergraph_path(feature).read_text())


def query(feature: str, case: str) -> str:
    return (HERE / feature / "cases" / f"{case}.graphql").read_text()


def apollo_note(feature: str, case: str) -> str | None:
    for line in query(feature, case).splitlines():
        if line.startswith("# apollo:"):
            return line.removeprefix("# apollo:").strip()
    return None


def our_plan(feature: str, case: str) -> QueryPlan:
    graph = supergraph(feature)
    return plan(graph, prepare(graph, query(feature, case)))


def check_case(feature: str, case: str) -> None:
    actual = print_plan(our_plan(feature, case))
    expected_path = HERE / feature / "cases" / f"{case}.plan"
    if os.environ.get("UPDATE_PLANS"):
        expected_path.write_text(actual)
    assert expected_path.exists(), f"no {expected_path.name}: run with UPDATE_PLANS=1, then review"
    assert actual == expected_path.read_text()


def fetches(node: PlanNode | None) -> list[FetchNode]:
    """Every fetch of a plan, in plan order."""
    if node is None:
        return []
    if isinstance(node, FetchNode):
        return [node]
    if isinstance(node, FlattenNode):
        return fetches(node.node)
    if isinstance(node, ConditionNode):
        return fetches(node.if_clause) + fetches(node.else_clause)
    if isinstance(node, SubscriptionNode):
        return [node.primary, *fetches(node.rest)]
    if isinstance(node, DeferNode):
        deferred = [fetch for part in node.deferred for fetch in fetches(part.node)]
        return [*fetches(node.primary.node), *deferred]
    return [fetch for child in node.nodes for fetch in fetches(child)]


def fetch_count(node: PlanNode | None) -> int:
    return len(fetches(node))

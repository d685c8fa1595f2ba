"""The response tree: Flatten paths with list and type-condition steps, and deep merging."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from router.execution import ExecutionRequest, PlanShapeError, execute
from router.execution.tree import deep_merge, located_at, objects_at
from router.plan import FlattenNode, QueryPlan, SequenceNode

TREE: dict[str, Any] = {
    "search": [
        {"__typename": "Book", "id": "b1", "similar": [{"__typename": "Film", "id": "f2"}]},
        None,
        {"__typename": "Film", "id": "f1", "similar": []},
        {"__typename": "Book", "id": "b2", "similar": [{"__typename": "Book", "id": "b3"}]},
    ]
}


def exact(typename: str | None, condition: str) -> bool:
    return typename == condition


def test_a_path_steps_into_lists_and_filters_by_typename() -> None:
    path = ("search", "@", "... on Book", "similar", "@")
    found = located_at(TREE, path, exact, {id(TREE): TREE})
    assert [(o.path, o.obj["id"]) for o in found] == [
        (("search", 0, "similar", 0), "f2"),
        (("search", 3, "similar", 0), "b3"),
    ]
    assert objects_at(TREE, path, exact, {id(TREE): TREE}) == [o.obj for o in found]
    films = located_at(TREE, ("search", "@", "... on Film"), exact, {id(TREE): TREE})
    assert [o.path for o in films] == [("search", 2)]


def test_lists_are_stepped_into_at_any_depth_with_or_without_at_steps() -> None:
    tree: dict[str, Any] = {"grid": [[{"id": 1}, None], [], [{"id": 2}, [{"id": 3}]]]}
    for path in (("grid",), ("grid", "@"), ("grid", "@", "@")):
        assert [o["id"] for o in objects_at(tree, path, exact, {id(tree): tree})] == [1, 2, 3]
        assert [o.path for o in located_at(tree, path, exact, {id(tree): tree})] == [
            ("grid", 0, 0),
            ("grid", 2, 0),
            ("grid", 2, 1, 0),
        ]


def test_deep_merge_joins_objects_and_lists_item_by_item() -> None:
    target = {"a": {"x": 1}, "list": [{"k": 1}, {"k": 2}], "scalar": 1}
    source = {"a": {"y": 2}, "list": [{"v": "a"}, {"v": "b"}], "scalar": 2, "new": []}
    deep_merge(target, source, {id(target): target})
    assert target == {
        "a": {"x": 1, "y": 2},
        "list": [{"k": 1, "v": "a"}, {"k": 2, "v": "b"}],
        "scalar": 2,
        "new": [],
    }


async def test_a_flatten_must_wrap_a_fetch(api_schema) -> None:
    plan = QueryPlan(FlattenNode(("a",), SequenceNode(())))
    request = ExecutionRequest(schema=api_schema, document=parse("{ __typename }"))
    with pytest.raises(PlanShapeError, match="wraps SequenceNode"):
        await execute(plan, request, transport=None)  # type: ignore[arg-type]

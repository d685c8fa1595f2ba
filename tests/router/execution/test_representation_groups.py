"""Grouping objects by representation: the keyed-by-values way agrees with building each one.

:meth:`RepresentationBuilder.add_all` keys objects by their values when a
fetch requires only scalar fields under one type condition, building one
representation per distinct key. These tests hold it to what building every
object's representation and deduplicating by :func:`representation_key`
gives: the same representations, in the same order, with the same objects.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import build_schema

from router.execution.representations import EntityGroup, RepresentationBuilder
from router.plan import RequiredField, RequiredFragment, RequiredSelection, ValueSetter

SCHEMA = build_schema(
    """
    type Query { node: Node }
    interface Node { id: ID! }
    type Product implements Node { id: ID! upc: ID! price: Int weight: Float size: Int! }
    type User implements Node { id: ID! name: String }
    """
)


def matches(typename: str | None, condition: str) -> bool:
    if typename is None:
        return False
    return typename == condition or (condition == "Node" and typename in {"Product", "User"})


def built_one_by_one(builder: RepresentationBuilder, objects: list[dict[str, Any]]) -> EntityGroup:
    group = EntityGroup({})
    for obj in objects:
        representation = builder(obj, matches)
        if representation is not None:
            group.add(representation, obj)
    return group


def keyed(builder: RepresentationBuilder, objects: list[dict[str, Any]]) -> EntityGroup:
    group = EntityGroup({})
    builder.add_all(objects, group, matches)
    return group


def assert_same(a: EntityGroup, b: EntityGroup) -> None:
    assert a.representations == b.representations
    assert [list(r) for r in a.representations] == [list(r) for r in b.representations]
    assert [[id(o) for o in t] for t in a.targets] == [[id(o) for o in t] for t in b.targets]


def key_fields(*names: str, condition: str = "Product") -> tuple[RequiredSelection, ...]:
    return (RequiredFragment(condition, tuple(RequiredField(n) for n in names)),)


OBJECTS: list[dict[str, Any]] = [
    {"__typename": "Product", "upc": "1", "id": "p1", "price": 10, "weight": 1.5, "size": 3},
    {"__typename": "Product", "upc": "1", "id": "p1", "price": 10, "weight": 1.5, "size": 3},
    {"__typename": "Product", "upc": "2", "id": "p2", "price": None, "weight": None, "size": 3},
    {"__typename": "Product", "upc": 1, "id": "p3", "price": True, "weight": 1.0, "size": 3},
    {"__typename": "Product", "upc": True, "id": "p4", "price": 1, "weight": 1, "size": None},
    {"__typename": "Product", "upc": "3", "id": "p5"},
    {"__typename": "User", "id": "u1", "name": None},
    {"__typename": "User", "id": "u1", "name": "Ann"},
    {"upc": "4", "id": "p6"},
    {"__typename": "Product", "upc": {"nested": [1]}, "id": "p7", "price": 2},
    {"__typename": "Product", "upc": {"nested": [1]}, "id": "p7", "price": 2},
    {"__typename": "Product", "upc": "1", "id": "p1", "price": 10, "weight": 1.5, "size": 3},
]


@pytest.mark.parametrize(
    "requires",
    [
        key_fields("__typename", "upc"),
        key_fields("__typename", "upc", "price"),
        key_fields("__typename", "upc", "price", "weight"),
        key_fields("__typename", "upc", "size"),
        key_fields("__typename", "id", condition="Node"),
        key_fields("__typename", "id", "name", condition="User"),
        # Not the simple shape: built one by one either way.
        (
            RequiredFragment("Product", (RequiredField("__typename"), RequiredField("upc"))),
            RequiredFragment("User", (RequiredField("__typename"), RequiredField("id"))),
        ),
        (RequiredFragment("Product", (RequiredField("upc", alias="id"),)),),
    ],
)
def test_keyed_grouping_matches_building_each_representation(
    requires: tuple[RequiredSelection, ...],
) -> None:
    builder = RepresentationBuilder(requires, (), SCHEMA)
    assert_same(keyed(builder, OBJECTS), built_one_by_one(builder, OBJECTS))


def test_true_and_one_stay_apart() -> None:
    builder = RepresentationBuilder(key_fields("__typename", "upc"), (), SCHEMA)
    group = keyed(
        builder, [{"__typename": "Product", "upc": 1}, {"__typename": "Product", "upc": True}]
    )
    assert group.representations == [
        {"__typename": "Product", "upc": 1},
        {"__typename": "Product", "upc": True},
    ]


def test_a_missing_or_null_required_value_gives_no_representation() -> None:
    builder = RepresentationBuilder(key_fields("__typename", "upc", "size"), (), SCHEMA)
    objects = [
        {"__typename": "Product", "upc": "1"},
        {"__typename": "Product", "upc": "1", "size": None},
        {"__typename": "Product", "upc": "1", "size": 2},
    ]
    group = keyed(builder, objects)
    assert group.representations == [{"__typename": "Product", "upc": "1", "size": 2}]
    assert group.targets == [[objects[2]]]


def test_rewrites_take_the_general_way() -> None:
    rewrites = (ValueSetter(("... on Product", "__typename"), "Item"),)
    builder = RepresentationBuilder(key_fields("__typename", "upc"), rewrites, SCHEMA)
    group = keyed(builder, OBJECTS[:3])
    assert group.representations == [
        {"__typename": "Item", "upc": "1"},
        {"__typename": "Item", "upc": "2"},
    ]

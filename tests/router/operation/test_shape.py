"""Measuring an operation with its fragments expanded, before validation."""

from __future__ import annotations

from graphql import FragmentDefinitionNode, OperationDefinitionNode, build_schema, parse

from router.operation.shape import Shape, measure

SCHEMA = build_schema(
    """
    type Query { me: User users(first: Int): [User!]! }
    type User { id: ID! name: String friends(first: Int): [User!]! }
    """
)


def _shape(query: str) -> Shape:
    document = parse(query)
    (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return measure(SCHEMA, operation, fragments, list_size=10)


def test_fragments_that_double_at_each_level_are_counted_without_being_expanded() -> None:
    levels = 40
    fragments = " ".join(
        f"fragment F{i} on User {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    shape = _shape(f"{{ me {{ ...F0 }} }} {fragments} fragment F{levels} on User {{ a: id }}")
    assert shape.height == 2**levels + 1
    assert shape.aliases == 2**levels
    assert shape.directives == 0


def test_a_fragment_cycle_is_left_to_validation() -> None:
    shape = _shape("{ me { ...A } } fragment A on User { id ...B } fragment B on User { ...A }")
    assert (shape.depth, shape.height) == (2, 2)


def test_cost_multiplies_list_sizes_from_arguments_or_the_default() -> None:
    # users: 3 * (1 + friends 10 * (1 + id))
    assert _shape("{ users(first: 3) { friends { id } } }").cost == 3 * (1 + 10 * 2)
    assert _shape("{ users { friends(first: 2) { id } } }").cost == 10 * (1 + 2 * 2)
    assert _shape("{ users(first: 99999999999999) { id } }").cost == 10**9 * 2


def test_root_fields_are_counted_through_fragments_with_their_response_keys() -> None:
    shape = _shape(
        "{ me { id } ...R ... on Query { x: me { id } } } fragment R on Query { me { id } }"
    )
    assert dict(shape.root_fields) == {("me", "me"): 2, ("me", "x"): 1}
    assert shape.depth == 2

"""Type references across subgraphs: when one may stand for another, and what they merge to."""

from __future__ import annotations

from collections.abc import Sequence

from graphql import GraphQLType, get_named_type, is_list_type, is_non_null_type, parse_type
from graphql.language import NamedTypeNode, TypeNode


def is_subtype(sub: GraphQLType, sup: GraphQLType, relations: set[tuple[str, str]]) -> bool:
    """``sub`` may stand where ``sup`` is expected (nullability, lists, implementations)."""
    if is_non_null_type(sup):
        return is_non_null_type(sub) and is_subtype(sub.of_type, sup.of_type, relations)
    if is_non_null_type(sub):
        return is_subtype(sub.of_type, sup, relations)
    if is_list_type(sup):
        return is_list_type(sub) and is_subtype(sub.of_type, sup.of_type, relations)
    if is_list_type(sub):
        return False
    sub_name, sup_name = get_named_type(sub).name, get_named_type(sup).name
    return sub_name == sup_name or (sub_name, sup_name) in relations


def merge_type_references(
    types: Sequence[GraphQLType], relations: set[tuple[str, str]], *, output: bool
) -> GraphQLType | None:
    """The most general (output) or most restrictive (input) of compatible types."""
    merged = types[0]
    for candidate in types[1:]:
        general, specific = (candidate, merged) if output else (merged, candidate)
        if is_subtype(specific, general, relations):
            merged = candidate
        elif not is_subtype(general, specific, relations):
            return None
    return merged


def named_type(type_ref: str) -> str:
    """The named type at the bottom of a printed type reference (``[User!]!`` -> ``User``)."""
    node: TypeNode = parse_type(type_ref)
    while not isinstance(node, NamedTypeNode):
        node = node.type  # type: ignore[attr-defined]
    return node.name.value

"""Our per-kind validation gives exactly graphql-core's errors, valid and invalid documents."""

from __future__ import annotations

import random

import pytest
from graphql import build_schema, parse
from graphql import validate as reference

from router.operation.validation import MAX_ERRORS, validate
from tests.router.operation_writer import OperationWriter

SCHEMA = build_schema(
    """
    interface Node { id: ID! }
    type Product implements Node { id: ID! name: String price(currency: String = "EUR"): Int
      related(first: Int!): [Product!]! }
    type User implements Node { id: ID! name: String! favorite: Product }
    union Result = Product | User
    type Query { node(id: ID!): Node search(term: String): [Result!]! me: User }
    """
)

INVALID = [
    "{ missing }",
    "{ me { name favorite } }",
    "query($x: Int) { node(id: $x) { id } }",
    "{ search { ... on Product { name: price } ... on User { name } } }",
    "{ search { ... on Product { name } ... on User { name } } }",
    "query { me { ...F } } fragment F on User { ...G } fragment G on User { ...F }",
    "fragment Unused on User { name } { me { name } }",
    "query($a: Boolean!) { me @include(if: $a) @include(if: $a) { name } }",
    "{ node { id } } { me { name } }",
    "query Q { me { name } } query Q { me { name } }",
    "{ me { ... on Product { name } } }",
    "{ node(id: 1, id: 2) { id } }",
    "{ search(term: 3) { __typename } }",
    '{ x1: me { name } x1: node(id: "u") { id } }',
    "subscription { me { name } }",
    "{ " + " ".join(f"m{i}: missing{i}" for i in range(MAX_ERRORS + 5)) + " }",
]


@pytest.mark.parametrize("query", INVALID)
def test_invalid_documents_get_graphql_cores_errors(query: str) -> None:
    document = parse(query)
    ours = [e.formatted for e in validate(SCHEMA, document)]
    assert ours
    assert ours == [e.formatted for e in reference(SCHEMA, document)]


def test_generated_operations_get_graphql_cores_verdict() -> None:
    writer = OperationWriter(SCHEMA, random.Random(5))
    for _ in range(200):
        document = parse(writer.operation())
        ours = [e.formatted for e in validate(SCHEMA, document)]
        assert ours == [e.formatted for e in reference(SCHEMA, document)]

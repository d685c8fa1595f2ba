"""The test graphs' subgraphs as Strawberry Federation 2 schemas and ASGI apps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import strawberry
from strawberry.asgi import GraphQL


def federated_schema(
    query: type | None, types: list[type], directives: Sequence[Any] = ()
) -> strawberry.federation.Schema:
    """A Federation 2.7 subgraph schema (2.7 for progressive ``@override`` labels); ``query``
    is ``None`` for a subgraph that only extends entities; ``directives`` are executable ones."""
    return strawberry.federation.Schema(
        query=query, types=types, directives=directives, federation_version="2.7"
    )


def asgi_apps(schemas: Mapping[str, strawberry.federation.Schema]) -> dict[str, Any]:
    """One Strawberry ASGI app per subgraph, by subgraph name."""
    return {name: GraphQL(schema) for name, schema in schemas.items()}

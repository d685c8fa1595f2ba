"""A small Strawberry subgraph and a stand-in front half for testing the HTTP edge.

The stand-in (:class:`RootFieldFront`) serves a plain SDL as the "supergraph"
and plans each root field as its own fetch to the one subgraph ``edge``, so
the edge's behaviours (statuses, headers, caching, reload) are tested apart
from the planner.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    build_schema,
    parse,
    print_ast,
    validate,
)
from strawberry.asgi import GraphQL
from strawberry.types import Info

from router.http import LoadedGraph
from router.http.errors import SupergraphRejected
from router.plan import FetchNode, OperationKind, ParallelNode, QueryPlan
from router.prepare import OperationRejected, PlanningBudgetExceeded, PlanningLimits, Prepared
from router.supergraph.authorization import ANONYMOUS, Access

EDGE_SDL = """
type Query {
  hello(name: String = "world"): String!
  headers: [String!]!
  edgeHeaders: [String!]!
  routerSecret: String
  cached: Int
  personal: Int
  slow(n: Int!): Int
}
type Mutation { bump: Int! }
type Subscription { ticks: Int! }
"""


class Calls:
    slow = 0
    bumps = 0


@strawberry.type
class EdgeQuery:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"hello {name}"

    @strawberry.field
    def edge_headers(self, info: Info) -> list[str]:
        received = info.context["request"].headers
        return [f"{k}={received.get(k)}" for k in ("x-request-id", "x-forwarded-for")]

    @strawberry.field
    def router_secret(self, info: Info) -> str | None:
        value: str | None = info.context["request"].headers.get("x-beyond-router-secret")
        return value

    @strawberry.field
    def headers(self, info: Info) -> list[str]:
        received = info.context["request"].headers
        return [
            f"{k}={received[k]}"
            for k in ("authorization", "traceparent", "cookie", "x-device")
            if k in received
        ]

    @strawberry.field
    def cached(self, info: Info) -> int:
        info.context["response"].headers["cache-control"] = "public, max-age=60"
        info.context["response"].headers.append("set-cookie", "a=1; Path=/")
        return 1

    @strawberry.field
    def personal(self, info: Info) -> int:
        info.context["response"].headers["cache-control"] = "private, max-age=10"
        info.context["response"].headers.append("set-cookie", "b=2; Path=/")
        return 2

    @strawberry.field
    async def slow(self, n: int) -> int:
        Calls.slow += 1
        await asyncio.sleep(0.05)
        return n


@strawberry.type
class EdgeMutation:
    @strawberry.mutation
    def bump(self) -> int:
        Calls.bumps += 1
        return Calls.bumps


def edge_app() -> GraphQL[Any, Any]:
    return GraphQL(strawberry.Schema(query=EdgeQuery, mutation=EdgeMutation))


class RootFieldFront:
    """Plans every root field as one fetch to ``edge``; the budget counts fields."""

    def load(self, sdl: str) -> LoadedGraph:
        try:
            schema = build_schema(sdl)
        except GraphQLError as exc:
            raise SupergraphRejected(exc.message) from exc
        version = hashlib.sha256(sdl.encode()).hexdigest()[:12]
        return LoadedGraph(version, schema, {"edge": "http://edge.invalid/graphql"}, schema)

    def prepare(
        self,
        graph: LoadedGraph,
        query: str,
        operation_name: str | None,
        *,
        limits: PlanningLimits,
        override_labels: frozenset[str] = frozenset(),
        access: Access = ANONYMOUS,
    ) -> Prepared:
        try:
            document = parse(query)
        except GraphQLError as exc:
            raise OperationRejected([dict(exc.formatted)]) from exc
        errors = validate(graph.api_schema, document)
        if errors:
            raise OperationRejected([dict(e.formatted) for e in errors])
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        chosen = [
            o
            for o in operations
            if operation_name is None or (o.name and o.name.value == operation_name)
        ]
        if len(chosen) != 1:
            raise OperationRejected([{"message": f'Unknown operation named "{operation_name}".'}])
        operation = chosen[0]
        if query.count("{") > limits.budget:
            raise PlanningBudgetExceeded(f"over budget {limits.budget}")
        fragments = "".join(
            print_ast(d) for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        )
        variables = ", ".join(print_ast(v) for v in operation.variable_definitions or ())
        header = f"{operation.operation.value} Edge" + (f"({variables})" if variables else "")
        usages = tuple(v.variable.name.value for v in operation.variable_definitions or ())
        fetches = tuple(
            FetchNode(
                "edge",
                f"{header} {{ {print_ast(field)} }} {fragments}",
                operation_kind=OperationKind(operation.operation.value),
                variable_usages=usages,
            )
            for field in operation.selection_set.selections
            if isinstance(field, FieldNode) and not field.name.value.startswith("__")
        )
        node = fetches[0] if len(fetches) == 1 else ParallelNode(fetches) if fetches else None
        return Prepared(document, operation.operation, QueryPlan(node))

    def print_plan(self, plan: QueryPlan) -> str:
        return f"QueryPlan {{ {type(plan.node).__name__} }}"

"""Serving the oracle: the monolith, each generated subgraph, and a router transport over them.

A subgraph runs its own schema with graphql-core, answering from the world's
data only what it declares: an ``@external`` field comes from the
representation the router sent, or from the data when a ``@provides`` path
brought the object; asked anywhere else it answers a poisoned value
(``"EXTERNAL"``, ``-999``), so a plan that reads it shows in the answer; so
does a field another subgraph took over with ``@override`` (unless progressively).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from inspect import isawaitable
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    execute,
    parse,
    print_schema,
    specified_directives,
)

from router.operation.validation import validate
from router.transport import SubgraphRequest, SubgraphResponse
from tests.router.oracle import world
from tests.router.oracle.subgraph import Subgraph

FEDERATION = """
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable on OBJECT | FIELD_DEFINITION
directive @external on OBJECT | FIELD_DEFINITION
directive @requires(fields: String!) on FIELD_DEFINITION
directive @provides(fields: String!) on FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ENUM | ENUM_VALUE
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @interfaceObject on OBJECT
directive @link(url: String!, import: [String]) repeatable on SCHEMA
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION \
  | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION \
  | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], \
  requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
scalar federation__Scope
directive @requiresScopes(scopes: [[federation__Scope!]!]!) \
  on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
scalar federation__Policy
directive @federation__policy(policies: [[federation__Policy!]!]!) \
  on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION
scalar federation__ContextFieldValue
directive @fromContext(field: federation__ContextFieldValue) on ARGUMENT_DEFINITION
scalar _Any
type _Service { sdl: String }
"""
POISON = {"String": "EXTERNAL", "Int": -999}
PROVIDED = "__provided"


def _typed(schema: GraphQLSchema) -> GraphQLSchema:
    for type_ in schema.type_map.values():
        if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
            type_.resolve_type = lambda obj, *_: obj["__typename"]
    return schema


def monolith(api_schema: GraphQLSchema | None = None) -> GraphQLSchema:
    """The whole world in one schema; given a split's ``api_schema``, with its types: a
    field ``@shareable`` with a nullable local type is nullable there, and an
    ``@inaccessible`` enum value is one the monolith cannot answer either."""
    if api_schema is None:
        return _typed(build_schema(world.SDL))
    built = build_schema(print_schema(api_schema))
    # Without the router's @defer and @stream, which graphql-core would not execute.
    return _typed(GraphQLSchema(**{**built.to_kwargs(), "directives": specified_directives}))


def monolith_resolver(obj: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
    if info.parent_type.name == "Query":
        return world.root_value(info.field_name, arguments)
    if info.parent_type.name == "Mutation":
        return world.mutate(info.field_name, arguments)
    return world.value(obj, info.field_name, arguments)


class SubgraphServer:
    def __init__(self, subgraph: Subgraph) -> None:
        self.subgraph = subgraph
        sdl = subgraph.sdl(executable=True)
        entities = [
            t
            for t in subgraph.types
            if t in (*world.KEYED, "Node") and t not in subgraph.unresolvable
        ]
        query = subgraph.types.get("Query", {})
        root = "\n".join(f"{name}{d.arguments}: {d.type}" for name, d in query.items())
        extra = f"type Query {{ {root}\n _service: _Service! "
        if entities:
            extra += "_entities(representations: [_Any!]!): [_Entity]! "
            sdl += "union _Entity = " + " | ".join(entities) + "\n"
        self.schema = _typed(build_schema(FEDERATION + sdl + extra + "}"))

    def entity(self, representation: dict[str, Any]) -> dict[str, Any] | None:
        if representation["__typename"] == "Node":
            # An entity interface: the concrete type, unless Node is an object here.
            found = world.entity(representation["id"])
            if found is None or "Node" not in self.subgraph.types:
                return found
            return {**found, **representation}
        if world.exists(representation["__typename"], representation["id"]):
            return dict(representation)
        return None

    def resolve(self, obj: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        parent, name = info.parent_type.name, info.field_name
        if parent == "Query":
            if name == "_entities":
                return [self.entity(r) for r in arguments["representations"]]
            if name == "_service":
                return {"sdl": self.subgraph.sdl()}
            return world.root_value(name, arguments)
        if parent == "Mutation":
            return world.mutate(name, arguments)
        if parent == "_Service":
            return obj[name]
        decl = self.subgraph.types[parent][name]
        if decl.overridden:
            return POISON.get(decl.type.strip("[]!"))
        if decl.external:
            if name in obj:
                return obj[name]
            if obj.get(PROVIDED):
                return world.value(obj, name, arguments)
            return POISON.get(decl.type.strip("[]!"))
        if "@fromContext" in decl.arguments:
            # Only the base the router read on the enclosing product or review.
            base = arguments.get("base")
            return POISON["Int"] if base is None else world.offer_total(obj["id"], base)
        if decl.requires:
            inputs = {
                i: obj[i] if i in decl.requires else world.value(obj, i, {})
                for i in world.DERIVED[(parent, name)]
            }
            return world.shipping(inputs["price"], inputs["weight"])
        found = world.value(obj, name, arguments)
        if decl.provides and isinstance(found, dict):
            found = {**found, PROVIDED: True}
        return found


@lru_cache(maxsize=4096)
def _checked(schema: GraphQLSchema, query: str) -> tuple[DocumentNode | None, tuple[Any, ...]]:
    """Parsed and validated once per text: the same subgraph operations recur."""
    try:
        document = parse(query)
    except GraphQLError as error:
        return None, (error.formatted,)
    return document, tuple(e.formatted for e in validate(schema, document))


async def answer(
    schema: GraphQLSchema,
    resolver: Any,
    query: str,
    variables: Mapping[str, Any] | None,
    operation_name: str | None = None,
    *,
    parsed: DocumentNode | None = None,
) -> dict[str, Any]:
    """The answer as a GraphQL server gives it; given the operation ``parsed``, it is not
    validated (the monolith runs what the router accepted)."""
    document, errors = _checked(schema, query) if parsed is None else (parsed, ())
    if document is None or errors:
        return {"data": None, "errors": list(errors)}
    result = execute(
        schema,
        document,
        variable_values=dict(variables or {}),
        operation_name=operation_name,
        field_resolver=resolver,
    )
    assert not isawaitable(result)
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [e.formatted for e in result.errors]
    return body


class OracleTransport:
    """Subgraph requests answered in-process by the generated subgraphs."""

    def __init__(self, subgraphs: list[Subgraph]) -> None:
        self.servers = {s.name: SubgraphServer(s) for s in subgraphs}

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        server = self.servers[service_name]
        body = await answer(
            server.schema, server.resolve, request.query, request.variables, request.operation_name
        )
        return SubgraphResponse(body["data"], tuple(body.get("errors", ())))

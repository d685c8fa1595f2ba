"""A Federation 1 subgraph served from its SDL: graphql-core behind a one-route ASGI app.

Strawberry prints only Federation 2 SDL, so Federation 1 test graphs are SDL
in the style of that time (``extend type ... @key``, ``@external``, value
types defined in several subgraphs, no ``@shareable``) plus plain resolvers.
``_service { sdl }`` answers that SDL verbatim, as Apollo's Federation 1
subgraph libraries did. ``_entities`` hands each representation to its type's
reference resolver; a type without one (an extension that knows only its key
and its requirements) gets the representation itself as the object. A
reference resolver may return ``None`` (no such entity) or an exception (an
error at ``_entities.i``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DefinitionNode,
    DocumentNode,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLUnionType,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    TypeDefinitionNode,
    build_ast_schema,
    graphql,
    parse,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Resolver = Callable[..., Any]
ReferenceResolver = Callable[[dict[str, Any]], Any]

# What Apollo's Federation 1 subgraph libraries added to a subgraph's own SDL.
_FEDERATION_SDL = """
scalar _Any
scalar _FieldSet
directive @key(fields: _FieldSet!) repeatable on OBJECT | INTERFACE
directive @external on FIELD_DEFINITION
directive @requires(fields: _FieldSet!) on FIELD_DEFINITION
directive @provides(fields: _FieldSet!) on FIELD_DEFINITION
directive @extends on OBJECT | INTERFACE
type _Service { sdl: String }
"""
_FEDERATION_QUERY_FIELDS = "_entities(representations: [_Any!]!): [_Entity]! _service: _Service!"


@dataclass(frozen=True)
class Fed1Subgraph:
    """``resolvers`` maps type → field → graphql-core resolver ``(obj, info, **args)``."""

    sdl: str
    resolvers: Mapping[str, Mapping[str, Resolver]] = field(default_factory=dict)
    references: Mapping[str, ReferenceResolver] = field(default_factory=dict)

    def schema(self) -> GraphQLSchema:
        schema = build_ast_schema(self._executable_document())
        for type_name, fields in self.resolvers.items():
            object_type = schema.type_map[type_name]
            assert isinstance(object_type, GraphQLObjectType), type_name
            for field_name, resolve in fields.items():
                object_type.fields[field_name].resolve = resolve
        query = schema.query_type
        assert query is not None
        query.fields["_entities"].resolve = self._entities
        query.fields["_service"].resolve = lambda *_: {"sdl": self.sdl}
        entity = schema.type_map["_Entity"]
        assert isinstance(entity, GraphQLUnionType)
        entity.resolve_type = lambda obj, *_: obj["__typename"]
        return schema

    def app(self) -> Starlette:
        schema = self.schema()

        async def endpoint(request: Request) -> Response:
            body = await request.json()
            result = await graphql(
                schema,
                body["query"],
                variable_values=body.get("variables"),
                operation_name=body.get("operationName"),
            )
            return JSONResponse(result.formatted)

        return Starlette(routes=[Route("/graphql", endpoint, methods=["POST"])])

    def _executable_document(self) -> DocumentNode:
        """The SDL plus federation's additions; a Fed1 ``extend type`` of a type defined nowhere
        in this subgraph is its definition here (the owner lives in another subgraph)."""
        definitions: list[DefinitionNode] = []
        defined = {
            d.name.value for d in parse(self.sdl).definitions if isinstance(d, TypeDefinitionNode)
        }
        entities: list[str] = []
        for definition in parse(self.sdl).definitions:
            if isinstance(definition, ObjectTypeExtensionNode | ObjectTypeDefinitionNode):
                name = definition.name.value
                if any(d.name.value == "key" for d in definition.directives or ()):
                    entities.append(name)
                if isinstance(definition, ObjectTypeExtensionNode) and name not in defined:
                    defined.add(name)
                    definition = ObjectTypeDefinitionNode(
                        name=definition.name,
                        interfaces=definition.interfaces,
                        directives=definition.directives,
                        fields=definition.fields,
                    )
            definitions.append(definition)
        query = "extend type Query" if "Query" in defined else "type Query"
        additions = (
            f"{_FEDERATION_SDL}\nunion _Entity = {' | '.join(dict.fromkeys(entities))}\n"
            f"{query} {{ {_FEDERATION_QUERY_FIELDS} }}"
        )
        return DocumentNode(definitions=(*definitions, *parse(additions).definitions))

    def _entities(
        self, _root: Any, _info: GraphQLResolveInfo, representations: list[dict[str, Any]]
    ) -> list[Any]:
        found: list[Any] = []
        for representation in representations:
            typename = representation["__typename"]
            resolve = self.references.get(typename)
            entity = resolve(representation) if resolve else dict(representation)
            if isinstance(entity, dict):
                entity = {**entity, "__typename": typename}
            found.append(entity)
        return found

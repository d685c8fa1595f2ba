"""Build the client API schema (a graphql-core ``GraphQLSchema``) from supergraph SDL records.

Drops every element of the routing machinery (``join__*``, ``link__*``,
``core``…) and every ``@inaccessible`` element, including arguments, enum
values, input fields, union members and implemented interfaces that refer to
one; and contextual arguments (``@fromContext``), which the router fills.
Types are constructed directly, with thunks, instead of going through
graphql-core's SDL builder: the records are already read, and this stays
linear and cheap. Only ``@deprecated``, ``@specifiedBy`` and ``@oneOf`` carry
meaning for clients among applied directives; the others are not kept.
"""

from __future__ import annotations

from collections.abc import Callable

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLDirective,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    GraphQLType,
    GraphQLUnionType,
    Undefined,
    ValueNode,
    parse_value,
    specified_directives,
    specified_scalar_types,
    value_from_ast,
)
from graphql.language import DirectiveLocation

from router.supergraph.sdl_reader import Directive, DirectiveDef, Document, InputValue, TypeDef

_SPECIFIED_DIRECTIVES = {d.name for d in specified_directives}

# Declared as Apollo Router declares it in the API schema (no descriptions), so
# clients may ask for incremental delivery.
DEFER_DIRECTIVE = GraphQLDirective(
    "defer",
    [DirectiveLocation.FRAGMENT_SPREAD, DirectiveLocation.INLINE_FRAGMENT],
    {
        "label": GraphQLArgument(GraphQLString),
        "if": GraphQLArgument(GraphQLNonNull(GraphQLBoolean), default_value=True),
    },
)


def build_api_schema(
    document: Document,
    machinery_directives: frozenset[str],
    machinery_prefixes: tuple[str, ...],
    inaccessible: str,
    root_types: dict[str, str],
    contextual: frozenset[tuple[str, str, str]] = frozenset(),
) -> GraphQLSchema:
    """``contextual`` names the (type, field, argument) the router fills from a context."""
    return _Builder(document, machinery_prefixes, inaccessible, contextual).schema(
        machinery_directives, root_types
    )


class _Builder:
    def __init__(
        self,
        document: Document,
        prefixes: tuple[str, ...],
        inaccessible: str,
        contextual: frozenset[tuple[str, str, str]],
    ) -> None:
        self.document = document
        self.inaccessible = inaccessible
        self.contextual = contextual
        self.types: dict[str, GraphQLNamedType] = dict(specified_scalar_types)
        self.defaults: dict[str, ValueNode] = {}
        self.visible = {
            name
            for name, definition in document.types.items()
            if not name.startswith(prefixes) and not self.hidden(definition.directives)
        } | set(specified_scalar_types)

    def hidden(self, directives: list[Directive]) -> bool:
        return any(d.name == self.inaccessible for d in directives)

    def schema(self, machinery: frozenset[str], root_types: dict[str, str]) -> GraphQLSchema:
        for name, definition in self.document.types.items():
            if name in self.visible:
                self.types[name] = self.named_type(definition)
        directives = [
            self.directive(definition)
            for name, definition in self.document.directive_defs.items()
            if name not in machinery
            and not name.startswith(tuple(f"{m}__" for m in machinery))
            and name not in _SPECIFIED_DIRECTIVES
        ]
        return GraphQLSchema(
            query=self.root(root_types.get("query")),
            mutation=self.root(root_types.get("mutation")),
            subscription=self.root(root_types.get("subscription")),
            types=[t for t in self.types.values() if t.name in self.document.types],
            directives=[*specified_directives, DEFER_DIRECTIVE, *directives],
        )

    def root(self, name: str | None) -> GraphQLObjectType | None:
        found = self.types.get(name) if name else None
        return found if isinstance(found, GraphQLObjectType) else None

    def type_ref(self, text: str) -> GraphQLType:
        if text.endswith("!"):
            return GraphQLNonNull(self.type_ref(text[:-1]))  # type: ignore[type-var]
        if text.startswith("["):
            return GraphQLList(self.type_ref(text[1:-1]))
        return self.types[text]

    def named_type(self, definition: TypeDef) -> GraphQLNamedType:
        name, description = definition.name, definition.description
        kind = definition.kind
        if kind == "scalar":
            if name in specified_scalar_types:
                return specified_scalar_types[name]
            specified_by = _argument(definition.directives, "specifiedBy", "url")
            return GraphQLScalarType(name, description=description, specified_by_url=specified_by)
        if kind == "enum":
            return GraphQLEnumType(
                name,
                {
                    value.name: GraphQLEnumValue(
                        value.name,
                        description=value.description,
                        deprecation_reason=_deprecation(value.directives),
                    )
                    for value in definition.values
                    if not self.hidden(value.directives)
                },
                description=description,
            )
        if kind == "union":
            return GraphQLUnionType(
                name, self.thunk_types(definition.members), description=description
            )
        if kind == "input":
            return GraphQLInputObjectType(
                name,
                lambda: {
                    f.name: self.input_field(f)
                    for f in definition.input_fields
                    if not self.hidden(f.directives) and f.type.strip("[]!") in self.visible
                },
                description=description,
                is_one_of=any(d.name == "oneOf" for d in definition.directives),
            )
        cls = GraphQLObjectType if kind == "type" else GraphQLInterfaceType
        return cls(
            name,
            lambda: {
                f.name: GraphQLField(
                    self.type_ref(f.type),  # type: ignore[arg-type]
                    args={
                        a.name: self.argument(a)
                        for a in f.arguments
                        if not self.hidden(a.directives)
                        and not (self.contextual and (name, f.name, a.name) in self.contextual)
                    },
                    description=f.description,
                    deprecation_reason=_deprecation(f.directives),
                )
                for f in definition.fields
                if not self.hidden(f.directives) and f.type.strip("[]!") in self.visible
            },
            interfaces=self.thunk_types(definition.interfaces),  # type: ignore[arg-type]
            description=description,
        )

    def thunk_types(self, names: list[str]) -> Callable[[], list[GraphQLObjectType]]:
        return lambda: [
            self.types[n]  # type: ignore[misc]
            for n in names
            if n in self.visible
        ]

    def default(self, value: InputValue, type_: GraphQLInputType) -> object:
        if value.default is None:
            return Undefined
        # Defaults repeat (``= 10``, ``= false``): parse each text once.
        node = self.defaults.get(value.default)
        if node is None:
            node = self.defaults[value.default] = parse_value(value.default)
        return value_from_ast(node, type_)

    def argument(self, value: InputValue) -> GraphQLArgument:
        type_: GraphQLInputType = self.type_ref(value.type)  # type: ignore[assignment]
        return GraphQLArgument(
            type_,
            default_value=self.default(value, type_),
            description=value.description,
            deprecation_reason=_deprecation(value.directives),
        )

    def input_field(self, value: InputValue) -> GraphQLInputField:
        type_: GraphQLInputType = self.type_ref(value.type)  # type: ignore[assignment]
        return GraphQLInputField(
            type_,
            default_value=self.default(value, type_),
            description=value.description,
            deprecation_reason=_deprecation(value.directives),
        )

    def directive(self, definition: DirectiveDef) -> GraphQLDirective:
        return GraphQLDirective(
            definition.name,
            locations=[DirectiveLocation[loc] for loc in definition.locations],
            args={a.name: self.argument(a) for a in definition.arguments},
            is_repeatable=definition.repeatable,
            description=definition.description,
        )


def _argument(directives: list[Directive], directive: str, argument: str) -> str | None:
    for found in directives:
        if found.name == directive:
            value = found.arguments.get(argument)
            return value if isinstance(value, str) else None
    return None


def _deprecation(directives: list[Directive]) -> str | None:
    for found in directives:
        if found.name == "deprecated":
            reason = found.arguments.get("reason", "No longer supported")
            return reason if isinstance(reason, str) else "No longer supported"
    return None

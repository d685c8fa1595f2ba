"""A subgraph read from its SDL: federation names made canonical, federation plumbing
removed, root types renamed to ``Query``/``Mutation``/``Subscription``, then built into a
graphql-core schema whose AST nodes still carry the applied directives."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    GraphQLArgument,
    GraphQLEnumValue,
    GraphQLError,
    GraphQLField,
    GraphQLInputField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    NamedTypeNode,
    NameNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    OperationType,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    Visitor,
    build_ast_schema,
    parse,
    value_from_ast_untyped,
    visit,
)

from composition.errors import CompositionError
from composition.links import FEDERATION_DIRECTIVES, FederationLink, read_federation_link

# Canonical federation definitions every loaded subgraph is built with.
FEDERATION_DEFINITIONS = parse("""
scalar federation__FieldSet
scalar federation__Scope
scalar federation__Policy
scalar federation__ContextFieldValue
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) \
repeatable on SCHEMA
directive @key(fields: federation__FieldSet!, resolvable: Boolean = true) \
repeatable on OBJECT | INTERFACE
directive @requires(fields: federation__FieldSet!) on FIELD_DEFINITION
directive @provides(fields: federation__FieldSet!) on FIELD_DEFINITION
directive @external(reason: String) on OBJECT | FIELD_DEFINITION
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION \
| ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA
directive @extends on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION \
| SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @composeDirective(name: String!) repeatable on SCHEMA
directive @interfaceObject on OBJECT
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[federation__Scope!]!]!) on FIELD_DEFINITION | OBJECT \
| INTERFACE | SCALAR | ENUM
directive @policy(policies: [[federation__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE \
| SCALAR | ENUM
directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION
directive @fromContext(field: federation__ContextFieldValue) on ARGUMENT_DEFINITION
directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION \
| OBJECT | SCALAR
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], \
requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
""")

PLUMBING_TYPES = frozenset({"_Any", "_Entity", "_Service", "link__Import", "link__Purpose"})
PLUMBING_FIELDS = frozenset({"_service", "_entities"})
ROOT_NAMES = {
    OperationType.QUERY: "Query",
    OperationType.MUTATION: "Mutation",
    OperationType.SUBSCRIPTION: "Subscription",
}
_EXTENSION_TO_DEFINITION: dict[type[Any], type[Any]] = {
    ObjectTypeExtensionNode: ObjectTypeDefinitionNode,
    InterfaceTypeExtensionNode: InterfaceTypeDefinitionNode,
    UnionTypeExtensionNode: UnionTypeDefinitionNode,
    EnumTypeExtensionNode: EnumTypeDefinitionNode,
    InputObjectTypeExtensionNode: InputObjectTypeDefinitionNode,
    ScalarTypeExtensionNode: ScalarTypeDefinitionNode,
}

Element = GraphQLNamedType | GraphQLField | GraphQLArgument | GraphQLInputField | GraphQLEnumValue


@dataclass(frozen=True, slots=True)
class SubgraphSDL:
    """A subgraph as the composer receives it: its name, routing URL and SDL text."""

    name: str
    url: str
    sdl: str


@dataclass(frozen=True)
class Subgraph:
    """A loaded subgraph; directive names on its AST nodes are the canonical ones."""

    name: str
    url: str
    schema: GraphQLSchema
    link: FederationLink
    extension_types: frozenset[str]  # defined by `extend type` only, or with @extends
    # defined by `extend type` only (Federation 2), or any federation extension (Federation 1)
    extension_only: frozenset[str]
    # local root type name -> canonical name, for messages
    renamed_roots: dict[str, str] = field(default_factory=dict)

    @property
    def is_fed1(self) -> bool:
        return self.link.is_fed1

    def type(self, name: str) -> GraphQLNamedType | None:
        found = self.schema.type_map.get(name)
        if found is None or name.startswith("__") or _is_plumbing(name):
            return None
        return found

    def types(self) -> Iterator[GraphQLNamedType]:
        for name, named in self.schema.type_map.items():
            if not name.startswith("__") and not _is_plumbing(name) and not _is_builtin(name):
                yield named


def _is_plumbing(name: str) -> bool:
    return name in PLUMBING_TYPES or name.startswith("federation__")


def _is_builtin(name: str) -> bool:
    return name in {"String", "Int", "Float", "Boolean", "ID"}


def composite_fields(named: GraphQLNamedType) -> dict[str, GraphQLField]:
    """The fields of an object or interface type (none for other kinds)."""
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        return dict(named.fields)
    return {}


def applied(element: Element, name: str) -> list[DirectiveNode]:
    """The directives called ``name`` applied to a type (all its extensions too) or member."""
    nodes: list[Any] = [element.ast_node]
    nodes.extend(getattr(element, "extension_ast_nodes", None) or ())
    return [
        directive
        for node in nodes
        if node is not None
        for directive in getattr(node, "directives", None) or ()
        if directive.name.value == name
    ]


def has(element: Element, name: str) -> bool:
    return bool(applied(element, name))


def argument(directive: DirectiveNode, name: str) -> Any:
    """A directive argument's value as plain Python (None when absent)."""
    for arg in directive.arguments or ():
        if arg.name.value == name:
            return value_from_ast_untyped(arg.value)
    return None


def load_subgraph(source: SubgraphSDL) -> Subgraph | CompositionError:
    """Read one subgraph, or say why its SDL is not a valid subgraph schema."""
    try:
        document = parse(source.sdl)
    except GraphQLError as exc:
        return CompositionError("INVALID_GRAPHQL", f"[{source.name}] {exc.message}")
    link = read_federation_link(document)
    if link.unknown_imports:
        return CompositionError(
            "INVALID_LINK_DIRECTIVE_USAGE",
            f'[{source.name}] Cannot import unknown element "{link.unknown_imports[0]}".',
        )
    unimported = _unimported_directives(document, link)
    if unimported:
        name = unimported[0]
        return CompositionError(
            "INVALID_GRAPHQL",
            f'[{source.name}] Unknown directive "@{name}". If you meant the "@{name}" federation '
            f'directive, you should use fully-qualified name "@federation__{name}" or add '
            f'"@{name}" to the `import` argument of the @link to the federation specification.',
        )
    document, extension_types, renamed = _canonical_document(document, link)
    syntactic = {t for t in extension_types if not _extends(document, t)}
    merged = DocumentNode(definitions=(*FEDERATION_DEFINITIONS.definitions, *document.definitions))
    try:
        schema = build_ast_schema(merged)
    except (GraphQLError, TypeError) as exc:
        message = exc.message if isinstance(exc, GraphQLError) else str(exc)
        return CompositionError("INVALID_GRAPHQL", f"[{source.name}] {message}")
    extension_only = extension_types if link.is_fed1 else syntactic
    return Subgraph(
        source.name,
        source.url,
        schema,
        link,
        frozenset(extension_types),
        frozenset(extension_only),
        renamed,
    )


def _extends(document: DocumentNode, type_name: str) -> bool:
    return any(
        getattr(getattr(d, "name", None), "value", None) == type_name
        and any(x.name.value == "extends" for x in getattr(d, "directives", None) or ())
        for d in document.definitions
    )


def _unimported_directives(document: DocumentNode, link: FederationLink) -> list[str]:
    """Federation directives used by their bare name without being imported."""
    found: list[str] = []

    class Finder(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            name = node.name.value
            if name in FEDERATION_DIRECTIVES and name not in link.directive_names:
                found.append(name)

    visit(document, Finder())
    return found


class _Renamer(Visitor):
    """Federation directives under their canonical names."""

    def __init__(self, directives: dict[str, str]) -> None:
        super().__init__()
        self.directives = directives

    def enter_directive(self, node: DirectiveNode, *_: Any) -> DirectiveNode | None:
        canonical = self.directives.get(node.name.value)
        if canonical is None:
            return None
        return DirectiveNode(name=NameNode(value=canonical), arguments=node.arguments)


def _canonical_document(
    document: DocumentNode, link: FederationLink
) -> tuple[DocumentNode, set[str], dict[str, str]]:
    renamed_roots: dict[str, str] = {}
    for schema_node in document.definitions:
        if isinstance(schema_node, SchemaDefinitionNode | SchemaExtensionNode):
            for op in schema_node.operation_types or ():
                local, canonical = op.type.name.value, ROOT_NAMES[op.operation]
                if local != canonical:
                    renamed_roots[local] = canonical
    type_renames = dict(renamed_roots)
    drop_directives = set(link.directive_names) | set(FEDERATION_DIRECTIVES) | {"link"}
    drop_types = PLUMBING_TYPES | set(link.type_names) | {"FieldSet", "_FieldSet"}
    kept: list[Any] = []
    defined = {d.name.value for d in document.definitions if isinstance(d, TypeDefinitionNode)}
    extension_types: set[str] = set()
    for original in document.definitions:
        definition: Any = original
        name: str = getattr(getattr(definition, "name", None), "value", "")
        if definition.kind == "directive_definition":
            if name in drop_directives:
                continue
        elif name and (name in drop_types or name.startswith("federation__")):
            continue
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            definition = SchemaExtensionNode(directives=definition.directives, operation_types=())
        if isinstance(definition, TypeExtensionNode) and name not in defined:
            defined.add(name)
            extension_types.add(type_renames.get(name, name))
            definition = _EXTENSION_TO_DEFINITION[type(definition)](
                **{key: getattr(definition, key) for key in definition.keys if key != "loc"}
            )
        if isinstance(definition, ObjectTypeDefinitionNode | ObjectTypeExtensionNode):
            fields = tuple(
                f for f in definition.fields or () if f.name.value not in PLUMBING_FIELDS
            )
            if definition.fields and not fields:
                continue
            definition = type(definition)(
                **{
                    **{k: getattr(definition, k) for k in definition.keys if k != "loc"},
                    "fields": fields,
                }
            )
        kept.append(definition)
    # Every subgraph has a query root (it holds ``_service`` and ``_entities``).
    type_names = {getattr(getattr(d, "name", None), "value", "") for d in kept}
    if "Query" not in type_names and "Query" not in {renamed_roots.get(n) for n in type_names}:
        kept.append(ObjectTypeDefinitionNode(name=NameNode(value="Query"), fields=()))
    renamed = visit(DocumentNode(definitions=tuple(kept)), _Renamer(link.directive_names))
    renamed = visit(renamed, _TypeRenamer(type_renames))
    for definition in renamed.definitions:
        if any(d.name.value == "extends" for d in getattr(definition, "directives", None) or ()):
            extension_types.add(definition.name.value)
    return renamed, extension_types, renamed_roots


class _TypeRenamer(Visitor):
    def __init__(self, renames: dict[str, str]) -> None:
        super().__init__()
        self.renames = renames

    def enter_name(self, node: NameNode, _key: Any, parent: Any, *_: Any) -> NameNode | None:
        if isinstance(parent, NamedTypeNode | ObjectTypeDefinitionNode | ObjectTypeExtensionNode):
            new = self.renames.get(node.value)
            if new is not None:
                return NameNode(value=new)
        return None

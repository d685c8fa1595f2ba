"""The API schema of a supergraph: what clients can query. Drops the elements of every
linked feature (``join__``/``link__`` machinery, the access-control scalars such as
``policy__Policy``), the federation directives and every ``@inaccessible`` element, as
Apollo's API schema does."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    GraphQLSchema,
    ListValueNode,
    NamedTypeNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    StringValueNode,
    TypeDefinitionNode,
    ValueNode,
    Visitor,
    build_ast_schema,
    parse,
    visit,
)

KEPT_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "oneOf"})


def api_schema(supergraph_sdl: str) -> GraphQLSchema:
    """Build the client-facing schema of a supergraph SDL."""
    document = parse(supergraph_sdl, no_location=True)
    inaccessible = _local_name(document, "inaccessible")
    machinery = tuple(f"{prefix}__" for prefix in _feature_prefixes(document))
    hidden_types = {
        d.name.value
        for d in document.definitions
        if isinstance(d, TypeDefinitionNode) and _has(d, inaccessible)
    }
    definitions: list[Any] = []
    for definition in document.definitions:
        if isinstance(definition, DirectiveDefinitionNode):
            continue
        if isinstance(definition, TypeDefinitionNode):
            name = definition.name.value
            if name.startswith(machinery) or name in hidden_types:
                continue
        definitions.append(definition)
    pruned = visit(DocumentNode(definitions=tuple(definitions)), _Prune(inaccessible, hidden_types))
    return build_ast_schema(pruned)


def _has(node: Any, directive: str) -> bool:
    return any(d.name.value == directive for d in getattr(node, "directives", None) or ())


def _local_name(document: DocumentNode, spec: str) -> str:
    """The name the supergraph gives a spec's directive (it may import it under another)."""
    for url, arguments in _links(document):
        if f"/{spec}/" not in url:
            continue
        imports = arguments.get("import")
        for item in imports.values if isinstance(imports, ListValueNode) else ():
            if isinstance(item, ObjectValueNode):
                fields = {f.name.value: f.value for f in item.fields}
                alias = fields.get("as")
                if isinstance(alias, StringValueNode):
                    return alias.value.lstrip("@")
    return spec


def _feature_prefixes(document: DocumentNode) -> set[str]:
    """The prefix of each linked feature's elements: its name, or the ``as:`` of its link."""
    prefixes = {"join", "link"}
    for url, arguments in _links(document):
        alias = arguments.get("as")
        if isinstance(alias, StringValueNode):
            prefixes.add(alias.value)
        else:
            prefixes.add(url.rstrip("/").rsplit("/", 2)[-2])
    return prefixes


def _links(document: DocumentNode) -> Iterator[tuple[str, Mapping[str, ValueNode]]]:
    """The URL and arguments of each ``@link`` on the schema definition."""
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode):
            continue
        for link in definition.directives or ():
            arguments = {a.name.value: a.value for a in link.arguments or ()}
            url = arguments.get("url")
            if isinstance(url, StringValueNode):
                yield url.value, arguments


class _Prune(Visitor):
    def __init__(self, inaccessible: str, hidden_types: set[str]) -> None:
        super().__init__()
        self.inaccessible = inaccessible
        self.hidden_types = hidden_types

    def enter_directive(self, node: DirectiveNode, *_: Any) -> object:
        return None if node.name.value in KEPT_DIRECTIVES else self.REMOVE

    def _member(self, node: Any, *_: Any) -> object:
        return self.REMOVE if _has(node, self.inaccessible) else None

    enter_field_definition = _member
    enter_input_value_definition = _member
    enter_enum_value_definition = _member

    def enter_named_type(
        self, node: NamedTypeNode, _key: Any, _parent: Any, path: Any, *_: Any
    ) -> object:
        # Union members and implemented interfaces that are hidden disappear with them.
        in_list = "types" in path or "interfaces" in path
        return self.REMOVE if in_list and node.name.value in self.hidden_types else None

    def enter_schema_definition(self, node: SchemaDefinitionNode, *_: Any) -> SchemaDefinitionNode:
        return SchemaDefinitionNode(directives=(), operation_types=node.operation_types)

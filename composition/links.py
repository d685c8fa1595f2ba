"""Which federation directives a subgraph uses, and under which local names.

A Federation 2 subgraph declares ``@link(url: ".../federation/v2.x", import: [...])``.
An imported directive is used by its bare name or by the name given with ``as``; the
others stay reachable as ``@<namespace>__<name>`` (namespace ``federation`` unless the
link says ``as:``). A subgraph without that link is a Federation 1 subgraph and uses the
bare names of the Federation 1 directives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphql import (
    DirectiveNode,
    DocumentNode,
    ListValueNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    ValueNode,
)

FEDERATION_URL = re.compile(r"^https://specs\.apollo\.dev/federation/v(\d+)\.(\d+)/?$")

# Every directive a Federation 2 subgraph may use, by canonical name.
FEDERATION_DIRECTIVES: tuple[str, ...] = (
    "key",
    "requires",
    "provides",
    "external",
    "tag",
    "extends",
    "shareable",
    "inaccessible",
    "override",
    "composeDirective",
    "interfaceObject",
    "authenticated",
    "requiresScopes",
    "policy",
    "context",
    "fromContext",
    "cost",
    "listSize",
)
# The federation version each directive appeared in.
DIRECTIVE_SINCE: dict[str, tuple[int, int]] = {
    "composeDirective": (2, 1),
    "interfaceObject": (2, 3),
    "authenticated": (2, 5),
    "requiresScopes": (2, 5),
    "policy": (2, 6),
    "context": (2, 8),
    "fromContext": (2, 8),
    "cost": (2, 9),
    "listSize": (2, 9),
}
FEDERATION_TYPES: tuple[str, ...] = ("FieldSet", "Scope", "Policy", "ContextFieldValue")
FED1_DIRECTIVES: tuple[str, ...] = (
    "key",
    "requires",
    "provides",
    "external",
    "extends",
    "tag",
    "inaccessible",
    "shareable",
    "override",
)


@dataclass(frozen=True, slots=True)
class FederationLink:
    """The federation spec a subgraph links, and how its directives are named locally."""

    version: tuple[int, int] | None  # None: a Federation 1 subgraph
    directive_names: dict[str, str]  # local name -> canonical name
    type_names: dict[str, str]  # local name -> canonical name
    unknown_imports: tuple[str, ...] = ()  # imported names this version does not define

    @property
    def is_fed1(self) -> bool:
        return self.version is None


def _string(value: ValueNode | None) -> str | None:
    return value.value if isinstance(value, StringValueNode) else None


def _argument(directive: DirectiveNode, name: str) -> ValueNode | None:
    for arg in directive.arguments or ():
        if arg.name.value == name:
            return arg.value
    return None


def schema_links(document: DocumentNode) -> list[DirectiveNode]:
    """Every ``@link`` applied to the schema definition or its extensions."""
    return [
        directive
        for definition in document.definitions
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode)
        for directive in definition.directives or ()
        if directive.name.value == "link"
    ]


def read_federation_link(document: DocumentNode) -> FederationLink:
    """Find the federation link (if any) and build the local-to-canonical name maps."""
    for link in schema_links(document):
        match = FEDERATION_URL.match(_string(_argument(link, "url")) or "")
        if not match:
            continue
        namespace = _string(_argument(link, "as")) or "federation"
        version = (int(match[1]), int(match[2]))
        known = [n for n in FEDERATION_DIRECTIVES if DIRECTIVE_SINCE.get(n, (2, 0)) <= version]
        directives = {f"{namespace}__{name}": name for name in known}
        unknown: list[str] = []
        types = {f"{namespace}__{name}": name for name in FEDERATION_TYPES}
        imports = _argument(link, "import")
        for item in imports.values if isinstance(imports, ListValueNode) else ():
            name, alias = _import_item(item)
            if name is None:
                continue
            local = alias or name
            if name.startswith("@"):
                if name[1:] in known:
                    directives.pop(f"{namespace}__{name[1:]}", None)
                    directives[local.lstrip("@")] = name[1:]
                else:
                    unknown.append(name)
            elif name in FEDERATION_TYPES:
                types.pop(f"{namespace}__{name}", None)
                types[local] = name
        return FederationLink(version, directives, types, tuple(unknown))
    return FederationLink(None, {name: name for name in FED1_DIRECTIVES}, {"_FieldSet": "FieldSet"})


def _import_item(item: ValueNode) -> tuple[str | None, str | None]:
    if isinstance(item, StringValueNode):
        return item.value, None
    if isinstance(item, ObjectValueNode):
        fields = {f.name.value: _string(f.value) for f in item.fields}
        return fields.get("name"), fields.get("as")
    return None, None

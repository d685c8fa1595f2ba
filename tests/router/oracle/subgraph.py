"""A generated subgraph: its types and fields as declared, and its SDL.

:mod:`.splits` decides what each subgraph of a split declares; the servers
(:mod:`.serve`) answer from these declarations, and composition reads
:meth:`Subgraph.sdl`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.router.oracle.world import KEYED

FEDERATION_URL = "https://specs.apollo.dev/federation/v2.9"
IMPORTS = (
    '["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@override", '
    '"@interfaceObject", "@tag", "@cost", "@listSize", "@authenticated", "@requiresScopes", '
    '"@context", "@fromContext", "@composeDirective"]'
)


@dataclass
class FieldDecl:
    type: str
    shareable: bool = False
    external: bool = False
    requires: tuple[str, ...] = ()
    provides: str | None = None
    inaccessible: bool = False
    arguments: str = ""
    override_from: str | None = None
    # A progressive override's label (``percent(N)``): the source answers the rest of the time.
    override_label: str | None = None
    # Taken over by another subgraph's @override (``overridden``: for good, never to be asked
    # here; else progressively).
    taken_over: bool = False
    overridden: bool = False
    # Further directives, as written after the field (``@tag``, ``@cost``, …) and after each
    # argument, by argument name.
    directives: list[str] = field(default_factory=list)
    argument_directives: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Subgraph:
    name: str
    types: dict[str, dict[str, FieldDecl]] = field(default_factory=dict)
    unresolvable: set[str] = field(default_factory=set)
    union_members: set[str] = field(default_factory=set)
    node_types: set[str] | None = None
    # Node is an entity interface here (its implementations all here), or an @interfaceObject.
    node_entity: bool = False
    # Level.MID is @inaccessible: a product's level may be a value the API schema lacks.
    hidden_level: bool = False
    # Further directives on a type (``@tag``, ``@cost``, …), by type name.
    type_directives: dict[str, list[str]] = field(default_factory=dict)
    # Further directives on the schema (``@link``, ``@composeDirective``) and the definitions
    # of the directives they bring.
    schema_directives: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)

    def declare(self, type_name: str) -> dict[str, FieldDecl]:
        if type_name not in self.types:
            fields = self.types[type_name] = {}
            if type_name in KEYED:
                fields["id"] = FieldDecl("ID!")
        return self.types[type_name]

    def settle_resolvable(self) -> None:
        """A subgraph resolves what it declares fields of; only a pure reference may not."""
        self.unresolvable = {t for t in self.unresolvable if list(self.types[t]) == ["id"]}

    def resolves(self, type_name: str, field_name: str) -> bool:
        decl = self.types.get(type_name, {}).get(field_name)
        return decl is not None and not decl.external

    def sdl(self, *, executable: bool = False) -> str:
        """The subgraph schema as composition reads it; ``executable``: without the link and
        the Query type (the server writes its own, with ``_entities``)."""
        link = f'@link(url: "{FEDERATION_URL}", import: {IMPORTS})'
        lines = [] if executable else [" ".join(["extend schema", link, *self.schema_directives])]
        lines += self.definitions
        if self.node_types is not None:
            key = ' @key(fields: "id")' if self.node_entity else ""
            lines.append(f"interface Node{key} {{ id: ID! }}")
        if self.union_members:
            lines.append("union SearchResult = " + " | ".join(sorted(self.union_members)))
        for type_name, fields in self.types.items():
            if not (executable and type_name == "Query"):
                lines.append(self._type(type_name, fields))
        return "\n".join(lines) + "\n"

    def _type(self, type_name: str, fields: dict[str, FieldDecl]) -> str:
        extra = "".join(f" {d}" for d in self.type_directives.get(type_name, ()))
        if type_name == "Level":
            hidden = " @inaccessible" if self.hidden_level else ""
            return f"enum Level{extra} {{ LOW HIGH MID{hidden} }}"
        head = f"type {type_name}"
        if self.node_types and type_name in self.node_types:
            head += " implements Node"
        if type_name == "Node":
            head += ' @key(fields: "id") @interfaceObject'
        if type_name in KEYED:
            resolvable = ", resolvable: false" if type_name in self.unresolvable else ""
            head += f' @key(fields: "id"{resolvable})'
        if type_name == "Category":
            head += " @shareable"
        head += extra
        body = []
        for name, decl in fields.items():
            text = f"{name}{_arguments(decl)}: {decl.type}"
            if decl.shareable:
                text += " @shareable"
            if decl.external:
                text += " @external"
            if decl.requires:
                text += f' @requires(fields: "{" ".join(decl.requires)}")'
            if decl.provides:
                text += f' @provides(fields: "{decl.provides}")'
            if decl.inaccessible:
                text += " @inaccessible"
            if decl.override_from:
                label = f', label: "{decl.override_label}"' if decl.override_label else ""
                text += f' @override(from: "{decl.override_from}"{label})'
            text += "".join(f" {d}" for d in decl.directives)
            body.append(text)
        return head + " {\n  " + "\n  ".join(body) + "\n}"


def _arguments(decl: FieldDecl) -> str:
    """The field's arguments, each followed by its further directives."""
    if not decl.argument_directives:
        return decl.arguments
    written = []
    for argument in decl.arguments[1:-1].split(", "):
        name = argument.split(":")[0]
        written.append(" ".join([argument, *decl.argument_directives.get(name, ())]))
    return "(" + ", ".join(written) + ")"

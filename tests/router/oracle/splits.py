"""Seeded cuts of the oracle's world into two or three Federation 2 subgraphs.

Each entity field gets a home subgraph, sometimes a second one (both
``@shareable``, one of them maybe with a stricter local type, which the
supergraph records as ``join__field(type:)``); root fields likewise, with
their arguments and defaults. ``Product.shipping`` ``@requires`` whichever
of ``price`` and ``weight`` its subgraph lacks (declared ``@external``);
``Review.author`` sometimes ``@provides`` the author's ``name``;
``User.email`` and the enum value ``Level.MID`` are sometimes
``@inaccessible``; ``Node.label`` sometimes comes from an
``@interfaceObject`` subgraph ``n``, another holding ``Node`` as an entity
interface; a field is sometimes taken over from another subgraph with
``@override`` (the source still declares it), half the time progressively
(``label: "percent(N)"``, the source answering the other requests); the
``SearchResult`` union and the ``Node`` interface list, per subgraph, the
members it needs plus random others; an entity a subgraph only points at
may get a ``resolvable: false`` key.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from graphql import GraphQLObjectType, build_schema, print_ast

from tests.router.oracle.access import protect
from tests.router.oracle.annotate import annotate
from tests.router.oracle.world import DERIVED, ENTITIES, RUNTIME_TYPES, SDL

SCHEMA = build_schema(SDL)
FEDERATION_URL = "https://specs.apollo.dev/federation/v2.9"
IMPORTS = (
    '["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@override", '
    '"@interfaceObject", "@tag", "@cost", "@listSize", "@authenticated", "@requiresScopes"]'
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

    def declare(self, type_name: str) -> dict[str, FieldDecl]:
        if type_name not in self.types:
            fields = self.types[type_name] = {}
            if type_name in ENTITIES:
                fields["id"] = FieldDecl("ID!")
        return self.types[type_name]

    def resolves(self, type_name: str, field_name: str) -> bool:
        decl = self.types.get(type_name, {}).get(field_name)
        return decl is not None and not decl.external

    def sdl(self, *, executable: bool = False) -> str:
        """The subgraph schema as composition reads it; ``executable``: without the link and
        the Query type (the server writes its own, with ``_entities``)."""
        lines = (
            []
            if executable
            else [f'extend schema @link(url: "{FEDERATION_URL}", import: {IMPORTS})']
        )
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
        if type_name in ENTITIES:
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


def _type_text(field_type: object) -> str:
    return str(field_type)


def split(seed: int) -> list[Subgraph]:
    rng = random.Random(seed)
    names = ["a", "b", "c"][: rng.randint(2, 3)]
    graphs = {name: Subgraph(name) for name in names}
    placements: list[tuple[str, str, str, list[str]]] = []
    for type_name in ("Query", *ENTITIES):
        type_ = SCHEMA.type_map[type_name]
        assert isinstance(type_, GraphQLObjectType)
        for field_name, field_def in type_.fields.items():
            if field_name == "id":
                continue
            homes = [rng.choice(names)]
            if (type_name, field_name) not in DERIVED and rng.random() < 0.25:
                homes.append(rng.choice([n for n in names if n != homes[0]]))
            arguments = (
                "(" + ", ".join(print_ast(a.ast_node) for a in field_def.args.values()) + ")"
                if field_def.args
                else ""
            )
            placements.append(
                (type_name, field_name, _type_text(field_def.type) + "|" + arguments, homes)
            )
    email_hidden = rng.random() < 0.4
    level_hidden = rng.random() < 0.4
    # Node.label from an @interfaceObject subgraph (``objects``) instead of each type's own;
    # It may define none of Node's implementations: a subgraph of its own.
    objects, interface = ("n", rng.choice(names)) if rng.random() < 0.4 else (None, None)
    if objects is not None and interface is not None:
        graphs[objects] = Subgraph(objects)
        placements = [p for p in placements if p[1] != "label"]
        for index, (type_name, field_name, typed, _) in enumerate(placements):
            if type_name == "Query" and field_name in ("node", "nodes"):
                placements[index] = (
                    type_name,
                    field_name,
                    typed,
                    [rng.choice([objects, interface])],
                )
        graphs[objects].types["Node"] = {"id": FieldDecl("ID!"), "label": FieldDecl("String!")}
        graphs[interface].node_entity = True
        graphs[interface].node_types = set(ENTITIES)
    for type_name, field_name, typed, homes in placements:
        field_type, arguments = typed.split("|")
        for index, home in enumerate(homes):
            local = field_type
            if index > 0 and local.endswith("!") and rng.random() < 0.5:
                local = local[:-1]  # the other copy keeps the strict type: a local type
            decl = FieldDecl(
                local,
                shareable=len(homes) > 1,
                arguments=arguments,
                inaccessible=email_hidden and (type_name, field_name) == ("User", "email"),
            )
            graphs[home].declare(type_name)[field_name] = decl
        overridable = type_name != "Query" and (type_name, field_name) not in DERIVED
        if len(homes) == 1 and overridable and rng.random() < 0.15:
            source = rng.choice([n for n in names if n != homes[0]])
            if field_name not in graphs[source].types.get(type_name, {}):
                taking = graphs[homes[0]].types[type_name][field_name]
                taking.override_from = source
                inputs = {i for (t, _), needed in DERIVED.items() if t == type_name for i in needed}
                # Progressively, a requirement's input could come from either: composition
                # refuses that.
                if rng.random() < 0.5 and field_name not in inputs:
                    taking.override_label = f"percent({rng.choice((10, 50, 90))})"
                graphs[source].declare(type_name)[field_name] = FieldDecl(
                    field_type,
                    arguments=arguments,
                    taken_over=True,
                    overridden=taking.override_label is None,
                )
    for graph in graphs.values():
        graph.hidden_level = level_hidden
        _complete(graph, rng, node_allowed=objects is None or graph.name == interface)
    if any(
        g.types.get("Review", {}).get("author", FieldDecl("")).provides for g in graphs.values()
    ):
        # A provided field is answered by the providing subgraph too: shared.
        for graph in graphs.values():
            name = graph.types.get("User", {}).get("name")
            if name is not None and not name.external:
                name.shareable = True
    annotate(list(graphs.values()), seed)
    protect(list(graphs.values()), seed)
    return list(graphs.values())


def _complete(graph: Subgraph, rng: random.Random, *, node_allowed: bool) -> None:
    """Requirements, provides, referenced types, unions and interfaces for ``graph``."""
    for (type_name, field_name), inputs in DERIVED.items():
        decl = graph.types.get(type_name, {}).get(field_name)
        if decl is None:
            continue
        missing = tuple(i for i in inputs if not graph.resolves(type_name, i))
        if missing:
            decl.requires = missing
            for name in missing:
                graph.declare(type_name)[name] = FieldDecl(_base(type_name, name), external=True)
    author = graph.types.get("Review", {}).get("author")
    if (
        author is not None
        and not author.taken_over
        and not graph.resolves("User", "name")
        and rng.random() < 0.5
    ):
        author.provides = "name"
        graph.declare("User")["name"] = FieldDecl("String!", external=True)
    for type_name in list(graph.types):
        for decl in list(graph.types[type_name].values()):
            named = decl.type.strip("[]!")
            if "Level" in decl.arguments:
                graph.declare("Level")
            if named in (*ENTITIES, "Category", "Level") or (
                named == "Node" and "Node" in graph.types
            ):
                referenced = named not in graph.types
                fields = graph.declare(named)
                if named == "Category" and not fields:
                    fields["code"] = FieldDecl("String!")
                    fields["label"] = FieldDecl("String")
                if referenced and named in ENTITIES and rng.random() < 0.5:
                    graph.unresolvable.add(named)
            elif named == "SearchResult":
                graph.union_members |= set(ENTITIES)
            elif named == "Node" and "Node" not in graph.types:
                graph.node_types = set(ENTITIES)
    favorite = graph.types.get("User", {}).get("favorite")
    if favorite is not None:
        needed = set(RUNTIME_TYPES[("User", "favorite")])
        extra = {t for t in ENTITIES if t not in needed and rng.random() < 0.5}
        if not graph.union_members:
            graph.union_members = needed | extra
    for member in list(graph.union_members) + sorted(graph.node_types or ()):
        if member not in graph.types:
            graph.declare(member)
            if rng.random() < 0.5:
                graph.unresolvable.add(member)
    # A subgraph resolves what it declares fields of; only a pure reference may be unresolvable.
    graph.unresolvable = {t for t in graph.unresolvable if list(graph.types[t]) == ["id"]}
    if graph.node_types is None and node_allowed and rng.random() < 0.3:
        graph.node_types = {t for t in ENTITIES if t in graph.types}


def _base(type_name: str, field_name: str) -> str:
    type_ = SCHEMA.type_map[type_name]
    assert isinstance(type_, GraphQLObjectType)
    return str(type_.fields[field_name].type)

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
may get a ``resolvable: false`` key. Offers (:mod:`.offers`) and a composed
directive (:mod:`.composed`) and mutations (:mod:`.mutations`) come after, each
on a random stream of its own.
"""

from __future__ import annotations

import random

from graphql import GraphQLObjectType, build_schema, print_ast

from tests.router.oracle.access import protect
from tests.router.oracle.annotate import annotate
from tests.router.oracle.composed import compose_directive
from tests.router.oracle.mutations import place_mutations
from tests.router.oracle.offers import place_offers
from tests.router.oracle.subgraph import FieldDecl, Subgraph
from tests.router.oracle.world import DERIVED, ENTITIES, OFFER_FIELDS, RUNTIME_TYPES, SDL

SCHEMA = build_schema(SDL)


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
            if field_name == "id" or (type_name, field_name) in OFFER_FIELDS:
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
    place_offers(graphs, names, seed)
    compose_directive(list(graphs.values()), seed)
    mutation = SCHEMA.mutation_type
    assert mutation is not None
    place_mutations(graphs, names, mutation, seed)
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
    graph.settle_resolvable()
    if graph.node_types is None and node_allowed and rng.random() < 0.3:
        graph.node_types = {t for t in ENTITIES if t in graph.types}


def _base(type_name: str, field_name: str) -> str:
    type_ = SCHEMA.type_map[type_name]
    assert isinstance(type_, GraphQLObjectType)
    return str(type_.fields[field_name].type)

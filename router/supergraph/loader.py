"""Read a supergraph's join metadata into the per-subgraph model.

One pass over the definitions: ``join__type`` (repeating per graph and per
key), ``join__field``, ``join__implements``, ``join__unionMember``,
``join__enumValue`` and, for Federation 1 (join v0.1), ``join__owner``; and
``@context`` with ``join__field(contextArguments:)`` (join v0.5, see
:mod:`.contexts`). Then possible types per subgraph, and the API schema. Field
sets are parsed through a cache, so the cost stays linear in the SDL size.
"""

from __future__ import annotations

import hashlib

from router.supergraph.api_schema import build_api_schema
from router.supergraph.authorization import read_authorization
from router.supergraph.contexts import (
    context_setters,
    finish_context_arguments,
    read_context_arguments,
)
from router.supergraph.errors import SupergraphError, UnsupportedSupergraphError
from router.supergraph.features import Feature, machinery_names, read_features
from router.supergraph.field_set import parse_field_set
from router.supergraph.model import (
    ArgumentInfo,
    ContextArgument,
    FieldInfo,
    FieldInGraph,
    Key,
    Supergraph,
    TypeInfo,
    TypeInGraph,
    TypeKind,
)
from router.supergraph.sdl_reader import (
    Directive,
    Document,
    EnumLiteral,
    FieldDef,
    InputValue,
    TypeDef,
    read_sdl,
)


def load_supergraph(sdl: str) -> Supergraph:
    """Load a supergraph SDL (Federation 1 or 2) into a :class:`Supergraph`."""
    document = read_sdl(sdl)
    features = read_features(document.schema_directives)
    join = features["join"]
    directive_names, prefixes = machinery_names(features)
    inaccessible = (
        features["inaccessible"].directive("inaccessible")
        if ("inaccessible" in features)
        else "inaccessible"
    )
    context = features["context"].directive("context") if "context" in features else None
    graph_names, subgraphs = _graphs(document, join)
    reader = _JoinReader(join, graph_names, inaccessible, context)
    types: dict[str, TypeInfo] = {}
    for definition in document.types.values():
        if definition.name.startswith(prefixes):
            continue
        types[definition.name] = reader.type_info(definition)
    setters: dict[str, frozenset[str]] = {}
    contextual: frozenset[tuple[str, str, str]] = frozenset()
    if reader.has_contexts:
        setters = context_setters(types)
        finish_context_arguments(types, setters, list(subgraphs))
        contextual = _contextual(types)
    possible, possible_in = _possible_types(types, tuple(subgraphs))
    root_types = dict(document.root_types) or {
        operation: name
        for operation, name in (
            ("query", "Query"),
            ("mutation", "Mutation"),
            ("subscription", "Subscription"),
        )
        if name in types
    }
    return Supergraph(
        version=hashlib.sha256(sdl.encode()).hexdigest(),
        subgraphs=subgraphs,
        graph_names=graph_names,
        root_types=root_types,
        types=types,
        api_schema=build_api_schema(
            document, directive_names, prefixes, inaccessible, root_types, contextual
        ),
        possible_types=possible,
        possible_types_in=possible_in,
        federation_version=1 if "link" not in features else 2,
        override_labels=_override_labels(types),
        context_types=setters,
        authorization=read_authorization(document, features),
    )


def _override_labels(types: dict[str, TypeInfo]) -> frozenset[str]:
    return frozenset(
        in_graph.override_label
        for info in types.values()
        for field in info.fields.values()
        for in_graph in field.graphs.values()
        if in_graph.override_label is not None
    )


def _graphs(document: Document, join: Feature) -> tuple[dict[str, str], dict[str, str]]:
    enum = document.types.get(f"{join.prefix}__Graph")
    if enum is None:
        raise SupergraphError(f"the supergraph has no {join.prefix}__Graph enum")
    graph_directive = join.directive("graph")
    names: dict[str, str] = {}
    urls: dict[str, str] = {}
    for value in enum.values:
        for directive in value.directives:
            if directive.name == graph_directive:
                name = str(directive.arguments["name"])
                names[value.name] = name
                urls[name] = str(directive.arguments.get("url") or "")
    return names, urls


class _JoinReader:
    """Interprets the join directives of one type definition at a time."""

    def __init__(
        self,
        join: Feature,
        graph_names: dict[str, str],
        inaccessible: str,
        context: str | None,
    ) -> None:
        self.graph_names = graph_names
        self.all_graphs = tuple(graph_names.values())
        self.inaccessible = inaccessible
        self.join_version = join.version
        self.context_directive = context
        self.has_contexts = False
        self.type_directive = join.directive("type")
        self.field_directive = join.directive("field")
        self.owner_directive = join.directive("owner")
        self.implements_directive = join.directive("implements")
        self.member_directive = join.directive("unionMember")
        self.enum_value_directive = join.directive("enumValue")

    def graph(self, directive: Directive) -> str | None:
        value = directive.arguments.get("graph")
        if isinstance(value, EnumLiteral):
            if value.name not in self.graph_names:
                raise SupergraphError(f"@{directive.name} names unknown graph {value.name}")
            return self.graph_names[value.name]
        return None

    def type_info(self, definition: TypeDef) -> TypeInfo:
        kind = TypeKind(definition.kind)
        keys: dict[str, list[Key]] = {}
        flags: dict[str, tuple[bool, bool]] = {}
        implements: dict[str, set[str]] = {}
        members: dict[str, set[str]] = {}
        owner: str | None = None
        inaccessible = False
        contexts: frozenset[str] = frozenset()
        for directive in definition.directives:
            name = directive.name
            if name == self.type_directive:
                graph = self.graph(directive)
                if graph is None:
                    continue
                graph_keys = keys.setdefault(graph, [])
                key = directive.arguments.get("key")
                if isinstance(key, str):
                    resolvable = directive.arguments.get("resolvable", True) is not False
                    graph_keys.append(Key(key, parse_field_set(key), resolvable))
                flags[graph] = (
                    directive.arguments.get("extension") is True,
                    directive.arguments.get("isInterfaceObject") is True,
                )
            elif name == self.owner_directive:
                owner = self.graph(directive)
            elif name == self.implements_directive:
                graph = self.graph(directive)
                if graph is not None:
                    implements.setdefault(graph, set()).add(str(directive.arguments["interface"]))
            elif name == self.member_directive:
                graph = self.graph(directive)
                if graph is not None:
                    members.setdefault(graph, set()).add(str(directive.arguments["member"]))
            elif name == self.inaccessible:
                inaccessible = True
            elif name == self.context_directive and isinstance(
                directive.arguments.get("name"), str
            ):
                contexts |= {str(directive.arguments["name"])}
        graphs = {
            graph: TypeInGraph(tuple(graph_keys), *flags.get(graph, (False, False)))
            for graph, graph_keys in keys.items()
        }
        in_graphs = tuple(graphs) or self.all_graphs
        # From join v0.2 a graph implements only the interfaces join__implements
        # lists for it (none when it is not listed, as Apollo reads it); in
        # join v0.1, which has no join__implements, every graph that has the
        # type implements all its interfaces. Union members likewise, with
        # join__unionMember where the supergraph uses it.
        listed_only = self.join_version >= (0, 2)
        implements_in = {
            graph: frozenset(
                implements.get(graph, ()) if listed_only or implements else definition.interfaces
            )
            for graph in in_graphs
        }
        members_in = {
            graph: frozenset(members.get(graph, ()) if members else definition.members)
            for graph in in_graphs
        }
        field_graphs = self.field_default_graphs(graphs, owner, in_graphs)
        fields = {
            f.name: self.field_info(definition.name, f, field_graphs, graphs)
            for f in definition.fields
        }
        for field in definition.input_fields:
            fields[field.name] = self.field_info(definition.name, field, field_graphs, graphs)
        return TypeInfo(
            name=definition.name,
            kind=kind,
            graphs=graphs,
            fields=fields,
            interfaces=tuple(definition.interfaces),
            implements=implements_in,
            members=tuple(definition.members),
            members_in=members_in,
            enum_values={
                value.name: self.enum_value_graphs(value.directives, in_graphs)
                for value in definition.values
            },
            inaccessible=inaccessible,
            contexts=contexts,
        )

    @staticmethod
    def field_default_graphs(
        graphs: dict[str, TypeInGraph], owner: str | None, in_graphs: tuple[str, ...]
    ) -> tuple[str, ...]:
        """Graphs owning a field that carries no join__field."""
        if owner is not None:
            return (owner,)
        return tuple(g for g in in_graphs if g not in graphs or not graphs[g].extension)

    def field_info(
        self,
        type_name: str,
        field: FieldDef | InputValue,
        default_graphs: tuple[str, ...],
        graphs: dict[str, TypeInGraph],
    ) -> FieldInfo:
        name, type_ref, directives = field.name, field.type, field.directives
        owners: dict[str, FieldInGraph] = {}
        contextual_names: set[str] | None = None
        has_join_field = False
        inaccessible = False
        for directive in directives:
            if directive.name == self.field_directive:
                has_join_field = True
                graph = self.graph(directive)
                if graph is None:
                    continue
                arguments = directive.arguments
                requires = arguments.get("requires")
                provides = arguments.get("provides")
                override = arguments.get("override")
                label = arguments.get("overrideLabel")
                raw_contextual = arguments.get("contextArguments")
                contextual: tuple[ContextArgument, ...] = ()
                if raw_contextual is not None:
                    contextual = self.context_arguments(f"{type_name}.{name}", raw_contextual)
                    contextual_names = {a.name for a in contextual} | (contextual_names or set())
                owners[graph] = FieldInGraph(
                    type=str(arguments.get("type") or type_ref),
                    external=arguments.get("external") is True,
                    requires=parse_field_set(requires) if isinstance(requires, str) else None,
                    provides=parse_field_set(provides) if isinstance(provides, str) else None,
                    override=override if isinstance(override, str) else None,
                    used_overridden=arguments.get("usedOverridden") is True,
                    override_label=label if isinstance(label, str) else None,
                    context_arguments=contextual,
                )
            elif directive.name == self.inaccessible:
                inaccessible = True
        if not has_join_field:
            owners = {graph: FieldInGraph(type_ref) for graph in default_graphs}
        # A graph can always answer the fields of its own keys for an entity it
        # was handed (Federation 1 extensions declare them without join__field).
        for graph, in_graph in graphs.items():
            if graph not in owners and any(_selects(key, name) for key in in_graph.keys):
                owners[graph] = FieldInGraph(type_ref)
        field_arguments = field.arguments if isinstance(field, FieldDef) else []
        if contextual_names:
            # Composition leaves contextual arguments out of the field's definition;
            # one written there anyway is still the router's to fill, not the client's.
            field_arguments = [a for a in field_arguments if a.name not in contextual_names]
        return FieldInfo(
            name=name,
            type=type_ref,
            named_type=type_ref.strip("[]!"),
            graphs=owners,
            arguments=tuple(ArgumentInfo(a.name, a.type) for a in field_arguments),
            inaccessible=inaccessible,
        )

    def context_arguments(self, coordinate: str, raw: object) -> tuple[ContextArgument, ...]:
        if self.join_version < (0, 5):
            raise UnsupportedSupergraphError(
                f"{coordinate} has contextArguments, which join v0.5 introduced, in a join "
                f"v{self.join_version[0]}.{self.join_version[1]} supergraph; recompose it"
            )
        self.has_contexts = True
        return read_context_arguments(raw, coordinate)

    def enum_value_graphs(
        self, directives: list[Directive], in_graphs: tuple[str, ...]
    ) -> frozenset[str]:
        graphs = {
            graph
            for directive in directives
            if directive.name == self.enum_value_directive
            and (graph := self.graph(directive)) is not None
        }
        return frozenset(graphs or in_graphs)


def _contextual(types: dict[str, TypeInfo]) -> frozenset[tuple[str, str, str]]:
    """(type, field, argument) of every contextual argument: not the client's to pass."""
    return frozenset(
        (info.name, field.name, argument.name)
        for info in types.values()
        for field in info.fields.values()
        for in_graph in field.graphs.values()
        for argument in in_graph.context_arguments
    )


def _selects(key: Key, name: str) -> bool:
    return any(getattr(selection, "name", None) == name for selection in key.fields)


def _possible_types(
    types: dict[str, TypeInfo], graphs: tuple[str, ...]
) -> tuple[dict[str, tuple[str, ...]], dict[tuple[str, str], tuple[str, ...]]]:
    possible: dict[str, list[str]] = {}
    possible_in: dict[tuple[str, str], list[str]] = {}
    objects = [t for t in types.values() if t.kind is TypeKind.OBJECT]
    for info in objects:
        for interface in info.interfaces:
            possible.setdefault(interface, []).append(info.name)
        for graph, interfaces in info.implements.items():
            for interface in interfaces:
                possible_in.setdefault((graph, interface), []).append(info.name)
    for info in types.values():
        if info.kind is TypeKind.UNION:
            possible[info.name] = list(info.members)
            for graph, members in info.members_in.items():
                possible_in[(graph, info.name)] = [
                    m for m in info.members if m in members and _has(types, graph, m)
                ]
        elif info.kind is TypeKind.OBJECT:
            possible[info.name] = [info.name]
            for graph in info.graphs or graphs:
                possible_in[(graph, info.name)] = [info.name]
    return (
        {name: tuple(found) for name, found in possible.items()},
        {key: tuple(found) for key, found in possible_in.items()},
    )


def _has(types: dict[str, TypeInfo], graph: str, name: str) -> bool:
    info = types.get(name)
    return info is not None and (not info.graphs or graph in info.graphs)

"""What each subgraph can answer: the planner's view of the supergraph.

Everything here is a pure question about the supergraph: can this subgraph
resolve this field at this place (``@external``, ``@provides``,
``@requires``, contextual arguments, interface fields), which keys can it
use or serve, which ``_entities`` hops lead to a field (plain entity keys,
entity interfaces, and ``@interfaceObject`` interfaces standing in for their
implementations).
Literal arguments are checked too: a subgraph is never sent an enum value or
an input field it does not declare, and a variable's default value in the
operation counts as a literal (the subgraph operation declares it). Answers
are cached per planning run and cost a dictionary lookup or a short scan of a
type's graphs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from graphql import (
    EnumValueNode,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    VariableNode,
    parse_value,
)

from router.operation import Field, Fragment, Selection
from router.supergraph import (
    ContextArgument,
    FieldSelection,
    FieldSet,
    FragmentSelection,
    Key,
    Supergraph,
    TypeKind,
)

ROOT_ONLY_FIELDS = frozenset({"__schema", "__type"})


@dataclass(frozen=True, slots=True)
class Hop:
    """An ``_entities`` hop into ``graph`` answering as ``entity_type``.

    ``entity_type`` differs from the place's type for an ``@interfaceObject``
    (representations then carry the interface name as ``__typename``) and for
    an entity interface reached from one of its implementations.
    """

    graph: str
    entity_type: str
    interface_object: bool = False


class Capabilities:
    def __init__(
        self,
        supergraph: Supergraph,
        override_labels: frozenset[str] = frozenset(),
        variable_defaults: Mapping[str, str] | None = None,
    ) -> None:
        self.supergraph = supergraph
        self.override_labels = override_labels
        self.variable_defaults = variable_defaults or {}
        self.graph_order = {name: i for i, name in enumerate(supergraph.subgraphs)}
        self._hops: dict[tuple[str, str, tuple[tuple[str, str], ...]], tuple[Hop, ...]] = {}
        self._selections: dict[tuple[str, FieldSet], tuple[Selection, ...]] = {}
        self._resolvable: dict[tuple[str, str, str, tuple[tuple[str, str], ...]], bool] = {}
        self._arguments: dict[tuple[str, str, str, tuple[tuple[str, str], ...]], bool] = {}

    # -- types ---------------------------------------------------------------
    def is_abstract(self, type_name: str) -> bool:
        return self.supergraph.types[type_name].is_abstract

    def is_composite(self, type_name: str) -> bool:
        info = self.supergraph.types.get(type_name)
        return info is not None and info.is_composite

    def interface_object_in(self, graph: str, type_name: str) -> bool:
        in_graph = self.supergraph.types[type_name].graphs.get(graph)
        return in_graph is not None and in_graph.interface_object

    def possible_in(self, graph: str, type_name: str) -> tuple[str, ...]:
        if self.interface_object_in(graph, type_name):
            return ()
        return self.supergraph.possible_types_of(type_name, graph)

    def local_type(self, graph: str, parent: str, field_name: str) -> str:
        """The named type ``graph`` gives the field (``join__field(type:)``): it may be a
        member or implementation of the supergraph's abstract type."""
        info = self.supergraph.types[parent].fields[field_name]
        in_graph = info.graphs.get(graph)
        local = in_graph.type.strip("[]!") if in_graph is not None else info.named_type
        return local if local in self.supergraph.types else info.named_type

    def answering(
        self, graph: str, parent: str, field_name: str, alternatives: frozenset[str]
    ) -> frozenset[str]:
        """The subgraphs that could answer this field here, ``graph`` among them.

        ``alternatives`` could answer the enclosing path (empty: ``graph`` alone).
        Below a root field or an entity, any subgraph answering the field could;
        below a value type, only those that could also answer the path above.
        """
        info = self.supergraph.types[parent].fields.get(field_name)
        if info is None:
            return frozenset({graph})
        owners = {
            g for g, f in info.graphs.items() if not f.external and f.owned(self.override_labels)
        }
        type_graphs = self.supergraph.types[parent].graphs
        if parent in self.supergraph.root_types.values():
            reach = owners
        elif any(t.resolvable_keys for t in type_graphs.values()):
            reach = {g for g in owners if g in type_graphs and type_graphs[g].resolvable_keys}
        else:
            reach = owners & alternatives
        return frozenset(reach | {graph})

    def runtime_types(
        self, graph: str, parent: str, field_name: str, answering: frozenset[str]
    ) -> frozenset[str] | None:
        """For an abstract field ``answering`` subgraphs could answer (``@shareable``): the
        possible types every one of them has, so that the answer never depends on which one
        is asked. ``None`` when they all have the ones ``graph`` has."""
        if len(answering) < 2:
            return None
        mine = frozenset(self.possible_in(graph, self.local_type(graph, parent, field_name)))
        common = mine.intersection(
            *(
                self.supergraph.possible_types_of(self.local_type(g, parent, field_name), g)
                for g in answering
            )
        )
        return None if common == mine else common

    def list_depth(self, parent: str, field_name: str) -> int:
        return self.supergraph.types[parent].fields[field_name].type.count("[")

    # -- fields --------------------------------------------------------------
    def resolvable(self, graph: str, parent: str, field: Field, provided: FieldSet | None) -> bool:
        """``graph`` answers ``field`` on ``parent`` here, without another fetch."""
        if field.name == "__typename":
            return not self.interface_object_in(graph, parent)
        if provided is not None and provided_field(provided, parent, field.name, self):
            return True
        cache_key = (graph, parent, field.name, field.arguments)
        found = self._resolvable.get(cache_key)
        if found is None:
            found = self._resolvable[cache_key] = self._answers_here(graph, parent, field)
        return found

    def _answers_here(self, graph: str, parent: str, field: Field) -> bool:
        if not self.supergraph.has_type_in(graph, parent):
            return False
        info = self.supergraph.types[parent].fields.get(field.name)
        in_graph = info.graphs.get(graph) if info else None
        if (
            in_graph is None
            or not in_graph.owned(self.override_labels)
            or in_graph.requires is not None
            # A contextual argument travels as a variable of an _entities request.
            or in_graph.context_arguments
        ):
            return False
        if field.arguments and not self.arguments_known(graph, parent, field):
            return False
        if in_graph.external:
            # Not answerable here even when part of a key: only sent here in representations.
            return False
        if self.is_abstract(parent) and not self.interface_object_in(graph, parent):
            # An interface field is answered at interface level only when every
            # implementation in this graph answers it itself.
            return all(
                self.resolvable(graph, concrete, replace(field, parent_type=concrete), None)
                for concrete in self.possible_in(graph, parent)
            )
        return True

    def arguments_known(self, graph: str, parent: str, field: Field) -> bool:
        """Literal enum values and input fields in the arguments all exist in ``graph``."""
        cache_key = (graph, parent, field.name, field.arguments)
        found = self._arguments.get(cache_key)
        if found is None:
            found = self._arguments[cache_key] = self.argument_refusal(graph, parent, field) is None
        return found

    def argument_refusal(self, graph: str, parent: str, field: Field) -> str | None:
        """What in the field's literal arguments ``graph`` does not know; ``None``: nothing."""
        info = self.supergraph.types[parent].fields[field.name]
        types = {a.name: a.type.strip("[]!") for a in info.arguments}
        for name, value in field.arguments:
            refusal = self._refusal(graph, types.get(name, ""), parse_value(value))
            if refusal is not None:
                return f'argument "{name}": {refusal}'
        return None

    def _refusal(self, graph: str, type_name: str, value: ValueNode) -> str | None:
        if isinstance(value, VariableNode):
            default = self.variable_defaults.get(value.name.value)
            if default is None:
                return None  # a value known only at run time: the executor checks it
            refusal = self._refusal(graph, type_name, parse_value(default))
            return None if refusal is None else f"the default of ${value.name.value}: {refusal}"
        info = self.supergraph.types.get(type_name)
        if info is None:
            return None
        if isinstance(value, ListValueNode):
            return next(
                (r for item in value.values if (r := self._refusal(graph, type_name, item))), None
            )
        if isinstance(value, EnumValueNode):
            if graph in info.enum_values.get(value.value, frozenset({graph})):
                return None
            return f'enum "{type_name}" has no value "{value.value}"'
        if isinstance(value, ObjectValueNode):
            for item in value.fields:
                input_field = info.fields.get(item.name.value)
                if input_field is None or (input_field.graphs and graph not in input_field.graphs):
                    return f'input "{type_name}" has no field "{item.name.value}"'
                refusal = self._refusal(graph, input_field.named_type, item.value)
                if refusal is not None:
                    return refusal
        return None

    def field_requires(self, graph: str, parent: str, name: str) -> FieldSet | None:
        info = self.supergraph.types[parent].fields.get(name)
        in_graph = info.graphs.get(graph) if info else None
        return in_graph.requires if in_graph else None

    def context_arguments(self, graph: str, parent: str, name: str) -> tuple[ContextArgument, ...]:
        info = self.supergraph.types[parent].fields.get(name)
        in_graph = info.graphs.get(graph) if info else None
        return in_graph.context_arguments if in_graph else ()

    def field_provides(self, graph: str, parent: str, name: str) -> FieldSet | None:
        info = self.supergraph.types[parent].fields.get(name)
        in_graph = info.graphs.get(graph) if info else None
        return in_graph.provides if in_graph else None

    # -- hops ----------------------------------------------------------------
    def hops(self, parent: str, field: Field) -> tuple[Hop, ...]:
        """Every ``_entities`` hop after which ``field`` on ``parent`` is answerable."""
        cache_key = (parent, field.name, field.arguments)
        found = self._hops.get(cache_key)
        if found is None:
            found = self._hops[cache_key] = tuple(
                sorted(self._find_hops(parent, field), key=lambda h: self.graph_order[h.graph])
            )
        return found

    def _find_hops(self, parent: str, field: Field) -> list[Hop]:
        info = self.supergraph.types[parent]
        hops: list[Hop] = []
        as_field = replace(field, parent_type=parent)
        for graph, in_graph in info.graphs.items():
            if in_graph.resolvable_keys and self._answers_after_hop(graph, parent, as_field):
                hops.append(Hop(graph, parent, interface_object=in_graph.interface_object))
        if info.kind is TypeKind.OBJECT:
            # Fields an @interfaceObject adds to every implementation.
            for interface in info.interfaces:
                interface_info = self.supergraph.types.get(interface)
                if interface_info is None:
                    continue
                for graph, in_graph in interface_info.graphs.items():
                    if (
                        in_graph.interface_object
                        and in_graph.resolvable_keys
                        and self._answers_after_hop(
                            graph, interface, replace(field, parent_type=interface)
                        )
                    ):
                        hops.append(Hop(graph, interface, interface_object=True))
        return hops

    def _answers_after_hop(self, graph: str, parent: str, field: Field) -> bool:
        """After an ``_entities`` hop, ``graph`` answers the field (requirements supplied)."""
        if field.name == "__typename":
            return not self.interface_object_in(graph, parent)
        info = self.supergraph.types[parent].fields.get(field.name)
        in_graph = info.graphs.get(graph) if info else None
        if in_graph is None or in_graph.external or not in_graph.owned(self.override_labels):
            return False
        if field.arguments and not self.arguments_known(graph, parent, field):
            return False
        if self.is_abstract(parent) and not self.interface_object_in(graph, parent):
            return all(
                self._answers_after_hop(graph, concrete, replace(field, parent_type=concrete))
                for concrete in self.possible_in(graph, parent)
            )
        return True

    def keys(self, graph: str, entity_type: str) -> tuple[Key, ...]:
        return self.supergraph.types[entity_type].graphs[graph].resolvable_keys

    def concrete_type_hops(self, interface: str) -> tuple[Hop, ...]:
        """Graphs that turn an interface representation into its concrete ``__typename``."""
        info = self.supergraph.types[interface]
        return tuple(
            Hop(graph, interface)
            for graph, in_graph in sorted(info.graphs.items(), key=lambda g: self.graph_order[g[0]])
            if not in_graph.interface_object
            and in_graph.resolvable_keys
            # A graph where nothing implements the interface has no concrete type to give.
            and self.supergraph.possible_types_of(interface, graph)
        )

    # -- field sets as selections --------------------------------------------
    def selections(self, parent: str, field_set: FieldSet) -> tuple[Selection, ...]:
        """A supergraph field set (key, requires) as operation selections on ``parent``."""
        cache_key = (parent, field_set)
        cached = self._selections.get(cache_key)
        if cached is None:
            cached = self._selections[cache_key] = self._to_selections(parent, field_set)
        return cached

    def _to_selections(self, parent: str, field_set: FieldSet) -> tuple[Selection, ...]:
        found: list[Selection] = []
        for item in field_set:
            if isinstance(item, FragmentSelection):
                condition = item.type_condition or parent
                if condition == parent:
                    found.extend(self.selections(parent, item.selections))
                    continue
                for concrete in self.supergraph.possible_types_of(condition):
                    if concrete in self.supergraph.possible_types_of(parent):
                        found.append(Fragment(concrete, self.selections(concrete, item.selections)))
                continue
            if item.name == "__typename":
                found.append(Field("__typename", parent, "String"))
                continue
            field_type = self.supergraph.types[parent].fields[item.name].named_type
            found.append(
                Field(
                    name=item.name,
                    parent_type=parent,
                    type=field_type,
                    arguments=item.arguments,
                    selections=self.selections(field_type, item.selections),
                )
            )
        return tuple(found)


def provided_field(
    provided: FieldSet, parent: str, name: str, capabilities: Capabilities
) -> FieldSelection | None:
    """The ``@provides`` entry for field ``name`` on ``parent``, if the path provides it."""
    for item in narrow_provided(provided, parent, capabilities):
        if isinstance(item, FieldSelection) and item.name == name:
            return item
    return None


def narrow_provided(
    provided: FieldSet, parent: str, capabilities: Capabilities
) -> tuple[FieldSelection, ...]:
    """The provided fields that apply to objects of type ``parent``."""
    found: list[FieldSelection] = []
    for item in provided:
        if isinstance(item, FieldSelection):
            found.append(item)
        elif (
            item.type_condition is None
            or parent in capabilities.supergraph.possible_types_of(item.type_condition)
            or item.type_condition == parent
        ):
            found.extend(narrow_provided(item.selections, parent, capabilities))
    return tuple(found)


def answers_all(
    capabilities: Capabilities,
    graph: str,
    parent: str,
    selections: tuple[Selection, ...],
    provided: FieldSet | None,
) -> bool:
    """``graph`` answers every selection (a key, a requirement) here without another fetch."""
    for selection in selections:
        if isinstance(selection, Fragment):
            if selection.type_condition not in capabilities.possible_in(graph, parent):
                continue
            if not answers_all(
                capabilities, graph, selection.type_condition, selection.selections, provided
            ):
                return False
            continue
        if not capabilities.resolvable(graph, parent, selection, provided):
            return False
        if selection.selections:
            inner = (
                provided_field(provided, parent, selection.name, capabilities) if provided else None
            )
            sub_provided = (
                inner.selections
                if inner is not None
                else capabilities.field_provides(graph, parent, selection.name)
            )
            if not answers_all(
                capabilities, graph, selection.type, selection.selections, sub_provided
            ):
                return False
    return True

"""The supergraph model: the client API schema plus who owns what, per subgraph.

Every record is frozen; the loader builds them once per supergraph. Type
references are kept as SDL text (``"[User!]!"``) with the named type beside
them, which is all the planner needs.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from graphql import GraphQLSchema

from router.supergraph.authorization import Authorization
from router.supergraph.field_set import FieldSet


class TypeKind(enum.Enum):
    OBJECT = "type"
    INTERFACE = "interface"
    UNION = "union"
    ENUM = "enum"
    INPUT_OBJECT = "input"
    SCALAR = "scalar"


@dataclass(frozen=True, slots=True)
class Key:
    """One ``@key`` of a type in one subgraph."""

    text: str
    fields: FieldSet
    resolvable: bool = True


@dataclass(frozen=True, slots=True)
class TypeInGraph:
    """How one subgraph declares a type."""

    keys: tuple[Key, ...] = ()
    extension: bool = False
    interface_object: bool = False

    @property
    def resolvable_keys(self) -> tuple[Key, ...]:
        return tuple(key for key in self.keys if key.resolvable)


@dataclass(frozen=True, slots=True)
class ContextArgument:
    """An argument the subgraph fills from a context (``@fromContext``, join v0.5).

    ``context`` is the qualified name a type sets with ``@context``
    (``"catalog__shop"``); ``selection`` is what to read on the nearest ancestor
    that sets it; ``type`` is the argument's type in the subgraph. The argument
    is not part of the API schema: the router passes it to the subgraph as the
    variable ``variable`` (``contextualArgument_<subgraph>_<index>``, Apollo's
    naming), with a value per entity. ``reads`` maps each object type setting
    the context to the one chain of fields the selection reads on it.
    """

    name: str
    type: str
    context: str
    selection: FieldSet
    variable: str
    reads: tuple[tuple[str, FieldSet], ...] = ()

    def reads_on(self, type_name: str) -> FieldSet | None:
        return next((chain for name, chain in self.reads if name == type_name), None)


@dataclass(frozen=True, slots=True)
class FieldInGraph:
    """How one subgraph declares a field (``join__field``)."""

    type: str
    external: bool = False
    requires: FieldSet | None = None
    provides: FieldSet | None = None
    override: str | None = None
    used_overridden: bool = False
    override_label: str | None = None
    context_arguments: tuple[ContextArgument, ...] = ()

    def owned(self, override_labels: frozenset[str] = frozenset()) -> bool:
        """The subgraph answers this field itself, given the progressive-override labels on.

        A labelled (progressive) override moves the field only while its label
        is on; otherwise the overridden subgraph keeps answering it.
        """
        if self.override_label is not None:
            active = self.override_label in override_labels
            # The overriding subgraph names its source; the source carries
            # only the label (and usedOverridden when it still needs it).
            return active if self.override is not None else not active
        return not self.used_overridden


@dataclass(frozen=True, slots=True)
class ArgumentInfo:
    name: str
    type: str


@dataclass(frozen=True, slots=True)
class FieldInfo:
    name: str
    type: str
    named_type: str
    graphs: Mapping[str, FieldInGraph]
    arguments: tuple[ArgumentInfo, ...] = ()
    inaccessible: bool = False


@dataclass(frozen=True, slots=True)
class TypeInfo:
    """A named type of the supergraph with its per-subgraph view.

    ``implements`` and ``members`` map a subgraph to the interfaces it lets the
    type implement and the union members it knows; ``enum_values`` maps a
    value to the subgraphs that know it.
    """

    name: str
    kind: TypeKind
    graphs: Mapping[str, TypeInGraph]
    fields: Mapping[str, FieldInfo] = field(default_factory=dict)
    interfaces: tuple[str, ...] = ()
    implements: Mapping[str, frozenset[str]] = field(default_factory=dict)
    members: tuple[str, ...] = ()
    members_in: Mapping[str, frozenset[str]] = field(default_factory=dict)
    enum_values: Mapping[str, frozenset[str]] = field(default_factory=dict)
    inaccessible: bool = False
    contexts: frozenset[str] = frozenset()

    @property
    def is_abstract(self) -> bool:
        return self.kind in (TypeKind.INTERFACE, TypeKind.UNION)

    @property
    def is_composite(self) -> bool:
        return self.kind in (TypeKind.OBJECT, TypeKind.INTERFACE, TypeKind.UNION)


@dataclass(frozen=True, slots=True)
class Supergraph:
    """A loaded supergraph: the client API schema and per-subgraph ownership.

    ``subgraphs`` maps subgraph name to URL; ``graph_names`` maps the
    ``join__Graph`` enum values to subgraph names; ``root_types`` maps
    ``query``/``mutation``/``subscription`` to type names; ``possible_types``
    lists the object types of an abstract type, ``possible_types_in`` the
    same as one subgraph sees them; ``override_labels`` are the progressive
    ``@override`` labels the supergraph uses. ``context_types`` maps a context
    name to the object types that set it, directly or through an interface or
    union carrying ``@context``. ``authorization`` holds the ``@authenticated``
    and ``@requiresScopes`` requirements.
    """

    version: str
    subgraphs: Mapping[str, str]
    graph_names: Mapping[str, str]
    root_types: Mapping[str, str]
    types: Mapping[str, TypeInfo]
    api_schema: GraphQLSchema
    possible_types: Mapping[str, tuple[str, ...]]
    possible_types_in: Mapping[tuple[str, str], tuple[str, ...]]
    federation_version: int = 2
    override_labels: frozenset[str] = frozenset()
    context_types: Mapping[str, frozenset[str]] = field(default_factory=dict)
    authorization: Authorization = field(default_factory=Authorization)

    def type(self, name: str) -> TypeInfo:
        return self.types[name]

    def has_type_in(self, graph: str, name: str) -> bool:
        info = self.types.get(name)
        return info is not None and (not info.graphs or graph in info.graphs)

    def possible_types_of(self, name: str, graph: str | None = None) -> tuple[str, ...]:
        """Object types a value of ``name`` can have, overall or in ``graph``."""
        if graph is None:
            return self.possible_types.get(name, (name,))
        return self.possible_types_in.get((graph, name), ())

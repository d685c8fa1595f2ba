"""The supergraph model: ``load_supergraph(sdl) -> Supergraph``.

Reads a composed supergraph (Federation 2 with ``@link`` and join v0.2 to v0.5,
or Federation 1 with ``@core`` and join v0.1/v0.2) into the client API schema
and a per-subgraph view of types, fields and keys for the planner.
"""

from router.supergraph.errors import (
    SupergraphError,
    SupergraphSyntaxError,
    UnsupportedSupergraphError,
)
from router.supergraph.field_set import (
    FieldSelection,
    FieldSet,
    FragmentSelection,
    Selection,
    parse_field_set,
    print_field_set,
)
from router.supergraph.loader import load_supergraph
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

__all__ = [
    "ArgumentInfo",
    "ContextArgument",
    "FieldInGraph",
    "FieldInfo",
    "FieldSelection",
    "FieldSet",
    "FragmentSelection",
    "Key",
    "Selection",
    "Supergraph",
    "SupergraphError",
    "SupergraphSyntaxError",
    "TypeInGraph",
    "TypeInfo",
    "TypeKind",
    "UnsupportedSupergraphError",
    "load_supergraph",
    "parse_field_set",
    "print_field_set",
]

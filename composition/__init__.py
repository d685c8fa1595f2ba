"""Supergraph composition: Federation v2 subgraph SDLs in, a supergraph SDL out.

``compose(subgraphs)`` is the one entry point. It reads each subgraph (``subgraph``,
``links``), checks its field sets (``facts``, ``fieldsets``), merges the types
(``merge``, ``fields``, ``arguments``, ``typerefs``, ``sources``), checks the merged
graph (``inaccessible``, ``satisfiability``) and prints it (``printer``). ``diff``
compares two supergraphs as clients see them.

Errors are values, never exceptions: a failed composition returns every
:class:`CompositionError` found, each with a code (Apollo's name where it has one)::

    CompositionError(code, message)
    ├── INVALID_GRAPHQL                        a subgraph SDL does not parse or build
    ├── field sets (one subgraph)
    │   ├── KEY_INVALID_FIELDS, KEY_FIELDS_HAS_ARGS, KEY_FIELDS_SELECT_INVALID_TYPE,
    │   │   KEY_HAS_DIRECTIVE_IN_FIELDS_ARGS
    │   ├── REQUIRES_INVALID_FIELDS, REQUIRES_FIELDS_MISSING_EXTERNAL
    │   ├── PROVIDES_INVALID_FIELDS, PROVIDES_FIELDS_MISSING_EXTERNAL,
    │   │   PROVIDES_ON_NON_OBJECT_FIELD
    │   └── EXTERNAL_UNUSED
    ├── merging (across subgraphs)
    │   ├── TYPE_KIND_MISMATCH, FIELD_TYPE_MISMATCH, FIELD_ARGUMENT_TYPE_MISMATCH
    │   ├── INVALID_FIELD_SHARING, EXTERNAL_MISSING_ON_BASE
    │   ├── OVERRIDE_FROM_SELF_ERROR, OVERRIDE_SOURCE_HAS_OVERRIDE,
    │   │   OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE
    │   ├── ENUM_VALUE_MISMATCH, EMPTY_MERGED_ENUM_TYPE
    │   ├── EMPTY_MERGED_INPUT_TYPE, REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH,
    │   │   REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH
    │   └── INPUT_FIELD_DEFAULT_MISMATCH, FIELD_ARGUMENT_DEFAULT_MISMATCH
    ├── the merged graph
    │   ├── REFERENCED_INACCESSIBLE, ONLY_INACCESSIBLE_CHILDREN, REQUIRED_INACCESSIBLE
    │   └── NO_QUERIES
    └── SATISFIABILITY_ERROR                   a field no query can reach
"""

from __future__ import annotations

from composition.compose import CompositionResult, compose
from composition.errors import CompositionError
from composition.subgraph import SubgraphSDL

__all__ = ["CompositionError", "CompositionResult", "SubgraphSDL", "compose"]

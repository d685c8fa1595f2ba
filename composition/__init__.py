"""Supergraph composition: Federation subgraph SDLs in, a Federation v2 supergraph SDL out.

``compose(subgraphs)`` is the one entry point, a pipeline of one-way stages:

1. read each subgraph (``subgraph``, ``links``): federation names made canonical, roots
   renamed, built with graphql-core;
2. collect its facts, checking its field sets and other rules (``facts``, ``fieldsets``,
   ``subgraph_rules``), reading Federation 1 subgraphs as Apollo's upgrader does (``fed1``);
3. merge the types (``merge``, ``fields``, ``arguments``, ``enums``, ``externals``,
   ``overrides``, ``typerefs``, ``sources``, ``access``, ``directives``) into a model (``model``);
4. check the merged graph (``graph_rules``, ``inaccessible``, ``satisfiability``);
5. print it in Apollo's layout (``printer``).

``api_schema`` and ``diff`` compare two supergraphs as clients see them.

Errors are values, never exceptions: a failed composition returns every
:class:`CompositionError` found (the merge goes on past the subgraphs' own errors), each
with a code, Apollo's name where it has one::

    CompositionError(code, message)
    ├── INVALID_GRAPHQL                 a subgraph (or the merged graph) is not valid GraphQL
    ├── INVALID_LINK_DIRECTIVE_USAGE    an import the linked federation version lacks
    ├── UNSUPPORTED_FEATURE             @cost, @listSize, @context, @fromContext, @composeDirective
    ├── one subgraph
    │   ├── KEY_INVALID_FIELDS, KEY_FIELDS_HAS_ARGS, KEY_FIELDS_SELECT_INVALID_TYPE,
    │   │   KEY_HAS_DIRECTIVE_IN_FIELDS_ARGS, INTERFACE_KEY_NOT_ON_IMPLEMENTATION,
    │   │   KEY_UNSUPPORTED_ON_INTERFACE, INVALID_SHAREABLE_USAGE,
    │   │   AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE
    │   ├── REQUIRES_INVALID_FIELDS, REQUIRES_FIELDS_MISSING_EXTERNAL
    │   ├── PROVIDES_INVALID_FIELDS, PROVIDES_FIELDS_MISSING_EXTERNAL,
    │   │   PROVIDES_ON_NON_OBJECT_FIELD
    │   └── EXTERNAL_UNUSED
    ├── merging
    │   ├── TYPE_KIND_MISMATCH, EXTENSION_WITH_NO_BASE, LINK_IMPORT_NAME_MISMATCH
    │   ├── FIELD_TYPE_MISMATCH, FIELD_ARGUMENT_TYPE_MISMATCH, INVALID_FIELD_SHARING
    │   ├── EXTERNAL_MISSING_ON_BASE, EXTERNAL_TYPE_MISMATCH, EXTERNAL_ARGUMENT_MISSING,
    │   │   EXTERNAL_ARGUMENT_TYPE_MISMATCH, EXTERNAL_ARGUMENT_DEFAULT_MISMATCH,
    │   │   MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL
    │   ├── OVERRIDE_FROM_SELF_ERROR, OVERRIDE_SOURCE_HAS_OVERRIDE,
    │   │   OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE
    │   ├── ENUM_VALUE_MISMATCH, EMPTY_MERGED_ENUM_TYPE
    │   ├── EMPTY_MERGED_INPUT_TYPE, REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH,
    │   │   REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH,
    │   │   INPUT_FIELD_DEFAULT_MISMATCH, FIELD_ARGUMENT_DEFAULT_MISMATCH
    │   ├── INTERFACE_FIELD_NO_IMPLEM, INTERFACE_OBJECT_USAGE_ERROR
    │   └── NO_QUERIES
    ├── the merged graph
    │   ├── REFERENCED_INACCESSIBLE, ONLY_INACCESSIBLE_CHILDREN, REQUIRED_INACCESSIBLE,
    │   │   IMPLEMENTED_BY_INACCESSIBLE, QUERY_ROOT_TYPE_INACCESSIBLE
    │   └── SATISFIABILITY_ERROR        a field some query cannot reach
"""

from __future__ import annotations

from composition.compose import CompositionResult, compose
from composition.errors import CompositionError
from composition.subgraph import SubgraphSDL

__all__ = ["CompositionError", "CompositionResult", "SubgraphSDL", "compose"]

"""Where a cached answer lives in Redis: keys per subgraph, type, entity key and selection.

As Apollo Router keys its entity cache, an entry names the subgraph, the
type, the entity (a digest of its canonical ``@key`` fields), the whole
representation (``@requires`` values change the answer too) and the fetch's
selection (a digest of the subgraph operation and the variable values it
uses); a private entry adds a digest of the verified token's subject. Root
fields are keyed by subgraph, ``Query`` and the selection digest alone.

Invalidation never searches for entries: each entity, and each type, has a
version counter beside the entries (``…v:subgraph:type:entity`` and
``…v:subgraph:type``). An entry records the versions it was read under and
is a hit only while both are unchanged, so invalidating an entity is one
``INCR``, whatever selections and users its entries were stored for.
Canonical means key order aside: ``{"id": 1, "sku": "a"}`` and
``{"sku": "a", "id": 1}`` name one entity. Cost: one orjson encoding and one
BLAKE2b digest per representation; the operation's digest is computed once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import orjson

from router.supergraph.field_set import FieldSelection
from router.supergraph.model import Supergraph

EntityKeys = Mapping[tuple[str, str], tuple[tuple[str, ...], ...]]
"""(subgraph, type) → the top-level field names of each resolvable ``@key``, in supergraph order."""

ROOT_TYPE = "Query"
"""The type name root-field entries and their invalidations use, whatever the subgraph calls it."""


def digest(value: Any) -> str:
    """A short, stable digest of a JSON value, key order aside."""
    encoded = (
        value if isinstance(value, bytes) else orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    )
    return hashlib.blake2b(encoded, digest_size=16).hexdigest()


_OPERATION_NAME = re.compile(r"^\s*(query|mutation|subscription)\s*[_A-Za-z][_0-9A-Za-z]*")


@lru_cache(maxsize=4096)
def _operation_digest(operation: str) -> str:
    # The planner names each subgraph operation after the client's and the fetch's place
    # in the plan: the same selection asked by two operations must share entries.
    return digest(_OPERATION_NAME.sub(r"\1", operation, count=1).encode())


def selection_digest(operation: str, variables: Mapping[str, Any]) -> str:
    """The fetch's selection: its operation text and the client variable values it sends."""
    if not variables:
        return _operation_digest(operation)
    return digest([_operation_digest(operation), variables])


def entity_identity(
    representation: Mapping[str, Any], candidates: Iterable[tuple[str, ...]]
) -> Any:
    """The entity a representation names: its values of the first ``@key`` it carries whole.

    With no such key (a supergraph the router could not read keys from), the
    whole representation stands for the entity.
    """
    for fields in candidates:
        if all(name in representation for name in fields):
            return {name: representation[name] for name in fields}
    return {name: value for name, value in representation.items() if name != "__typename"}


def entity_keys(supergraph: Supergraph) -> EntityKeys:
    """The resolvable keys' top-level fields of every entity type, per subgraph."""
    found: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {}
    for info in supergraph.types.values():
        for graph, in_graph in info.graphs.items():
            keys = tuple(
                tuple(s.name for s in key.fields if isinstance(s, FieldSelection))
                for key in in_graph.resolvable_keys
            )
            if keys:
                found[(graph, info.name)] = keys
    return found


class KeySpace:
    """Builds every key of one router's cache under ``prefix``."""

    __slots__ = ("prefix",)

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def entity_version(self, subgraph: str, typename: str, identity: Any) -> str:
        """The version counter of the entity ``identity`` (its key fields) names."""
        return self.entity_version_of(subgraph, typename, digest(identity))

    def entity_version_of(self, subgraph: str, typename: str, entity: str) -> str:
        """:meth:`entity_version` for an entity already digested."""
        return f"{self.prefix}v:{subgraph}:{typename}:{entity}"

    def type_version(self, subgraph: str, typename: str) -> str:
        return f"{self.prefix}v:{subgraph}:{typename}"

    def entity_entry(
        self,
        subgraph: str,
        typename: str,
        entity: str,
        representation: Mapping[str, Any],
        selection: str,
        subject: str | None,
    ) -> str:
        """The entry of one representation of the entity digested as ``entity``."""
        key = f"{self.prefix}e:{subgraph}:{typename}:{entity}:{digest(representation)}:{selection}"
        return key if subject is None else f"{key}:p:{subject_digest(subject)}"

    def root_entry(self, subgraph: str, selection: str, subject: str | None) -> str:
        key = f"{self.prefix}e:{subgraph}:{ROOT_TYPE}:{selection}"
        return key if subject is None else f"{key}:p:{subject_digest(subject)}"

    @property
    def channel(self) -> str:
        """The Redis pub/sub channel invalidation events arrive on."""
        return f"{self.prefix}invalidate"


def subject_digest(subject: str) -> str:
    """The token subject as it appears in keys: never the raw value."""
    return digest(subject.encode())

"""The mutable state of one request while its plan runs: the response tree and what came back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLSchema, is_abstract_type

from router.cache import RequestCache
from router.execution.subgraph_errors import SubgraphErrorPolicy
from router.execution.tree import objects_at
from router.transport.types import Headers, Transport


@dataclass(slots=True)
class Walks:
    """The tree's shape (bumped by every merge that changes it) and the walks made in it."""

    shape: int = 0
    walked: dict[tuple[str, ...], tuple[int, list[dict[str, Any]]]] = field(default_factory=dict)


@dataclass(slots=True)
class RunState:
    schema: GraphQLSchema
    transport: Transport
    variables: Mapping[str, Any]
    headers: Headers
    policy: SubgraphErrorPolicy
    cache: RequestCache | None = None
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    subgraph_headers: list[Headers] = field(default_factory=list)
    # What this request made of the tree, by id: the rest is subgraph answers, maybe shared
    # with other requests, which are never changed (see :mod:`.tree`).
    owned: dict[int, Any] = field(default_factory=dict)
    # Walks of Flatten paths, kept while the tree's shape has not changed since: a merge that
    # adds or replaces anything a walk could step into (or a __typename) starts a new shape.
    # One per tree: the states of deferred parts (copies of this one) share it.
    walks: Walks = field(default_factory=lambda: Walks())

    def __post_init__(self) -> None:
        self.owned[id(self.data)] = self.data

    def objects_at(self, path: tuple[str, ...]) -> list[dict[str, Any]]:
        """The objects at ``path`` (owned, not to be changed as a list): :func:`.tree.objects_at`.

        Sequential fetches often share paths (an entity fetch, then one that
        requires what it fetched); the second walk is skipped when no merge
        since the first changed the shape of the tree.
        """
        walks = self.walks
        found = walks.walked.get(path)
        if found is not None and found[0] == walks.shape:
            return found[1]
        objects = objects_at(self.data, path, self.matches, self.owned)
        walks.walked[path] = (walks.shape, objects)
        return objects

    def matches(self, typename: str | None, condition: str) -> bool:
        """Does ``... on condition`` select an object whose ``__typename`` is ``typename``."""
        if typename is None:
            return False
        if typename == condition:
            return True
        abstract = self.schema.get_type(condition)
        concrete = self.schema.get_type(typename)
        if abstract is None or concrete is None or not is_abstract_type(abstract):
            return False
        return self.schema.is_sub_type(abstract, concrete)

"""The router's front half as the HTTP layer sees it: load a supergraph, prepare operations.

:class:`FrontHalf` is the plug point between the edge and the planning
stages, so the edge can be exercised with a stand-in and the composition root
picks the real stages (:mod:`router.http.federation`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql import GraphQLSchema

from router.cache import EntityKeys
from router.plan import QueryPlan
from router.prepare import PlanningLimits, Prepared
from router.supergraph.authorization import ANONYMOUS, Access, Authorization


@dataclass(frozen=True, slots=True)
class LoadedGraph:
    """A supergraph ready to serve; ``model`` is the supergraph stage's own object.

    ``override_labels`` are the progressive ``@override`` labels it uses;
    ``authorization`` its ``@authenticated``/``@requiresScopes`` requirements;
    ``entity_keys`` the key fields of each entity type per subgraph (the entity cache's).
    """

    version: str
    api_schema: GraphQLSchema
    subgraph_urls: Mapping[str, str]
    model: Any
    override_labels: frozenset[str] = frozenset()
    authorization: Authorization = field(default_factory=Authorization)
    entity_keys: EntityKeys = field(default_factory=dict)


class FrontHalf(Protocol):
    def load(self, sdl: str) -> LoadedGraph:
        """Raise :class:`~router.http.errors.SupergraphRejected` for a supergraph that cannot be served."""
        ...

    def prepare(
        self,
        graph: LoadedGraph,
        query: str,
        operation_name: str | None,
        *,
        limits: PlanningLimits,
        override_labels: frozenset[str] = frozenset(),
        access: Access = ANONYMOUS,
    ) -> Prepared:
        """Prepare what ``access`` may see, with ``override_labels`` on; raise :class:`~router.prepare.OperationRejected`."""
        ...

    def print_plan(self, plan: QueryPlan, notes: Mapping[int, str] | None = None) -> str:
        """``notes``: a comment line for some fetch nodes (by ``id``), e.g. how the cache answered."""
        ...

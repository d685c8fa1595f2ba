"""The engagement request context: the service, the database, this request's loaders, the viewer."""

from __future__ import annotations

from dataclasses import dataclass

from shared.graphql.context import Caller, RequestContext
from subgraphs.engagement.loaders import EngagementLoaders
from subgraphs.engagement.runtime import EngagementRuntime
from subgraphs.engagement.service import EngagementService


@dataclass
class EngagementContext(RequestContext[EngagementService, EngagementLoaders]):
    @classmethod
    def of(cls, runtime: EngagementRuntime, caller: Caller) -> EngagementContext:
        return cls(
            caller=caller,
            service=runtime.service,
            database=runtime.database,
            loaders=EngagementLoaders.of(runtime.service, runtime.database),
        )

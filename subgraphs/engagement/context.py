"""The engagement request context: the service, the database, the hot list, loaders, the viewer."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.graphql.context import Caller, RequestContext
from subgraphs.engagement.loaders import EngagementLoaders
from subgraphs.engagement.runtime import EngagementRuntime
from subgraphs.engagement.service import EngagementService
from subgraphs.engagement.trending import HotList


@dataclass
class EngagementContext(RequestContext[EngagementService, EngagementLoaders]):
    hot: HotList = field(kw_only=True)

    @classmethod
    def of(cls, runtime: EngagementRuntime, caller: Caller) -> EngagementContext:
        return cls(
            caller=caller,
            service=runtime.service,
            database=runtime.database,
            loaders=EngagementLoaders.of(runtime.service, runtime.database),
            hot=runtime.hot,
        )

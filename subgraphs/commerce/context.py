"""The commerce request context: the service, the database, this request's loaders, the viewer."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types import Info

from shared.graphql.context import Caller, RequestContext
from subgraphs.commerce.loaders import CommerceLoaders
from subgraphs.commerce.runtime import CommerceRuntime
from subgraphs.commerce.service import CommerceService


@dataclass
class CommerceContext(RequestContext[CommerceService, CommerceLoaders]):
    runtime: CommerceRuntime | None = None

    @classmethod
    def of(cls, runtime: CommerceRuntime, caller: Caller) -> CommerceContext:
        return cls(
            caller=caller,
            service=runtime.service,
            database=runtime.database,
            loaders=CommerceLoaders.of(runtime.database),
            runtime=runtime,
        )

    @property
    def commerce(self) -> CommerceRuntime:
        assert self.runtime is not None
        return self.runtime


CommerceInfo = Info[CommerceContext, None]

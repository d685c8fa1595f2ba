"""The qa request context: the service, the database, this request's loaders, the viewer."""

from __future__ import annotations

from dataclasses import dataclass

from shared.graphql.context import Caller, RequestContext
from subgraphs.qa.loaders import QaLoaders
from subgraphs.qa.runtime import QaRuntime
from subgraphs.qa.service import QaService


@dataclass
class QaContext(RequestContext[QaService, QaLoaders]):
    @classmethod
    def of(cls, runtime: QaRuntime, caller: Caller) -> QaContext:
        return cls(
            caller=caller,
            service=runtime.service,
            database=runtime.database,
            loaders=QaLoaders.of(runtime.service, runtime.database),
        )

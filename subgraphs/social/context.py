"""The social request context: the service, the database, this request's loaders, the viewer."""

from __future__ import annotations

from dataclasses import dataclass

from shared.graphql.context import Caller, RequestContext
from subgraphs.social.loaders import SocialLoaders
from subgraphs.social.runtime import SocialRuntime
from subgraphs.social.service import SocialService


@dataclass
class SocialContext(RequestContext[SocialService, SocialLoaders]):
    @classmethod
    def of(cls, runtime: SocialRuntime, caller: Caller) -> SocialContext:
        return cls(
            caller=caller,
            service=runtime.service,
            database=runtime.database,
            loaders=SocialLoaders.of(runtime.service, runtime.database),
        )

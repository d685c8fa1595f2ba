"""The articles request context: the service, the database, this request's loaders, the viewer,
and the feed and view counter the articles' fields also read."""

from __future__ import annotations

from dataclasses import dataclass

from shared.graphql.context import Caller, RequestContext
from subgraphs.articles.feed import Feed
from subgraphs.articles.loaders import ArticlesLoaders
from subgraphs.articles.members import Memberships
from subgraphs.articles.runtime import ArticlesRuntime
from subgraphs.articles.service import ArticlesService
from subgraphs.articles.views import ViewCounter


@dataclass
class ArticlesContext(RequestContext[ArticlesService, ArticlesLoaders]):
    feed: Feed
    views: ViewCounter
    memberships: Memberships

    @classmethod
    def of(cls, runtime: ArticlesRuntime, caller: Caller) -> ArticlesContext:
        return cls(
            caller=caller,
            service=runtime.service,
            database=runtime.database,
            loaders=ArticlesLoaders.of(runtime.service, runtime.database, runtime.views),
            feed=runtime.feed,
            views=runtime.views,
            memberships=runtime.memberships,
        )

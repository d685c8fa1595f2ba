"""The notifications request context: the service, the database, this request's loaders,
the viewer, and the live hub its subscriptions listen on."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.graphql.context import Caller, RequestContext
from subgraphs.notifications.live import LiveHub
from subgraphs.notifications.loaders import NotificationsLoaders
from subgraphs.notifications.runtime import NotificationsRuntime
from subgraphs.notifications.service import NotificationsService


@dataclass
class NotificationsContext(RequestContext[NotificationsService, NotificationsLoaders]):
    live: LiveHub = field(kw_only=True)

    @classmethod
    def of(cls, runtime: NotificationsRuntime, caller: Caller) -> NotificationsContext:
        return cls(
            caller=caller,
            service=runtime.service,
            database=runtime.database,
            loaders=NotificationsLoaders.of(runtime.service, runtime.database),
            live=runtime.live,
        )

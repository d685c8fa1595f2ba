"""The chat request context: the service, the database, this request's loaders, the viewer."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.errors import AuthReason, Unauthenticated
from shared.graphql.context import Caller, RequestContext
from subgraphs.chat.loaders import ChatLoaders
from subgraphs.chat.runtime import ChatRuntime
from subgraphs.chat.service import ChatService
from subgraphs.chat.streams import Subscriber


@dataclass
class ChatContext(RequestContext[ChatService, ChatLoaders]):
    subscriber_queue: int = field(default=256, kw_only=True)

    @classmethod
    def of(cls, runtime: ChatRuntime, caller: Caller) -> ChatContext:
        return cls(
            caller=caller,
            service=runtime.service,
            database=runtime.database,
            loaders=ChatLoaders.of(runtime.service, runtime.database),
            subscriber_queue=runtime.settings.chat_subscriber_queue,
        )

    def subscriber(self) -> Subscriber:
        """The signed-in viewer as a subscriber, good until their access token expires."""
        viewer = self.require_viewer()
        claims = self.claims
        if claims is None:
            raise Unauthenticated(
                "Sign in first: this needs an access token.", reason=AuthReason.MISSING
            )
        return Subscriber(viewer, float(claims.expires_at), self.subscriber_queue)

    def refresh_loaders(self) -> None:
        """New loaders for the next event of a subscription: nothing cached outlives an event."""
        self.loaders = ChatLoaders.of(self.service, self.database)

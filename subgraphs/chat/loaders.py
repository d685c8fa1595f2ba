"""Per-request loaders: many conversations, messages or memberships asked in one request
are read in one statement each."""

from __future__ import annotations

from aiodataloader import DataLoader

from shared.db import Database
from shared.ids import UserId
from subgraphs.chat.service import ChatService
from subgraphs.chat.views import (
    ConversationId,
    ConversationView,
    Membership,
    MessageId,
    MessageView,
)


class ConversationLoader(DataLoader[ConversationId, ConversationView | None]):
    def __init__(self, service: ChatService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(self, keys: list[ConversationId]) -> list[ConversationView | None]:
        async with self._database.transaction() as session:
            found = await self._service.conversations_by_id(keys, session=session)
        return [found.get(key) for key in keys]


class MessageLoader(DataLoader[MessageId, MessageView | None]):
    def __init__(self, service: ChatService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(self, keys: list[MessageId]) -> list[MessageView | None]:
        async with self._database.transaction() as session:
            found = await self._service.messages_by_id(keys, session=session)
        return [found.get(key) for key in keys]


class MembershipLoader(DataLoader[tuple[UserId, ConversationId], Membership | None]):
    """(member, conversation) → their standing; the keys of one request share one member."""

    def __init__(self, service: ChatService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(
        self, keys: list[tuple[UserId, ConversationId]]
    ) -> list[Membership | None]:
        found: dict[tuple[UserId, ConversationId], Membership] = {}
        async with self._database.transaction() as session:
            for user in {user for user, _ in keys}:
                ids = [conversation for member, conversation in keys if member == user]
                for conversation, membership in (
                    await self._service.memberships(user, ids, session=session)
                ).items():
                    found[(user, conversation)] = membership
        return [found.get(key) for key in keys]


class ChatLoaders:
    """This request's loaders, each made on first use: a subscription renews them for every
    event (nothing cached outlives one), and most events use none."""

    def __init__(self, service: ChatService, database: Database) -> None:
        self._service = service
        self._database = database
        self._conversations: ConversationLoader | None = None
        self._messages: MessageLoader | None = None
        self._memberships: MembershipLoader | None = None

    @classmethod
    def of(cls, service: ChatService, database: Database) -> ChatLoaders:
        return cls(service, database)

    @property
    def conversations(self) -> ConversationLoader:
        if self._conversations is None:
            self._conversations = ConversationLoader(self._service, self._database)
        return self._conversations

    @property
    def messages(self) -> MessageLoader:
        if self._messages is None:
            self._messages = MessageLoader(self._service, self._database)
        return self._messages

    @property
    def memberships(self) -> MembershipLoader:
        if self._memberships is None:
            self._memberships = MembershipLoader(self._service, self._database)
        return self._memberships

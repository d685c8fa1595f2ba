"""Per-request loaders: many conversations, messages or memberships asked in one request
are read in one statement each."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class ChatLoaders:
    conversations: ConversationLoader
    messages: MessageLoader
    memberships: MembershipLoader

    @classmethod
    def of(cls, service: ChatService, database: Database) -> ChatLoaders:
        return cls(
            conversations=ConversationLoader(service, database),
            messages=MessageLoader(service, database),
            memberships=MembershipLoader(service, database),
        )

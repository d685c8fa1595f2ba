"""The chat domain on MariaDB (and, for tests marked ``sqlite``, on SQLite too), on real Redis."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from shared.domain import create_app
from subgraphs.chat.domain import SPEC
from subgraphs.chat.runtime import ChatRuntime
from tests.conftest import MySQLDatabases
from tests.subgraphs.conftest import settings_maker
from tests.support.graphql import GraphQLClient

MIGRATIONS = SPEC.migrations
_MEMBERS = itertools.count(7_000)

START = "mutation($u: ID!) { startConversation(userId: $u) { id kind memberCount } }"
ROOM = """mutation($t: String!, $p: Boolean!) {
  createRoom(title: $t, public: $p) { id kind title memberCount } }"""
SEND = """mutation($c: ID!, $k: String!, $b: String!) {
  sendMessage(conversationId: $c, clientMessageId: $k, body: $b) { id seq body sender { id } } }"""
JOIN = "mutation($c: ID!) { joinRoom(conversationId: $c) { id memberCount } }"
INVITE = "mutation($c: ID!, $u: ID!) { inviteToRoom(conversationId: $c, userId: $u) { id } }"


@pytest.fixture(scope="session")
def chat_mysql_url(mysql_databases: MySQLDatabases) -> URL:
    return mysql_databases.create("chat", MIGRATIONS)


@dataclass
class Chat:
    runtime: ChatRuntime
    client: GraphQLClient

    async def execute(self, query: str, user: str | None = None, **variables: Any) -> Any:
        token = self.runtime.tokens.issue(user) if user else None
        return await self.client.execute(query, variables, token=token)

    async def data(self, query: str, user: str | None = None, **variables: Any) -> Any:
        body = await self.execute(query, user, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    @staticmethod
    def members(count: int) -> list[str]:
        return [str(next(_MEMBERS)) for _ in range(count)]

    async def direct(self, user: str, other: str) -> str:
        conversation: str = (await self.data(START, user, u=other))["startConversation"]["id"]
        return conversation

    async def room(self, owner: str, title: str = "Room", *, public: bool = True) -> str:
        room: str = (await self.data(ROOM, owner, t=title, p=public))["createRoom"]["id"]
        return room

    async def send(self, user: str, conversation: str, body: str, key: str | None = None) -> Any:
        key = key or f"k-{next(_MEMBERS)}"
        return (await self.data(SEND, user, c=conversation, k=key, b=body))["sendMessage"]


def make_chat(url: URL, redis_prefix: str, **settings: Any) -> Chat:
    runtime = SPEC.build_runtime(settings_maker(SPEC, url, redis_prefix)(**settings))
    return Chat(runtime, GraphQLClient(create_app(SPEC, runtime)))


async def close_chat(chat: Chat) -> None:
    await chat.client.aclose()
    await chat.runtime.aclose()


@pytest.fixture
async def chat(
    backend: str,
    chat_mysql_url: URL,
    sqlite_url: Callable[[str, Path], URL],
    redis_prefix: str,
) -> AsyncIterator[Chat]:
    url = chat_mysql_url if backend == "mariadb" else sqlite_url("chat", MIGRATIONS)
    served = make_chat(url, redis_prefix)
    yield served
    await close_chat(served)

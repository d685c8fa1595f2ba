"""The qa domain on MariaDB (and, for tests marked ``sqlite``, on SQLite too)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from shared.domain import create_app
from subgraphs.qa.domain import SPEC
from subgraphs.qa.runtime import QaRuntime
from tests.conftest import MySQLDatabases
from tests.subgraphs.conftest import settings_maker
from tests.support.graphql import GraphQLClient

MIGRATIONS = SPEC.migrations

# Members are only ids to qa (accounts owns them): each test takes fresh ones.
_MEMBERS = itertools.count(uuid.uuid4().int % 10**12 * 1000)

ASK = """mutation($input: AskQuestionInput!) {
  askQuestion(input: $input) { id title body tags answerCount author { id } } }"""
ANSWER = """mutation($q: ID!, $body: String!) {
  answerQuestion(questionId: $q, body: $body) { id body voteScore accepted author { id } } }"""
VOTE = "mutation($a: ID!, $v: AnswerVote!) { voteAnswer(answerId: $a, vote: $v) { voteScore upvotes downvotes viewerVote } }"
ACCEPT = "mutation($a: ID!) { acceptAnswer(answerId: $a) { id accepted } }"


@pytest.fixture(scope="session")
def qa_mysql_url(mysql_databases: MySQLDatabases) -> URL:
    return mysql_databases.create("qa", MIGRATIONS)


@dataclass
class Qa:
    runtime: QaRuntime
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

    async def ask(self, user: str, title: str = "Why?", **fields: Any) -> Any:
        return (await self.data(ASK, user, input={"title": title, **fields}))["askQuestion"]

    async def answer(self, user: str, question: str, body: str = "Because.") -> Any:
        return (await self.data(ANSWER, user, q=question, body=body))["answerQuestion"]


@pytest.fixture
async def qa(
    backend: str,
    qa_mysql_url: URL,
    sqlite_url: Callable[[str, Path], URL],
    redis_prefix: str,
) -> AsyncIterator[Qa]:
    url = qa_mysql_url if backend == "mariadb" else sqlite_url("qa", MIGRATIONS)
    runtime = SPEC.build_runtime(settings_maker(SPEC, url, redis_prefix)())
    client = GraphQLClient(create_app(SPEC, runtime))
    yield Qa(runtime, client)
    await client.aclose()
    await runtime.aclose()

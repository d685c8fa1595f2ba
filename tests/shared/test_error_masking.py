"""Clients see domain errors as they are and internal errors masked, with a request id."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import strawberry
from starlette.requests import HTTPConnection

from shared.db import Database
from shared.errors import NotFound
from shared.graphql import RequestContext, create_service_app
from shared.graphql.app import schema_extensions
from shared.graphql.context import Caller
from shared.tokens import AccessTokens
from tests.support.graphql import GraphQLClient, error_of


@strawberry.type
class Query:
    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("password=hunter2 leaked in a stack trace")

    @strawberry.field
    def missing(self) -> str:
        raise NotFound("There is no such thing.")


@pytest.fixture
async def client() -> Any:
    database = Database.from_url("sqlite+aiosqlite://")
    tokens = AccessTokens(
        algorithm="HS256", signing_key="k" * 32, verifying_key="k" * 32, issuer="t", audience="t"
    )

    async def context(request: HTTPConnection, response: object) -> RequestContext[None, None]:
        return RequestContext(Caller.of(request, tokens, None), None, database, None)

    schema = strawberry.Schema(query=Query, extensions=schema_extensions())
    app = create_service_app(title="test", schema=schema, context_factory=context)
    client = GraphQLClient(app)
    yield client
    await client.aclose()
    await database.dispose()


async def test_an_internal_error_is_masked_and_logged_with_the_request_id(
    client: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="beyond.errors"):
        body = await client.execute("{ broken }", headers={"X-Request-Id": "req-42"})
    error = error_of(body)
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "req-42"}
    assert "hunter2" not in error["message"] and "req-42" in error["message"]
    assert error["path"] == ["broken"]
    assert any("req-42" in r.getMessage() and r.exc_info for r in caplog.records)


async def test_a_request_without_an_id_gets_one(client: GraphQLClient) -> None:
    error = error_of(await client.execute("{ broken }"))
    assert len(error["extensions"]["requestId"]) == 32


async def test_domain_errors_keep_their_code_and_message(client: GraphQLClient) -> None:
    error = error_of(await client.execute("{ missing }"))
    assert error["extensions"] == {"code": "NOT_FOUND"}
    assert error["message"] == "There is no such thing."


async def test_health(client: GraphQLClient) -> None:
    response = await client.http.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}

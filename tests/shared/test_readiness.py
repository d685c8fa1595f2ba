"""/ready: serving in degraded mode with Redis down, out of rotation with the database down."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import strawberry
from starlette.requests import HTTPConnection

from shared.db import Database
from shared.graphql import create_service_app
from shared.health import backing_services
from shared.redis import create_redis
from tests.conftest import REDIS_URL
from tests.support.graphql import GraphQLClient


@strawberry.type
class Query:
    ok: bool = True


async def _ready(database: Database, redis_url: str) -> tuple[int, dict[str, object]]:
    redis = create_redis(redis_url)

    async def context(request: HTTPConnection, response: object) -> None:
        raise AssertionError("not asked")

    app = create_service_app(
        title="probe",
        schema=strawberry.Schema(query=Query),
        context_factory=context,
        ready=lambda: backing_services(database, redis),
    )
    client = GraphQLClient(app)
    try:
        response = await client.http.get("/ready")
    finally:
        await client.aclose()
        await redis.aclose()
    return response.status_code, response.json()


async def test_ready_says_normal_then_degraded_without_redis(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'ready.db'}")
    try:
        assert await _ready(database, REDIS_URL) == (
            200,
            {"status": "ready", "database": "ok", "redis": "ok"},
        )
        with caplog.at_level(logging.WARNING):
            status, body = await _ready(database, "redis://127.0.0.1:1/0")
    finally:
        await database.dispose()
    assert status == 200  # still serving: reads go to the database
    assert body["status"] == "degraded" and body["redis"] == "unavailable"
    assert body["degraded"] == [
        "redis unavailable: cached reads go to the database, one load per key at a time; "
        "rate limits are counted in each process"
    ]
    assert any("redis unavailable" in record.getMessage() for record in caplog.records)


async def test_ready_takes_the_service_out_without_its_database(tmp_path: Path) -> None:
    database = Database.from_url("mysql+aiomysql://root:@127.0.0.1:1/none")
    try:
        status, body = await _ready(database, REDIS_URL)
    finally:
        await database.dispose()
    assert status == 503 and body["status"] == "unavailable"

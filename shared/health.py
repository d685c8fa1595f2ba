"""What a service's ``/health`` reports: whether its database and Redis answer."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import text

from shared.db import Database


async def backing_services(database: Database, redis: Redis) -> dict[str, str]:
    report = {}
    try:
        async with database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        report["database"] = "ok"
    except Exception:
        report["database"] = "unavailable"
    try:
        await redis.ping()
        report["redis"] = "ok"
    except RedisError:
        report["redis"] = "unavailable"
    return report

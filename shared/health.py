"""What a service's ``/ready`` reports: whether its database, Redis and gRPC peers answer."""

from __future__ import annotations

from collections.abc import Mapping

from grpc_health.v1 import health_pb2, health_pb2_grpc
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import text

from shared.db import Database
from shared.grpc.peers import PeerChannel

PEER_TIMEOUT = 1.0


async def backing_services(
    database: Database, redis: Redis, peers: Mapping[str, PeerChannel] | None = None
) -> dict[str, str]:
    """``ok`` or ``unavailable`` for the database, Redis and each gRPC peer (its health service)."""
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
    for name, channel in (peers or {}).items():
        report[name] = await _serving(channel)
    return report


async def _serving(channel: PeerChannel) -> str:
    try:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(), timeout=PEER_TIMEOUT
        )
    except Exception:  # the channel maps failures to BeyondError: any failure is "unavailable"
        return "unavailable"
    return "ok" if reply.status == health_pb2.HealthCheckResponse.SERVING else "unavailable"

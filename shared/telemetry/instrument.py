"""Measure a service's database and Redis client: ``instrument_service(name, database, redis)``."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import event

from shared.db import Database
from shared.telemetry.metrics import REDIS_ERRORS, REDIS_SECONDS, SQL_CONNECTIONS, SQL_SECONDS

_STARTED = "beyond.query_started"
_INSTRUMENTED = "_beyond_instrumented"


def instrument_database(service: str, database: Database) -> None:
    """Time every statement and track connections checked out of the pool."""
    engine = database.engine.sync_engine
    if getattr(engine, _INSTRUMENTED, False):
        return
    setattr(engine, _INSTRUMENTED, True)
    seconds = SQL_SECONDS.labels(service)
    in_use = SQL_CONNECTIONS.labels(service)

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, *_: Any) -> None:
        conn.info.setdefault(_STARTED, []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, *_: Any) -> None:
        seconds.observe(time.perf_counter() - conn.info[_STARTED].pop())

    @event.listens_for(engine, "handle_error")
    def _failed(context: Any) -> None:
        started = context.connection.info.get(_STARTED) if context.connection else None
        if started:
            seconds.observe(time.perf_counter() - started.pop())

    @event.listens_for(engine, "checkout")
    def _checkout(*_: Any) -> None:
        in_use.inc()

    @event.listens_for(engine, "checkin")
    def _checkin(*_: Any) -> None:
        in_use.dec()


def instrument_redis(service: str, redis: Redis) -> None:
    """Time every command sent through ``redis`` (a pipeline counts as one) and count failures."""
    if getattr(redis, _INSTRUMENTED, False):
        return
    seconds = REDIS_SECONDS.labels(service)
    errors = REDIS_ERRORS.labels(service)
    inner: Callable[..., Awaitable[Any]] = redis.execute_command

    @functools.wraps(inner)
    async def execute_command(*args: Any, **options: Any) -> Any:
        started = time.perf_counter()
        try:
            return await inner(*args, **options)
        except RedisError:
            errors.inc()
            raise
        finally:
            seconds.observe(time.perf_counter() - started)

    redis.execute_command = execute_command  # type: ignore[method-assign]
    setattr(redis, _INSTRUMENTED, True)


def instrument_service(service: str, database: Database, redis: Redis) -> None:
    instrument_database(service, database)
    instrument_redis(service, redis)

"""Measure a service's database and Redis client: ``instrument_service(name, database, redis)``."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from opentelemetry.trace import SpanKind, Status, StatusCode
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import event

from shared.db import Database
from shared.telemetry.metrics import REDIS_ERRORS, REDIS_SECONDS, SQL_CONNECTIONS, SQL_SECONDS
from shared.telemetry.tracing import tracer

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

    system = engine.dialect.name

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # A span per statement named by its verb; the statement's text and values stay out.
        span = tracer().start_span(
            f"SQL {statement.lstrip().split(' ', 1)[0].upper()}",
            kind=SpanKind.CLIENT,
            attributes={"db.system": system, "beyond.service": service},
        )
        conn.info.setdefault(_STARTED, []).append((time.perf_counter(), span))

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, *_: Any) -> None:
        started, span = conn.info[_STARTED].pop()
        seconds.observe(time.perf_counter() - started)
        span.end()

    @event.listens_for(engine, "handle_error")
    def _failed(context: Any) -> None:
        pending = context.connection.info.get(_STARTED) if context.connection else None
        if pending:
            started, span = pending.pop()
            seconds.observe(time.perf_counter() - started)
            span.set_status(Status(StatusCode.ERROR, type(context.original_exception).__name__))
            span.end()

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

"""Measure a service's database and Redis client: ``instrument_service(name, database, redis)``."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import event

from shared.db import Database
from shared.telemetry.metrics import REDIS_ERRORS, REDIS_SECONDS, SQL_CONNECTIONS, SQL_SECONDS
from shared.telemetry.tracing import tracer

_STARTED = "beyond.query_started"
_INSTRUMENTED = "_beyond_instrumented"


def child_span(name: str, attributes: dict[str, str]) -> Span:
    """A client span under the current one; none outside a trace, so the relays' and
    consumers' polling (a statement or a blocking read every fraction of a second)
    does not start a trace of its own each time."""
    if not trace.get_current_span().get_span_context().is_valid:
        return trace.INVALID_SPAN
    return tracer().start_span(name, kind=SpanKind.CLIENT, attributes=attributes)


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
        span = child_span(
            f"SQL {statement.lstrip().split(' ', 1)[0].upper()}",
            {"db.system": system, "beyond.service": service},
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
    """Time and trace every command sent through ``redis`` (a pipeline counts as one) and
    count failures. A span is named by the command alone (``redis GET``, ``redis
    PIPELINE``): keys and values, which may hold codes or tokens, stay out of it."""
    if getattr(redis, _INSTRUMENTED, False):
        return
    seconds = REDIS_SECONDS.labels(service)
    errors = REDIS_ERRORS.labels(service)
    attributes = {"db.system": "redis", "beyond.service": service}

    def measured(call: Callable[..., Awaitable[Any]], name: Callable[..., str]) -> Any:
        @functools.wraps(call)
        async def run(*args: Any, **options: Any) -> Any:
            span = child_span(f"redis {name(*args)}", attributes)
            started = time.perf_counter()
            try:
                return await call(*args, **options)
            except RedisError as exc:
                errors.inc()
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise
            finally:
                seconds.observe(time.perf_counter() - started)
                span.end()

        return run

    redis.execute_command = measured(  # type: ignore[method-assign]
        redis.execute_command, lambda command="?", *_: str(command).upper()
    )
    make_pipeline = redis.pipeline

    @functools.wraps(make_pipeline)
    def pipeline(*args: Any, **options: Any) -> Any:
        made = make_pipeline(*args, **options)
        kind = "MULTI" if made.is_transaction else "PIPELINE"
        made.execute = measured(made.execute, lambda *_: kind)  # type: ignore[method-assign]
        return made

    redis.pipeline = pipeline  # type: ignore[method-assign]
    setattr(redis, _INSTRUMENTED, True)


def instrument_service(service: str, database: Database, redis: Redis) -> None:
    instrument_database(service, database)
    instrument_redis(service, redis)

"""A service's Redis client, measured and traced: commands and pipelines, inside a trace only."""

from __future__ import annotations

from redis.asyncio import Redis

from shared.telemetry.instrument import instrument_redis
from shared.telemetry.metrics import REDIS_SECONDS
from tests.conftest import REDIS_URL
from tests.support.tracing import provider, recording


def _count(service: str) -> float:
    for metric in REDIS_SECONDS.collect():
        for sample in metric.samples:
            if sample.name.endswith("_count") and sample.labels["service"] == service:
                return sample.value
    return 0.0


async def test_commands_and_pipelines_are_timed_and_traced_by_name(
    redis_server: None, redis_prefix: str
) -> None:
    client = Redis.from_url(REDIS_URL, decode_responses=True, protocol=2)
    instrument_redis("instrumented", client)
    key = f"{redis_prefix}code:13800138000"
    with recording() as exporter:
        with provider().get_tracer("tests").start_as_current_span("request") as request:
            await client.set(key, "123456")
            async with client.pipeline(transaction=True) as pipe:
                pipe.get(key).delete(key)
                assert await pipe.execute() == ["123456", 1]
        await client.get(key)  # outside any trace: measured, not traced
        spans = [s for s in exporter.get_finished_spans() if s.name.startswith("redis ")]
    await client.aclose()
    assert [s.name for s in spans] == ["redis SET", "redis MULTI"]
    assert {s.parent.span_id for s in spans if s.parent} == {request.get_span_context().span_id}
    for span in spans:
        assert dict(span.attributes or {}) == {
            "db.system": "redis",
            "beyond.service": "instrumented",
        }
    assert _count("instrumented") == 3

"""Scrape /metrics before and after a journey through the router, and check what moved."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import URL

from beyond.domains import discover
from beyond.telemetry import serve_metrics
from router.telemetry import RouterMetrics
from shared.events import event_stream
from shared.events.consumer import Consumer
from shared.events.relay import OutboxRelay
from shared.telemetry.sampler import BacklogSampler
from tests.journeys.test_feed_journey import FOLLOW, PUBLISH, until_feed_is
from tests.support.graph import Graph, serve_graph
from tests.support.net import free_port

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
ARTICLE = "query($id: ID!) { article(id: $id) { title author { nickname } } }"


@asynccontextmanager
async def measured_graph(
    tmp_path: Path, urls: dict[str, URL], redis_prefix: str, *, event_workers: bool
) -> AsyncIterator[tuple[Graph, str]]:
    """The graph measured as ``beyond serve`` measures it, and its /metrics URL."""
    listen = f"127.0.0.1:{free_port()}"
    server = serve_metrics(listen)
    try:
        async with serve_graph(
            tmp_path, urls, redis_prefix, event_workers=event_workers, metrics=RouterMetrics()
        ) as graph:
            yield graph, f"http://{listen}/metrics"
    finally:
        server.shutdown()
        server.server_close()


async def scrape(url: str) -> Samples:
    async with httpx.AsyncClient() as client:
        response = await client.get(url)
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum over every series of ``name`` carrying ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


async def test_a_journey_moves_the_router_and_service_metrics(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> None:
    async with measured_graph(tmp_path, domain_urls, redis_prefix, event_workers=True) as (
        graph,
        url,
    ):
        await _journey(graph, url)


async def _journey(graph: Graph, url: str) -> None:
    before = await scrape(url)

    _, ada_token = await graph.register("Ada")
    bob, bob_token = await graph.register("Bob")
    await graph.data(FOLLOW, ada_token, id=bob)
    unauthenticated = await graph.execute(FOLLOW, None, id=bob)
    assert unauthenticated["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    article = (await graph.data(PUBLISH, bob_token, title="Measured"))["publishArticle"]
    for _ in range(3):
        await graph.data(ARTICLE, ada_token, id=article["id"])
    await until_feed_is(
        graph, ada_token, [{"title": "Measured", "author": {"nickname": "Bob", "followerCount": 1}}]
    )
    after = await scrape(url)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    # Router: 2 registrations (2 mutations each), a follow, a refused follow, a publish.
    assert moved("beyond_router_requests_total", operation_type="mutation", outcome="success") == 6
    assert moved("beyond_router_requests_total", operation_type="mutation", outcome="error") == 1
    assert moved("beyond_router_requests_total", operation_type="query", outcome="success") >= 4
    assert moved("beyond_router_errors_total", code="UNAUTHENTICATED") == 1
    assert moved("beyond_router_request_duration_seconds_count", operation_type="mutation") == 7
    for subgraph in ("accounts", "social", "articles"):
        assert moved("beyond_router_subgraph_fetches_total", subgraph=subgraph) >= 1, subgraph
        assert moved("beyond_router_subgraph_fetch_duration_seconds_count", subgraph=subgraph) >= 1
    # The same article query three times: planned once, then found in the cache.
    assert moved("beyond_router_plan_cache_total", result="hit") >= 2
    assert moved("beyond_router_plan_cache_total", result="miss") >= 4
    # One request at a time: every miss is planned once.
    assert moved("beyond_router_planning_duration_seconds_count") == moved(
        "beyond_router_plan_cache_total", result="miss"
    )

    # Services: operations and errors by code, SQL, Redis, cache-aside and gRPC.
    assert (
        moved("beyond_graphql_operations_total", service="social", operation_type="mutation") == 2
    )
    assert moved("beyond_graphql_errors_total", service="social", code="UNAUTHENTICATED") == 1
    for service in ("accounts", "social", "articles"):
        assert moved("beyond_sql_query_duration_seconds_count", service=service) >= 1, service
    # Codes and rate limits (accounts), timelines and the article cache (articles).
    for service in ("accounts", "articles"):
        assert moved("beyond_redis_command_duration_seconds_count", service=service) >= 1, service
    assert moved("beyond_cache_requests_total", cache="articles:article", result="hit") >= 2
    assert moved("beyond_cache_requests_total", cache="articles:article", result="miss") >= 1
    assert moved("beyond_grpc_client_calls_total", peer="accounts", code="OK") >= 1
    assert moved("beyond_grpc_client_calls_total", peer="social", code="OK") >= 1
    assert value(after, "beyond_sql_pool_connections_in_use", service="accounts") >= 0


async def test_the_sampler_reports_outbox_and_consumer_backlog(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> None:
    async with measured_graph(tmp_path, domain_urls, redis_prefix, event_workers=False) as (
        graph,
        url,
    ):
        articles = graph.domains.runtimes["articles"]
        build_workers = discover()["articles"].workers
        assert build_workers is not None
        workers = build_workers(articles)
        relay = next(w for w in workers if isinstance(w, OutboxRelay))
        consumers = [w for w in workers if isinstance(w, Consumer)]
        stream = relay_stream = event_stream(articles.settings.redis_prefix, "articles")
        fan_out = next(c for c in consumers if c.stream == relay_stream)
        await fan_out.ensure_group()
        # Earlier tests on these databases may have left events unsent: start from none.
        if await relay.publish_pending():
            await fan_out.poll()
        sampler = BacklogSampler(
            "articles",
            articles.database,
            articles.redis,
            outbox=True,
            consumers=[fan_out],
        )
        labels = {"service": "articles", "stream": stream, "group": fan_out.group}

        _, bob_token = await graph.register("Bob")
        await graph.data(PUBLISH, bob_token, title="Queued")
        await sampler.sample()
        samples = await scrape(url)
        assert value(samples, "beyond_outbox_backlog", service="articles") == 1
        assert value(samples, "beyond_outbox_oldest_unsent_age_seconds", service="articles") >= 0
        assert value(samples, "beyond_stream_consumer_lag", **labels) == 0

        assert await relay.publish_pending() == 1
        await sampler.sample()
        samples = await scrape(url)
        assert value(samples, "beyond_outbox_backlog", service="articles") == 0
        assert value(samples, "beyond_outbox_oldest_unsent_age_seconds", service="articles") == 0
        assert value(samples, "beyond_stream_consumer_lag", **labels) == 1

        assert await fan_out.poll() == 1
        await sampler.sample()
        samples = await scrape(url)
        assert value(samples, "beyond_stream_consumer_lag", **labels) == 0
        assert value(samples, "beyond_stream_consumer_pending", **labels) == 0
        assert value(samples, "beyond_stream_dead_letters", service="articles", stream=stream) == 0

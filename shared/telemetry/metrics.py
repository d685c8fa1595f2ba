"""The services' metrics. Every one has a ``service`` label: ``beyond dev`` runs all in one process."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

FAST_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

OPERATIONS = Counter(
    "beyond_graphql_operations",
    "GraphQL operations a subgraph answered, by type and outcome",
    ["service", "operation_type", "outcome"],
)
RESOLVER_ERRORS = Counter(
    "beyond_graphql_errors", "GraphQL errors a subgraph answered, by code", ["service", "code"]
)
SQL_SECONDS = Histogram(
    "beyond_sql_query_duration_seconds", "SQL statement latency", ["service"], buckets=FAST_BUCKETS
)
SQL_CONNECTIONS = Gauge(
    "beyond_sql_pool_connections_in_use",
    "Database connections checked out of the pool",
    ["service"],
)
REDIS_SECONDS = Histogram(
    "beyond_redis_command_duration_seconds",
    "Redis command latency (single commands; pipelines count as one)",
    ["service"],
    buckets=FAST_BUCKETS,
)
REDIS_ERRORS = Counter("beyond_redis_errors", "Redis commands that failed", ["service"])
CACHE = Counter(
    "beyond_cache_requests",
    "Cache-aside lookups by result: hit, miss, or joined (waited for a load in flight)",
    ["cache", "result"],
)
OUTBOX_BACKLOG = Gauge("beyond_outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "beyond_outbox_oldest_unsent_age_seconds",
    "Age of the oldest unpublished outbox row (0 when none)",
    ["service"],
)
STREAM_LAG = Gauge(
    "beyond_stream_consumer_lag",
    "Stream entries not yet delivered to a consumer group",
    ["service", "stream", "group"],
)
STREAM_PENDING = Gauge(
    "beyond_stream_consumer_pending",
    "Entries delivered to a consumer group and not acknowledged",
    ["service", "stream", "group"],
)
DEAD_LETTERS = Gauge(
    "beyond_stream_dead_letters",
    "Entries in a stream's dead-letter stream",
    ["service", "stream"],
)
GRPC_CALLS = Counter(
    "beyond_grpc_client_calls",
    "gRPC calls made to another service (peer), by method and status code",
    ["peer", "method", "code"],
)
GRPC_SECONDS = Histogram(
    "beyond_grpc_client_call_duration_seconds",
    "gRPC call latency (a server stream until its last message)",
    ["peer", "method"],
    buckets=FAST_BUCKETS,
)
RATELIMIT_LOCAL = Gauge(
    "beyond_ratelimit_local",
    "1 while rate limits are counted in this process because Redis is unavailable",
    ["service"],
)
RATELIMIT_LOCAL_DECISIONS = Counter(
    "beyond_ratelimit_local_decisions",
    "Rate-limit decisions taken from this process's counters (Redis unavailable)",
    ["service"],
)

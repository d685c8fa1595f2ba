"""The router's metrics (``beyond_router_*``), in prometheus-client's default registry.

Operation names come from clients, so only the first ``max_operation_names``
distinct ones get their own label value; later ones count as ``other``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter(
    "beyond_router_requests",
    "GraphQL requests answered, by operation name, type and outcome",
    ["operation_name", "operation_type", "outcome"],
)
REQUEST_SECONDS = Histogram(
    "beyond_router_request_duration_seconds",
    "Time to answer a GraphQL request over HTTP",
    ["operation_type"],
    buckets=LATENCY_BUCKETS,
)
ERRORS = Counter("beyond_router_errors", "GraphQL errors in answers, by extensions.code", ["code"])
FETCHES = Counter(
    "beyond_router_subgraph_fetches",
    "Requests sent to subgraphs, by subgraph and outcome",
    ["subgraph", "outcome"],
)
FETCH_SECONDS = Histogram(
    "beyond_router_subgraph_fetch_duration_seconds",
    "Time for a subgraph to answer a fetch",
    ["subgraph"],
    buckets=LATENCY_BUCKETS,
)
DEDUP_HITS = Counter(
    "beyond_router_dedup_hits",
    "Subgraph fetches answered by an identical request already in flight",
    ["subgraph"],
)
PLAN_CACHE = Counter(
    "beyond_router_plan_cache", "Plan cache lookups, by result (hit or miss)", ["result"]
)
PLANNING_SECONDS = Histogram(
    "beyond_router_planning_duration_seconds",
    "Time to parse, validate and plan an operation missing from the plan cache",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
POLICY_EVALUATIONS = Counter(
    "beyond_router_policy_evaluations",
    "Questions to the @policy evaluator, by outcome (answered or failed: no policy satisfied)",
    ["outcome"],
)
POLICY_EVALUATION_SECONDS = Histogram(
    "beyond_router_policy_evaluation_duration_seconds",
    "Time for the @policy evaluator to answer (or fail)",
    buckets=LATENCY_BUCKETS,
)
WEBSOCKETS = Gauge("beyond_router_websockets_open", "Client WebSocket connections open")
SUBSCRIPTIONS = Gauge(
    "beyond_router_subscriptions_active", "Subscriptions open at subgraphs", ["subgraph"]
)
SUBSCRIPTIONS_ENDED = Counter(
    "beyond_router_subscriptions_ended",
    "Subgraph subscriptions ended, by reason (completed, closed by the client, failed)",
    ["subgraph", "reason"],
)

# The operation type of the request being answered, set where its plan is looked up.
OPERATION_TYPE: ContextVar[str] = ContextVar("beyond_router_operation_type", default="unknown")

OTHER = "other"


class RouterMetrics:
    def __init__(self, *, max_operation_names: int = 500) -> None:
        self._names: set[str] = set()
        self._max_names = max_operation_names

    def operation_name(self, name: str | None) -> str:
        if not name:
            return ""
        if name in self._names:
            return name
        if len(self._names) >= self._max_names:
            return OTHER
        self._names.add(name)
        return name

    def start(self) -> float:
        """A request begins: its operation type is not known yet; returns the start time."""
        OPERATION_TYPE.set("unknown")
        return time.perf_counter()

    def observe_request(
        self,
        operation_name: str | None,
        status: int,
        body: Mapping[str, Any],
        started: float,
    ) -> None:
        """One answered HTTP request: its outcome, latency and the codes of its errors."""
        seconds = time.perf_counter() - started
        operation_type = OPERATION_TYPE.get()
        errors: Iterable[Mapping[str, Any]] = body.get("errors") or ()
        if not errors:
            outcome = "success"
        elif status < 400 and body.get("data") is not None:
            outcome = "partial"
        else:
            outcome = "error"
        REQUESTS.labels(self.operation_name(operation_name), operation_type, outcome).inc()
        REQUEST_SECONDS.labels(operation_type).observe(seconds)
        for error in errors:
            extensions = error.get("extensions") or {}
            ERRORS.labels(str(extensions.get("code", "UNKNOWN"))).inc()

    def dedup_hit(self, service_name: str) -> None:
        DEDUP_HITS.labels(service_name).inc()

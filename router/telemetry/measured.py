"""Measuring wrappers around the router's plug points, used only when metrics are on."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from typing import Any

from opentelemetry.trace import Tracer
from starlette.websockets import WebSocket

from router.config import PolicyEvaluatorConfig
from router.http.front import FrontHalf, LoadedGraph
from router.http.policy_evaluator import PolicyEvaluator
from router.plan import QueryPlan
from router.prepare import CacheKey, PlanCache, PlanningLimits, Prepared
from router.supergraph.authorization import ANONYMOUS, Access
from router.telemetry.metrics import (
    FETCH_SECONDS,
    FETCHES,
    OPERATION_TYPE,
    PLAN_CACHE,
    PLANNING_SECONDS,
    POLICY_EVALUATION_SECONDS,
    POLICY_EVALUATIONS,
    SUBSCRIPTIONS,
    SUBSCRIPTIONS_ENDED,
    WEBSOCKETS,
)
from router.transport.types import (
    SubgraphRequest,
    SubgraphResponse,
    SubscriptionTransport,
    Transport,
)


class MeasuredTransport:
    """Counts and times every request that reaches a subgraph (below deduplication)."""

    def __init__(self, inner: Transport) -> None:
        self._inner = inner

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        started = time.perf_counter()
        outcome = "failed"
        try:
            response = await self._inner.fetch(service_name, request)
            outcome = "errors" if response.errors else "ok"
            return response
        finally:
            FETCH_SECONDS.labels(service_name).observe(time.perf_counter() - started)
            FETCHES.labels(service_name, outcome).inc()


class MeasuredSubscriptions:
    """Open subgraph subscriptions, and how each one ended."""

    def __init__(self, inner: SubscriptionTransport) -> None:
        self._inner = inner

    async def subscribe(
        self, service_name: str, request: SubgraphRequest
    ) -> AsyncGenerator[SubgraphResponse, None]:
        SUBSCRIPTIONS.labels(service_name).inc()
        reason = "closed"
        try:
            async with contextlib.aclosing(self._inner.subscribe(service_name, request)) as events:
                async for event in events:
                    yield event
            reason = "completed"
        except Exception:
            reason = "failed"
            raise
        finally:
            SUBSCRIPTIONS.labels(service_name).dec()
            SUBSCRIPTIONS_ENDED.labels(service_name, reason).inc()


class MeasuredPlanCache(PlanCache):
    """Counts hits and misses, and tells the request metrics the operation's type."""

    def get(self, key: CacheKey) -> Prepared | None:
        entry = super().get(key)
        PLAN_CACHE.labels("miss" if entry is None else "hit").inc()
        if entry is not None:
            OPERATION_TYPE.set(entry.operation_type.value)
        return entry

    def put(self, key: CacheKey, entry: Prepared, size: int) -> None:
        super().put(key, entry, size)
        OPERATION_TYPE.set(entry.operation_type.value)


class ObservedFront:
    """Planning (parse, validate, plan) of an operation the cache did not have, timed
    (``timed``) and in a span (``tracer``)."""

    def __init__(self, inner: FrontHalf, *, timed: bool, tracer: Tracer | None) -> None:
        self._inner = inner
        self._timed = timed
        self._tracer = tracer

    def load(self, sdl: str) -> LoadedGraph:
        return self._inner.load(sdl)

    def prepare(
        self,
        graph: LoadedGraph,
        query: str,
        operation_name: str | None,
        *,
        limits: PlanningLimits,
        override_labels: frozenset[str] = frozenset(),
        access: Access = ANONYMOUS,
    ) -> Prepared:
        with contextlib.ExitStack() as stack:
            if self._timed:
                stack.enter_context(PLANNING_SECONDS.time())
            if self._tracer is not None:
                span = stack.enter_context(self._tracer.start_as_current_span("plan"))
                span.set_attribute("graphql.operation.name", operation_name or "")
            return self._inner.prepare(
                graph,
                query,
                operation_name,
                limits=limits,
                override_labels=override_labels,
                access=access,
            )

    def print_plan(self, plan: QueryPlan, notes: Mapping[int, str] | None = None) -> str:
        return self._inner.print_plan(plan, notes)


class ObservedPolicyEvaluator(PolicyEvaluator):
    """Each question to the @policy evaluator counted by outcome and timed (``timed``), and in
    a span (``tracer``) naming how many policies were asked about, never the claims."""

    def __init__(
        self, config: PolicyEvaluatorConfig, *, timed: bool, tracer: Tracer | None
    ) -> None:
        super().__init__(config)
        self._timed = timed
        self._tracer = tracer

    async def ask(
        self, policies: frozenset[str], claims: Mapping[str, Any] | None
    ) -> frozenset[str]:
        started = time.perf_counter()
        outcome = "failed"
        with contextlib.ExitStack() as stack:
            if self._tracer is not None:
                span = stack.enter_context(self._tracer.start_as_current_span("policy evaluation"))
                span.set_attribute("beyond.policies", len(policies))
            try:
                answer = await super().ask(policies, claims)
                outcome = "answered"
                return answer
            finally:
                if self._timed:
                    POLICY_EVALUATION_SECONDS.observe(time.perf_counter() - started)
                    POLICY_EVALUATIONS.labels(outcome).inc()


def counting_websockets(
    serve: Callable[[WebSocket], Awaitable[None]],
) -> Callable[[WebSocket], Awaitable[Any]]:
    async def counted(websocket: WebSocket) -> None:
        with WEBSOCKETS.track_inprogress():
            await serve(websocket)

    return counted

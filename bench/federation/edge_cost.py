"""What the router's edge protections cost on the standard heavy query, in process CPU time.

``python -m bench.federation.edge_cost [--repeat N]`` times, on the query of
``bench/federation/heavy.graphql`` and its supergraph, one thread, with
``time.process_time``:

- per request (every request pays these, the plan coming from the cache):
  the body read through :class:`~shared.body_limits.BodyLimits`, the
  repeated-member check of the JSON body, the persisted-query lookup (none
  sent), the plan-header switch and the edge headers with trusted proxies;
- per new operation (a plan cache miss, once per distinct operation): the
  operation limits and rules (:class:`~router.operation.guard.OperationGuard`)
  on the parsed document, and compacting and sizing the plan for the
  byte-bounded cache, beside the whole preparation (parse, validate, plan)
  they are part of.

Divide the per-request figure by the router's CPU per request from
``python -m bench.federation --gateways beyond`` for its share.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

import orjson
from graphql import OperationDefinitionNode, parse
from starlette.requests import Request

from bench.federation.compose import SUPERGRAPH
from bench.federation.run import QUERY
from router.config import RouterConfig
from router.http.client_address import Edge
from router.http.federation import FederationFront
from router.http.params import read_params
from router.http.persisted import PersistedQueries
from router.http.plan_size import compact, estimated_bytes
from router.http.plan_switch import PlanSwitch
from shared.body_limits import BodyLimits
from shared.direct_http import HttpRequest

BODY = orjson.dumps({"query": QUERY, "operationName": "TestQuery"})
HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(BODY)).encode()),
    (b"x-forwarded-for", b"203.0.113.9"),
]


def _scope() -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "headers": HEADERS,
        "client": ("127.0.0.1", 5000),
    }


async def _edge_once(limits: BodyLimits, captured: list[HttpRequest]) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message: Any) -> None:
        return None

    await limits(_scope(), receive, send)
    request = captured.pop()
    params = read_params(request, "application/json")  # includes the repeated-member check
    await PERSISTED.query_of(params)
    PLANS.wanted(None)
    EDGE.headers("request-id", request.peer, "203.0.113.9")


async def _app(scope: Any, receive: Any, send: Any, captured: list[HttpRequest]) -> None:
    body = await Request(scope, receive).body()
    captured.append(HttpRequest("POST", scope["headers"], b"", body, scope["client"][0]))


PERSISTED = PersistedQueries(apq=True, redis=None, redis_prefix="", local_size=10)
PLANS = PlanSwitch(expose=False, secret=None)
EDGE = Edge(["10.0.0.0/8"], "a-router-secret-for-subgraphs")


def per_request_us(runs: int) -> float:
    captured: list[HttpRequest] = []
    limits = BodyLimits(lambda s, r, w: _app(s, r, w, captured))

    async def many() -> float:
        start = time.process_time()
        for _ in range(runs):
            await _edge_once(limits, captured)
        return (time.process_time() - start) / runs * 1e6

    return asyncio.run(many())


def _timed(function: Callable[[], object], runs: int) -> float:
    start = time.process_time()
    for _ in range(runs):
        function()
    return (time.process_time() - start) / runs * 1e6


def per_operation_us(runs: int) -> dict[str, float]:
    front = FederationFront()
    limits = RouterConfig().planning_limits()
    graph = front.load(SUPERGRAPH.read_text(encoding="utf-8"))
    guard = RouterConfig().operation_guard()
    document = parse(QUERY)
    (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    schema = graph.api_schema

    def size_one() -> None:
        prepared = front.prepare(graph, QUERY, "TestQuery", limits=limits)
        compact(prepared.document)
        estimated_bytes(prepared)

    return {
        "prepare": _timed(lambda: front.prepare(graph, QUERY, "TestQuery", limits=limits), runs),
        "guard": _timed(lambda: guard.check(schema, document, operation), runs),
        "prepare+compact+size": _timed(size_one, runs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.federation.edge_cost", description=__doc__
    )
    parser.add_argument("--repeat", type=int, default=5, help="rounds; medians are printed")
    parser.add_argument("--requests", type=int, default=20_000, help="requests per round")
    parser.add_argument("--operations", type=int, default=50, help="preparations per round")
    args = parser.parse_args(argv)
    request_rounds = [per_request_us(args.requests) for _ in range(args.repeat)]
    operation_rounds = [per_operation_us(args.operations) for _ in range(args.repeat)]
    print(f"per request, edge checks: {statistics.median(request_rounds):.1f} µs")
    for name in operation_rounds[0]:
        value = statistics.median(r[name] for r in operation_rounds)
        print(f"per new operation, {name}: {value:.1f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

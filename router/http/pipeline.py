"""One GraphQL request through the router: params → prepared plan → execution → response parts.

Kept apart from Starlette routing so the order of the stages reads in one
place: read parameters, prepare (cached plan), refuse mutations over GET,
execute, then attach headers and, when asked for, the printed plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import OperationType

from router.execution import ExecutionRequest, SubgraphErrorPolicy, execute
from router.http.errors import BadRequest, MethodNotAllowed
from router.http.front import FrontHalf
from router.http.headers import client_response_headers
from router.http.live_graph import LiveGraph
from router.http.negotiation import status_for_result
from router.http.params import GraphQLParams
from router.transport.types import Headers, Transport


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Pipeline:
    live: LiveGraph
    front: FrontHalf
    transport: Transport
    error_policy: SubgraphErrorPolicy

    async def run(
        self,
        params: GraphQLParams,
        *,
        method: str,
        forwarded: Headers,
        media_type: str,
        include_plan: bool,
    ) -> Answer:
        graph, prepared = await self.live.prepare(params.query, params.operation_name)
        if prepared.operation_type is OperationType.SUBSCRIPTION:
            raise BadRequest(
                "Subscriptions are not served over plain HTTP requests: use a WebSocket connection"
            )
        if method == "GET" and prepared.operation_type is not OperationType.QUERY:
            raise MethodNotAllowed(
                f"{prepared.operation_type.value.capitalize()}s are only accepted over POST",
                headers={"Allow": "POST"},
            )
        request = ExecutionRequest(
            schema=graph.api_schema,
            document=prepared.document,
            operation_name=params.operation_name,
            variables=params.variables,
            headers=forwarded,
        )
        result = await execute(
            prepared.plan, request, self.transport, error_policy=self.error_policy
        )
        body = result.formatted()
        if include_plan:
            body["extensions"] = {"queryPlan": self.front.print_plan(prepared.plan)}
        headers = client_response_headers(result.subgraph_headers)
        return Answer(status_for_result(result.data_present, media_type), body, headers)

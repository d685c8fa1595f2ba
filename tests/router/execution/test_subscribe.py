"""``subscribe()``: each event is a root result the plan's Rest completes, shaped like a query.

The Rest's entity fetches go to the review feed's real ``accounts`` subgraph
in-process; the events come from a scripted source standing in for the
subgraph's WebSocket, so what the subgraph sends (and when it fails) is
exact. Plans are written by hand, so this tests the executor alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import pytest
from graphql import GraphQLSchema, parse

from router.execution import ErrorMode, ExecutionRequest, SubgraphErrorPolicy, subscribe
from router.execution.errors import PlanShapeError
from router.plan import (
    FetchNode,
    FlattenNode,
    OperationKind,
    QueryPlan,
    RequiredField,
    RequiredFragment,
    SequenceNode,
    SubscriptionNode,
)
from router.supergraph import load_supergraph
from router.transport import AsgiTransport, SubgraphRequest, SubgraphResponse, TransportError
from router.transport.errors import SubgraphSubscriptionError
from tests.router.http.compose import REVIEW_FEED_SUPERGRAPH
from tests.router.review_feed import review_feed_apps

PRIMARY = FetchNode(
    "reviews",
    "subscription($ids:[ID!]!){reviewAdded(ids:$ids){id author{__typename id}}}",
    operation_kind=OperationKind.SUBSCRIPTION,
    variable_usages=("ids",),
)
AUTHORS = FlattenNode(
    ("reviewAdded", "author"),
    FetchNode(
        "accounts",
        "query($representations:[_Any!]!){_entities(representations:$representations){...on User{name}}}",
        requires=(RequiredFragment("User", (RequiredField("__typename"), RequiredField("id"))),),
    ),
)
PLAN = QueryPlan(SubscriptionNode(PRIMARY, SequenceNode((AUTHORS,))))
QUERY = "subscription($ids: [ID!]!) { reviewAdded(ids: $ids) { id author { name } } }"


class ScriptedSource:
    """Sends ``events`` (then raises ``then``, if given); records what was asked and the close."""

    def __init__(self, events: Sequence[dict[str, Any]], then: Exception | None = None) -> None:
        self.events = events
        self.then = then
        self.requests: list[tuple[str, SubgraphRequest]] = []
        self.closed = False

    async def subscribe(
        self, service_name: str, request: SubgraphRequest
    ) -> AsyncGenerator[SubgraphResponse, None]:
        self.requests.append((service_name, request))
        try:
            for event in self.events:
                yield SubgraphResponse(
                    data=event.get("data"), errors=tuple(event.get("errors", ()))
                )
            if self.then is not None:
                raise self.then
        finally:
            self.closed = True


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return load_supergraph(REVIEW_FEED_SUPERGRAPH.read_text()).api_schema


def event(id: str, author: str | None) -> dict[str, Any]:
    user = None if author is None else {"__typename": "User", "id": author}
    return {"data": {"reviewAdded": {"id": id, "author": user}}}


async def results(
    schema: GraphQLSchema,
    source: ScriptedSource,
    *,
    query: str = QUERY,
    variables: dict[str, Any] | None = None,
    policy: SubgraphErrorPolicy | None = None,
    plan: QueryPlan = PLAN,
) -> list[dict[str, Any]]:
    request = ExecutionRequest(
        schema=schema,
        document=parse(query),
        variables={"ids": ["r1"]} if variables is None else variables,
        headers=(("authorization", "Bearer t"),),
    )
    transport = AsgiTransport({"accounts": review_feed_apps()["accounts"]})
    out = []
    events = subscribe(
        plan, request, transport, source, error_policy=policy or SubgraphErrorPolicy()
    )
    async with contextlib.aclosing(events):
        async for result in events:
            out.append({**result.formatted(), "final": not result.data_present})
    return out


async def test_each_event_is_completed_by_the_rest_of_the_plan(schema: GraphQLSchema) -> None:
    source = ScriptedSource([event("r1", "1"), event("r3", "3"), event("r9", None)])
    assert await results(schema, source) == [
        {"data": {"reviewAdded": {"id": "r1", "author": {"name": "Ada"}}}, "final": False},
        {"data": {"reviewAdded": {"id": "r3", "author": {"name": "Grace"}}}, "final": False},
        {"data": {"reviewAdded": {"id": "r9", "author": None}}, "final": False},
    ]
    ((service, request),) = source.requests
    assert service == "reviews"
    assert request.query == PRIMARY.operation
    assert request.variables == {"ids": ["r1"]}
    assert request.headers == (("authorization", "Bearer t"),)
    assert source.closed


async def test_an_events_own_errors_keep_their_path_and_bubble(schema: GraphQLSchema) -> None:
    broken = {
        "data": {"reviewAdded": None},
        "errors": [{"message": "gone", "path": ["reviewAdded"]}],
    }
    missing_id = {"data": {"reviewAdded": {"id": None, "author": None}}}
    assert await results(schema, ScriptedSource([broken, missing_id])) == [
        {
            "data": None,  # reviewAdded is non-null: the whole event's data is null
            "errors": [
                {
                    "message": "gone",
                    "path": ["reviewAdded"],
                    "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "reviews"},
                }
            ],
            "final": False,
        },
        {
            "data": None,
            "errors": [
                {
                    "message": "Cannot return null for non-nullable field Review.id.",
                    "locations": [{"line": 1, "column": 55}],
                    "path": ["reviewAdded", "id"],
                }
            ],
            "final": False,
        },
    ]


async def test_a_subgraph_ending_with_errors_is_the_final_result(schema: GraphQLSchema) -> None:
    refused = SubgraphSubscriptionError(
        "reviews", ({"message": "not allowed", "extensions": {"code": "FORBIDDEN"}},)
    )
    source = ScriptedSource([event("r1", "1")], then=refused)
    assert (await results(schema, source))[1:] == [
        {
            "errors": [
                {
                    "message": "not allowed",
                    "extensions": {"code": "FORBIDDEN", "serviceName": "reviews"},
                }
            ],
            "final": True,
        }
    ]
    masked = SubgraphErrorPolicy(default=ErrorMode.MASK)
    source = ScriptedSource([], then=refused)
    assert await results(schema, source, policy=masked) == [
        {
            "errors": [
                {
                    "message": "Subgraph errors redacted",
                    "extensions": {"serviceName": "reviews", "code": "FORBIDDEN"},
                }
            ],
            "final": True,
        }
    ]


async def test_a_lost_connection_ends_the_stream_with_an_error(schema: GraphQLSchema) -> None:
    lost = TransportError("reviews", "subscription connection closed (1006)")
    source = ScriptedSource([event("r1", "1")], then=lost)
    found = await results(schema, source)
    assert found[0]["data"] == {"reviewAdded": {"id": "r1", "author": {"name": "Ada"}}}
    assert found[1:] == [
        {
            "errors": [
                {
                    "message": "Subscription at 'reviews' failed: try again shortly.",
                    "extensions": {"code": "SUBSCRIPTION_FAILED", "serviceName": "reviews"},
                }
            ],
            "final": True,
        }
    ]


async def test_bad_variables_end_it_before_the_subgraph_is_asked(schema: GraphQLSchema) -> None:
    source = ScriptedSource([event("r1", "1")])
    (only,) = await results(schema, source, variables={})
    assert only["final"] and "$ids" in only["errors"][0]["message"]
    assert source.requests == []


async def test_closing_the_stream_closes_the_subgraph_subscription(schema: GraphQLSchema) -> None:
    source = ScriptedSource([event("r1", "1"), event("r3", "3")])
    request = ExecutionRequest(schema=schema, document=parse(QUERY), variables={"ids": ["r1"]})
    transport = AsgiTransport({"accounts": review_feed_apps()["accounts"]})
    events = subscribe(PLAN, request, transport, source)
    first = await anext(events)
    assert first.data == {"reviewAdded": {"id": "r1", "author": {"name": "Ada"}}}
    assert not source.closed
    await events.aclose()
    assert source.closed


async def test_only_a_subscription_plan_can_be_subscribed(schema: GraphQLSchema) -> None:
    with pytest.raises(PlanShapeError):
        await results(schema, ScriptedSource([]), plan=QueryPlan(PRIMARY))

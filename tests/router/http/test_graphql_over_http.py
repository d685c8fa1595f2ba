"""GraphQL over HTTP: methods, media types and the status code for each kind of bad input."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


async def test_a_post_query_answers_200_json_by_default(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ hello }"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(JSON)
    assert response.json() == {"data": {"hello": "hello world"}}
    assert response.headers["x-request-id"]


async def test_graphql_response_json_is_chosen_when_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "query Q($n: String) { hello(name: $n) }", "variables": {"n": "ann"}},
        headers={"accept": f"{GRAPHQL_RESPONSE}, {JSON};q=0.9"},
    )
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json() == {"data": {"hello": "hello ann"}}


async def test_get_runs_queries(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={"query": "query($n: String) { hello(name: $n) }", "variables": '{"n": "bo"}'},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "hello bo"}}


async def test_a_mutation_over_get_is_405(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "mutation { bump }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "POST" in response.json()["errors"][0]["message"]


async def test_subscriptions_are_refused_over_plain_http(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "subscription { ticks }"})
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "WebSocket" in message and "Accept: text/event-stream" in message


async def test_mutations_run_over_post(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "mutation { bump }"})
    assert response.status_code == 200
    assert isinstance(response.json()["data"]["bump"], int)


BAD_INPUTS = [
    # (name, request kwargs, status with graphql-response+json, status with json, message part)
    (
        "malformed JSON",
        {"content": b'{"query": ', "headers": {"content-type": JSON}},
        400,
        400,
        "not valid JSON",
    ),
    ("missing query", {"json": {"variables": {}}}, 400, 400, "no 'query'"),
    ("query not a string", {"json": {"query": 1}}, 400, 400, "must be a string"),
    (
        "variables not an object",
        {"json": {"query": "{ hello }", "variables": [1]}},
        400,
        400,
        "'variables'",
    ),
    (
        "not JSON content",
        {"content": b"{ hello }", "headers": {"content-type": "text/plain"}},
        415,
        415,
        "application/json",
    ),
    ("syntax error", {"json": {"query": "{ hello "}}, 400, 200, "Syntax Error"),
    (
        "validation error",
        {"json": {"query": "{ goodbye }"}},
        400,
        200,
        "Cannot query field 'goodbye'",
    ),
    (
        "unknown operation",
        {"json": {"query": "query A { hello }", "operationName": "B"}},
        400,
        200,
        'Unknown operation named "B"',
    ),
    (
        "invalid variables",
        {"json": {"query": "query($n: Int!) { slow(n: $n) }", "variables": {"n": "x"}}},
        400,
        200,
        "$n",
    ),
]


@pytest.mark.parametrize(
    ("kwargs", "strict_status", "json_status", "message"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
async def test_bad_input_gets_its_status_and_says_what_is_wrong(
    client: httpx.AsyncClient, kwargs, strict_status, json_status, message, accept
) -> None:
    kwargs = dict(kwargs)
    headers = {"accept": accept, **kwargs.pop("headers", {})}
    response = await client.post("/graphql", headers=headers, **kwargs)
    assert response.status_code == (strict_status if accept == GRAPHQL_RESPONSE else json_status)
    body = response.json()
    assert "data" not in body
    assert message in body["errors"][0]["message"]
    # The router keeps serving.
    assert (await client.post("/graphql", json={"query": "{ hello }"})).status_code == 200


async def test_parse_and_validation_errors_carry_codes_and_locations(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "{\n  goodbye }"})
    error = response.json()["errors"][0]
    assert error["locations"] == [{"line": 2, "column": 3}]


async def test_an_oversized_body_is_413(make_client) -> None:
    async with make_client(limits={"max_body_bytes": 64}) as client:
        response = await client.post("/graphql", json={"query": "{ hello }", "x": "y" * 100})
        assert response.status_code == 413
        assert "larger than 64 bytes" in response.json()["errors"][0]["message"]
        assert (await client.post("/graphql", json={"query": "{ hello }"})).status_code == 200


async def test_a_planning_budget_overrun_is_a_clear_error(make_client) -> None:
    async with make_client(limits={"planning_budget": 1}) as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ ...F } fragment F on Query { hello }"},
            headers={"accept": GRAPHQL_RESPONSE},
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "OPERATION_TOO_COMPLEX"


async def test_an_unacceptable_accept_header_is_406(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ hello }"}, headers={"accept": "text/csv"}
    )
    assert response.status_code == 406


async def test_other_methods_are_405(client: httpx.AsyncClient) -> None:
    response = await client.put("/graphql", json={"query": "{ hello }"})
    assert response.status_code == 405


async def test_internal_errors_are_masked_and_logged_with_the_request_id(
    make_client, caplog
) -> None:
    class Exploding:
        async def fetch(self, service_name, request):
            raise RuntimeError("secret database password in this message")

    async with make_client(transport=Exploding()) as client:
        with caplog.at_level(logging.ERROR, logger="router.http"):
            response = await client.post(
                "/graphql", json={"query": "{ hello }"}, headers={"x-request-id": "req-42"}
            )
    assert response.status_code == 500
    assert response.json() == {
        "errors": [
            {
                "message": "Internal server error",
                "extensions": {"code": "INTERNAL", "requestId": "req-42"},
            }
        ]
    }
    assert "req-42" in caplog.text and "secret database password" in caplog.text


async def test_health_and_graphiql(client: httpx.AsyncClient) -> None:
    health = await client.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    # Subscriptions typed into GraphiQL go to the router's WebSocket on the same path.
    assert "subscriptionUrl: socket + url" in page.text


async def test_the_plan_header_returns_the_printed_plan_where_exposed(
    make_client: Callable[..., Any],
) -> None:
    async with make_client(router={"expose_query_plan": True}) as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ hello cached }"},
            headers={"beyond-query-plan": "true"},
        )
        assert response.json()["extensions"] == {"queryPlan": "QueryPlan { ParallelNode }"}
        plain = await client.post("/graphql", json={"query": "{ hello }"})
        assert "extensions" not in plain.json()


@pytest.mark.parametrize(
    ("router", "header", "shown"),
    [
        ({}, "true", False),  # production default: ignored
        ({"query_plan_secret": "plans-for-operators"}, "true", False),
        ({"query_plan_secret": "plans-for-operators"}, "plans-for-operators", True),
        ({"query_plan_secret": "plans-for-operators"}, "plans-for-operator", False),
    ],
)
async def test_the_plan_header_is_ignored_without_the_switch_or_the_secret(
    make_client: Callable[..., Any], router: dict[str, Any], header: str, shown: bool
) -> None:
    async with make_client(router=router) as client:
        response = await client.post(
            "/graphql", json={"query": "{ hello }"}, headers={"beyond-query-plan": header}
        )
    assert ("extensions" in response.json()) is shown

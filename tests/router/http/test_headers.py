"""Header propagation to subgraphs and the merge of subgraph response headers."""

from __future__ import annotations

import httpx
import pytest

from router.http.headers import merge_cache_control

CLIENT_HEADERS = {
    "authorization": "Bearer abc",
    "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "cookie": "session=1",
    "x-device": "phone",
}


async def test_authorization_and_trace_context_are_forwarded_by_default(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "{ headers }"}, headers=CLIENT_HEADERS)
    assert response.json()["data"]["headers"] == [
        "authorization=Bearer abc",
        f"traceparent={CLIENT_HEADERS['traceparent']}",
    ]


async def test_subgraphs_learn_the_request_id_and_the_real_client_address(
    client: httpx.AsyncClient,
) -> None:
    spoofed = {"x-request-id": "req-7", "x-forwarded-for": "203.0.113.9"}
    response = await client.post("/graphql", json={"query": "{ edgeHeaders }"}, headers=spoofed)
    # httpx's ASGI transport connects from 127.0.0.1; a client cannot claim another address.
    assert response.json()["data"]["edgeHeaders"] == [
        "x-request-id=req-7",
        "x-forwarded-for=127.0.0.1",
    ]
    assert response.headers["x-request-id"] == "req-7"


async def test_propagation_is_configurable_per_subgraph(make_client) -> None:
    config = {
        "headers": {"propagate": ["cookie"]},
        "subgraphs": {"edge": {"propagate": ["x-device"]}},
    }
    async with make_client(**config) as client:
        response = await client.post(
            "/graphql", json={"query": "{ headers }"}, headers=CLIENT_HEADERS
        )
    assert response.json()["data"]["headers"] == ["cookie=session=1", "x-device=phone"]


async def test_set_cookie_is_appended_and_the_most_restrictive_cache_control_wins(
    client: httpx.AsyncClient,
) -> None:
    # Two root fields → two fetches, each answering with its own headers.
    response = await client.post("/graphql", json={"query": "{ cached personal }"})
    assert response.json() == {"data": {"cached": 1, "personal": 2}}
    assert sorted(response.headers.get_list("set-cookie")) == ["a=1; Path=/", "b=2; Path=/"]
    assert response.headers["cache-control"] == "private, max-age=10"


async def test_a_subgraph_answer_without_cache_control_makes_the_answer_uncacheable(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "{ cached hello }"})
    assert "cache-control" not in response.headers


@pytest.mark.parametrize(
    ("values", "merged"),
    [
        (
            ["public, max-age=60", "public, max-age=30, s-maxage=20"],
            "public, max-age=30, s-maxage=20",
        ),
        (["max-age=60", "no-store"], "no-store"),
        (["public, max-age=60", "private, max-age=90"], "private, max-age=60"),
        (["max-age=60", "no-cache, max-age=5"], "no-cache, max-age=5"),
        (["public, max-age=60", None], None),
        (["public, max-age=60", "public"], "public"),
        ([], None),
    ],
)
def test_cache_control_merge(values: list[str | None], merged: str | None) -> None:
    assert merge_cache_control(values) == merged

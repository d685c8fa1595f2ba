"""A request naming ``query`` (or any member) twice is refused, not read as the last one."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(
    "body",
    [
        b'{"query": "{ hello }", "query": "mutation { bump }"}',
        b'{"query": "{ hello }", "\\u0071uery": "mutation { bump }"}',
        b'{"query": "{ hello }", "variables": {}, "variables": {"n": "x"}}',
    ],
)
async def test_a_repeated_member_is_a_400(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "more than once" in error["message"]


async def test_a_repeated_name_inside_variables_is_not_the_request_s(
    client: httpx.AsyncClient,
) -> None:
    body = (
        b'{"query": "query($query: String) { hello(name: $query) }", "variables": {"query": "q"}}'
    )
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.json() == {"data": {"hello": "hello q"}}


async def test_a_repeated_query_parameter_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql?query=%7B+hello+%7D&query=%7B+other+%7D")
    assert response.status_code == 400
    assert "more than once" in response.json()["errors"][0]["message"]

"""CORS: preflights answered for allowed origins, nothing added without ``[cors]``.

The last test is a real browser: a page served on ``http://localhost:PORT``
calls the router on ``http://127.0.0.1:OTHER`` with an ``Authorization``
header (so Chromium sends a preflight first) and shows what it read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from playwright.async_api import expect
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from router.config import parse_config
from router.http.cors import LOCALHOST_ORIGINS
from tests.router.http.sockets import feed_router, feed_subgraphs
from tests.router.live_server import serving
from tests.support.browser import offline_chromium, requires_chromium

PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type, authorization",
}


@pytest.fixture
async def cors_client(make_client: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    cors = {"origins": ["https://app.example", "http://localhost:*"], "max_age": 120}
    async with make_client(cors=cors) as client:
        yield client


async def test_a_preflight_from_an_allowed_origin_is_answered(
    cors_client: httpx.AsyncClient,
) -> None:
    for origin in ("https://app.example", "http://localhost:5173"):
        response = await cors_client.options("/graphql", headers={"origin": origin, **PREFLIGHT})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == origin
        assert response.headers["access-control-max-age"] == "120"
        assert "POST" in response.headers["access-control-allow-methods"]
        allowed = response.headers["access-control-allow-headers"].lower()
        assert "authorization" in allowed and "content-type" in allowed
        assert "access-control-allow-credentials" not in response.headers


async def test_answers_name_the_allowed_origin_and_no_other(
    cors_client: httpx.AsyncClient,
) -> None:
    allowed = await cors_client.post(
        "/graphql", json={"query": "{ hello }"}, headers={"origin": "https://app.example"}
    )
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert "x-request-id" in allowed.headers["access-control-expose-headers"]
    other = await cors_client.post(
        "/graphql", json={"query": "{ hello }"}, headers={"origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in other.headers
    refused = await cors_client.options(
        "/graphql", headers={"origin": "https://evil.example", **PREFLIGHT}
    )
    assert refused.status_code == 400


async def test_without_cors_nothing_is_allowed(client: httpx.AsyncClient) -> None:
    response = await client.options(
        "/graphql", headers={"origin": "http://localhost:5173", **PREFLIGHT}
    )
    assert response.status_code == 405
    assert "access-control-allow-origin" not in response.headers


def test_beyond_dev_allows_any_localhost_port_with_credentials() -> None:
    config = parse_config({"cors": {"origins": list(LOCALHOST_ORIGINS), "allow_credentials": True}})
    assert config.cors is not None and config.cors.allow_credentials


PAGE = """<!doctype html><html><body><p id="out">waiting</p><script>
fetch(ROUTER + "/graphql", {
  method: "POST",
  headers: {"content-type": "application/json", "authorization": "Bearer t"},
  body: JSON.stringify({query: "{ topReview { body } }"}),
}).then((r) => r.json())
  .then((body) => { document.getElementById("out").textContent = "read: " + JSON.stringify(body); })
  .catch((error) => { document.getElementById("out").textContent = "failed: " + error; });
</script></body></html>"""


def frontend(router_url: str) -> Starlette:
    page = PAGE.replace("ROUTER", repr(router_url))

    async def index(_: object) -> HTMLResponse:
        return HTMLResponse(page)

    return Starlette(routes=[Route("/", index)])


@requires_chromium
@pytest.mark.parametrize(
    ("cors", "expected"),
    [
        ({"origins": ["http://localhost:*"]}, 'read: {"data":{"topReview":{"body":"Love it!"}}}'),
        ({"origins": ["https://app.example"]}, "failed: TypeError: Failed to fetch"),
        (None, "failed: TypeError: Failed to fetch"),
    ],
    ids=["allowed", "other-origin", "no-cors"],
)
async def test_a_page_on_another_origin_reads_the_graph_only_when_allowed(
    cors: dict[str, Any] | None, expected: str
) -> None:
    config = {"cors": cors} if cors else {}
    async with (
        feed_subgraphs() as urls,
        feed_router(urls, **config) as router_url,
        serving(frontend(router_url)) as page_url,
        offline_chromium() as chromium,
        chromium.page() as page,
    ):
        await page.goto(page_url.replace("127.0.0.1", "localhost") + "/")
        await expect(page.locator("#out")).to_have_text(expected, timeout=20_000)
    assert chromium.blocked == []

"""GraphiQL in real headless Chromium with no network beyond 127.0.0.1.

The router serves the review feed (tests/router/review_feed.py); the page
must load every file from the router, answer ``{ __typename }`` and a
subscription typed into its editor and run with its button, carry a pasted
token, and link the last operation's plan.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Page, expect

from tests.router.http.sockets import feed_router, feed_subgraphs
from tests.support.browser import OfflineBrowser, offline_chromium, requires_chromium

pytestmark = requires_chromium

TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
async def graphiql_url() -> AsyncIterator[str]:
    # As `beyond dev` serves it: plans exposed, so the page's plan link works.
    router = {"expose_query_plan": True}
    async with feed_subgraphs() as urls, feed_router(urls, router=router) as url:
        yield f"{url}/graphql"


@pytest.fixture(scope="module")
async def chromium() -> AsyncIterator[OfflineBrowser]:
    async with offline_chromium() as browser:
        yield browser


@contextlib.asynccontextmanager
async def graphiql(chromium: OfflineBrowser, url: str) -> AsyncIterator[Page]:
    """The page, loaded until GraphiQL can run an operation."""
    async with chromium.page() as page:
        await page.goto(url)
        await expect(page.locator(".graphiql-execute-button")).to_be_visible(timeout=TIMEOUT_MS)
        yield page


async def run(page: Page, operation: str) -> None:
    """Replace the active tab's operation by typing it, then press the run button."""
    editor = page.locator(".graphiql-query-editor .CodeMirror").first
    await editor.click()
    await page.keyboard.press("Control+A")
    await page.keyboard.press("Delete")
    await page.keyboard.insert_text(operation)
    await page.locator(".graphiql-execute-button").click()


def response(page: Page) -> object:
    return page.locator(".graphiql-response .CodeMirror-code")


async def test_the_page_answers_a_query_and_a_subscription_offline(
    chromium: OfflineBrowser, graphiql_url: str
) -> None:
    async with chromium.page() as page:
        loaded = []
        page.on("requestfinished", lambda request: loaded.append(request.url))
        await page.goto(graphiql_url)
        await expect(page.locator(".graphiql-execute-button")).to_be_visible(timeout=TIMEOUT_MS)
        # The explorer plugin is there, and its schema came by introspection.
        await expect(page.locator("button[aria-label='Show GraphiQL Explorer']")).to_be_visible()

        await run(page, "{ __typename }")
        await expect(response(page)).to_contain_text('"__typename": "Query"', timeout=TIMEOUT_MS)

        await run(
            page,
            'subscription { reviewAdded(ids: ["r1", "r3"]) { id body author { name } } }',
        )
        # GraphiQL shows the latest event: the second one, with the author from accounts.
        await expect(response(page)).to_contain_text(
            '"body": "Could be softer."', timeout=TIMEOUT_MS
        )
        await expect(response(page)).to_contain_text('"name": "Grace"')
    assert chromium.blocked == []
    assert any("/graphiql/vendor/graphiql.min.js" in url for url in loaded)


async def test_a_pasted_token_reaches_subscriptions(
    chromium: OfflineBrowser, graphiql_url: str
) -> None:
    async with graphiql(chromium, graphiql_url) as page:
        await page.fill("#beyond-token", "t-123")
        await page.click("#beyond-use-token")
        await expect(page.locator("#beyond-auth-status")).to_contain_text("Signed in")
        await run(page, "subscription { whoami }")
        # The subgraph saw the token in the connection_init payload the router sent it.
        await expect(response(page)).to_contain_text("Bearer t-123", timeout=TIMEOUT_MS)
    assert chromium.blocked == []


async def test_the_plan_link_shows_the_last_operations_plan(
    chromium: OfflineBrowser, graphiql_url: str
) -> None:
    async with graphiql(chromium, graphiql_url) as page:
        plan = page.locator("#beyond-plan")
        await expect(plan).to_have_attribute("aria-disabled", "true")
        await run(page, "{ topReview { id author { name } } }")
        await expect(response(page)).to_contain_text('"topReview"', timeout=TIMEOUT_MS)
        await expect(plan).to_have_attribute("aria-disabled", "false")
        text = await page.evaluate(
            "fetch(document.getElementById('beyond-plan').href).then(r => r.text())"
        )
        assert text.startswith("QueryPlan {")
        assert 'Fetch(service: "reviews")' in text and 'Fetch(service: "accounts")' in text
        # The plan is behind the link, not in the result pane.
        await expect(response(page)).not_to_contain_text("queryPlan")
    assert chromium.blocked == []


async def test_a_router_that_hides_plans_shows_no_link_and_says_why(
    chromium: OfflineBrowser,
) -> None:
    async with feed_subgraphs() as urls, feed_router(urls) as url, chromium.page() as page:
        sent: list[dict[str, str]] = []
        page.on("request", lambda request: sent.append(request.headers))
        await page.goto(f"{url}/graphql")
        await expect(page.locator(".graphiql-execute-button")).to_be_visible(timeout=TIMEOUT_MS)
        await run(page, "{ topReview { id } }")
        await expect(response(page)).to_contain_text('"topReview"', timeout=TIMEOUT_MS)
        await expect(page.locator("#beyond-plan")).to_have_count(0)
        await expect(page.locator("#beyond-plan-off")).to_contain_text("Query plans are off")
    assert not any("beyond-query-plan" in headers for headers in sent)
    assert chromium.blocked == []

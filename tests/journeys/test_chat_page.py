"""The chat page in real headless Chromium, two members in two browser contexts: the
unread badge appears live, a message sent on one page shows on the other without reload, and
the message center's red dot lights up live (or, without the message center, stays away)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from sqlalchemy.engine import URL

from tests.subgraphs.accounts.conftest import new_mobile
from tests.support.browser import offline_chromium, requires_chromium
from tests.support.graph import domain_urls
from tests.support.live_chat import ChatGraph, chat_graph

__all__ = ["domain_urls"]

pytestmark = requires_chromium

TIMEOUT_MS = 15_000
PASSWORD = "correct1horse"
START = "mutation($u: ID!) { startConversation(userId: $u) { id } }"
FOLLOW = "mutation($u: ID!) { follow(userId: $u) { id } }"
SEND = """mutation($c: ID!, $b: String!) {
  sendMessage(conversationId: $c, clientMessageId: "api-1", body: $b) { seq } }"""


@pytest.fixture
async def live(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> AsyncIterator[ChatGraph]:
    async with chat_graph(tmp_path, domain_urls, redis_prefix) as served:
        yield served


async def member(live: ChatGraph, nickname: str) -> tuple[str, str, str]:
    """(mobile, id, token) of a new member."""
    graph = live.graph
    mobile = new_mobile()
    await graph.data(
        "mutation($m: String!) { requestVerificationCode(mobile: $m, purpose: REGISTER) { expiresIn } }",
        m=mobile,
    )
    data = await graph.data(
        """mutation($m: String!, $c: String!, $n: String!, $p: String!) {
             register(mobile: $m, code: $c, password: $p, nickname: $n) { accessToken user { id } } }""",
        m=mobile,
        c=graph.sms.last_code(mobile),
        n=nickname,
        p=PASSWORD,
    )
    return mobile, data["register"]["user"]["id"], data["register"]["accessToken"]


async def sign_in(page: Page, url: str, mobile: str) -> None:
    await page.goto(f"{url}/chat")
    await page.fill("#mobile", mobile)
    await page.fill("#password", PASSWORD)
    await page.click("#sign-in button")
    await expect(page.locator("#chat")).to_be_visible(timeout=TIMEOUT_MS)


async def test_two_members_chat_live_on_the_page(live: ChatGraph) -> None:
    ada_mobile, _, ada_token = await member(live, "Ada")
    bob_mobile, bob_id, _ = await member(live, "Bob")
    conversation = (await live.graph.data(START, ada_token, u=bob_id))["startConversation"]["id"]
    async with offline_chromium() as chromium:
        async with chromium.page() as ada, chromium.page() as bob:
            await sign_in(ada, live.url, ada_mobile)
            await sign_in(bob, live.url, bob_mobile)
            # The message center's red dot: Ada follows Bob, and his dot lights up, live.
            await expect(bob.locator("#red-dot")).to_be_hidden()
            await live.graph.data(FOLLOW, ada_token, u=bob_id)
            await expect(bob.locator("#red-dot")).to_be_visible(timeout=TIMEOUT_MS)
            listed = bob.locator(f'#conversations li[data-id="{conversation}"]')
            await expect(listed.locator(".name")).to_have_text("Ada", timeout=TIMEOUT_MS)
            # A message while Bob looks elsewhere: his badge counts it, live.
            await live.graph.data(SEND, ada_token, c=conversation, b="Are you there?")
            await expect(listed.locator(".badge")).to_have_text("1", timeout=TIMEOUT_MS)
            await listed.click()
            await expect(bob.locator("#messages li .text")).to_have_text(
                ["Are you there?"], timeout=TIMEOUT_MS
            )
            await expect(listed.locator(".badge")).to_have_count(0, timeout=TIMEOUT_MS)
            # Ada writes on her page; Bob's page shows it without a reload.
            await ada.locator(f'#conversations li[data-id="{conversation}"]').click()
            await expect(ada.locator("#messages li")).to_have_count(1, timeout=TIMEOUT_MS)
            await ada.fill("#body", "Hello from the page")
            await ada.click("#composer button")
            await expect(bob.locator("#messages li .text")).to_have_text(
                ["Are you there?", "Hello from the page"], timeout=TIMEOUT_MS
            )
            await expect(bob.locator("#messages li .from").last).to_have_text("Ada")
        assert chromium.blocked == []


async def test_without_the_message_center_the_page_shows_no_red_dot(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> None:
    """A graph without `unreadCounts` (as before notifications existed): the page degrades."""
    async with chat_graph(
        tmp_path, domain_urls, redis_prefix, without=frozenset({"notifications"})
    ) as live:
        ada_mobile, ada_id, _ = await member(live, "Ada")
        _, _, bob_token = await member(live, "Bob")
        await live.graph.data(FOLLOW, bob_token, u=ada_id)
        async with offline_chromium() as chromium, chromium.page() as ada:
            await sign_in(ada, live.url, ada_mobile)
            await expect(ada.locator("#red-dot")).to_be_hidden()
            await expect(ada.locator("#status")).to_have_text("")

"""Real headless Chromium (Debian's ``chromium``) with the network cut to 127.0.0.1.

Playwright drives the system browser: it never downloads one of its own.
Three fences keep every request on this machine: names resolve to nothing
(``--host-resolver-rules``), anything that is not loopback goes to a proxy
that is not there, and every request the page makes is checked: one for
another host is failed and recorded in :attr:`OfflineBrowser.blocked`.
Tests skip, saying why, only when chromium is not installed.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, Route, async_playwright

from tests.support.net import free_port

CHROMIUM = shutil.which("chromium")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
requires_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (apt-get install -y chromium; .ci/run does it)",
)


@dataclass
class OfflineBrowser:
    browser: Browser
    blocked: list[str] = field(default_factory=list)

    @contextlib.asynccontextmanager
    async def page(self) -> AsyncIterator[Page]:
        """A fresh page (own storage) whose non-local requests fail and are recorded."""
        context = await self.browser.new_context()
        await context.route("**/*", self._fence)
        try:
            yield await context.new_page()
        finally:
            await context.close()

    async def _fence(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and (
            urlsplit(url).hostname not in LOCAL_HOSTS
        ):
            self.blocked.append(url)
            await route.abort("internetdisconnected")
        else:
            await route.continue_()


@contextlib.asynccontextmanager
async def offline_chromium() -> AsyncIterator[OfflineBrowser]:
    assert CHROMIUM is not None
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                f"--proxy-server=http://127.0.0.1:{free_port()}",
                "--proxy-bypass-list=127.0.0.1;localhost",
            ],
        )
        try:
            yield OfflineBrowser(browser)
        finally:
            await browser.close()

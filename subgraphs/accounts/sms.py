"""Sending SMS: providers behind :class:`SmsSender`, chosen by ``BEYOND_SMS_PROVIDER``.

``console`` prints each code (``beyond dev``; ``beyond serve`` refuses it),
``webhook`` posts ``{"mobile", "code"}`` as JSON to ``BEYOND_SMS_WEBHOOK_URL``,
where a gateway speaks to the SMS vendor.
"""

from __future__ import annotations

import sys
from typing import Protocol, TextIO

import httpx

from subgraphs.accounts.settings import AccountsSettings

WEBHOOK_TIMEOUT_SECONDS = 5.0


class SmsSender(Protocol):
    async def send_code(self, mobile: str, code: str) -> None: ...


class ConsoleSmsSender:
    """Prints ``SMS to <mobile>: <code>`` instead of sending anything."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send_code(self, mobile: str, code: str) -> None:
        stream = self._stream or sys.stdout
        print(f"SMS to {mobile}: {code}", file=stream, flush=True)


class WebhookSmsSender:
    """Posts each code to the gateway; an answer other than 2xx raises, so no code is lost."""

    def __init__(self, url: str, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._url = url
        self._transport = transport

    async def send_code(self, mobile: str, code: str) -> None:
        async with httpx.AsyncClient(
            timeout=WEBHOOK_TIMEOUT_SECONDS, transport=self._transport
        ) as client:
            response = await client.post(self._url, json={"mobile": mobile, "code": code})
            response.raise_for_status()


def sms_sender(settings: AccountsSettings) -> SmsSender:
    if settings.sms_provider == "webhook":
        assert settings.sms_webhook_url is not None, "checked when the settings were read"
        return WebhookSmsSender(settings.sms_webhook_url)
    return ConsoleSmsSender()

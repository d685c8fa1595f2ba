"""SMS providers: the webhook posts each code; the console one is for `beyond dev` only."""

from __future__ import annotations

import json

import httpx
import pytest

from shared.settings import SettingsError, load_settings
from subgraphs.accounts.settings import AccountsSettings
from subgraphs.accounts.sms import ConsoleSmsSender, WebhookSmsSender, sms_sender

REQUIRED = {
    "accounts_database_url": "sqlite+aiosqlite:///unused.db",
    "data_key": "A" * 43 + "=",
    "jwt_secret": "x" * 32,
}


def settings(**overrides: str) -> AccountsSettings:
    return load_settings(AccountsSettings, **REQUIRED, **overrides)


async def test_the_webhook_posts_the_mobile_and_code_and_fails_loudly() -> None:
    seen: list[httpx.Request] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(500 if json.loads(request.content)["mobile"] == "bad" else 204)

    sender = WebhookSmsSender("https://sms.example/send", transport=httpx.MockTransport(gateway))
    await sender.send_code("13800000001", "123456")
    assert [(r.method, str(r.url), json.loads(r.content)) for r in seen] == [
        ("POST", "https://sms.example/send", {"mobile": "13800000001", "code": "123456"})
    ]
    with pytest.raises(httpx.HTTPStatusError):
        await sender.send_code("bad", "123456")


def test_the_provider_follows_the_setting() -> None:
    assert isinstance(sms_sender(settings()), ConsoleSmsSender)
    webhook = settings(sms_provider="webhook", sms_webhook_url="https://sms.example/send")
    assert isinstance(sms_sender(webhook), WebhookSmsSender)
    assert webhook.production_problems() == [
        "BEYOND_REDIS_URL is not set: the in-process "
        "store is for `beyond dev` only (codes, rate limits and caches would live and die in "
        "one process)"
    ]
    ready = settings(
        sms_provider="webhook", sms_webhook_url="https://sms.example/send", redis_url="redis://r"
    )
    assert ready.production_problems() == []
    assert any(
        "BEYOND_SMS_PROVIDER is console" in line for line in settings().production_problems()
    )


@pytest.mark.parametrize(
    ("overrides", "line"),
    [
        ({"sms_provider": "webhook"}, "BEYOND_SMS_WEBHOOK_URL is not set"),
        ({"sms_provider": "webhook", "sms_webhook_url": "ftp://x"}, "must be an http(s) URL"),
        ({"sms_provider": "carrier-pigeon"}, "BEYOND_SMS_PROVIDER is invalid"),
    ],
)
def test_a_webhook_needs_an_http_url(overrides: dict[str, str], line: str) -> None:
    with pytest.raises(SettingsError) as raised:
        settings(**overrides)
    assert any(line in reported for reported in raised.value.lines), raised.value.lines

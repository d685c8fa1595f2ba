"""The accounts service on MariaDB (and, for tests marked ``sqlite``, on SQLite too)."""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import URL

from shared.domain import create_app
from subgraphs.accounts.domain import SPEC
from subgraphs.accounts.runtime import AccountsRuntime, build_runtime
from subgraphs.accounts.settings import AccountsSettings
from tests.conftest import MySQLDatabases
from tests.subgraphs.conftest import settings_maker
from tests.support.graphql import GraphQLClient
from tests.support.sms import RecordingSmsSender

MIGRATIONS = SPEC.migrations
_mobiles = itertools.count(int.from_bytes(os.urandom(2), "big") * 10_000)


def new_mobile() -> str:
    """A mobile number no other test of this session uses."""
    return f"139{next(_mobiles) % 10**8:08d}"


@pytest.fixture(scope="session")
def accounts_mysql_url(mysql_databases: MySQLDatabases) -> URL:
    return mysql_databases.create("accounts", MIGRATIONS)


@dataclass
class Accounts:
    runtime: AccountsRuntime
    app: FastAPI
    client: GraphQLClient
    sms: RecordingSmsSender
    settings: AccountsSettings

    async def register(
        self, mobile: str | None = None, password: str = "correct1horse"
    ) -> dict[str, Any]:
        mobile = mobile or new_mobile()
        await self.client.data(
            "mutation($m: String!) { requestVerificationCode(mobile: $m, purpose: REGISTER) { expiresIn } }",
            {"m": mobile},
        )
        data = await self.client.data(
            """mutation($m: String!, $c: String!, $p: String!) {
                 register(mobile: $m, code: $c, password: $p, nickname: "Newcomer") {
                   accessToken refreshToken expiresIn user { id nickname } } }""",
            {"m": mobile, "c": self.sms.last_code(mobile), "p": password},
        )
        payload: dict[str, Any] = data["register"]
        payload["mobile"] = mobile
        return payload

    async def request_code(self, mobile: str, purpose: str) -> str:
        """Ask for a code once the resend cooldown has passed; return the code sent."""
        await asyncio.sleep(self.settings.code_resend_cooldown + 0.05)
        await self.client.data(
            "mutation($m: String!, $p: VerificationPurpose!) { requestVerificationCode(mobile: $m, purpose: $p) { expiresIn } }",
            {"m": mobile, "p": purpose},
        )
        return self.sms.last_code(mobile)


@pytest.fixture
def accounts_settings(
    backend: str, accounts_mysql_url: URL, sqlite_url: Callable[[str, Path], URL], redis_prefix: str
) -> Callable[..., AccountsSettings]:
    url = accounts_mysql_url if backend == "mariadb" else sqlite_url("accounts", MIGRATIONS)

    return settings_maker(SPEC, url, redis_prefix)


@pytest.fixture
async def accounts_factory(
    accounts_settings: Callable[..., AccountsSettings],
) -> AsyncIterator[Callable[..., Accounts]]:
    started: list[Accounts] = []

    def start(**overrides: Any) -> Accounts:
        settings = accounts_settings(**overrides)
        sms = RecordingSmsSender()
        runtime = build_runtime(settings, sms=sms)
        app = create_app(SPEC, runtime)
        started.append(Accounts(runtime, app, GraphQLClient(app), sms, settings))
        return started[-1]

    yield start
    for accounts in started:
        await accounts.client.aclose()
        await accounts.runtime.aclose()


@pytest.fixture
def accounts(accounts_factory: Callable[..., Accounts]) -> Accounts:
    """Accounts with a 1 s resend cooldown, so a test can ask one number for several codes."""
    return accounts_factory(code_resend_cooldown=1)

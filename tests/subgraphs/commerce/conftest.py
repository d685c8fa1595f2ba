"""The commerce domain on MariaDB and Redis, with the fake payment provider."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import URL

from shared.db import utcnow
from shared.domain import create_app
from shared.ids import UserId
from subgraphs.commerce import catalogue
from subgraphs.commerce.catalogue import FlashSaleView
from subgraphs.commerce.domain import SPEC
from subgraphs.commerce.payments import FakePaymentProvider
from subgraphs.commerce.runtime import CommerceRuntime, build_runtime
from tests.conftest import MySQLDatabases
from tests.subgraphs.conftest import settings_maker
from tests.support.domains import WEBHOOK_SECRET
from tests.support.graphql import GraphQLClient

MIGRATIONS = SPEC.migrations
_users = iter(range(secrets.randbelow(10**9) * 1000 + 10**12, 10**15))


def new_user() -> UserId:
    """A member id no other test uses (orders are per member, and the database is shared)."""
    return UserId(next(_users))


@pytest.fixture(scope="session")
def commerce_mysql_url(mysql_databases: MySQLDatabases) -> URL:
    return mysql_databases.create("commerce", MIGRATIONS)


async def new_sale(
    runtime: CommerceRuntime,
    units: int,
    *,
    price: int = 990,
    starts_in: float = -1.0,
    lasts: float = 3600.0,
) -> FlashSaleView:
    """A product with one SKU and a flash sale of ``units`` of it, starting in ``starts_in`` s."""
    starts = utcnow() + timedelta(seconds=starts_in)
    async with runtime.database.transaction() as session:
        product = await catalogue.create_product(
            session,
            title="Noise-cancelling headphones",
            description="",
            skus=[("black", 129900, units)],
            currency="CNY",
        )
        sku = (await catalogue.skus_of(session, [product.id]))[product.id][0]
        return await catalogue.create_flash_sale(
            session,
            sku_id=sku.id,
            price=price,
            units=units,
            starts_at=starts,
            ends_at=starts + timedelta(seconds=lasts),
        )


@dataclass
class Commerce:
    runtime: CommerceRuntime
    client: GraphQLClient
    provider: FakePaymentProvider
    http: httpx.AsyncClient

    async def execute(
        self, query: str, user: int | None = None, *, scopes: tuple[str, ...] = (), **variables: Any
    ) -> Any:
        token = self.runtime.tokens.issue(str(user), scopes=scopes) if user else None
        return await self.client.execute(query, variables, token=token)

    async def data(self, query: str, user: int | None = None, **variables: Any) -> Any:
        body = await self.execute(query, user, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def deliver(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        """POST a webhook as the provider would."""
        return await self.http.post("/webhooks/payments", content=body, headers=headers)


CommerceFactory = Callable[..., Awaitable[Commerce]]


@pytest.fixture
async def make_commerce(
    commerce_mysql_url: URL, redis_prefix: str
) -> AsyncIterator[CommerceFactory]:
    """``await make_commerce(**settings)``: a commerce service on this test's Redis prefix."""
    made: list[Commerce] = []

    async def make(**overrides: Any) -> Commerce:
        settings = settings_maker(SPEC, commerce_mysql_url, redis_prefix)(**overrides)
        provider = FakePaymentProvider(WEBHOOK_SECRET)
        runtime = build_runtime(settings, provider=provider)
        app = create_app(SPEC, runtime)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://c.test")
        made.append(Commerce(runtime, GraphQLClient(app), provider, http))
        return made[-1]

    yield make
    for commerce in made:
        await commerce.client.aclose()
        await commerce.http.aclose()
        await commerce.runtime.aclose()


@pytest.fixture
async def commerce(make_commerce: CommerceFactory) -> Commerce:
    return await make_commerce()

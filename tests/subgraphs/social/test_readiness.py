"""Social's /health says it is alive; /ready that its database, Redis and accounts' gRPC answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.net import free_port


async def test_ready_when_the_database_redis_and_accounts_answer(
    social_factory: Callable[..., Any],
) -> None:
    social = await social_factory()
    response = await social.client.http.get("/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": "ok",
        "redis": "ok",
        "accounts": "ok",
    }


async def test_not_ready_without_accounts_but_still_alive(
    social_factory: Callable[..., Any],
) -> None:
    social = await social_factory(accounts_grpc_target=f"127.0.0.1:{free_port()}")
    response = await social.client.http.get("/ready")
    assert response.status_code == 503
    assert response.json()["accounts"] == "unavailable"
    assert response.json()["database"] == "ok"
    alive = await social.client.http.get("/health")
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}

"""Automatic persisted queries (Apollo's protocol) over Redis and a local LRU, and the safelist mode."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from beyond.cli import main
from router.config import ConfigError, parse_config
from router.http import create_router_app
from router.transport import AsgiTransport
from tests.conftest import REDIS_URL
from tests.router.http.compose import SHOP_SUPERGRAPH
from tests.router.shop import shop_apps
from tests.support.net import free_port

QUERY = "query Top { topProducts(first: 1) { name } }"
DATA = {"data": {"topProducts": [{"name": "Table"}]}}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _extensions(sha256: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


@contextlib.asynccontextmanager
async def _router(tmp_path: Path, **persisted: Any) -> AsyncIterator[httpx.AsyncClient]:
    supergraph = tmp_path / "shop.graphql"
    if not supergraph.exists():
        shutil.copy(SHOP_SUPERGRAPH, supergraph)
    raw = {"persisted_queries": persisted}
    config = dataclasses.replace(parse_config(raw, base=tmp_path), supergraph=supergraph)
    app = create_router_app(config, transport=AsgiTransport(shop_apps()))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://router.test"
        ) as client,
    ):
        yield client


async def _send(client: httpx.AsyncClient, **body: Any) -> tuple[int, Any]:
    response = await client.post(
        "/graphql", json=body, headers={"accept": "application/graphql-response+json"}
    )
    return response.status_code, response.json()


def _error(status: int, message: str, code: str) -> tuple[int, Any]:
    return status, {"errors": [{"message": message, "extensions": {"code": code}}]}


async def test_the_apq_round_trip_as_apollo_clients_make_it(tmp_path: Path) -> None:
    async with _router(tmp_path) as client:
        by_hash = {"extensions": _extensions(_sha(QUERY))}
        assert await _send(client, **by_hash) == _error(
            200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"
        )
        assert await _send(client, query=QUERY, **by_hash) == (200, DATA)
        assert await _send(client, **by_hash) == (200, DATA)
        # GET carries it too, as Apollo's link sends queries by hash.
        response = await client.get(
            "/graphql", params={"extensions": json.dumps(_extensions(_sha(QUERY)))}
        )
        assert response.json() == DATA


async def test_a_wrong_hash_an_old_version_and_an_invalid_operation_are_not_registered(
    tmp_path: Path,
) -> None:
    invalid = "{ nope }"
    async with _router(tmp_path) as client:
        assert await _send(client, query=QUERY, extensions=_extensions("0" * 64)) == _error(
            400, "provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH"
        )
        old = {"persistedQuery": {"version": 2, "sha256Hash": _sha(QUERY)}}
        status, body = await _send(client, query=QUERY, extensions=old)
        assert (status, body["errors"][0]["extensions"]["code"]) == (400, "BAD_REQUEST")
        status, body = await _send(client, query=invalid, extensions=_extensions(_sha(invalid)))
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert (await _send(client, extensions=_extensions(_sha(invalid))))[1] == _error(
            200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"
        )[1]


async def test_apq_can_be_switched_off(tmp_path: Path) -> None:
    async with _router(tmp_path, apq=False) as client:
        assert await _send(client, query=QUERY, extensions=_extensions(_sha(QUERY))) == _error(
            400, "PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED"
        )
        assert await _send(client, query=QUERY) == (200, DATA)


async def test_routers_share_registered_operations_through_redis(
    tmp_path: Path, redis_prefix: str
) -> None:
    shared = {"redis_url": REDIS_URL, "redis_prefix": redis_prefix}
    by_hash = {"extensions": _extensions(_sha(QUERY))}
    async with _router(tmp_path, **shared) as first:
        assert await _send(first, query=QUERY, **by_hash) == (200, DATA)
    async with _router(tmp_path, **shared) as second:
        assert await _send(second, **by_hash) == (200, DATA)
    async with _router(tmp_path) as without_redis:
        assert await _send(without_redis, **by_hash) == _error(
            200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"
        )


async def test_without_a_reachable_redis_the_local_cache_serves(tmp_path: Path) -> None:
    closed = free_port()
    by_hash = {"extensions": _extensions(_sha(QUERY))}
    async with _router(tmp_path, redis_url=f"redis://127.0.0.1:{closed}/0") as client:
        assert await _send(client, **by_hash) == _error(
            200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"
        )
        assert await _send(client, query=QUERY, **by_hash) == (200, DATA)
        assert await _send(client, **by_hash) == (200, DATA)


CLIENT = """
query Top { topProducts(first: 1) { ...Named } }
fragment Named on Product { name }
"""


@pytest.fixture
def manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    clients = tmp_path / "clients" / "web"
    clients.mkdir(parents=True)
    (clients / "top.graphql").write_text(CLIENT)
    (clients / "me.graphql").write_text("query Me { me { username } }")
    output = tmp_path / "manifest.json"
    assert (
        main(["persisted-queries", "manifest", str(tmp_path / "clients"), "-o", str(output)]) == 0
    )
    loaded: dict[str, Any] = json.loads(output.read_text())
    return loaded


def test_the_manifest_is_apollo_s_format(manifest: dict[str, Any]) -> None:
    assert manifest["format"] == "apollo-persisted-query-manifest"
    assert manifest["version"] == 1
    top = next(o for o in manifest["operations"] if o["name"] == "Top")
    assert top["type"] == "query"
    assert top["id"] == _sha(top["body"])
    assert "fragment Named on Product" in top["body"]
    assert [o["name"] for o in manifest["operations"]] == ["Me", "Top"]


async def test_the_safelist_refuses_every_other_operation(
    tmp_path: Path, manifest: dict[str, Any]
) -> None:
    top = next(o for o in manifest["operations"] if o["name"] == "Top")
    async with _router(tmp_path, safelist="manifest.json") as client:
        assert await _send(client, query=top["body"]) == (200, DATA)
        assert await _send(client, extensions=_extensions(top["id"])) == (200, DATA)
        assert await _send(client, query=QUERY) == _error(
            400,
            "The operation body was not found in the persisted query list",
            "QUERY_NOT_IN_SAFELIST",
        )
        assert await _send(client, query=QUERY, extensions=_extensions(_sha(QUERY))) == _error(
            400,
            "The operation body was not found in the persisted query list",
            "QUERY_NOT_IN_SAFELIST",
        )
        unknown = "1" * 64
        assert await _send(client, extensions=_extensions(unknown)) == _error(
            400,
            f"Persisted query '{unknown}' not found in the persisted query list",
            "PERSISTED_QUERY_NOT_IN_LIST",
        )


def test_an_unreadable_safelist_stops_the_router(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"format": "something-else"}')
    config = dataclasses.replace(
        parse_config({"persisted_queries": {"safelist": "bad.json"}}, base=tmp_path),
        supergraph=SHOP_SUPERGRAPH,
    )
    with pytest.raises(ConfigError, match="apollo-persisted-query-manifest"):
        create_router_app(config, transport=AsgiTransport(shop_apps()))

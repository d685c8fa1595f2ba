"""The entity cache end to end: the pantry subgraphs and our router over real HTTP, on real Redis.

Which subgraph was asked what is read on the subgraph side
(:mod:`tests.router.request_log`); the printed plan (``Beyond-Query-Plan``)
says how the cache answered each fetch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import jwt
import pytest
from redis.asyncio import Redis

from router.cache import KeySpace
from tests.conftest import REDIS_URL
from tests.router import pantry
from tests.router.http.compose import PANTRY_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.support.polling import eventually_async

PRODUCTS = "{ products { id name } }"
NOTES = "{ products { id myNote } }"
PLAN = {"Beyond-Query-Plan": "true"}

Pantry = Callable[..., AbstractAsyncContextManager[Federation]]


def token(subject: str) -> dict[str, str]:
    signed = jwt.encode({"sub": subject, "exp": time.time() + 300}, pantry.SECRET, "HS256")
    return {"authorization": f"Bearer {signed}", **PLAN}


@pytest.fixture
def pantry_graph(redis_prefix: str) -> Pantry:
    """``async with pantry_graph(**entity_cache) as graph`` — the pantry behind a caching router."""

    def start(subgraphs: dict[str, Any] | None = None, **settings: Any) -> Any:
        tables = {
            "entity_cache": {
                "enabled": True,
                "redis_url": REDIS_URL,
                "key_prefix": redis_prefix,
                **settings,
            },
            "authentication": {"jwt_secret": pantry.SECRET},
            "subgraphs": subgraphs or {},
        }
        return federation(pantry.pantry_apps(), PANTRY_SUPERGRAPH, tables)

    return start


@pytest.fixture(autouse=True)
def public_and_private_answers() -> None:
    pantry.CACHE_CONTROL.update(
        shelves="public, max-age=60", catalog="public, max-age=60", notes="private, max-age=60"
    )


async def test_a_warm_cache_answers_root_fields_and_entities_without_subgraphs(
    pantry_graph: Pantry,
) -> None:
    async with pantry_graph() as graph:
        cold = await graph.ask(PRODUCTS, headers=PLAN)
        warm = await graph.ask(PRODUCTS, headers=PLAN)
    expected = {"products": [{"id": "p1", "name": "Kettle"}, {"id": "p2", "name": "Teapot"}]}
    assert cold.body["data"] == warm.body["data"] == expected
    assert cold.asked.services() == ["shelves", "catalog"]
    assert warm.asked.services() == []
    assert cold.body["extensions"]["queryPlan"].count('# cache: {"hits": 0, "misses"') == 2
    assert '# cache: {"hits": 1, "misses": 0}' in warm.body["extensions"]["queryPlan"]
    assert '# cache: {"hits": 2, "misses": 0}' in warm.body["extensions"]["queryPlan"]


async def test_only_the_misses_are_sent_and_entries_are_shared_between_operations(
    pantry_graph: Pantry,
) -> None:
    async with pantry_graph() as graph:
        await graph.ask('query One { product(id: "p2") { name } }')
        answer = await graph.ask("query Shelf { products { id name } }", headers=PLAN)
    assert answer.body["data"]["products"][1] == {"id": "p2", "name": "Teapot"}
    (catalog,) = answer.asked.to("catalog")
    assert catalog.representations == [{"__typename": "Product", "id": "p1"}]
    assert '# cache: {"hits": 1, "misses": 1}' in answer.body["extensions"]["queryPlan"]


async def test_a_private_field_never_reaches_another_user(pantry_graph: Pantry) -> None:
    async with pantry_graph() as graph:
        ada = await graph.ask(NOTES, headers=token("ada"))
        grace = await graph.ask(NOTES, headers=token("grace"))
        nobody = await graph.ask(NOTES)
        ada_again = await graph.ask(NOTES, headers=token("ada"))
        grace_again = await graph.ask(NOTES, headers=token("grace"))
    assert ada.body["data"]["products"][0] == {"id": "p1", "myNote": "ada's kettle"}
    assert grace.body["data"]["products"][0] == {"id": "p1", "myNote": "grace's kettle"}
    assert nobody.body["data"]["products"][0] == {"id": "p1", "myNote": None}
    assert ada_again.body["data"] == ada.body["data"]
    assert grace_again.body["data"] == grace.body["data"]
    # Each user's own entries answer that user; another user's are never read.
    assert "notes" in grace.asked.services()
    assert "notes" in nobody.asked.services()
    assert "notes" not in ada_again.asked.services()
    assert "notes" not in grace_again.asked.services()


async def test_an_answer_from_the_cache_keeps_the_scope_and_the_remaining_age(
    pantry_graph: Pantry,
) -> None:
    async with pantry_graph() as graph:
        fetched = await graph.ask(NOTES, headers=token("ada"))
        cached = await graph.ask(NOTES, headers=token("ada"))
        shared = await graph.ask(PRODUCTS)
        shared_again = await graph.ask(PRODUCTS)
    assert cached.asked.services() == shared_again.asked.services() == []
    assert fetched.headers["cache-control"] == "private, max-age=60"
    scope, age = cached.headers["cache-control"].split(", max-age=")
    assert scope == "private"  # a shared cache in front of the router must not keep it
    assert 0 < int(age) <= 60
    # The products list came into the cache with the notes' query, a moment earlier.
    for public in (shared, shared_again):
        scope, age = public.headers["cache-control"].split(", max-age=")
        assert scope == "public"
        assert 0 < int(age) <= 60


async def test_private_answers_are_not_cached_without_a_verified_subject(
    pantry_graph: Pantry,
) -> None:
    async with pantry_graph() as graph:
        await graph.ask(NOTES)
        again = await graph.ask(NOTES)
    assert "notes" in again.asked.services()


async def test_one_invalidation_event_outdates_the_entity_for_the_next_query(
    pantry_graph: Pantry, redis: Redis, redis_prefix: str
) -> None:
    keys = KeySpace(redis_prefix)
    async with pantry_graph() as graph:
        await graph.ask(PRODUCTS)
        pantry.NAMES["p1"] = "Samovar"  # changed behind the router's back
        stale = await graph.ask(PRODUCTS)
        await _published(
            redis,
            keys,
            '{"subgraph": "catalog", "type": "Product", "key": {"id": "p1"}}',
            keys.entity_version("catalog", "Product", {"id": "p1"}),
        )
        fresh = await graph.ask(PRODUCTS)
    assert stale.body["data"]["products"][0]["name"] == "Kettle"
    assert fresh.body["data"]["products"][0]["name"] == "Samovar"
    (catalog,) = fresh.asked.to("catalog")
    assert catalog.representations == [{"__typename": "Product", "id": "p1"}]


async def test_an_event_without_a_key_outdates_a_subgraphs_root_fields(
    pantry_graph: Pantry, redis: Redis, redis_prefix: str
) -> None:
    keys = KeySpace(redis_prefix)
    async with pantry_graph() as graph:
        await graph.ask(PRODUCTS)
        pantry.SHELF.append("p3")
        try:
            await _published(
                redis,
                keys,
                '{"subgraph": "shelves", "type": "Query"}',
                keys.type_version("shelves", "Query"),
            )
            fresh = await graph.ask(PRODUCTS)
        finally:
            pantry.SHELF.remove("p3")
    assert [p["name"] for p in fresh.body["data"]["products"]] == ["Kettle", "Teapot", "Strainer"]
    (catalog,) = fresh.asked.to("catalog")
    assert catalog.representations == [{"__typename": "Product", "id": "p3"}]


async def test_a_subgraph_naming_a_changed_entity_outdates_it(pantry_graph: Pantry) -> None:
    async with pantry_graph() as graph:
        await graph.ask(PRODUCTS)
        renamed = await graph.ask('mutation { renameProduct(id: "p2", name: "Jug") { id } }')
        after = await graph.ask(PRODUCTS)
    assert renamed.body == {"data": {"renameProduct": {"id": "p2"}}}
    assert after.body["data"]["products"][1] == {"id": "p2", "name": "Jug"}


async def test_what_a_mutation_fetches_after_its_change_never_comes_from_the_cache(
    pantry_graph: Pantry,
) -> None:
    rename = 'mutation { renameProduct(id: "p1", name: "Urn") { id myNote } }'
    async with pantry_graph() as graph:
        await graph.ask(NOTES, headers=token("ada"))
        pantry.NOTES[("ada", "p1")] = "ada's urn"
        renamed = await graph.ask(rename, headers=token("ada"))
    assert renamed.body["data"] == {"renameProduct": {"id": "p1", "myNote": "ada's urn"}}
    assert renamed.asked.services() == ["catalog", "notes"]
    assert "# cache:" not in renamed.body["extensions"]["queryPlan"]


async def test_a_subgraph_switched_off_is_always_asked(pantry_graph: Pantry) -> None:
    async with pantry_graph(subgraphs={"catalog": {"entity_cache": False}}) as graph:
        await graph.ask(PRODUCTS)
        again = await graph.ask(PRODUCTS, headers=PLAN)
    assert again.asked.services() == ["catalog"]
    assert again.body["extensions"]["queryPlan"].count("# cache:") == 1


async def test_answers_without_freshness_are_not_cached(pantry_graph: Pantry) -> None:
    pantry.CACHE_CONTROL.update(shelves="no-store", catalog="public")
    async with pantry_graph() as graph:
        await graph.ask(PRODUCTS)
        again = await graph.ask(PRODUCTS)
    assert again.asked.services() == ["shelves", "catalog"]


async def test_an_entity_answer_with_errors_is_not_cached(pantry_graph: Pantry) -> None:
    async with pantry_graph() as graph:
        del pantry.NAMES["p2"]  # the catalog fails on one of the shelf's two products
        failed = await graph.ask(PRODUCTS)
        pantry.NAMES["p2"] = "Teapot"
        again = await graph.ask(PRODUCTS)
    assert failed.body["errors"][0]["path"] == ["products", 1]
    assert again.body == {
        "data": {"products": [{"id": "p1", "name": "Kettle"}, {"id": "p2", "name": "Teapot"}]}
    }
    # The catalog's answer came with an error, so neither of its entities was kept.
    (catalog,) = again.asked.to("catalog")
    assert catalog.representations == [
        {"__typename": "Product", "id": "p1"},
        {"__typename": "Product", "id": "p2"},
    ]


async def test_a_default_ttl_caches_answers_that_state_no_age(pantry_graph: Pantry) -> None:
    pantry.CACHE_CONTROL.update(catalog="public")
    async with pantry_graph(default_ttl=30) as graph:
        await graph.ask(PRODUCTS)
        again = await graph.ask(PRODUCTS)
    assert again.asked.services() == []


async def test_queries_are_answered_while_redis_is_down(pantry_graph: Pantry) -> None:
    async with pantry_graph(redis_url="redis://127.0.0.1:9/0") as graph:
        first = await graph.ask(PRODUCTS)
        second = await graph.ask(PRODUCTS)
    assert (
        first.body
        == second.body
        == {"data": {"products": [{"id": "p1", "name": "Kettle"}, {"id": "p2", "name": "Teapot"}]}}
    )
    assert second.asked.services() == ["shelves", "catalog"]


async def _published(redis: Redis, keys: KeySpace, event: str, version: str) -> None:
    """Publish ``event`` once the router listens, and wait until it bumped ``version``."""

    async def subscribed() -> bool:
        counts = dict(await redis.pubsub_numsub(keys.channel))
        return bool(counts.get(keys.channel))

    await eventually_async(subscribed)
    await redis.publish(keys.channel, event)
    await eventually_async(lambda: redis.get(version))

"""Cache-aside against the real Redis: single flight, not-found markers, TTLs, outages."""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, NewType

import orjson
import pytest
from redis.asyncio import Redis

from shared.cache import CacheAside, EntityCache
from shared.codec import DataclassCodec
from shared.redis import create_redis


class Source:
    """A source of truth that counts how it is asked."""

    def __init__(self, rows: dict[int, dict[str, Any]], delay: float = 0.0) -> None:
        self.rows = rows
        self.calls: list[list[int]] = []
        self.delay = delay

    async def load(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        self.calls.append(sorted(ids))
        await asyncio.sleep(self.delay)
        return {i: self.rows[i] for i in ids if i in self.rows}


async def test_a_miss_loads_once_and_then_hits(redis: Redis, redis_prefix: str) -> None:
    cache = CacheAside[int](redis, f"{redis_prefix}user")
    source = Source({1: {"name": "ada"}})
    assert await cache.get(1, source.load) == {"name": "ada"}
    assert await cache.get(1, source.load) == {"name": "ada"}
    assert source.calls == [[1]]


async def test_concurrent_misses_share_one_load(redis: Redis, redis_prefix: str) -> None:
    cache = CacheAside[int](redis, f"{redis_prefix}user")
    source = Source({1: {"name": "ada"}, 2: {"name": "bob"}}, delay=0.05)
    results = await asyncio.gather(
        *(cache.get_many([1, 2], source.load) for _ in range(10)), cache.get(1, source.load)
    )
    assert source.calls == [[1, 2]]
    assert results[0] == {1: {"name": "ada"}, 2: {"name": "bob"}}
    assert results[-1] == {"name": "ada"}


async def test_a_missing_id_is_remembered_briefly(redis: Redis, redis_prefix: str) -> None:
    cache = CacheAside[int](redis, f"{redis_prefix}user", not_found_ttl=5)
    source = Source({})
    assert await cache.get(404, source.load) is None
    assert await cache.get(404, source.load) is None
    assert source.calls == [[404]]
    assert 0 < await redis.pttl(cache.key(404)) <= 5000


async def test_ttls_are_jittered_within_bounds(redis: Redis, redis_prefix: str) -> None:
    cache = CacheAside[int](redis, f"{redis_prefix}user", ttl=100, jitter=0.2)
    source = Source({i: {"n": i} for i in range(40)})
    await cache.get_many(range(40), source.load)
    ttls = [await redis.pttl(cache.key(i)) for i in range(40)]
    assert all(79_000 <= t <= 120_000 for t in ttls)
    assert len(set(ttls)) > 10  # spread out, not one expiry for all


async def test_invalidate_forces_a_reload(redis: Redis, redis_prefix: str) -> None:
    cache = CacheAside[int](redis, f"{redis_prefix}user")
    source = Source({1: {"name": "ada"}})
    await cache.get(1, source.load)
    source.rows[1] = {"name": "ada lovelace"}
    await cache.invalidate(1)
    assert await cache.get(1, source.load) == {"name": "ada lovelace"}


async def test_a_failed_load_reaches_every_waiter_and_is_not_cached(
    redis: Redis, redis_prefix: str
) -> None:
    cache = CacheAside[int](redis, f"{redis_prefix}user")

    async def broken(ids: list[int]) -> dict[int, dict[str, Any]]:
        await asyncio.sleep(0.02)
        raise RuntimeError("database down")

    outcomes = await asyncio.gather(
        *(cache.get(1, broken) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert await redis.exists(cache.key(1)) == 0
    assert await cache.get(1, Source({1: {"ok": True}}).load) == {"ok": True}


async def test_a_redis_outage_falls_back_to_the_source() -> None:
    unreachable = create_redis("redis://127.0.0.1:1/0")
    cache = CacheAside[int](unreachable, "beyondtest:outage:user")
    source = Source({1: {"name": "ada"}})
    assert await cache.get_many([1, 2], source.load) == {1: {"name": "ada"}, 2: None}
    await cache.invalidate(1)  # logged, not raised
    await unreachable.aclose()


async def test_a_hot_key_expiring_under_load_is_loaded_once(
    redis: Redis, redis_prefix: str
) -> None:
    """Cache breakdown: hundreds of readers of one expired hot key cost one load, not hundreds."""
    cache = CacheAside[int](redis, f"{redis_prefix}article")
    source = Source({7: {"title": "hot"}}, delay=0.05)
    await cache.get(7, source.load)
    await redis.delete(cache.key(7))  # the entry expires
    results = await asyncio.gather(*(cache.get(7, source.load) for _ in range(300)))
    assert results == [{"title": "hot"}] * 300
    assert source.calls == [[7], [7]]


async def test_with_redis_down_single_flight_still_bounds_the_source() -> None:
    """Degraded mode: every read goes to the source, but concurrent readers share loads."""
    unreachable = create_redis("redis://127.0.0.1:1/0")
    cache = CacheAside[int](unreachable, "beyondtest:outage:article")
    source = Source({7: {"title": "hot"}}, delay=0.05)
    results = await asyncio.gather(*(cache.get(7, source.load) for _ in range(300)))
    await unreachable.aclose()
    assert results == [{"title": "hot"}] * 300
    assert source.calls == [[7]]


async def test_a_reader_that_read_before_a_write_cannot_store_the_old_row(
    redis: Redis, redis_prefix: str
) -> None:
    """Cache-DB consistency: the read-old-write-new race, played step by step."""
    cache = CacheAside[int](redis, f"{redis_prefix}article")
    rows = {1: {"title": "old"}}
    read_done, write_done = asyncio.Event(), asyncio.Event()

    async def slow_reader(ids: list[int]) -> dict[int, dict[str, Any]]:
        found = {i: dict(rows[i]) for i in ids}  # reads the old row…
        read_done.set()
        await write_done.wait()  # …and is slow to store it
        return found

    reader = asyncio.create_task(cache.get(1, slow_reader))
    await read_done.wait()
    rows[1] = {"title": "new"}  # the writer commits…
    await cache.invalidate(1)  # …and invalidates after the commit
    write_done.set()
    assert await reader == {"title": "old"}  # what that reader saw, once

    assert await redis.get(cache.key(1)) != orjson.dumps({"title": "old"}).decode()
    source = Source(rows)
    assert await cache.get(1, source.load) == {"title": "new"}  # the stale row was not stored
    assert await cache.get(1, source.load) == {"title": "new"}  # and the fresh one was
    assert source.calls == [[1]]


async def test_the_first_read_after_an_invalidation_caches_again(
    redis: Redis, redis_prefix: str
) -> None:
    cache = CacheAside[int](redis, f"{redis_prefix}article")
    source = Source({1: {"title": "old"}})
    await cache.get(1, source.load)
    source.rows[1] = {"title": "new"}
    await cache.invalidate(1)
    assert await cache.get(1, source.load) == {"title": "new"}  # read after the write: stored
    assert await cache.get(1, source.load) == {"title": "new"}
    assert source.calls == [[1], [1]]


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


Key = NewType("Key", int)


@dataclass(frozen=True, slots=True)
class Swatch:
    name: str
    share: float


@dataclass(frozen=True, slots=True)
class Card:
    id: Key
    title: str
    colour: Colour
    at: datetime
    seen: datetime | None
    secret: bytes
    tags: tuple[str, ...]
    swatches: list[Swatch]
    hidden: bool = False


CARD = Card(
    id=Key(7),
    title="Ada",
    colour=Colour.BLUE,
    at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    seen=None,
    secret=b"\x00\xffkey",
    tags=("a", "b"),
    swatches=[Swatch("sky", 0.5)],
)


def test_the_codec_round_trips_a_dataclass_through_json() -> None:
    codec = DataclassCodec(Card)
    encoded = codec.encode(CARD)
    assert encoded["colour"] == "blue" and encoded["at"] == "2026-01-02T03:04:05+00:00"
    assert codec.decode(orjson.loads(orjson.dumps(encoded))) == CARD
    seen = replace(CARD, seen=datetime(2026, 5, 6, tzinfo=UTC))
    assert codec.decode(orjson.loads(orjson.dumps(codec.encode(seen)))) == seen


def test_the_codec_refuses_a_field_it_cannot_encode_when_built() -> None:
    @dataclass
    class Odd:
        where: complex

    with pytest.raises(TypeError, match="no cache encoding for <class 'complex'>"):
        DataclassCodec(Odd)


async def test_an_entity_cache_answers_dataclasses(redis: Redis, redis_prefix: str) -> None:
    cache = EntityCache[Key, Card](redis, f"{redis_prefix}card", Card)
    calls: list[list[Key]] = []

    async def load(ids: list[Key]) -> dict[Key, Card]:
        calls.append(ids)
        return {CARD.id: CARD} if CARD.id in ids else {}

    assert await cache.get_many([Key(7), Key(8)], load) == {Key(7): CARD, Key(8): None}
    assert await cache.get_many([Key(7), Key(8)], load) == {Key(7): CARD, Key(8): None}
    assert calls == [[Key(7), Key(8)]]


@dataclass(frozen=True, slots=True)
class Titled:
    id: Key
    title: str


@dataclass(frozen=True, slots=True)
class TitledWithSubtitle:
    id: Key
    title: str
    subtitle: str


async def test_a_new_field_never_reads_the_entries_of_the_old_shape(
    redis: Redis, redis_prefix: str
) -> None:
    old = EntityCache[Key, Titled](redis, f"{redis_prefix}titled", Titled)

    async def load_old(ids: list[Key]) -> dict[Key, Titled]:
        return {Key(1): Titled(Key(1), "old")}

    await old.get_many([Key(1)], load_old)
    new = EntityCache[Key, TitledWithSubtitle](redis, f"{redis_prefix}titled", TitledWithSubtitle)
    loaded: list[list[Key]] = []

    async def load_new(ids: list[Key]) -> dict[Key, TitledWithSubtitle]:
        loaded.append(ids)
        return {Key(1): TitledWithSubtitle(Key(1), "new", "s")}

    assert await new.get_many([Key(1)], load_new) == {
        Key(1): TitledWithSubtitle(Key(1), "new", "s")
    }
    assert loaded == [[Key(1)]]
    assert await old.get_many([Key(1)], load_old) == {Key(1): Titled(Key(1), "old")}
    assert DataclassCodec(Titled).shape == DataclassCodec(Titled).shape

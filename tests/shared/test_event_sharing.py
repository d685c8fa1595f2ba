"""Subscription events shared between subscribers: lists, non-null viewer fields, errors."""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import strawberry
from strawberry.types import ExecutionResult, Info

from shared.graphql.event_sharing import EventSharing, ViewerDependent, sharing_executor

calls: Counter[str] = Counter()


@dataclass
class Context:
    viewer_id: int
    events: list[int]
    hidden: bool = field(default=False)

    @property
    def viewer(self) -> int:
        if self.hidden:
            raise ViewerDependent()
        return self.viewer_id

    def shared(self) -> Context:
        clone = copy.copy(self)
        clone.hidden = True
        return clone


@strawberry.type
class Item:
    n: int

    @strawberry.field
    def doubled(self) -> int:
        calls["doubled"] += 1
        return self.n * 2

    @strawberry.field
    def mine(self, info: Info[Context, None]) -> bool:
        calls["mine"] += 1
        return info.context.viewer == self.n


@strawberry.type
class Event:
    key: int

    @property
    def sharing_key(self) -> tuple[str, int]:
        return ("event", self.key)

    @strawberry.field
    def items(self) -> list[Item]:
        calls["items"] += 1
        return [Item(n=1), Item(n=2)]

    @strawberry.field
    def broken(self) -> int | None:
        if self.key == 13:
            raise ValueError("unlucky")
        return self.key


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def events(self, info: Info[Context, None]) -> AsyncGenerator[Event, None]:
        for key in info.context.events:
            yield Event(key=key)


def schema() -> tuple[strawberry.Schema, EventSharing]:
    sharing = EventSharing()
    built = strawberry.Schema(
        query=Query, subscription=Subscription, execution_context_class=sharing_executor(sharing)
    )
    return built, sharing


async def results(built: strawberry.Schema, query: str, context: Context) -> list[Any]:
    stream = await built.subscribe(query, context_value=context)
    assert not isinstance(stream, ExecutionResult)
    got = []
    async with asyncio.timeout(5):
        async for result in stream:
            got.append((result.data, [(e.message, e.path) for e in result.errors or ()]))
    return got


async def test_list_items_share_their_fields_and_resolve_the_viewer_s_own() -> None:
    calls.clear()
    built, sharing = schema()
    query = "subscription { events { items { doubled mine } } }"

    one, two = await asyncio.gather(
        results(built, query, Context(1, [1, 2])), results(built, query, Context(2, [1, 2]))
    )

    def items(mine: tuple[bool, bool]) -> dict[str, Any]:
        return {
            "events": {"items": [{"doubled": 2, "mine": mine[0]}, {"doubled": 4, "mine": mine[1]}]}
        }

    assert one == [(items((True, False)), [])] * 2
    assert two == [(items((False, True)), [])] * 2
    assert sharing.executions == 2
    # Once per event for the shared fields; the viewer's per subscriber and item, plus the
    # shared execution's attempts that found them viewer-dependent.
    assert calls["items"] == 2 and calls["doubled"] == 4
    assert calls["mine"] == 2 * (2 + 2 * 2)


async def test_a_non_null_viewer_field_does_not_take_its_shared_siblings_with_it() -> None:
    calls.clear()
    built, sharing = schema()
    query = "subscription { events { items { mine doubled } } }"  # mine is Boolean!

    one, two = await asyncio.gather(
        results(built, query, Context(1, [5])), results(built, query, Context(2, [5]))
    )

    assert one[0][0]["events"]["items"] == [
        {"mine": True, "doubled": 2},
        {"mine": False, "doubled": 4},
    ]
    assert two[0][0]["events"]["items"][1] == {"mine": True, "doubled": 4}
    assert calls["doubled"] == 2  # two items, once
    assert sharing.executions == 1


async def test_an_error_in_the_shared_part_is_each_subscriber_s_own_as_without_sharing() -> None:
    built, sharing = schema()
    query = "subscription { events { broken } }"

    one, two = await asyncio.gather(
        results(built, query, Context(1, [12, 13])), results(built, query, Context(2, [12, 13]))
    )

    expected = [
        ({"events": {"broken": 12}}, []),
        ({"events": {"broken": None}}, [("unlucky", ["events", "broken"])]),
    ]
    assert one == two == expected
    assert sharing.executions == 2  # 12 shared; 13 tried once, then run by each on its own


async def test_subscriptions_of_different_shapes_do_not_share() -> None:
    built, sharing = schema()

    one, two = await asyncio.gather(
        results(built, "subscription { events { broken } }", Context(1, [7])),
        results(built, "subscription { events { items { doubled } } }", Context(2, [7])),
    )

    assert one == [({"events": {"broken": 7}}, [])]
    assert two == [({"events": {"items": [{"doubled": 2}, {"doubled": 4}]}}, [])]
    assert sharing.executions == 2

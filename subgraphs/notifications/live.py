"""Live delivery to subscribers: Redis pub/sub, one channel per member, one reader per process.

Once a change to a member's notifications or unread counts commits, the
service publishes ``{"notification": id | null}`` on the member's channel
(``<prefix>notifications:live:<member>``); ``id`` names a notification that
is new or gathered a new actor, ``null`` says only the counts may have
moved. Every process serving subscriptions holds one pub/sub connection
and subscribes to the channels of the members it has subscribers for, so a
change made by any replica's consumer reaches subscribers on every replica,
and a process hears only about its own subscribers.

Why pub/sub and not a stream: a live message is a hint to re-read, not the
record (that is the database), so a lost one costs freshness, not data.
When the reader loses its connection it tells every local subscriber to
re-read, which covers what was published meanwhile; a stream would add a
read per subscriber or a shared cursor for the same guarantee.

A subscriber's queue is bounded: notifications past ``capacity`` unread
ones end that subscription with an ``UNAVAILABLE`` error (subscribe again
and re-read the list); count changes never queue, they set one flag.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from shared.errors import Unavailable
from shared.ids import UserId
from shared.lifecycle import cancelled
from shared.redis import Keys

log = logging.getLogger(__name__)

_READ_SECONDS = 0.5
_RETRY_SECONDS = 0.5


@dataclass(eq=False)
class Listener:
    """One subscription's inbox: notification ids (bounded) and a counts-changed flag."""

    capacity: int
    notifications: deque[int] = field(default_factory=deque)
    counts_changed: bool = False
    overflowed: bool = False
    _wake: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, notification: int | None) -> None:
        if notification is not None:
            if len(self.notifications) >= self.capacity:
                self.overflowed = True
            else:
                self.notifications.append(notification)
        self.counts_changed = True
        self._wake.set()

    async def wait(self) -> None:
        """Until something arrives; ``Unavailable`` once this subscriber fell behind."""
        await self._wake.wait()
        self._wake.clear()
        if self.overflowed:
            raise Unavailable(
                "This subscription fell behind and was ended: subscribe again and re-read "
                "your notifications.",
                retry_after=1,
            )

    def take(self) -> tuple[list[int], bool]:
        """The notification ids that arrived and whether counts may have changed, since last."""
        ids, changed = list(self.notifications), self.counts_changed
        self.notifications.clear()
        self.counts_changed = False
        return ids, changed


class LiveHub:
    """Publishes changes and fans them out to this process's subscribers."""

    def __init__(self, redis: Redis, keys: Keys, *, capacity: int = 100) -> None:
        self._redis = redis
        self._keys = keys
        self._capacity = capacity
        self._listeners: dict[UserId, set[Listener]] = {}
        self._confirmed: dict[str, asyncio.Event] = {}
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._closing = False

    def channel(self, member: UserId) -> str:
        return self._keys.key("live", member)

    async def publish(self, members: Collection[UserId], notification: int | None) -> None:
        message = json.dumps({"notification": notification})
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for member in members:
                    pipe.publish(self.channel(member), message)
                await pipe.execute()
        except RedisError as exc:
            # The change is committed; subscribers see it when they next re-read.
            log.warning("live update to %d members not published: %s", len(members), exc)

    def listening(self, member: UserId) -> int:
        """How many of ``member``'s subscribers here are live (their channel is subscribed)."""
        confirmed = self._confirmed.get(self.channel(member))
        live = confirmed is not None and confirmed.is_set()
        return len(self._listeners.get(member, ())) if live else 0

    @contextlib.asynccontextmanager
    async def listen(self, member: UserId) -> AsyncIterator[Listener]:
        """A listener for ``member``'s changes, live once this is entered."""
        listener = Listener(self._capacity)
        others = self._listeners.setdefault(member, set())
        others.add(listener)
        channel = self.channel(member)
        try:
            if len(others) == 1:
                self._confirmed[channel] = asyncio.Event()
                await self._subscribe(channel)
            await self._confirmed[channel].wait()
            yield listener
        finally:
            others.discard(listener)
            if not others:
                del self._listeners[member]
                self._confirmed.pop(channel, None)
                with contextlib.suppress(RedisError):
                    if self._pubsub is not None:
                        await self._pubsub.unsubscribe(channel)

    async def _subscribe(self, channel: str) -> None:
        if self._pubsub is None:
            self._pubsub = self._redis.pubsub()
        await self._pubsub.subscribe(channel)
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read(self._pubsub), name="notifications live")

    async def _read(self, pubsub: PubSub) -> None:
        # The flag as well as the cancellation: the in-process store's pub/sub read
        # swallows a cancellation, so the loop must see for itself that it should end.
        while not self._closing:
            try:
                message = await pubsub.get_message(timeout=_READ_SECONDS)
            except (RedisError, OSError) as exc:
                log.warning("live updates interrupted, subscribers re-read: %s", exc)
                await asyncio.sleep(_RETRY_SECONDS)
                self._resync()
                continue
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict[str, object]) -> None:
        channel = str(message.get("channel"))
        if message.get("type") == "subscribe":
            if channel in self._confirmed:
                self._confirmed[channel].set()
            return
        if message.get("type") != "message":
            return
        member = UserId(int(channel.rsplit(":", 1)[-1]))
        try:
            notification = json.loads(str(message["data"]))["notification"]
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed live update on %s", channel)
            return
        for listener in self._listeners.get(member, ()):
            listener.offer(notification if isinstance(notification, int) else None)

    def _resync(self) -> None:
        for listeners in self._listeners.values():
            for listener in listeners:
                listener.offer(None)

    async def aclose(self) -> None:
        self._closing = True
        await cancelled(self._reader)
        self._reader = None
        if self._pubsub is not None:
            with contextlib.suppress(RedisError):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
            self._pubsub = None

"""Live delivery across replicas: Redis pub/sub, one subscribing connection per process.

Every chat process has one :class:`Hub`. Publishing (after the sending
transaction commits) puts a small JSON event on the conversation's channel
``<prefix>chat:conversation:<id>`` and, for direct and group conversations,
on each member's ``<prefix>chat:user:<id>``; Redis hands it to every process
subscribed to that channel, whichever replica the sender reached. A process
subscribes to a channel once, however many of its subscriptions listen to
it (reference counted), and fans each event out to those subscriptions'
:class:`Listener` queues itself, so a room with thousands of subscribers
costs one Redis subscription per process and one publish per message.

Pub/sub delivers at most once and keeps nothing; the database is the log.
Every message event carries the conversation's sequence number, so a
listener knows when it missed one (a gap) and reads the missing ones from
the database (:mod:`subgraphs.chat.streams`). A lost connection to Redis is
re-established and its channels subscribed again (by redis-py, or by the
hub when that fails); Redis confirming a channel a second time tells its
listeners to read what they may have missed meanwhile. With a
:class:`~subgraphs.chat.ordering.ReorderBuffer` (:meth:`Hub.order_with`),
message events that cross on the way are put back in order once per process
before any listener sees them. A listener's queue is bounded: one that falls
``capacity`` events behind is ended as too slow (:class:`SubscriberTooSlow`),
never buffered without bound.

:meth:`Hub.listen` returns only once Redis has confirmed the subscription,
so anything committed after that is seen live and anything before it can
be read from the database: with deduplication by sequence number there is
no gap and no duplicate at the seam.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from shared.errors import Unavailable
from subgraphs.chat.ordering import ReorderBuffer

log = logging.getLogger(__name__)

RESYNC = {"type": "resync"}
_READ_SECONDS = 1.0
_RETRY_SECONDS = 0.5
_SUBSCRIBE_SECONDS = 5.0


class SubscriberTooSlow(Unavailable):
    """A subscription fell too far behind the events it was sent; it must resume by sequence."""

    def __init__(self, capacity: int) -> None:
        super().__init__(
            f"This subscription fell more than {capacity} events behind and was ended: "
            "subscribe again with `since` set to the last sequence number you received.",
            retry_after=1,
            reason="SLOW_SUBSCRIBER",
        )


class Listener:
    """The events of some channels for one subscription, at most ``capacity`` waiting."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.overflowed = False
        self._events: deque[dict[str, Any]] = deque()
        self._ready = asyncio.Event()

    @property
    def waiting(self) -> bool:
        """Whether an event is waiting (or the overflow that ends this listener)."""
        return bool(self._events) or self.overflowed

    def deliver(self, event: dict[str, Any]) -> None:
        if len(self._events) >= self.capacity:
            self.overflowed = True
        else:
            self._events.append(event)
        self._ready.set()

    async def next(self) -> dict[str, Any]:
        """The next event; :class:`SubscriberTooSlow` once the queue has overflowed."""
        while True:
            if self.overflowed:
                raise SubscriberTooSlow(self.capacity)
            if self._events:
                return self._events.popleft()
            self._ready.clear()
            await self._ready.wait()


class Hub:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._base = f"{prefix}chat:"
        self._listeners: dict[str, set[Listener]] = {}
        self._confirmed: dict[str, asyncio.Event] = {}
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changing = asyncio.Lock()
        self._ordering: ReorderBuffer | None = None

    def order_with(self, ordering: ReorderBuffer) -> None:
        """Put message events back in sequence order before listeners get them."""
        self._ordering = ordering
        ordering.bind(self._deliver)

    def known(self, channel: str, last_seq: int) -> None:
        """A listener of ``channel`` read its conversation up to ``last_seq``."""
        if self._ordering is not None:
            self._ordering.known(channel, last_seq)

    def conversation_channel(self, conversation_id: int) -> str:
        return f"{self._base}conversation:{conversation_id}"

    def user_channel(self, user_id: int) -> str:
        return f"{self._base}user:{user_id}"

    async def publish(self, events: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        """Publish each (channel, event) in one round trip; a Redis failure is logged only
        (subscribers read what they missed from the database at the next event)."""
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for channel, event in events:
                    pipe.publish(channel, orjson.dumps(event))
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("chat: live events not published: %s", exc)

    @contextlib.asynccontextmanager
    async def listen(self, channels: Iterable[str], capacity: int) -> AsyncIterator[Listener]:
        """A listener on ``channels``, subscribed (and confirmed by Redis) before it is yielded."""
        listener = Listener(capacity)
        names = list(dict.fromkeys(channels))
        try:
            for name in names:
                await self._add(name, listener)
            yield listener
        finally:
            for name in names:
                await self._remove(name, listener)

    async def aclose(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
            self._pubsub = None

    @property
    def channel_count(self) -> int:
        return len(self._listeners)

    async def _add(self, channel: str, listener: Listener) -> None:
        async with self._changing:
            listeners = self._listeners.setdefault(channel, set())
            listeners.add(listener)
            if channel in self._confirmed:
                confirmed = self._confirmed[channel]
            else:
                confirmed = self._confirmed[channel] = asyncio.Event()
                try:
                    await self._pubsub_of().subscribe(channel)
                except (RedisError, OSError) as exc:
                    self._forget(channel, listener)
                    raise _unavailable() from exc
                if self._reader is None or self._reader.done():
                    self._reader = asyncio.create_task(self._read(), name="chat live events")
        try:
            async with asyncio.timeout(_SUBSCRIBE_SECONDS):
                await confirmed.wait()
        except TimeoutError:
            async with self._changing:
                self._forget(channel, listener)
            raise _unavailable() from None

    async def _remove(self, channel: str, listener: Listener) -> None:
        async with self._changing:
            if self._forget(channel, listener) and self._pubsub is not None:
                with contextlib.suppress(RedisError, OSError):
                    await self._pubsub.unsubscribe(channel)

    def _forget(self, channel: str, listener: Listener) -> bool:
        """Drop ``listener`` from ``channel``; True when nobody listens to it any more."""
        listeners = self._listeners.get(channel)
        if listeners is None:
            return False
        listeners.discard(listener)
        if listeners:
            return False
        del self._listeners[channel]
        self._confirmed.pop(channel, None)
        if self._ordering is not None:
            self._ordering.forget(channel)
        return True

    def _pubsub_of(self) -> PubSub:
        if self._pubsub is None:
            self._pubsub = self._redis.pubsub()
        return self._pubsub

    async def _read(self) -> None:
        while True:
            pubsub = self._pubsub_of()
            try:
                if not pubsub.subscribed:
                    await asyncio.sleep(_READ_SECONDS / 10)
                    continue
                message = await pubsub.get_message(timeout=_READ_SECONDS)
            except (RedisError, OSError) as exc:
                await self._recover(exc)
                continue
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: Mapping[str, Any]) -> None:
        channel = message.get("channel")
        if not isinstance(channel, str):
            return
        if message.get("type") == "subscribe":
            confirmed = self._confirmed.get(channel)
            if confirmed is None:
                return
            if confirmed.is_set():
                # Subscribed again: the connection was re-established (redis-py resubscribes
                # on its own), and what was published meanwhile is lost to pub/sub.
                held = self._ordering.reset(channel) if self._ordering is not None else []
                self._deliver(channel, [*held, RESYNC])
            confirmed.set()
            return
        if message.get("type") != "message":
            return
        try:
            event = orjson.loads(message["data"])
        except orjson.JSONDecodeError:
            log.warning("chat: a live event on %s is not JSON", channel)
            return
        if self._ordering is not None:
            self._deliver(channel, self._ordering.accept(channel, event))
        else:
            self._deliver(channel, [event])

    def _deliver(self, channel: str, events: list[dict[str, Any]]) -> None:
        if not events:
            return
        for listener in tuple(self._listeners.get(channel, ())):
            for event in events:
                listener.deliver(event)

    async def _recover(self, exc: BaseException) -> None:
        """Reconnect and resubscribe; Redis confirming each channel again makes its
        listeners read what they may have missed (see :meth:`_dispatch`)."""
        log.warning("chat: live events interrupted (%s); resubscribing", exc)
        while True:
            await asyncio.sleep(_RETRY_SECONDS)
            async with self._changing:
                if self._pubsub is not None:
                    with contextlib.suppress(RedisError, OSError):
                        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
                self._pubsub = None
                channels = list(self._listeners)
                try:
                    if channels:
                        await self._pubsub_of().subscribe(*channels)
                except (RedisError, OSError):
                    continue
            break


def _unavailable() -> Unavailable:
    return Unavailable("Live updates are unavailable right now: try again shortly.", retry_after=1)

"""A client-side balanced channel: endpoints from discovery, p2c per call, failover for reads.

:class:`BalancedChannel` stands in for a ``grpc.aio.Channel`` under generated
stubs (``UsersStub(BalancedChannel(...))``). It keeps one channel per
endpoint address (each with its own breaker and deadline, see
:func:`~shared.grpc.client.create_channel`), follows the address set it is
given by :meth:`update` (a fixed list, or its ``discovery``: then the channel
is a worker whose ``start`` reads the registry before anything is served;
an endpoint that leaves has its channel closed 30 s later, once calls still
open on it have had their time),
and sends each call to the endpoint :class:`~shared.registry.p2c.P2C` picks,
recording its latency and outcome.

A read (a method its ``.proto`` declares free of side effects, or one named
in ``idempotent``) that finds its endpoint unreachable (UNAVAILABLE: refused,
reset, stopped mid-call, breaker open) or shedding (OVERLOADED) is sent again,
to an endpoint it has not tried while there is one, up to three attempts in
all, within a retry budget shared by the channel (at most about 20% more
calls), after a jittered backoff, and never past the call's deadline. A
server stream is sent again only if it failed before its first message. Any
other call fails with its coded error: a mutation is never sent twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Collection, Iterable
from typing import Any

import grpc

from shared.errors import BeyondError, Unavailable
from shared.grpc.client import create_channel
from shared.grpc.idempotency import declared_idempotent
from shared.registry.discovery import Discovery
from shared.registry.p2c import P2C, Endpoint
from shared.resilience.breaker import Breaker
from shared.resilience.deadline import bounded
from shared.resilience.errors import Overloaded
from shared.resilience.retry import RetryBudget, retrying

_ATTEMPTS = 3
# How long a channel to an endpoint that left stays open for the calls still on it
# (a server stopping cleanly gives them 5 s; a long stream may ask for more).
_RETIRE_GRACE = 30.0


def _retryable(error: Exception) -> bool:
    return isinstance(error, Unavailable | Overloaded)


class BalancedChannel:
    def __init__(
        self,
        *,
        service: str,
        deadline: float = 2.0,
        idempotent: Collection[str] = (),
        addresses: Iterable[str] = (),
        discovery: Callable[[Callable[[frozenset[str]], None]], Discovery] | None = None,
    ) -> None:
        """``discovery``, given the channel's ``update``, builds the watch that feeds it."""
        self._service = service
        self._deadline = deadline
        self._idempotent = frozenset(idempotent)
        self._balancer = P2C()
        self._budget = RetryBudget()
        self._channels: dict[str, grpc.aio.Channel] = {}
        self._breakers: dict[str, Breaker] = {}
        self._retiring: set[asyncio.Task[None]] = set()
        self._discovery = discovery(self.update) if discovery else None
        self.update(addresses)

    @property
    def name(self) -> str:
        return f"{self._service} channel"

    async def start(self) -> None:
        """Read the registry and follow it (a no-op for a fixed address list)."""
        if self._discovery is not None:
            await self._discovery.start()

    async def stop(self) -> None:
        if self._discovery is not None:
            await self._discovery.stop()

    def update(self, addresses: Iterable[str]) -> None:
        """Send calls to ``addresses`` from now on (a discovery ``on_change`` callback)."""
        wanted = frozenset(addresses)
        for address in set(self._channels) - wanted:
            # Calls still open on it may finish within their deadline; then it is closed.
            channel = self._channels.pop(address)
            self._breakers.pop(address).retire()
            retiring = asyncio.get_running_loop().create_task(self._close_later(channel))
            self._retiring.add(retiring)
            retiring.add_done_callback(self._retiring.discard)
        for address in wanted - set(self._channels):
            breaker = self._breakers[address] = Breaker(self._service, target=address)
            self._channels[address] = create_channel(
                address,
                service=self._service,
                deadline=self._deadline,
                breaker=breaker,
                retries=False,
            )
        self._balancer.update(wanted)

    @property
    def addresses(self) -> frozenset[str]:
        return self._balancer.addresses

    def _unavailable(self) -> Unavailable:
        return Unavailable(
            f"No {self._service} service is available. Try again shortly.",
            retry_after=1,
            service=self._service,
        )

    def _pick(self, tried: list[str]) -> Endpoint:
        """The next endpoint, preferring one not tried yet."""
        endpoint = self._balancer.pick(besides=tried) or self._balancer.pick()
        if endpoint is None:
            raise self._unavailable()
        tried.append(endpoint.address)
        return endpoint

    async def _retried(self, method: str, attempt: Callable[[], Any]) -> Any:
        if method not in self._idempotent and not declared_idempotent(method):
            return await attempt()
        return await retrying(
            attempt,
            budget=self._budget,
            retryable=_retryable,
            attempts=_ATTEMPTS,
            deadline=time.monotonic() + bounded(self._deadline),
        )

    def unary_unary(self, method: str, **kwargs: Any) -> Callable[..., Any]:
        kwargs.pop("_registered_method", None)

        async def call(request: Any, **options: Any) -> Any:
            tried: list[str] = []

            async def attempt() -> Any:
                endpoint = self._pick(tried)
                stub = self._channels[endpoint.address].unary_unary(method, **kwargs)
                started = time.monotonic()
                try:
                    reply = await stub(request, **options)
                except BeyondError as error:
                    endpoint.finished(time.monotonic() - started, ok=not _retryable(error))
                    raise
                endpoint.finished(time.monotonic() - started, ok=True)
                return reply

            return await self._retried(method, attempt)

        return call

    def unary_stream(self, method: str, **kwargs: Any) -> Callable[..., Any]:
        kwargs.pop("_registered_method", None)

        def call(request: Any, **options: Any) -> AsyncIterator[Any]:
            async def responses() -> AsyncIterator[Any]:
                tried: list[str] = []

                async def opened() -> tuple[Endpoint, float, AsyncIterator[Any], list[Any]]:
                    # The stream up to its first message: the part that may be sent again.
                    endpoint = self._pick(tried)
                    stub = self._channels[endpoint.address].unary_stream(method, **kwargs)
                    started = time.monotonic()
                    stream = aiter(stub(request, **options))
                    try:
                        first = [await anext(stream)]
                    except StopAsyncIteration:
                        first = []
                    except BeyondError as error:
                        endpoint.finished(time.monotonic() - started, ok=not _retryable(error))
                        raise
                    return endpoint, started, stream, first

                endpoint, started, stream, first = await self._retried(method, opened)
                ok = False
                try:
                    for response in first:
                        yield response
                    if first:
                        async for response in stream:
                            yield response
                    ok = True
                finally:
                    endpoint.finished(time.monotonic() - started, ok=ok)

            return responses()

        return call

    async def _close_later(self, channel: grpc.aio.Channel) -> None:
        try:
            await asyncio.sleep(max(self._deadline, _RETIRE_GRACE))
        finally:
            await channel.close()

    async def close(self) -> None:
        for breaker in self._breakers.values():
            breaker.retire()
        self._breakers.clear()
        for retiring in list(self._retiring):
            retiring.cancel()  # closes its channel now
        await asyncio.gather(*self._retiring, return_exceptions=True)
        for channel in self._channels.values():
            await channel.close()
        self._channels.clear()

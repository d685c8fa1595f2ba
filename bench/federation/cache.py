"""The router's entity cache for the benchmark's ``beyond-cache`` variant: a config and a clean Redis.

:func:`entity_cache_config` writes a router config turning the entity cache
on over the local Redis, under a key prefix of this run's own, and deletes
that prefix's keys when the run ends. The benchmark's Node subgraphs send no
``Cache-Control``, so the config gives every answer ``default_ttl``: the
variant measures the router answering from a warm cache (the warm-up fills
it), not a subgraph's caching policy.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from redis import Redis

REDIS_URL = "redis://127.0.0.1:6379/0"


@contextmanager
def entity_cache_config(config: Path, redis_url: str = REDIS_URL) -> Iterator[Path]:
    prefix = f"beyond-bench:{uuid.uuid4().hex[:8]}:"
    config.write_text(
        "[entity_cache]\n"
        "enabled = true\n"
        f'redis_url = "{redis_url}"\n'
        f'key_prefix = "{prefix}"\n'
        "default_ttl = 3600\n",
        encoding="utf-8",
    )
    try:
        yield config
    finally:
        config.unlink(missing_ok=True)
        client = Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()

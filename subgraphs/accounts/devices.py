"""Devices known to an account: the rule that keeps a network-wide lockout from locking out its owner.

A client may send a ``deviceId``: a random string it keeps (local storage, an
app's keychain), 16 to 128 printable ASCII characters. After a successful
sign-in with it, the pair (account, device) is remembered for
``known_device_ttl`` seconds, renewed by every later sign-in. A password
sign-in from a known device is not counted against, nor blocked by, the
per-network failure limit, and has its own per-account failure count instead
of the account's shared one: so neither strangers on the same network nor
someone guessing at the account can lock its owner out of a device they have
signed in from before. A stranger does not know the owner's device id, so
inventing ids gains nothing: an id is known only for accounts it has already
signed in to.

Stored as ``known-device:<mobile index>:<sha256 of the id>``, never the id itself.
"""

from __future__ import annotations

import hashlib

from redis.asyncio import Redis

from shared.redis import Keys


class KnownDevices:
    def __init__(self, redis: Redis, keys: Keys, *, ttl: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl = ttl

    def key(self, mobile_index: str, device_id: str) -> str:
        digest = hashlib.sha256(device_id.encode()).hexdigest()
        return self._keys.key("known-device", mobile_index, digest)

    async def is_known(self, mobile_index: str, device_id: str) -> bool:
        return bool(await self._redis.exists(self.key(mobile_index, device_id)))

    async def remember(self, mobile_index: str, device_id: str) -> None:
        await self._redis.set(self.key(mobile_index, device_id), "1", ex=self._ttl)

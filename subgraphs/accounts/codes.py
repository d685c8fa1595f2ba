"""One-time verification codes kept in Redis.

A code lives under ``code:<purpose>:<mobile index>`` as a hash of its SHA-256
and the number of wrong attempts, with the code's TTL. Checking is one Lua
call: a match deletes the code (single use), a miss counts an attempt and the
last allowed miss deletes it ("burns" it), so parallel guesses cannot exceed
the limit.
"""

from __future__ import annotations

import enum
import hashlib
import secrets

from redis.asyncio import Redis

from shared.redis import Keys

_CHECK = """
local stored = redis.call('HGET', KEYS[1], 'digest')
if not stored then return 0 end
if stored == ARGV[1] then redis.call('DEL', KEYS[1]); return 1 end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if attempts >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) end
return 0
"""


class Purpose(enum.Enum):
    REGISTER = "register"
    LOGIN = "login"
    RESET_PASSWORD = "reset_password"


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class VerificationCodes:
    def __init__(self, redis: Redis, keys: Keys, *, ttl: int, attempts: int) -> None:
        self._redis = redis
        self._keys = keys
        self.ttl = ttl
        self._attempts = attempts
        self._check = redis.register_script(_CHECK)

    def _key(self, purpose: Purpose, mobile_index: str) -> str:
        return self._keys.key("code", purpose.value, mobile_index)

    async def issue(self, purpose: Purpose, mobile_index: str) -> str:
        """A fresh 6-digit code, replacing any earlier one for the same mobile and purpose."""
        code = f"{secrets.randbelow(1_000_000):06d}"
        key = self._key(purpose, mobile_index)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping={"digest": _digest(code), "attempts": 0})
            pipe.expire(key, self.ttl)
            await pipe.execute()
        return code

    async def pending(self, purpose: Purpose, mobile_index: str) -> bool:
        """Whether a code for ``purpose`` is waiting to be used (a cheap check before costly work)."""
        return bool(await self._redis.exists(self._key(purpose, mobile_index)))

    async def consume(self, purpose: Purpose, mobile_index: str, code: str) -> bool:
        """True once for the right code; wrong guesses count and burn the code at the limit."""
        key = self._key(purpose, mobile_index)
        return bool(await self._check(keys=[key], args=[_digest(code), self._attempts]))

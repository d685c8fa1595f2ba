"""Refresh tokens rotated a moment ago, and the session each was rotated to.

Two tabs of one browser (or an app and its widget) often refresh with the same
token at the same moment. Strict rotation would take the second request for a
stolen copy and revoke the whole family, signing the user out. So for
``grace`` seconds after a rotation, presenting the rotated token again answers
the very session it was rotated to (same access and refresh token) instead;
after that, presenting it is reuse and revokes the family as before.

The session is kept in Redis under ``rotated:<hash of the old token>`` with a
TTL of ``grace`` seconds, AES-GCM encrypted (it holds live tokens). It is
written before the rotating transaction commits: a concurrent refresh waits
on that token's row lock, so when it sees the rotation the session is there.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson
from redis.asyncio import Redis

from shared.crypto import FieldCipher
from shared.redis import Keys

_COLUMN = "rotated refresh token"


class RecentRotations:
    def __init__(self, redis: Redis, keys: Keys, cipher: FieldCipher, *, grace: int) -> None:
        self._redis = redis
        self._keys = keys
        self._cipher = cipher
        self._grace = grace

    async def remember(self, old_token_hash: str, session: dict[str, Any]) -> None:
        if self._grace > 0:
            sealed = self._cipher.encrypt(orjson.dumps(session).decode(), column=_COLUMN)
            key = self._keys.key("rotated", old_token_hash)
            await self._redis.set(key, base64.b64encode(sealed).decode(), ex=self._grace)

    async def recall(self, old_token_hash: str) -> dict[str, Any] | None:
        """The session ``old_token_hash`` was rotated to, while within the grace window."""
        sealed = await self._redis.get(self._keys.key("rotated", old_token_hash))
        if sealed is None:
            return None
        session: dict[str, Any] = orjson.loads(
            self._cipher.decrypt(base64.b64decode(sealed), column=_COLUMN)
        )
        return session

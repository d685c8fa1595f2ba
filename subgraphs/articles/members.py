"""Who is a member, asked of commerce over gRPC and remembered briefly in this process.

A member-only article's ``content`` is read far more often than memberships
change, so each answer is kept ``ttl`` seconds (30 by default): a membership
bought or expired shows here within that time. The cache holds at most
``size`` members (least recently asked dropped first), so readers cannot grow
it without bound. Commerce being down is ``UNAVAILABLE`` on ``content`` only.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from contracts.commerce.client import CommerceClient
from shared.ids import UserId


class Memberships:
    def __init__(self, client: CommerceClient, *, ttl: float = 30.0, size: int = 10_000) -> None:
        self._client = client
        self._ttl = ttl
        self._size = size
        self._known: OrderedDict[UserId, tuple[float, bool]] = OrderedDict()

    async def is_member(self, user_id: UserId) -> bool:
        now = time.monotonic()
        known = self._known.get(user_id)
        if known is not None and known[0] > now:
            self._known.move_to_end(user_id)
            return known[1]
        member = await self._client.membership(user_id) is not None
        self._known[user_id] = (now + self._ttl, member)
        self._known.move_to_end(user_id)
        while len(self._known) > self._size:
            self._known.popitem(last=False)
        return member

"""The hot list (热榜): time-decayed scores in Redis sorted sets, fed by events.

Six sorted sets, ``{hot}:<ARTICLE|QUESTION|ALL>:<DAY|WEEK>``, hold members
``ARTICLE:7`` / ``QUESTION:3``. An interaction of weight ``w`` at time ``t``
adds ``w · 2^((t - epoch) / half_life)`` to its member's score (``ZINCRBY``):
relative to "now" that is ``w · 2^(-age / half_life)``, so old activity
fades without ever rewriting scores. Half-lives: 6 hours for DAY, 36 hours
for WEEK. Weights: published 1, view 0.1, like 1, comment 2, answer 3
(likes and comments on an answer count for its question; views arrive from
articles' view flushes, ``ArticleViewsCounted``, N views at a time). A window lists content
created within it (a day, a week): older members are trimmed on each
update, and each set keeps its ``size`` best.

``{hot}:epoch`` holds the time scores are relative to, and marks the sets as
built. When it is missing (Redis lost the data, or it is older than
``REBASE_AFTER`` so the exponent would grow large) the next read rebuilds
every set from the database: live content of the last week, its likes,
comments, answers and views counted as if they happened midway between its
creation and now. A consumer bumps a set after its transaction commits,
so an event in flight while a rebuild runs can be counted wrongly: one that
commits after the rebuild's read and is bumped before its write is lost (the
write replaces the sets), and one that commits before the read but is
bumped after the write is counted twice. Both need a rebuild, which runs
only when Redis lost the sets or once every ``REBASE_AFTER``. Deleted
content is removed from every set by its event.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import utcnow
from shared.redis import Keys
from subgraphs.engagement.models import Comment, Like, Subject
from subgraphs.engagement.rules import RANKED, Kind


class HotWindow(enum.Enum):
    DAY = (24 * 3600, 6 * 3600)
    WEEK = (7 * 24 * 3600, 36 * 3600)

    @property
    def seconds(self) -> int:
        return self.value[0]

    @property
    def half_life(self) -> int:
        return self.value[1]


PUBLISHED, VIEWED, LIKED, COMMENTED, ANSWERED = 1.0, 0.1, 1.0, 2.0, 3.0
REBASE_AFTER = 30 * 24 * 3600
ALL = "ALL"

# KEYS: epoch, born, then per window (DAY, WEEK): the kind's set and the ALL set.
# ARGV: member, weight, event time, born time, size, now, then per window: seconds, half-life.
_BUMP = """
local epoch = redis.call('GET', KEYS[1])
if not epoch then return 0 end
epoch = tonumber(epoch)
local now, born = tonumber(ARGV[6]), tonumber(ARGV[4])
redis.call('ZADD', KEYS[2], born, ARGV[1])
for w = 0, 1 do
  local seconds, half = tonumber(ARGV[7 + 2 * w]), tonumber(ARGV[8 + 2 * w])
  if born >= now - seconds then
    local inc = tonumber(ARGV[2]) * math.pow(2, (tonumber(ARGV[3]) - epoch) / half)
    for k = 0, 1 do
      local set = KEYS[3 + 2 * w + k]
      redis.call('ZINCRBY', set, inc, ARGV[1])
      local extra = redis.call('ZCARD', set) - tonumber(ARGV[5])
      if extra > 0 then redis.call('ZREMRANGEBYRANK', set, 0, extra - 1) end
    end
  end
end
return 1
"""

# KEYS: born, then the sets of one window; ARGV: oldest born time kept.
_TRIM = """
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 500)
for _, member in ipairs(old) do
  for i = 2, #KEYS do redis.call('ZREM', KEYS[i], member) end
end
return #old
"""


@dataclass(frozen=True, slots=True)
class HotEntry:
    kind: Kind
    id: int
    score: float
    """The decayed score as of now."""


def member_of(kind: Kind, id_: int) -> str:
    return f"{kind.value}:{id_}"


def _stamp(moment: datetime) -> float:
    return moment.timestamp()


class HotList:
    def __init__(self, redis: Redis, keys: Keys, *, size: int) -> None:
        self._redis = redis
        self._keys = keys
        self._size = size
        self._epoch = keys.key("{hot}", "epoch")
        self._born = keys.key("{hot}", "born")
        self._bump = redis.register_script(_BUMP)
        self._trim = redis.register_script(_TRIM)

    def _set(self, kind: Kind | str, window: HotWindow) -> str:
        name = kind.value if isinstance(kind, Kind) else kind
        return self._keys.key("{hot}", name, window.name)

    def _all_sets(self) -> list[str]:
        return [self._set(kind, window) for kind in (*RANKED, ALL) for window in HotWindow]

    async def bump(
        self, kind: Kind, id_: int, weight: float, *, at: datetime, born: datetime
    ) -> bool:
        """Add an interaction; ``False`` when the sets are not built (a rebuild will count it)."""
        keys = [self._epoch, self._born]
        args: list[str | float] = [member_of(kind, id_), weight, _stamp(at), _stamp(born)]
        args += [self._size, time.time()]
        for window in HotWindow:
            keys += [self._set(kind, window), self._set(ALL, window)]
            args += [window.seconds, window.half_life]
        return bool(await self._bump(keys=keys, args=args))

    async def remove(self, members: Iterable[tuple[Kind, int]]) -> None:
        names = [member_of(kind, id_) for kind, id_ in members]
        if names:
            async with self._redis.pipeline(transaction=True) as pipe:
                for key in [self._born, *self._all_sets()]:
                    pipe.zrem(key, *names)
                await pipe.execute()

    async def built(self) -> bool:
        epoch = await self._redis.get(self._epoch)
        return epoch is not None and time.time() - float(epoch) < REBASE_AFTER

    async def top(self, kind: Kind | str, window: HotWindow, count: int) -> list[HotEntry]:
        """The ``count`` hottest of ``kind`` (or ``ALL``), best first; build the sets first."""
        if count <= 0:
            return []
        now = time.time()
        for each in (*RANKED, ALL):
            await self._trim(
                keys=[self._born, self._set(each, window)], args=[now - window.seconds]
            )
        epoch = float(await self._redis.get(self._epoch) or now)
        scale = 2 ** ((now - epoch) / window.half_life)
        rows = cast(
            "list[tuple[str, float]]",
            await self._redis.zrevrange(self._set(kind, window), 0, count - 1, withscores=True),
        )
        entries = []
        for member, score in rows:
            name, _, id_ = str(member).partition(":")
            entries.append(HotEntry(Kind(name), int(id_), float(score) / scale))
        return entries

    async def rebuild(self, session: AsyncSession) -> int:
        """Recompute every set from the database; return the members written."""
        now = utcnow()
        since = now - timedelta(seconds=HotWindow.WEEK.seconds)
        subjects = (
            await session.execute(
                select(Subject.kind, Subject.id, Subject.created_at, Subject.view_count).where(
                    Subject.kind.in_([kind.value for kind in RANKED]),
                    Subject.deleted.is_(False),
                    Subject.created_at >= since,
                )
            )
        ).all()
        weights = {
            (Kind(kind), int(id_)): PUBLISHED + VIEWED * views for kind, id_, _, views in subjects
        }
        born = {(Kind(kind), int(id_)): created for kind, id_, created, _ in subjects}
        answers_of = dict(
            (
                await session.execute(
                    select(Subject.id, Subject.question_id).where(
                        Subject.kind == Kind.ANSWER.value, Subject.created_at >= since
                    )
                )
            ).all()
        )

        def add(kind: str, id_: int, weight: float) -> None:
            key = (Kind(kind), int(id_))
            if key[0] is Kind.ANSWER:
                question = answers_of.get(key[1])
                key = (Kind.QUESTION, int(question)) if question is not None else key
            if key in weights:
                weights[key] += weight

        for model, weight, live in (
            (Like, LIKED, Like.created_at >= since),
            (Comment, COMMENTED, (Comment.created_at >= since) & Comment.deleted.is_(False)),
        ):
            counted = await session.execute(
                select(model.subject_kind, model.subject_id, func.count())
                .where(live)
                .group_by(model.subject_kind, model.subject_id)
            )
            for kind, id_, count in counted:
                add(kind, id_, weight * count)
        answered = await session.execute(
            select(Subject.question_id, func.count())
            .where(
                Subject.kind == Kind.ANSWER.value,
                Subject.deleted.is_(False),
                Subject.created_at >= since,
            )
            .group_by(Subject.question_id)
        )
        for question_id, count in answered:
            if question_id is not None:
                add(Kind.QUESTION.value, question_id, ANSWERED * count)
        await self._write(weights, born, now)
        return len(weights)

    async def _write(
        self,
        weights: dict[tuple[Kind, int], float],
        born: dict[tuple[Kind, int], datetime],
        now: datetime,
    ) -> None:
        epoch = _stamp(now)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._born, *self._all_sets())
            for (kind, id_), weight in weights.items():
                member = member_of(kind, id_)
                created = _stamp(born[(kind, id_)])
                pipe.zadd(self._born, {member: created})
                for window in HotWindow:
                    if created < epoch - window.seconds:
                        continue
                    # Counted midway through its life so far, then decayed to now.
                    middle = (created + epoch) / 2
                    score = weight * 2 ** ((middle - epoch) / window.half_life)
                    pipe.zadd(self._set(kind, window), {member: score})
                    pipe.zadd(self._set(ALL, window), {member: score})
            for key in self._all_sets():
                pipe.zremrangebyrank(key, 0, -(self._size + 1))
            pipe.set(self._epoch, epoch)
            await pipe.execute()

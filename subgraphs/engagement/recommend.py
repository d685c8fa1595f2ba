"""Recommendations (推荐): what a member engages with, mixed with the hot list.

For a signed-in member:

1. **Interests**: the owners and tags of the last ``HISTORY`` subjects they
   liked or commented on (answers carry their question's tags). Each
   engagement adds 1 to its owner's and to each tag's affinity.
2. **Candidates**: live articles and questions of the last ``FRESH_DAYS``
   days, by those owners (newest ``CANDIDATES``) and the newest
   ``CANDIDATES`` overall that share a tag; never the member's own, never
   one they already liked.
3. **Personal score**: ``(2·author affinity + tag overlap affinity) ·
   2^(-age in days / 3) + 0.5·log(1 + likes + comments)``.
4. **Mix**: two personal picks, then one from the hot list (DAY, then
   WEEK), repeated; duplicates and the member's own or liked content are
   skipped. The list stops at ``LIMIT`` entries; pages are offsets into it,
   recomputed on each request (a page boundary can shift as scores move).

Anonymous readers (and members with no history) get the hot list.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import utcnow
from shared.ids import UserId
from subgraphs.engagement.models import Comment, Like, Subject
from subgraphs.engagement.rules import RANKED, Kind
from subgraphs.engagement.service import EngagementService
from subgraphs.engagement.subjects import SubjectKey, SubjectView, subjects_by_key
from subgraphs.engagement.trending import ALL, HotList, HotWindow

HISTORY = 200
CANDIDATES = 300
FRESH_DAYS = 30
LIMIT = 200


@dataclass(frozen=True, slots=True)
class Pick:
    kind: Kind
    id: int
    score: float
    reason: str
    """``AUTHOR``, ``TAG`` or ``HOT``."""


async def _interests(viewer: UserId, session: AsyncSession) -> tuple[Counter[int], Counter[str]]:
    touched: list[SubjectKey] = []
    for model, user in ((Like, Like.user_id), (Comment, Comment.author_id)):
        rows = await session.execute(
            select(model.subject_kind, model.subject_id)
            .where(user == viewer)
            .order_by(model.id.desc())
            .limit(HISTORY)
        )
        touched += [(Kind(kind), int(id_)) for kind, id_ in rows]
    subjects = await subjects_by_key(set(touched), session=session)
    authors: Counter[int] = Counter()
    tags: Counter[str] = Counter()
    for key in touched:
        subject = subjects.get(key)
        if subject is not None:
            authors[subject.owner_id] += 1
            tags.update(subject.tags)
    authors.pop(viewer, None)
    return authors, tags


async def _candidates(
    viewer: UserId, authors: Counter[int], session: AsyncSession
) -> list[SubjectView]:
    since = utcnow() - timedelta(days=FRESH_DAYS)
    live = (
        Subject.kind.in_([kind.value for kind in RANKED]),
        Subject.deleted.is_(False),
        Subject.created_at >= since,
        Subject.owner_id != viewer,
    )
    found: dict[SubjectKey, SubjectView] = {}
    queries = [select(Subject).where(*live, Subject.tags != "")]
    if authors:
        queries.insert(0, select(Subject).where(*live, Subject.owner_id.in_(list(authors))))
    for query in queries:
        rows = await session.scalars(query.order_by(Subject.created_at.desc()).limit(CANDIDATES))
        for row in rows:
            view = SubjectView.from_row(row)
            found[view.key] = view
    return list(found.values())


def _personal(
    candidates: list[SubjectView], authors: Counter[int], tags: Counter[str]
) -> list[Pick]:
    now = utcnow()
    picks = []
    for view in candidates:
        by_author = authors.get(view.owner_id, 0)
        by_tags = sum(tags.get(tag, 0) for tag in view.tags)
        if not by_author and not by_tags:
            continue
        age_days = max(0.0, (now - view.created_at).total_seconds() / 86400)
        score = (2 * by_author + by_tags) * 2 ** (-age_days / 3)
        score += 0.5 * math.log1p(view.like_count + view.comment_count)
        reason = "AUTHOR" if 2 * by_author >= by_tags else "TAG"
        picks.append(Pick(view.kind, view.id, score, reason))
    picks.sort(key=lambda pick: (-pick.score, pick.kind.value, -pick.id))
    return picks


async def _hot(hot: HotList) -> list[Pick]:
    picks: dict[SubjectKey, Pick] = {}
    for window in HotWindow:
        for entry in await hot.top(ALL, window, LIMIT):
            picks.setdefault((entry.kind, entry.id), Pick(entry.kind, entry.id, entry.score, "HOT"))
    return list(picks.values())


async def recommend(
    viewer: UserId | None, hot: HotList, service: EngagementService, session: AsyncSession
) -> list[Pick]:
    """The whole recommended list (at most ``LIMIT``), best first."""
    hot_picks = await _hot(hot)
    if viewer is None:
        return hot_picks[:LIMIT]
    authors, tags = await _interests(viewer, session)
    personal = _personal(await _candidates(viewer, authors, session), authors, tags)
    hot_keys = [(pick.kind, pick.id) for pick in hot_picks]
    owners = await subjects_by_key(hot_keys, session=session)
    every = [(pick.kind, pick.id) for pick in personal] + hot_keys
    liked = await service.liked(viewer, every, session=session)
    hot_picks = [
        pick
        for pick in hot_picks
        if (view := owners.get((pick.kind, pick.id))) is not None
        and not view.deleted
        and view.owner_id != viewer
    ]
    mixed: list[Pick] = []
    seen: set[SubjectKey] = set()
    personal_left, hot_left = iter(personal), iter(hot_picks)
    while len(mixed) < LIMIT:
        took = 0
        for source, count in ((personal_left, 2), (hot_left, 1)):
            for pick in _take(source, count, seen, liked):
                mixed.append(pick)
                took += 1
        if not took:
            break
    return mixed[:LIMIT]


def _take(
    source: Iterator[Pick], count: int, seen: set[SubjectKey], liked: set[SubjectKey]
) -> list[Pick]:
    taken: list[Pick] = []
    for pick in source:
        key = (pick.kind, pick.id)
        if key in seen or key in liked:
            continue
        seen.add(key)
        taken.append(pick)
        if len(taken) == count:
            break
    return taken

"""The engagement gRPC servicer: counts of many subjects, and which of them a member likes.

Each call is a constant number of statements (subjects, comments, likes:
one each) plus one ``HMGET`` of the pending like deltas, whatever the count.
"""

from __future__ import annotations

import grpc

from contracts.engagement import engagement_pb2
from contracts.engagement.client import MAX_SUBJECTS
from shared.db import Database
from shared.errors import BadUserInput
from shared.ids import UserId
from subgraphs.engagement.counts import CountKey
from subgraphs.engagement.rules import Kind
from subgraphs.engagement.service import EngagementService
from subgraphs.engagement.subjects import subjects_by_key

_KINDS = {
    engagement_pb2.ARTICLE: Kind.ARTICLE,
    engagement_pb2.ANSWER: Kind.ANSWER,
    engagement_pb2.COMMENT: Kind.COMMENT,
}
_WIRE = {kind: wire for wire, kind in _KINDS.items()}


def _keys(subjects: list[engagement_pb2.Subject]) -> list[CountKey]:
    if len(subjects) > MAX_SUBJECTS:
        raise BadUserInput(
            f"Ask about at most {MAX_SUBJECTS} subjects at a time.", field="subjects"
        )
    keys = []
    for subject in subjects:
        kind = _KINDS.get(subject.kind)
        if kind is None:
            raise BadUserInput("Every subject needs a kind.", field="subjects")
        keys.append((kind, subject.id))
    return list(dict.fromkeys(keys))


def _subject(key: CountKey) -> engagement_pb2.Subject:
    return engagement_pb2.Subject(kind=_WIRE[key[0]], id=key[1])


# Not a subclass of the generated servicer base, which is untyped: the
# generated add_*_to_server only needs the methods.
class EngagementServicer:
    def __init__(self, service: EngagementService, database: Database) -> None:
        self._service = service
        self._database = database

    async def Counts(
        self, request: engagement_pb2.CountsRequest, context: grpc.aio.ServicerContext
    ) -> engagement_pb2.CountsResponse:
        keys = _keys(list(request.subjects))
        stored: dict[CountKey, tuple[int, int]] = {}
        async with self._database.transaction() as session:
            subjects = await subjects_by_key(
                [key for key in keys if key[0] is not Kind.COMMENT], session=session
            )
            comments = await self._service.comments_by_id(
                [id_ for kind, id_ in keys if kind is Kind.COMMENT], session=session
            )
        for key, view in subjects.items():
            stored[key] = (view.like_count, view.comment_count)
        for id_, comment in comments.items():
            stored[(Kind.COMMENT, id_)] = (comment.like_count, comment.reply_count)
        pending = await self._service.pending.pending(keys)
        return engagement_pb2.CountsResponse(
            counts=[
                engagement_pb2.SubjectCounts(
                    subject=_subject(key),
                    likes=max(0, stored.get(key, (0, 0))[0] + pending.get(key, 0)),
                    comments=stored.get(key, (0, 0))[1],
                )
                for key in keys
            ]
        )

    async def WhichLiked(
        self, request: engagement_pb2.WhichLikedRequest, context: grpc.aio.ServicerContext
    ) -> engagement_pb2.WhichLikedResponse:
        keys = _keys(list(request.subjects))
        async with self._database.transaction() as session:
            liked = await self._service.liked(UserId(request.user_id), keys, session=session)
        return engagement_pb2.WhichLikedResponse(liked=[_subject(key) for key in sorted(liked)])

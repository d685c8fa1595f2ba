"""The typed engagement client: like and comment counts, and which subjects a member likes."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from contracts.engagement import engagement_pb2, engagement_pb2_grpc
from shared.grpc.peers import PeerChannel, peer_channel
from shared.settings import CommonSettings

MAX_SUBJECTS = 1000
"""Engagement answers for at most this many subjects per call."""

SubjectKind = Literal["ARTICLE", "ANSWER", "COMMENT"]
Subject = tuple[SubjectKind, int]

_WIRE: dict[str, engagement_pb2.SubjectKind] = {
    "ARTICLE": engagement_pb2.ARTICLE,
    "ANSWER": engagement_pb2.ANSWER,
    "COMMENT": engagement_pb2.COMMENT,
}
_NAMES: dict[engagement_pb2.SubjectKind, SubjectKind] = {
    engagement_pb2.ARTICLE: "ARTICLE",
    engagement_pb2.ANSWER: "ANSWER",
    engagement_pb2.COMMENT: "COMMENT",
}


def _wire(subjects: list[Subject]) -> list[engagement_pb2.Subject]:
    return [engagement_pb2.Subject(kind=_WIRE[kind], id=id_) for kind, id_ in subjects]


def _name(subject: engagement_pb2.Subject) -> Subject:
    return (_NAMES[subject.kind], subject.id)


class EngagementClient:
    """Asks engagement for counts. Its channel (``shared.grpc.peers.peer_channel``) gives
    each call a deadline, retries the reads, and turns a failed call into a ``BeyondError``."""

    def __init__(self, channel: PeerChannel) -> None:
        self.channel = channel
        self._stub = engagement_pb2_grpc.EngagementStub(channel)

    @classmethod
    def connect(cls, settings: CommonSettings, *, deadline: float) -> EngagementClient:
        """A client of engagement as ``settings`` find it; close ``channel`` when done."""
        return cls(peer_channel(settings, "engagement", deadline=deadline))

    async def counts(self, subjects: Collection[Subject]) -> dict[Subject, tuple[int, int]]:
        """(likes, comments) of each subject; unknown ones count zero."""
        wanted = sorted(set(subjects))
        found: dict[Subject, tuple[int, int]] = {}
        for start in range(0, len(wanted), MAX_SUBJECTS):
            reply = await self._stub.Counts(
                engagement_pb2.CountsRequest(subjects=_wire(wanted[start : start + MAX_SUBJECTS]))
            )
            found.update({_name(c.subject): (c.likes, c.comments) for c in reply.counts})
        return found

    async def which_liked(self, user_id: int, subjects: Collection[Subject]) -> set[Subject]:
        wanted = sorted(set(subjects))
        liked: set[Subject] = set()
        for start in range(0, len(wanted), MAX_SUBJECTS):
            reply = await self._stub.WhichLiked(
                engagement_pb2.WhichLikedRequest(
                    user_id=user_id, subjects=_wire(wanted[start : start + MAX_SUBJECTS])
                )
            )
            liked.update(_name(subject) for subject in reply.liked)
        return liked

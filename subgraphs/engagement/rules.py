"""Input rules of engagement: comment bodies and the kinds a like or comment may target."""

from __future__ import annotations

import enum

from shared.errors import BadUserInput

BODY_MAX = 2_000


class Kind(enum.StrEnum):
    """What engagement knows: content of other domains, and its own comments."""

    ARTICLE = "ARTICLE"
    QUESTION = "QUESTION"
    ANSWER = "ANSWER"
    COMMENT = "COMMENT"


LIKEABLE = frozenset({Kind.ARTICLE, Kind.ANSWER, Kind.COMMENT})
COMMENTABLE = frozenset({Kind.ARTICLE, Kind.ANSWER})
RANKED = (Kind.ARTICLE, Kind.QUESTION)
"""Kinds on the hot list and in recommendations."""


def check_comment_body(body: str, *, field: str = "body") -> str:
    body = body.strip()
    if not 1 <= len(body) <= BODY_MAX:
        raise BadUserInput(
            f"A comment is 1 to {BODY_MAX} characters: write something, or shorten it.",
            field=field,
        )
    return body

"""What a notification can be about, the category it counts under, and how it is grouped.

    kind            category  recipient                  group key (one row per recipient and key)
    FOLLOWED        FOLLOW    the followee               follow:<follower>
    COMMENTED       COMMENT   the subject's owner        comment:<comment>
    REPLIED         REPLY     the parent comment's author
                              and the replied-to member  comment:<comment>
    LIKED           LIKE      the subject's owner        like:<subject kind>:<subject id>
    ANSWERED        ANSWER    the question's author      answer:<answer>
    ANSWER_ACCEPTED ANSWER    the answer's author        accepted:<answer>

Only likes gather many actors in one group ("Ada and 3 others liked your
article"); every other key names one action, so it has one actor.
"""

from __future__ import annotations

import enum


class Category(enum.Enum):
    REPLY = "REPLY"
    COMMENT = "COMMENT"
    LIKE = "LIKE"
    FOLLOW = "FOLLOW"
    ANSWER = "ANSWER"


class Kind(enum.Enum):
    FOLLOWED = "FOLLOWED"
    COMMENTED = "COMMENTED"
    REPLIED = "REPLIED"
    LIKED = "LIKED"
    ANSWERED = "ANSWERED"
    ANSWER_ACCEPTED = "ANSWER_ACCEPTED"

    @property
    def category(self) -> Category:
        return _CATEGORIES[self]


_CATEGORIES = {
    Kind.FOLLOWED: Category.FOLLOW,
    Kind.COMMENTED: Category.COMMENT,
    Kind.REPLIED: Category.REPLY,
    Kind.LIKED: Category.LIKE,
    Kind.ANSWERED: Category.ANSWER,
    Kind.ANSWER_ACCEPTED: Category.ANSWER,
}


class SubjectKind(enum.Enum):
    """What a notification points at (a follow points at no subject: its actor is the news)."""

    ARTICLE = "ARTICLE"
    ANSWER = "ANSWER"
    COMMENT = "COMMENT"


def follow_key(follower: int) -> str:
    return f"follow:{follower}"


def comment_key(comment: int) -> str:
    return f"comment:{comment}"


def like_key(subject_kind: SubjectKind, subject_id: int) -> str:
    return f"like:{subject_kind.value}:{subject_id}"


def answer_key(answer: int) -> str:
    return f"answer:{answer}"


def accepted_key(answer: int) -> str:
    return f"accepted:{answer}"

"""How answers are ordered, and the opaque keyset cursors of the by-votes order.

Newest-first lists use :mod:`shared.pagination` (``(created_at, id)``). By
votes, a position is ``(score, id)``, highest first, and its cursor is
base64 of ``votes|<score>|<id>``: the next page is
``score < s OR (score = s AND id < i)`` on ``(question_id, score, id)``.
A cursor of one order is refused by the other.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from shared.pagination import Position, decode_fields, encode_fields, invalid_cursor

_PREFIX = "votes"


class AnswerOrder(enum.Enum):
    VOTES = "VOTES"
    NEWEST = "NEWEST"


@dataclass(frozen=True, slots=True)
class ScorePosition:
    """Where an answer sits among a question's answers, highest score first."""

    score: int
    id: int


AnswerPosition = Position | ScorePosition


def encode_score_cursor(position: ScorePosition) -> str:
    return encode_fields(_PREFIX, position.score, position.id)


def decode_score_cursor(cursor: str, *, field: str = "after") -> ScorePosition:
    try:
        prefix, score, id_ = decode_fields(cursor, field=field)
        position = ScorePosition(int(score), int(id_))
    except ValueError:
        raise invalid_cursor(field) from None
    if prefix != _PREFIX or position.id < 1:
        raise invalid_cursor(field)
    return position

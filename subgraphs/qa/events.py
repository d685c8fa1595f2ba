"""Events qa announces, recorded in the outbox in the transaction of the change.

    QuestionAsked    {"questionId", "authorId", "tags": [str], "createdAt": ISO-8601 UTC}
    QuestionUpdated  {"questionId", "authorId", "fields": [changed field names]}
    QuestionDeleted  {"questionId", "authorId", "answerIds": [int]}
    AnswerPosted     {"answerId", "questionId", "authorId", "questionAuthorId"}
    AnswerUpdated    {"answerId", "questionId", "authorId"}
    AnswerDeleted    {"answerId", "questionId", "authorId"}
    AnswerAccepted   {"answerId", "questionId", "authorId", "questionAuthorId",
                      "previousAnswerId": int | null}
    AnswerVoted      {"answerId", "questionId", "authorId", "voterId",
                      "vote": "UP" | "DOWN" | "NONE", "previous": same, "score": int}

Question events have the question as aggregate, answer events the answer;
each change locks the row it counts on, so one aggregate's events are
numbered in commit order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import record_event

QUESTION_ASKED = "QuestionAsked"
QUESTION_UPDATED = "QuestionUpdated"
QUESTION_DELETED = "QuestionDeleted"
ANSWER_POSTED = "AnswerPosted"
ANSWER_UPDATED = "AnswerUpdated"
ANSWER_DELETED = "AnswerDeleted"
ANSWER_ACCEPTED = "AnswerAccepted"
ANSWER_VOTED = "AnswerVoted"


async def question_event(
    session: AsyncSession, event_type: str, question_id: int, payload: Mapping[str, Any]
) -> None:
    await record_event(
        session,
        aggregate_type="question",
        aggregate_id=str(question_id),
        event_type=event_type,
        payload={"questionId": question_id, **payload},
    )


async def answer_event(
    session: AsyncSession,
    event_type: str,
    *,
    answer_id: int,
    question_id: int,
    author_id: int,
    **payload: Any,
) -> None:
    await record_event(
        session,
        aggregate_type="answer",
        aggregate_id=str(answer_id),
        event_type=event_type,
        payload={
            "answerId": answer_id,
            "questionId": question_id,
            "authorId": author_id,
            **payload,
        },
    )

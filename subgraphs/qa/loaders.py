"""Per-request loaders: a field asked of many questions, answers or authors is one statement.

Each loader opens one transaction per batch (the loader is the caller that owns
it) and asks the service for every key of the batch at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database
from shared.graphql.loaders import BatchLoader
from shared.ids import UserId
from subgraphs.qa.service import (
    AnswerId,
    AnswerPageKey,
    AnswerView,
    Page,
    QaService,
    QuestionAnswersKey,
    QuestionId,
    QuestionPageKey,
    QuestionView,
    Vote,
)


def _none(_key: object) -> None:
    return None


def _empty_page(_key: object) -> Page[Any]:
    return Page()


@dataclass(frozen=True, slots=True)
class QaLoaders:
    questions: BatchLoader[QuestionId, QuestionView | None]
    answers: BatchLoader[AnswerId, AnswerView | None]
    question_pages: BatchLoader[QuestionPageKey, Page[QuestionView]]
    answer_pages: BatchLoader[AnswerPageKey, Page[AnswerView]]
    question_answers: BatchLoader[QuestionAnswersKey, Page[AnswerView]]
    author_counts: BatchLoader[UserId, tuple[int, int]]
    votes: BatchLoader[tuple[UserId, AnswerId], Vote]
    """The voter's vote on an answer (the voter is always the request's viewer)."""

    @classmethod
    def of(cls, service: QaService, database: Database) -> QaLoaders:
        async def questions(
            keys: list[QuestionId], session: AsyncSession
        ) -> Mapping[QuestionId, QuestionView | None]:
            return await service.questions_by_id(keys, session=session)

        async def answers(
            keys: list[AnswerId], session: AsyncSession
        ) -> Mapping[AnswerId, AnswerView | None]:
            return await service.answers_by_id(keys, session=session)

        async def question_pages(
            keys: list[QuestionPageKey], session: AsyncSession
        ) -> Mapping[QuestionPageKey, Page[QuestionView]]:
            return await service.question_pages_by_author(keys, session=session)

        async def answer_pages(
            keys: list[AnswerPageKey], session: AsyncSession
        ) -> Mapping[AnswerPageKey, Page[AnswerView]]:
            return await service.answer_pages_by_author(keys, session=session)

        async def question_answers(
            keys: list[QuestionAnswersKey], session: AsyncSession
        ) -> Mapping[QuestionAnswersKey, Page[AnswerView]]:
            return await service.answer_pages_by_question(keys, session=session)

        async def author_counts(
            keys: list[UserId], session: AsyncSession
        ) -> Mapping[UserId, tuple[int, int]]:
            return await service.counts_by_author(keys, session=session)

        async def votes(
            keys: list[tuple[UserId, AnswerId]], session: AsyncSession
        ) -> Mapping[tuple[UserId, AnswerId], Vote]:
            found: dict[tuple[UserId, AnswerId], Vote] = {}
            for voter in {voter for voter, _ in keys}:
                mine = [answer for who, answer in keys if who == voter]
                votes = await service.votes_of(voter, mine, session=session)
                found.update({(voter, answer): vote for answer, vote in votes.items()})
            return found

        loader = partial(BatchLoader, database)
        return cls(
            questions=loader(questions, _none),
            answers=loader(answers, _none),
            question_pages=loader(question_pages, _empty_page),
            answer_pages=loader(answer_pages, _empty_page),
            question_answers=loader(question_answers, _empty_page),
            author_counts=loader(author_counts, lambda _key: (0, 0)),
            votes=loader(votes, lambda _key: Vote.NONE),
        )

"""The business rules of qa. Every function takes the caller's session and never commits.

Only authors change their content (``Forbidden`` for anyone else); only a
question's author accepts an answer. Counters never drift because each one
moves in the transaction that changes what it counts, under one row lock
taken first: a question's row for its answers and its accepted answer (so
concurrent ``acceptAnswer`` calls serialize and the last one wins, one mark
at most), an answer's row for its votes. Locks are always taken question
before answer, so two changes never wait on each other in a cycle.

Reads: entities by id are one statement for any number of ids; lists are
keyset pages (newest first on ``(created_at, id)``, or by votes on
``(score, id)``), many owners' pages in one ``UNION ALL`` statement.
Questions and answers are deleted outright (votes and tags go with them);
what is gone reads as null.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, NewType, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import utcnow
from shared.errors import Conflict, Forbidden, NotFound
from shared.ids import UserId
from shared.pagination import Position
from subgraphs.qa import events, rules
from subgraphs.qa.models import Answer, AnswerVote, Question, QuestionTag
from subgraphs.qa.ordering import AnswerOrder, AnswerPosition, ScorePosition

QuestionId = NewType("QuestionId", int)
AnswerId = NewType("AnswerId", int)


class Vote(enum.Enum):
    UP = 1
    DOWN = -1
    NONE = 0


@dataclass(frozen=True, slots=True)
class QuestionView:
    id: QuestionId
    author_id: UserId
    title: str
    body: str
    tags: tuple[str, ...]
    answer_count: int
    accepted_answer_id: AnswerId | None
    created_at: datetime
    updated_at: datetime

    @property
    def position(self) -> Position:
        return Position(self.created_at, self.id)

    @classmethod
    def from_row(cls, row: Question) -> QuestionView:
        accepted = row.accepted_answer_id
        return cls(
            id=QuestionId(row.id),
            author_id=UserId(row.author_id),
            title=row.title,
            body=row.body,
            tags=tuple(row.tags.split()),
            answer_count=row.answer_count,
            accepted_answer_id=AnswerId(accepted) if accepted is not None else None,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@dataclass(frozen=True, slots=True)
class AnswerView:
    id: AnswerId
    question_id: QuestionId
    author_id: UserId
    body: str
    upvotes: int
    downvotes: int
    score: int
    accepted: bool
    created_at: datetime
    updated_at: datetime

    def position(self, order: AnswerOrder) -> AnswerPosition:
        if order is AnswerOrder.VOTES:
            return ScorePosition(self.score, self.id)
        return Position(self.created_at, self.id)

    @classmethod
    def from_row(cls, row: Answer, accepted_answer_id: int | None) -> AnswerView:
        return cls(
            id=AnswerId(row.id),
            question_id=QuestionId(row.question_id),
            author_id=UserId(row.author_id),
            body=row.body,
            upvotes=row.upvotes,
            downvotes=row.downvotes,
            score=row.score,
            accepted=accepted_answer_id == row.id,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@dataclass(frozen=True, slots=True)
class QuestionChanges:
    """What ``updateQuestion`` changes; ``None`` leaves a field as it is."""

    title: str | None = None
    body: str | None = None
    tags: Sequence[str] | None = None


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T] = field(default_factory=list)
    has_next_page: bool = False


QuestionPageKey = tuple[UserId, int, Position | None]
"""(author, page size, cursor): one author's questions, newest first."""
AnswerPageKey = tuple[UserId, int, Position | None]
"""(author, page size, cursor): one author's answers, newest first."""
QuestionAnswersKey = tuple[QuestionId, AnswerOrder, int, AnswerPosition | None]
"""(question, order, page size, cursor): one question's answers."""

Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")


def now() -> datetime:
    # Whole seconds, as MariaDB's DATETIME stores them, so a cursor holds the stored value.
    return utcnow().replace(microsecond=0)


def _after_time(created_at: Any, id_: Any, position: Position | None) -> ColumnElement[bool]:
    if position is None:
        return literal(True)
    return or_(
        created_at < position.created_at,
        and_(created_at == position.created_at, id_ < position.id),
    )


def _after_answer(order: AnswerOrder, position: AnswerPosition | None) -> ColumnElement[bool]:
    if isinstance(position, ScorePosition) and order is AnswerOrder.VOTES:
        return or_(
            Answer.score < position.score,
            and_(Answer.score == position.score, Answer.id < position.id),
        )
    if isinstance(position, Position) and order is AnswerOrder.NEWEST:
        return _after_time(Answer.created_at, Answer.id, position)
    return literal(True)


def _ordered_answers(query: Q, order: AnswerOrder, limit: int) -> Q:
    if order is AnswerOrder.VOTES:
        return query.order_by(Answer.score.desc(), Answer.id.desc()).limit(limit)
    return query.order_by(Answer.created_at.desc(), Answer.id.desc()).limit(limit)


def _newest_questions(query: Q, limit: int) -> Q:
    return query.order_by(Question.created_at.desc(), Question.id.desc()).limit(limit)


def _newest_answers(query: Q, limit: int) -> Q:
    return query.order_by(Answer.created_at.desc(), Answer.id.desc()).limit(limit)


K = TypeVar("K")


async def _pages(
    session: AsyncSession,
    keys: Sequence[K],
    ids_of: Callable[[K], Select[Any]],
    size_of: Callable[[K], int],
    read: Callable[[list[int]], Awaitable[Mapping[Any, T]]],
) -> dict[K, Page[T]]:
    """Many keyset pages in two statements: every page's ids (``ids_of`` each, one more
    than its size, as one ``UNION ALL``), then the rows they name (``read``)."""
    wanted = list(dict.fromkeys(keys))
    parts: list[Select[Any]] = []
    for index, key in enumerate(wanted):
        if size_of(key) > 0:
            one = ids_of(key).subquery()
            parts.append(select(one.c.id, literal(index).label("part")))
    found: dict[int, list[int]] = {index: [] for index in range(len(wanted))}
    if parts:
        statement = union_all(*parts) if len(parts) > 1 else parts[0]
        for id_, part in await session.execute(statement):
            found[int(part)].append(int(id_))
    views = await read([id_ for ids in found.values() for id_ in ids])
    pages: dict[K, Page[T]] = {}
    for index, key in enumerate(wanted):
        items = [views[id_] for id_ in found[index] if id_ in views]
        size = size_of(key)
        pages[key] = Page(items=items[:size], has_next_page=len(items) > size)
    return pages


class QaService:
    # -- questions ---------------------------------------------------------------

    async def ask(
        self, author: UserId, title: str, body: str, tags: Sequence[str], *, session: AsyncSession
    ) -> QuestionView:
        """Create a question written by ``author`` and return it."""
        title = rules.check_title(title)
        body = rules.check_question_body(body)
        names = rules.check_tags(tags)
        at = now()
        question = Question(
            author_id=author,
            title=title,
            body=body,
            tags=" ".join(names),
            answer_count=0,
            accepted_answer_id=None,
            created_at=at,
            updated_at=at,
        )
        session.add(question)
        await session.flush()
        if names:
            await session.execute(
                insert(QuestionTag), [{"question_id": question.id, "tag": n} for n in names]
            )
        await events.question_event(
            session,
            events.QUESTION_ASKED,
            question.id,
            {"authorId": author, "tags": names, "createdAt": at.isoformat()},
        )
        return QuestionView.from_row(question)

    async def update_question(
        self,
        author: UserId,
        question_id: QuestionId,
        changes: QuestionChanges,
        *,
        session: AsyncSession,
    ) -> QuestionView:
        """Apply ``changes`` to the author's question and return it."""
        values: dict[str, str] = {}
        if changes.title is not None:
            values["title"] = rules.check_title(changes.title)
        if changes.body is not None:
            values["body"] = rules.check_question_body(changes.body)
        names = rules.check_tags(changes.tags) if changes.tags is not None else None
        if names is not None:
            values["tags"] = " ".join(names)
        question = await self._own_question(author, question_id, session=session)
        changed = sorted(name for name, value in values.items() if getattr(question, name) != value)
        if not changed:
            return QuestionView.from_row(question)
        for name in changed:
            setattr(question, name, values[name])
        question.updated_at = now()
        if "tags" in changed and names is not None:
            await session.execute(delete(QuestionTag).where(QuestionTag.question_id == question.id))
            if names:
                await session.execute(
                    insert(QuestionTag), [{"question_id": question.id, "tag": n} for n in names]
                )
        await session.flush()
        await events.question_event(
            session, events.QUESTION_UPDATED, question.id, {"authorId": author, "fields": changed}
        )
        return QuestionView.from_row(question)

    async def delete_question(
        self, author: UserId, question_id: QuestionId, *, session: AsyncSession
    ) -> QuestionId:
        """Delete the author's question with its answers and their votes."""
        question = await self._own_question(author, question_id, session=session)
        answer_ids = list(
            await session.scalars(
                select(Answer.id).where(Answer.question_id == question.id).order_by(Answer.id)
            )
        )
        await session.execute(delete(Question).where(Question.id == question.id))
        await events.question_event(
            session,
            events.QUESTION_DELETED,
            question_id,
            {"authorId": author, "answerIds": answer_ids},
        )
        return question_id

    async def _locked_question(self, question_id: QuestionId, *, session: AsyncSession) -> Question:
        question = await session.scalar(
            select(Question).where(Question.id == question_id).with_for_update()
        )
        if question is None:
            raise NotFound(f"There is no question with id {question_id}.")
        return question

    async def _own_question(
        self, author: UserId, question_id: QuestionId, *, session: AsyncSession
    ) -> Question:
        question = await self._locked_question(question_id, session=session)
        if question.author_id != author:
            raise Forbidden("Only the question's author may change it.")
        return question

    # -- answers -----------------------------------------------------------------

    async def answer(
        self, author: UserId, question_id: QuestionId, body: str, *, session: AsyncSession
    ) -> AnswerView:
        """Post ``author``'s one answer to the question (``Conflict`` for a second one)."""
        body = rules.check_answer_body(body)
        question = await self._locked_question(question_id, session=session)
        existing = await session.scalar(
            select(Answer.id)
            .where(Answer.question_id == question.id, Answer.author_id == author)
            .with_for_update()
        )
        if existing is not None:
            raise Conflict(
                "You have already answered this question: edit your answer instead.",
                field="questionId",
            )
        at = now()
        answer = Answer(
            question_id=question.id,
            author_id=author,
            body=body,
            upvotes=0,
            downvotes=0,
            score=0,
            created_at=at,
            updated_at=at,
        )
        session.add(answer)
        question.answer_count += 1
        await session.flush()
        await events.answer_event(
            session,
            events.ANSWER_POSTED,
            answer_id=answer.id,
            question_id=question.id,
            author_id=author,
            questionAuthorId=question.author_id,
        )
        return AnswerView.from_row(answer, question.accepted_answer_id)

    async def update_answer(
        self, author: UserId, answer_id: AnswerId, body: str, *, session: AsyncSession
    ) -> AnswerView:
        body = rules.check_answer_body(body)
        question, answer = await self._locked_answer(answer_id, session=session)
        if answer.author_id != author:
            raise Forbidden("Only the answer's author may change it.")
        if answer.body != body:
            answer.body = body
            answer.updated_at = now()
            await session.flush()
            await events.answer_event(
                session,
                events.ANSWER_UPDATED,
                answer_id=answer.id,
                question_id=answer.question_id,
                author_id=author,
            )
        return AnswerView.from_row(answer, question.accepted_answer_id)

    async def delete_answer(
        self, author: UserId, answer_id: AnswerId, *, session: AsyncSession
    ) -> AnswerView:
        """Delete the author's answer (and its votes); the question counts one answer less."""
        question, answer = await self._locked_answer(answer_id, session=session)
        if answer.author_id != author:
            raise Forbidden("Only the answer's author may delete it.")
        view = AnswerView.from_row(answer, question.accepted_answer_id)
        question.answer_count -= 1
        if question.accepted_answer_id == answer.id:
            question.accepted_answer_id = None
        await session.flush()
        await session.execute(delete(Answer).where(Answer.id == answer.id))
        await events.answer_event(
            session,
            events.ANSWER_DELETED,
            answer_id=answer.id,
            question_id=answer.question_id,
            author_id=author,
        )
        return view

    async def accept(
        self, viewer: UserId, answer_id: AnswerId, *, session: AsyncSession
    ) -> AnswerView:
        """Mark the answer accepted, moving the mark from any other; the question's author only."""
        question, answer = await self._locked_answer(answer_id, session=session)
        if question.author_id != viewer:
            raise Forbidden("Only the question's author may accept an answer.")
        previous = question.accepted_answer_id
        if previous != answer.id:
            question.accepted_answer_id = answer.id
            await session.flush()
            await events.answer_event(
                session,
                events.ANSWER_ACCEPTED,
                answer_id=answer.id,
                question_id=question.id,
                author_id=answer.author_id,
                questionAuthorId=question.author_id,
                previousAnswerId=previous,
            )
        return AnswerView.from_row(answer, answer.id)

    async def vote(
        self, voter: UserId, answer_id: AnswerId, vote: Vote, *, session: AsyncSession
    ) -> AnswerView:
        """Set the voter's vote on an answer (``NONE`` withdraws it); repeating changes nothing."""
        answer = await session.scalar(
            select(Answer).where(Answer.id == answer_id).with_for_update()
        )
        if answer is None:
            raise NotFound(f"There is no answer with id {answer_id}.")
        if answer.author_id == voter:
            raise Forbidden("You cannot vote on your own answer.")
        stored = await session.scalar(
            select(AnswerVote.value)
            .where(AnswerVote.answer_id == answer.id, AnswerVote.voter_id == voter)
            .with_for_update()
        )
        previous = Vote(stored) if stored is not None else Vote.NONE
        if previous is not vote:
            if previous is Vote.NONE:
                await session.execute(
                    insert(AnswerVote).values(answer_id=answer.id, voter_id=voter, value=vote.value)
                )
            elif vote is Vote.NONE:
                await session.execute(
                    delete(AnswerVote).where(
                        AnswerVote.answer_id == answer.id, AnswerVote.voter_id == voter
                    )
                )
            else:
                await session.execute(
                    update(AnswerVote)
                    .where(AnswerVote.answer_id == answer.id, AnswerVote.voter_id == voter)
                    .values(value=vote.value)
                )
            answer.upvotes += (vote is Vote.UP) - (previous is Vote.UP)
            answer.downvotes += (vote is Vote.DOWN) - (previous is Vote.DOWN)
            answer.score += vote.value - previous.value
            await session.flush()
            await events.answer_event(
                session,
                events.ANSWER_VOTED,
                answer_id=answer.id,
                question_id=answer.question_id,
                author_id=answer.author_id,
                voterId=voter,
                vote=vote.name,
                previous=previous.name,
                score=answer.score,
            )
        accepted = await session.scalar(
            select(Question.accepted_answer_id).where(Question.id == answer.question_id)
        )
        return AnswerView.from_row(answer, accepted)

    async def _locked_answer(
        self, answer_id: AnswerId, *, session: AsyncSession
    ) -> tuple[Question, Answer]:
        """The answer and its question, locked question first (the order every change uses)."""
        question_id = await session.scalar(select(Answer.question_id).where(Answer.id == answer_id))
        if question_id is None:
            raise NotFound(f"There is no answer with id {answer_id}.")
        question = await self._locked_question(QuestionId(question_id), session=session)
        answer = await session.scalar(
            select(Answer).where(Answer.id == answer_id).with_for_update()
        )
        if answer is None:
            raise NotFound(f"There is no answer with id {answer_id}.")
        return question, answer

    # -- reading by id -----------------------------------------------------------

    async def questions_by_id(
        self, ids: Collection[QuestionId], *, session: AsyncSession
    ) -> dict[QuestionId, QuestionView]:
        if not ids:
            return {}
        rows = await session.scalars(select(Question).where(Question.id.in_(ids)))
        return {QuestionId(row.id): QuestionView.from_row(row) for row in rows}

    async def answers_by_id(
        self, ids: Collection[AnswerId], *, session: AsyncSession
    ) -> dict[AnswerId, AnswerView]:
        """Answers with whether each is accepted, in one statement."""
        if not ids:
            return {}
        rows = await session.execute(
            select(Answer, Question.accepted_answer_id)
            .join(Question, Question.id == Answer.question_id)
            .where(Answer.id.in_(ids))
        )
        return {AnswerId(row.id): AnswerView.from_row(row, accepted) for row, accepted in rows}

    async def votes_of(
        self, voter: UserId, answer_ids: Collection[AnswerId], *, session: AsyncSession
    ) -> dict[AnswerId, Vote]:
        """The voter's standing votes on the answers (absent: no vote), in one statement."""
        if not answer_ids:
            return {}
        rows = await session.execute(
            select(AnswerVote.answer_id, AnswerVote.value).where(
                AnswerVote.voter_id == voter, AnswerVote.answer_id.in_(answer_ids)
            )
        )
        return {AnswerId(answer_id): Vote(value) for answer_id, value in rows}

    # -- lists -------------------------------------------------------------------

    async def questions_page(
        self, *, first: int, after: Position | None, tag: str | None, session: AsyncSession
    ) -> tuple[Page[QuestionView], int]:
        """Questions (with ``tag``, if given) after the cursor, newest first; and how many."""
        query = select(Question).where(_after_time(Question.created_at, Question.id, after))
        counted = select(func.count()).select_from(Question)
        if tag is not None:
            tagged = Question.id.in_(select(QuestionTag.question_id).where(QuestionTag.tag == tag))
            query = query.where(tagged)
            counted = counted.where(tagged)
        rows = list(await session.scalars(_newest_questions(query, first + 1)))
        total = await session.scalar(counted) or 0
        views = [QuestionView.from_row(row) for row in rows]
        return Page(items=views[:first], has_next_page=len(views) > first), total

    async def question_pages_by_author(
        self, keys: Sequence[QuestionPageKey], *, session: AsyncSession
    ) -> dict[QuestionPageKey, Page[QuestionView]]:
        """Each author's questions after their cursor, newest first."""

        def ids_of(key: QuestionPageKey) -> Select[Any]:
            author, first, after = key
            mine = Question.author_id == author
            after_cursor = _after_time(Question.created_at, Question.id, after)
            return _newest_questions(select(Question.id).where(mine, after_cursor), first + 1)

        async def read(ids: list[int]) -> Mapping[Any, QuestionView]:
            return await self.questions_by_id([QuestionId(i) for i in ids], session=session)

        return await _pages(session, keys, ids_of, lambda key: key[1], read)

    async def answer_pages_by_author(
        self, keys: Sequence[AnswerPageKey], *, session: AsyncSession
    ) -> dict[AnswerPageKey, Page[AnswerView]]:
        """Each author's answers after their cursor, newest first."""

        def ids_of(key: AnswerPageKey) -> Select[Any]:
            author, first, after = key
            mine = Answer.author_id == author
            after_cursor = _after_time(Answer.created_at, Answer.id, after)
            return _newest_answers(select(Answer.id).where(mine, after_cursor), first + 1)

        return await _pages(
            session, keys, ids_of, lambda key: key[1], self._answers_reader(session)
        )

    async def answer_pages_by_question(
        self, keys: Sequence[QuestionAnswersKey], *, session: AsyncSession
    ) -> dict[QuestionAnswersKey, Page[AnswerView]]:
        """Each question's answers after their cursor, in their order."""

        def ids_of(key: QuestionAnswersKey) -> Select[Any]:
            question_id, order, first, after = key
            query = select(Answer.id).where(
                Answer.question_id == question_id, _after_answer(order, after)
            )
            return _ordered_answers(query, order, first + 1)

        return await _pages(
            session, keys, ids_of, lambda key: key[2], self._answers_reader(session)
        )

    def _answers_reader(
        self, session: AsyncSession
    ) -> Callable[[list[int]], Awaitable[Mapping[Any, AnswerView]]]:
        async def read(ids: list[int]) -> Mapping[Any, AnswerView]:
            return await self.answers_by_id([AnswerId(i) for i in ids], session=session)

        return read

    async def counts_by_author(
        self, authors: Collection[UserId], *, session: AsyncSession
    ) -> dict[UserId, tuple[int, int]]:
        """(questions, answers) each author wrote, in one statement."""
        if not authors:
            return {}
        asked = (
            select(Question.author_id.label("author"), literal(1).label("kind"), func.count())
            .where(Question.author_id.in_(authors))
            .group_by(Question.author_id)
        )
        answered = (
            select(Answer.author_id.label("author"), literal(2).label("kind"), func.count())
            .where(Answer.author_id.in_(authors))
            .group_by(Answer.author_id)
        )
        counts = {author: [0, 0] for author in authors}
        for author, kind, count in await session.execute(union_all(asked, answered)):
            counts[UserId(author)][int(kind) - 1] = int(count)
        return {author: (asked_, answered_) for author, (asked_, answered_) in counts.items()}

"""The qa subgraph: ``Question`` and ``Answer``, votes, the accepted answer, ``User.questions``
and ``User.answers``.

``User`` belongs to accounts: this subgraph declares only its key and the
lists it adds; authors are references by key that the router resolves.
Every list is a keyset connection; ``first`` is at most 100.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.errors import NotFound
from shared.graphql.app import schema_extensions
from shared.graphql.arguments import After, First, IdArgument
from shared.graphql.connections import PageInfo
from shared.graphql.ids import parse_typed, require_id
from shared.graphql.scalars import schema_config
from shared.graphql.users import UserKey
from shared.pagination import DEFAULT_FIRST, check_first, decode_cursor, encode_cursor
from subgraphs.qa import rules
from subgraphs.qa.context import QaContext
from subgraphs.qa.ordering import (
    AnswerOrder,
    AnswerPosition,
    ScorePosition,
    decode_score_cursor,
    encode_score_cursor,
)
from subgraphs.qa.service import (
    AnswerId,
    AnswerView,
    Page,
    QuestionChanges,
    QuestionId,
    QuestionView,
    Vote,
)

QaInfo = Info[QaContext, None]


@strawberry.enum(name="AnswerOrder", description="How a question's answers are listed.")
class AnswerSort(enum.Enum):
    VOTES = "VOTES"
    NEWEST = "NEWEST"


@strawberry.enum(name="AnswerVote", description="A member's vote on an answer.")
class AnswerVote(enum.Enum):
    UP = "UP"
    DOWN = "DOWN"
    NONE = "NONE"


def _cursor(position: AnswerPosition) -> str:
    if isinstance(position, ScorePosition):
        return encode_score_cursor(position)
    return encode_cursor(position)


@strawberry.federation.type(keys=["id"], description="A member of the community.")
class User(UserKey):
    @strawberry.field(description="Questions this member asked, newest first.")
    async def questions(
        self, info: QaInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> QuestionConnection:
        size = check_first(first)
        position = decode_cursor(after) if after is not None else None
        loaders = info.context.loaders
        page = await loaders.question_pages.load((self.user_id, size, position))
        asked, _ = await loaders.author_counts.load(self.user_id)
        return QuestionConnection.of(page, asked, after)

    @strawberry.field(description="Answers this member wrote, newest first.")
    async def answers(
        self, info: QaInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> AnswerConnection:
        size = check_first(first)
        position = decode_cursor(after) if after is not None else None
        loaders = info.context.loaders
        page = await loaders.answer_pages.load((self.user_id, size, position))
        _, answered = await loaders.author_counts.load(self.user_id)
        return AnswerConnection.of(page, AnswerOrder.NEWEST, answered, after)


@strawberry.federation.type(keys=["id"], description="A question asked by a member.")
class Question:
    id: strawberry.ID
    title: str
    body: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    answer_count: int
    view: strawberry.Private[QuestionView]

    @classmethod
    def of(cls, view: QuestionView) -> Question:
        return cls(
            id=strawberry.ID(str(view.id)),
            title=view.title,
            body=view.body,
            tags=list(view.tags),
            created_at=view.created_at,
            updated_at=view.updated_at,
            answer_count=view.answer_count,
            view=view,
        )

    @classmethod
    async def resolve_reference(cls, info: QaInfo, id: strawberry.ID) -> Question | None:
        key = parse_typed(id, QuestionId)
        view = await info.context.loaders.questions.load(key) if key is not None else None
        return cls.of(view) if view else None

    @strawberry.field(description="Who asked it.")
    def author(self) -> User:
        return User.of(self.view.author_id)

    @strawberry.field(description="Its answers, highest voted first unless asked otherwise.")
    async def answers(
        self,
        info: QaInfo,
        first: First = DEFAULT_FIRST,
        after: After = None,
        order_by: AnswerSort = AnswerSort.VOTES,
    ) -> AnswerConnection:
        order = AnswerOrder(order_by.value)
        size = check_first(first)
        position: AnswerPosition | None = None
        if after is not None:
            position = (
                decode_score_cursor(after) if order is AnswerOrder.VOTES else decode_cursor(after)
            )
        page = await info.context.loaders.question_answers.load(
            (self.view.id, order, size, position)
        )
        return AnswerConnection.of(page, order, self.view.answer_count, after)

    @strawberry.field(description="The answer its author accepted, if any.")
    async def accepted_answer(self, info: QaInfo) -> Answer | None:
        accepted = self.view.accepted_answer_id
        view = await info.context.loaders.answers.load(accepted) if accepted else None
        return Answer.of(view) if view else None


@strawberry.federation.type(keys=["id"], description="A member's answer to a question.")
class Answer:
    id: strawberry.ID
    body: str
    created_at: datetime
    updated_at: datetime
    vote_score: int = strawberry.field(description="Up votes minus down votes.")
    upvotes: int
    downvotes: int
    accepted: bool = strawberry.field(description="Whether the question's author accepted it.")
    view: strawberry.Private[AnswerView]

    @classmethod
    def of(cls, view: AnswerView) -> Answer:
        return cls(
            id=strawberry.ID(str(view.id)),
            body=view.body,
            created_at=view.created_at,
            updated_at=view.updated_at,
            vote_score=view.score,
            upvotes=view.upvotes,
            downvotes=view.downvotes,
            accepted=view.accepted,
            view=view,
        )

    @classmethod
    async def resolve_reference(cls, info: QaInfo, id: strawberry.ID) -> Answer | None:
        key = parse_typed(id, AnswerId)
        view = await info.context.loaders.answers.load(key) if key is not None else None
        return cls.of(view) if view else None

    @strawberry.field(description="Who wrote it.")
    def author(self) -> User:
        return User.of(self.view.author_id)

    @strawberry.field(description="The question it answers.")
    async def question(self, info: QaInfo) -> Question:
        view = await info.context.loaders.questions.load(self.view.question_id)
        if view is None:
            raise NotFound(f"The question of answer {self.view.id} was deleted.")
        return Question.of(view)

    @strawberry.field(description="Your vote on it; NONE when you have not voted or signed in.")
    async def viewer_vote(self, info: QaInfo) -> AnswerVote:
        viewer = info.context.viewer
        if viewer is None:
            return AnswerVote.NONE
        vote = await info.context.loaders.votes.load((viewer, self.view.id))
        return AnswerVote[vote.name]


@strawberry.type(description="One question in a list.")
class QuestionEdge:
    cursor: str
    node: Question


@strawberry.type(description="A page of questions, newest first.")
class QuestionConnection:
    edges: list[QuestionEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many questions the whole list holds.")

    @classmethod
    def of(cls, page: Page[QuestionView], total: int, after: str | None) -> QuestionConnection:
        edges = [
            QuestionEdge(cursor=encode_cursor(view.position), node=Question.of(view))
            for view in page.items
        ]
        cursors = [edge.cursor for edge in edges]
        return cls(
            edges=edges,
            page_info=PageInfo.of(cursors, has_next_page=page.has_next_page, after=after),
            total_count=total,
        )


@strawberry.type(description="One answer in a list.")
class AnswerEdge:
    cursor: str
    node: Answer


@strawberry.type(description="A page of answers.")
class AnswerConnection:
    edges: list[AnswerEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many answers the whole list holds.")

    @classmethod
    def of(
        cls, page: Page[AnswerView], order: AnswerOrder, total: int, after: str | None
    ) -> AnswerConnection:
        edges = [
            AnswerEdge(cursor=_cursor(view.position(order)), node=Answer.of(view))
            for view in page.items
        ]
        cursors = [edge.cursor for edge in edges]
        return cls(
            edges=edges,
            page_info=PageInfo.of(cursors, has_next_page=page.has_next_page, after=after),
            total_count=total,
        )


@strawberry.input(description="A new question.")
class AskQuestionInput:
    title: str = strawberry.field(description=f"1 to {rules.TITLE_MAX} characters.")
    body: str = strawberry.field(
        default="", description=f"Details, at most {rules.BODY_MAX} characters."
    )
    tags: list[str] = strawberry.field(
        default_factory=list, description="At most 5, letters and digits with dashes."
    )


@strawberry.input(description="Fields of a question to change; omitted fields stay as they are.")
class UpdateQuestionInput:
    title: str | None = None
    body: str | None = None
    tags: list[str] | None = strawberry.field(default=None, description="Replaces all tags.")


@strawberry.type
class Query:
    @strawberry.field(description="A question by id, or null if there is none.")
    async def question(self, info: QaInfo, id: IdArgument) -> Question | None:
        return await Question.resolve_reference(info, id)

    @strawberry.field(description="Questions, newest first, optionally with one tag.")
    async def questions(
        self,
        info: QaInfo,
        first: First = DEFAULT_FIRST,
        after: After = None,
        tag: Annotated[str | None, strawberry.argument(description="A tag name.")] = None,
    ) -> QuestionConnection:
        size = check_first(first)
        position = decode_cursor(after) if after is not None else None
        name = rules.check_tag(tag) if tag is not None else None
        async with info.context.database.transaction() as session:
            page, total = await info.context.service.questions_page(
                first=size, after=position, tag=name, session=session
            )
        return QuestionConnection.of(page, total, after)


def _question_id(raw: strawberry.ID, field: str = "id") -> QuestionId:
    return require_id(raw, QuestionId, field=field)


def _answer_id(raw: strawberry.ID, field: str = "id") -> AnswerId:
    return require_id(raw, AnswerId, field=field)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Ask a question and return it.")
    async def ask_question(self, info: QaInfo, input: AskQuestionInput) -> Question:
        author = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.ask(
                author, input.title, input.body, input.tags, session=session
            )
        return Question.of(view)

    @strawberry.mutation(description="Change your question and return it.")
    async def update_question(
        self, info: QaInfo, id: IdArgument, input: UpdateQuestionInput
    ) -> Question:
        author = info.context.require_viewer()
        changes = QuestionChanges(title=input.title, body=input.body, tags=input.tags)
        async with info.context.database.transaction() as session:
            view = await info.context.service.update_question(
                author, _question_id(id), changes, session=session
            )
        return Question.of(view)

    @strawberry.mutation(
        description="Delete your question with its answers; returns the deleted question's id."
    )
    async def delete_question(self, info: QaInfo, id: IdArgument) -> strawberry.ID:
        author = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            deleted = await info.context.service.delete_question(
                author, _question_id(id), session=session
            )
        return strawberry.ID(str(deleted))

    @strawberry.mutation(description="Answer a question (once per member) and return the answer.")
    async def answer_question(
        self,
        info: QaInfo,
        question_id: Annotated[strawberry.ID, strawberry.argument(description="The question.")],
        body: Annotated[str, strawberry.argument(description=f"1 to {rules.BODY_MAX} characters.")],
    ) -> Answer:
        author = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.answer(
                author, _question_id(question_id, "questionId"), body, session=session
            )
        return Answer.of(view)

    @strawberry.mutation(description="Change your answer and return it.")
    async def update_answer(self, info: QaInfo, id: IdArgument, body: str) -> Answer:
        author = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.update_answer(
                author, _answer_id(id), body, session=session
            )
        return Answer.of(view)

    @strawberry.mutation(description="Delete your answer; returns the question it answered.")
    async def delete_answer(self, info: QaInfo, id: IdArgument) -> Question:
        author = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            deleted = await info.context.service.delete_answer(
                author, _answer_id(id), session=session
            )
            question = await info.context.service.questions_by_id(
                [deleted.question_id], session=session
            )
        return Question.of(question[deleted.question_id])

    @strawberry.mutation(
        description="Vote an answer up or down, or withdraw your vote with NONE; repeating a "
        "vote changes nothing. You cannot vote on your own answer."
    )
    async def vote_answer(
        self,
        info: QaInfo,
        answer_id: Annotated[strawberry.ID, strawberry.argument(description="The answer.")],
        vote: AnswerVote,
    ) -> Answer:
        voter = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.vote(
                voter, _answer_id(answer_id, "answerId"), Vote[vote.name], session=session
            )
        return Answer.of(view)

    @strawberry.mutation(
        description="Accept an answer to your question, moving the mark from any other."
    )
    async def accept_answer(
        self,
        info: QaInfo,
        answer_id: Annotated[strawberry.ID, strawberry.argument(description="The answer.")],
    ) -> Answer:
        viewer = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.accept(
                viewer, _answer_id(answer_id, "answerId"), session=session
            )
        return Answer.of(view)


def build_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        types=[User, Question, Answer],
        extensions=schema_extensions(),
        config=schema_config(),
        federation_version="2.11",
    )

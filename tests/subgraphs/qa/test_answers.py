"""Answering, voting, accepting and listing answers, on the domain's own app."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from subgraphs.qa.models import EVENT_TABLES
from tests.subgraphs.qa.conftest import ACCEPT, VOTE, Qa
from tests.support.graphql import error_of

ANSWERS = """query($id: ID!, $order: AnswerOrder!, $first: Int, $after: String) {
  question(id: $id) { answerCount acceptedAnswer { id }
    answers(first: $first, after: $after, orderBy: $order) {
      totalCount edges { cursor node { id voteScore accepted viewerVote } }
      pageInfo { hasNextPage hasPreviousPage endCursor } } } }"""
UPDATE = "mutation($id: ID!, $body: String!) { updateAnswer(id: $id, body: $body) { body } }"
DELETE = "mutation($id: ID!) { deleteAnswer(id: $id) { answerCount acceptedAnswer { id } } }"
ANSWER_OF = """query($id: ID!) { _entities(representations: [{__typename: "Answer", id: $id}]) {
  ... on Answer { body question { id } viewerVote } } }"""


async def _ids(qa: Qa, question: str, order: str, viewer: str | None = None) -> list[str]:
    data = await qa.data(ANSWERS, viewer, id=question, order=order)
    return [edge["node"]["id"] for edge in data["question"]["answers"]["edges"]]


async def _outbox(qa: Qa) -> list[tuple[str, dict[str, Any]]]:
    outbox = EVENT_TABLES.outbox
    async with qa.runtime.database.transaction() as session:
        rows = await session.execute(
            select(outbox.c.event_type, outbox.c.payload).order_by(outbox.c.id)
        )
    return [(event_type, json.loads(payload)) for event_type, payload in rows]


@pytest.mark.sqlite
async def test_one_answer_per_member_and_the_count_follows(qa: Qa) -> None:
    ada, bob, cy = qa.members(3)
    question = await qa.ask(ada)
    answer = await qa.answer(bob, question["id"], "  First answer. ")
    assert answer["body"] == "First answer." and answer["author"] == {"id": bob}
    second = error_of(
        await qa.execute(
            'mutation($q: ID!) { answerQuestion(questionId: $q, body: "Again") { id } }',
            bob,
            q=question["id"],
        )
    )
    assert second["extensions"] == {"code": "CONFLICT", "field": "questionId"}
    await qa.answer(cy, question["id"])
    read = (await qa.data(ANSWERS, id=question["id"], order="NEWEST"))["question"]
    assert read["answerCount"] == 2 and read["answers"]["totalCount"] == 2
    deleted = await qa.data(DELETE, bob, id=answer["id"])
    assert deleted["deleteAnswer"]["answerCount"] == 1
    again = await qa.answer(bob, question["id"], "Second try.")
    assert again["body"] == "Second try."


async def test_only_authors_change_answers(qa: Qa) -> None:
    ada, bob = qa.members(2)
    question = await qa.ask(ada)
    answer = await qa.answer(bob, question["id"])
    for query, variables in ((UPDATE, {"body": "Hijacked"}), (DELETE, {})):
        error = error_of(await qa.execute(query, ada, id=answer["id"], **variables))
        assert error["extensions"]["code"] == "FORBIDDEN"
    assert (await qa.data(UPDATE, bob, id=answer["id"], body="Better."))["updateAnswer"] == {
        "body": "Better."
    }
    empty = error_of(await qa.execute(UPDATE, bob, id=answer["id"], body="  "))
    assert empty["extensions"] == {"code": "BAD_USER_INPUT", "field": "body"}
    unknown = error_of(await qa.execute(UPDATE, bob, id="999999999999", body="x"))
    assert unknown["extensions"]["code"] == "NOT_FOUND"


async def test_votes_are_idempotent_and_never_on_your_own_answer(qa: Qa) -> None:
    ada, bob, cy = qa.members(3)
    question = await qa.ask(ada)
    answer = await qa.answer(bob, question["id"])
    own = error_of(await qa.execute(VOTE, bob, a=answer["id"], v="UP"))
    assert own["extensions"]["code"] == "FORBIDDEN"
    up = {"voteScore": 1, "upvotes": 1, "downvotes": 0, "viewerVote": "UP"}
    assert (await qa.data(VOTE, cy, a=answer["id"], v="UP"))["voteAnswer"] == up
    assert (await qa.data(VOTE, cy, a=answer["id"], v="UP"))["voteAnswer"] == up
    down = await qa.data(VOTE, ada, a=answer["id"], v="DOWN")
    assert down["voteAnswer"] == {
        "voteScore": 0,
        "upvotes": 1,
        "downvotes": 1,
        "viewerVote": "DOWN",
    }
    flipped = await qa.data(VOTE, cy, a=answer["id"], v="DOWN")
    assert flipped["voteAnswer"] == {
        "voteScore": -2,
        "upvotes": 0,
        "downvotes": 2,
        "viewerVote": "DOWN",
    }
    withdrawn = await qa.data(VOTE, cy, a=answer["id"], v="NONE")
    assert withdrawn["voteAnswer"]["voteScore"] == -1
    assert withdrawn["voteAnswer"]["viewerVote"] == "NONE"
    entity = (await qa.data(ANSWER_OF, ada, id=answer["id"]))["_entities"][0]
    assert entity == {"body": "Because.", "question": {"id": question["id"]}, "viewerVote": "DOWN"}
    anonymous = (await qa.data(ANSWER_OF, id=answer["id"]))["_entities"][0]
    assert anonymous["viewerVote"] == "NONE"


async def test_answers_by_votes_and_by_time_page_with_their_own_cursors(qa: Qa) -> None:
    ada, *answerers = qa.members(5)
    question = await qa.ask(ada)
    answers = [(await qa.answer(who, question["id"]))["id"] for who in answerers]
    voters = qa.members(3)
    for voter in voters:
        await qa.data(VOTE, voter, a=answers[1], v="UP")
    await qa.data(VOTE, voters[0], a=answers[2], v="UP")
    await qa.data(VOTE, voters[0], a=answers[0], v="DOWN")
    assert await _ids(qa, question["id"], "VOTES") == [
        answers[1],
        answers[2],
        answers[3],
        answers[0],
    ]
    assert await _ids(qa, question["id"], "NEWEST") == answers[::-1]

    votes = (await qa.data(ANSWERS, id=question["id"], order="VOTES", first=2))["question"]
    page = votes["answers"]
    assert page["pageInfo"]["hasNextPage"] and not page["pageInfo"]["hasPreviousPage"]
    rest = await qa.data(
        ANSWERS, id=question["id"], order="VOTES", first=2, after=page["pageInfo"]["endCursor"]
    )
    assert [e["node"]["id"] for e in rest["question"]["answers"]["edges"]] == [
        answers[3],
        answers[0],
    ]
    wrong_order = error_of(
        await qa.execute(
            ANSWERS, id=question["id"], order="NEWEST", after=page["pageInfo"]["endCursor"]
        )
    )
    assert wrong_order["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    over = error_of(await qa.execute(ANSWERS, id=question["id"], order="VOTES", first=101))
    assert over["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}


async def test_accepting_moves_the_mark_and_only_the_asker_may(qa: Qa) -> None:
    ada, bob, cy = qa.members(3)
    question = await qa.ask(ada)
    first = await qa.answer(bob, question["id"])
    second = await qa.answer(cy, question["id"])
    refused = error_of(await qa.execute(ACCEPT, bob, a=first["id"]))
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert (await qa.data(ACCEPT, ada, a=first["id"]))["acceptAnswer"] == {
        "id": first["id"],
        "accepted": True,
    }
    await qa.data(ACCEPT, ada, a=second["id"])
    read = (await qa.data(ANSWERS, id=question["id"], order="NEWEST"))["question"]
    assert read["acceptedAnswer"] == {"id": second["id"]}
    accepted = {e["node"]["id"]: e["node"]["accepted"] for e in read["answers"]["edges"]}
    assert accepted == {first["id"]: False, second["id"]: True}
    cleared = await qa.data(DELETE, cy, id=second["id"])
    assert cleared["deleteAnswer"] == {"answerCount": 1, "acceptedAnswer": None}


async def test_each_change_records_its_event_and_no_op_records_none(qa: Qa) -> None:
    ada, bob, cy = qa.members(3)
    question = await qa.ask(ada, tags=["events"])
    answer = await qa.answer(bob, question["id"])
    await qa.data(VOTE, cy, a=answer["id"], v="UP")
    await qa.data(VOTE, cy, a=answer["id"], v="UP")  # already in effect
    await qa.data(ACCEPT, ada, a=answer["id"])
    await qa.data(ACCEPT, ada, a=answer["id"])  # already accepted
    await qa.data(DELETE, bob, id=answer["id"])
    await qa.data("mutation($id: ID!) { deleteQuestion(id: $id) }", ada, id=question["id"])
    qid, aid = int(question["id"]), int(answer["id"])
    mine = [
        (kind, payload) for kind, payload in await _outbox(qa) if payload.get("questionId") == qid
    ]
    assert [kind for kind, _ in mine] == [
        "QuestionAsked",
        "AnswerPosted",
        "AnswerVoted",
        "AnswerAccepted",
        "AnswerDeleted",
        "QuestionDeleted",
    ]
    payloads = [payload for _, payload in mine]
    assert payloads[1] == {
        "answerId": aid,
        "questionId": qid,
        "authorId": int(bob),
        "questionAuthorId": int(ada),
    }
    assert payloads[2] == {
        "answerId": aid,
        "questionId": qid,
        "authorId": int(bob),
        "voterId": int(cy),
        "vote": "UP",
        "previous": "NONE",
        "score": 1,
    }
    assert payloads[3]["previousAnswerId"] is None
    assert payloads[5] == {"questionId": qid, "authorId": int(ada), "answerIds": []}

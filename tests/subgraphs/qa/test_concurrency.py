"""Counters and the accepted mark under concurrent writers, on MariaDB."""

from __future__ import annotations

import asyncio
import itertools
import json
import random

from sqlalchemy import func, select

from subgraphs.qa.models import EVENT_TABLES, Answer, AnswerVote, Question
from tests.subgraphs.qa.conftest import ACCEPT, VOTE, Qa

VOTERS = 50
FLIPS = 4


async def test_fifty_voters_flipping_at_once_leave_the_score_equal_to_the_votes(qa: Qa) -> None:
    ada, bob = qa.members(2)
    question = await qa.ask(ada)
    answer = await qa.answer(bob, question["id"])
    voters = qa.members(VOTERS)
    rng = random.Random(11)
    plans = {voter: [rng.choice(["UP", "DOWN", "NONE"]) for _ in range(FLIPS)] for voter in voters}

    async def vote_all(voter: str) -> None:
        for vote in plans[voter]:
            await qa.data(VOTE, voter, a=answer["id"], v=vote)

    await asyncio.gather(*(vote_all(voter) for voter in voters))

    answer_id = int(answer["id"])
    async with qa.runtime.database.transaction() as session:
        row = await session.get_one(Answer, answer_id)
        rows = await session.execute(
            select(AnswerVote.voter_id, AnswerVote.value).where(AnswerVote.answer_id == answer_id)
        )
        stored = {voter: value for voter, value in rows}
    expected = {int(v): {"UP": 1, "DOWN": -1}[p[-1]] for v, p in plans.items() if p[-1] != "NONE"}
    assert stored == expected
    assert row.score == sum(stored.values())
    assert row.upvotes == sum(1 for value in stored.values() if value == 1)
    assert row.downvotes == sum(1 for value in stored.values() if value == -1)


async def test_concurrent_accepts_leave_exactly_one_accepted_answer(qa: Qa) -> None:
    ada, *answerers = qa.members(9)
    question = await qa.ask(ada)
    answers = [(await qa.answer(who, question["id"]))["id"] for who in answerers]
    results = await asyncio.gather(
        *(qa.data(ACCEPT, ada, a=answer) for answer in answers for _ in range(2))
    )
    assert all(result["acceptAnswer"]["accepted"] for result in results)

    question_id = int(question["id"])
    outbox = EVENT_TABLES.outbox
    async with qa.runtime.database.transaction() as session:
        accepted = await session.scalar(
            select(Question.accepted_answer_id).where(Question.id == question_id)
        )
        count = await session.scalar(
            select(func.count()).select_from(Answer).where(Answer.question_id == question_id)
        )
        payloads = [
            json.loads(payload)
            for payload in await session.scalars(
                select(outbox.c.payload)
                .where(outbox.c.event_type == "AnswerAccepted")
                .order_by(outbox.c.id)
            )
        ]
    assert count == len(answers) and str(accepted) in answers
    mine = [p for p in payloads if p["questionId"] == question_id]
    # Accepts ran one after another: each moved the mark from where the previous one left it.
    assert mine[0]["previousAnswerId"] is None
    for earlier, later in itertools.pairwise(mine):
        assert later["previousAnswerId"] == earlier["answerId"] != later["answerId"]
    assert mine[-1]["answerId"] == accepted
    read = await qa.data(
        """query($id: ID!) { question(id: $id) { acceptedAnswer { id }
             answers(first: 20) { edges { node { id accepted } } } } }""",
        id=question["id"],
    )
    marked = [
        e["node"]["id"] for e in read["question"]["answers"]["edges"] if e["node"]["accepted"]
    ]
    assert marked == [str(accepted)] and read["question"]["acceptedAnswer"] == {"id": str(accepted)}

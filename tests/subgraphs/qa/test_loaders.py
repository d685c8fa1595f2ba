"""Many entities in one request cost a fixed number of SQL statements."""

from __future__ import annotations

from tests.subgraphs.qa.conftest import VOTE, Qa
from tests.support.sql import StatementCounter

ENTITIES = """query($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on Answer { voteScore viewerVote question { title answerCount } }
  ... on User { answers(first: 5) { totalCount edges { node { id } } }
                questions(first: 5) { totalCount edges { node { title } } } } } }"""


async def _statements(qa: Qa, viewer: str, reps: list[dict[str, str]]) -> int:
    with StatementCounter(qa.runtime.database.engine) as counter:
        data = await qa.data(ENTITIES, viewer, reps=reps)
    assert all(entity is not None for entity in data["_entities"])
    return counter.count


async def test_entities_are_read_in_one_statement_per_kind_whatever_their_number(qa: Qa) -> None:
    [viewer] = qa.members(1)
    answerers = qa.members(12)
    answers = []
    for n in range(12):
        question = await qa.ask(answerers[n], f"Q{n}")
        answer = await qa.answer(answerers[(n + 1) % 12], question["id"])
        await qa.data(VOTE, viewer, a=answer["id"], v="UP")
        answers.append(answer["id"])

    def reps(count: int) -> list[dict[str, str]]:
        return [{"__typename": "Answer", "id": a} for a in answers[:count]] + [
            {"__typename": "User", "id": u} for u in answerers[:count]
        ]

    small, large = await _statements(qa, viewer, reps(2)), await _statements(qa, viewer, reps(12))
    # answers, the viewer's votes, their questions; users' answer pages (ids, then answers),
    # question pages (ids, then questions) and both counts.
    assert small == large == 8

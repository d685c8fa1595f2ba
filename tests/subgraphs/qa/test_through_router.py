"""The qa domain through the router: a member's questions and answers on the accounts' User."""

from __future__ import annotations

from tests.support.graph import Graph, domain_urls, graph

__all__ = ["domain_urls", "graph"]

ASK = """mutation($t: String!) { askQuestion(input: {title: $t}) { id author { id nickname } } }"""
ANSWER = """mutation($q: ID!) { answerQuestion(questionId: $q, body: "Here is how.") { id } }"""
PROFILE = """query($id: ID!) { user(id: $id) { nickname
  questions { totalCount edges { node { title } } }
  answers { totalCount edges { node { body question { title author { nickname } } } } } } }"""


async def test_a_members_questions_and_answers_join_their_profile(graph: Graph) -> None:
    ada, ada_token = await graph.register("Ada")
    bob, bob_token = await graph.register("Bob")
    asked = (await graph.data(ASK, ada_token, t="Through the router?"))["askQuestion"]
    assert asked["author"] == {"id": ada, "nickname": "Ada"}
    await graph.data(ANSWER, bob_token, q=asked["id"])
    assert (await graph.data(PROFILE, id=ada))["user"] == {
        "nickname": "Ada",
        "questions": {"totalCount": 1, "edges": [{"node": {"title": "Through the router?"}}]},
        "answers": {"totalCount": 0, "edges": []},
    }
    answered = (await graph.data(PROFILE, id=bob))["user"]["answers"]
    assert answered == {
        "totalCount": 1,
        "edges": [
            {
                "node": {
                    "body": "Here is how.",
                    "question": {"title": "Through the router?", "author": {"nickname": "Ada"}},
                }
            }
        ],
    }

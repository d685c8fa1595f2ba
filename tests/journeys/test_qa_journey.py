"""Ask a question, get answers, accept one, and watch votes reorder them, through the router."""

from __future__ import annotations

from typing import Any

from tests.support.graph import Graph

ASK = """mutation($input: AskQuestionInput!) { askQuestion(input: $input) { id } }"""
ANSWER = """mutation($q: ID!, $body: String!) {
  answerQuestion(questionId: $q, body: $body) { id author { nickname } } }"""
ACCEPT = "mutation($a: ID!) { acceptAnswer(answerId: $a) { accepted } }"
VOTE = "mutation($a: ID!, $v: AnswerVote!) { voteAnswer(answerId: $a, vote: $v) { voteScore } }"
PAGE = """query($id: ID!) { question(id: $id) {
  title answerCount author { nickname }
  acceptedAnswer { author { nickname } }
  answers(orderBy: VOTES) { totalCount edges { node {
    body voteScore accepted viewerVote author { nickname } } } } } }"""


def order(page: dict[str, Any]) -> list[tuple[str, int, bool]]:
    return [
        (edge["node"]["author"]["nickname"], edge["node"]["voteScore"], edge["node"]["accepted"])
        for edge in page["question"]["answers"]["edges"]
    ]


async def test_ask_answer_accept_and_vote(graph: Graph) -> None:
    _, ada = await graph.register("Ada")
    _, bob = await graph.register("Bob")
    _, cy = await graph.register("Cy")
    _, dee = await graph.register("Dee")

    question = (
        await graph.data(ASK, ada, input={"title": "How does the router plan?", "tags": ["router"]})
    )["askQuestion"]["id"]
    by_bob = (await graph.data(ANSWER, bob, q=question, body="Bottom up."))["answerQuestion"]
    by_cy = (await graph.data(ANSWER, cy, q=question, body="Top down."))["answerQuestion"]
    assert by_bob["author"] == {"nickname": "Bob"} and by_cy["author"] == {"nickname": "Cy"}

    await graph.data(VOTE, dee, a=by_bob["id"], v="UP")
    page = await graph.data(PAGE, id=question)
    assert page["question"]["title"] == "How does the router plan?"
    assert page["question"]["author"] == {"nickname": "Ada"}
    assert page["question"]["answerCount"] == 2
    assert order(page) == [("Bob", 1, False), ("Cy", 0, False)]

    assert (await graph.data(ACCEPT, ada, a=by_cy["id"]))["acceptAnswer"] == {"accepted": True}
    refused = await graph.execute(ACCEPT, bob, a=by_bob["id"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # Votes move the order: Cy's answer overtakes Bob's.
    await graph.data(VOTE, ada, a=by_cy["id"], v="UP")
    await graph.data(VOTE, dee, a=by_cy["id"], v="UP")
    await graph.data(VOTE, dee, a=by_bob["id"], v="DOWN")
    page = await graph.data(PAGE, dee, id=question)
    assert page["question"]["acceptedAnswer"] == {"author": {"nickname": "Cy"}}
    assert order(page) == [("Cy", 2, True), ("Bob", -1, False)]
    assert [e["node"]["viewerVote"] for e in page["question"]["answers"]["edges"]] == ["UP", "DOWN"]

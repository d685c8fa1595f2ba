"""Asking, changing, deleting and listing questions, on the domain's own app."""

from __future__ import annotations

import uuid

import pytest

from tests.subgraphs.qa.conftest import Qa
from tests.support.graphql import error_of

READ = """query($id: ID!) { question(id: $id) {
  id title body tags answerCount createdAt updatedAt author { id } acceptedAnswer { id } } }"""
UPDATE = """mutation($id: ID!, $input: UpdateQuestionInput!) {
  updateQuestion(id: $id, input: $input) { title body tags } }"""
DELETE = "mutation($id: ID!) { deleteQuestion(id: $id) }"
LIST = """query($first: Int, $after: String, $tag: String) {
  questions(first: $first, after: $after, tag: $tag) {
    totalCount edges { cursor node { title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
MINE = """query($id: ID!, $after: String) { _entities(representations: [{__typename: "User", id: $id}]) {
  ... on User { questions(first: 2, after: $after) { totalCount edges { node { title } }
    pageInfo { hasNextPage endCursor } } } } }"""


@pytest.mark.sqlite
async def test_a_member_asks_and_anyone_reads(qa: Qa) -> None:
    [ada] = qa.members(1)
    asked = await qa.ask(
        ada, "  What is   federation? ", body="Details.", tags=["GraphQL", "graphql"]
    )
    assert asked["title"] == "What is federation?" and asked["tags"] == ["graphql"]
    assert asked["author"] == {"id": ada} and asked["answerCount"] == 0
    read = (await qa.data(READ, id=asked["id"]))["question"]
    assert read["body"] == "Details." and read["acceptedAnswer"] is None
    assert read["createdAt"] == read["updatedAt"]


async def test_inputs_are_bounded_and_name_their_field(qa: Qa) -> None:
    [ada] = qa.members(1)
    ask = "mutation($input: AskQuestionInput!) { askQuestion(input: $input) { id } }"
    cases = [
        ({"title": " "}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"title": "ok", "body": "x" * 20_001}, "body"),
        ({"title": "ok", "tags": [f"t{n}" for n in range(6)]}, "tags"),
        ({"title": "ok", "tags": ["no spaces"]}, "tags"),
    ]
    for fields, field in cases:
        error = error_of(await qa.execute(ask, ada, input=fields))
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, fields
    assert error_of(await qa.execute(ask, input={"title": "ok"}))["extensions"]["code"] == (
        "UNAUTHENTICATED"
    )


async def test_only_the_author_changes_or_deletes_a_question(qa: Qa) -> None:
    ada, bob = qa.members(2)
    question = await qa.ask(ada, tags=["a"])
    forbidden = error_of(await qa.execute(UPDATE, bob, id=question["id"], input={"title": "Mine"}))
    assert forbidden["extensions"]["code"] == "FORBIDDEN"
    assert error_of(await qa.execute(DELETE, bob, id=question["id"]))["extensions"]["code"] == (
        "FORBIDDEN"
    )
    updated = await qa.data(UPDATE, ada, id=question["id"], input={"body": "More.", "tags": ["b"]})
    assert updated["updateQuestion"] == {"title": "Why?", "body": "More.", "tags": ["b"]}
    assert (await qa.data(DELETE, ada, id=question["id"]))["deleteQuestion"] == question["id"]
    assert (await qa.data(READ, id=question["id"]))["question"] is None
    again = error_of(await qa.execute(DELETE, ada, id=question["id"]))
    assert again["extensions"]["code"] == "NOT_FOUND"


async def test_questions_with_a_tag_page_newest_first(qa: Qa) -> None:
    [ada] = qa.members(1)
    tag = f"t{uuid.uuid4().hex[:12]}"
    for n in range(5):
        await qa.ask(ada, f"Q{n}", tags=[tag])
    await qa.ask(ada, "Untagged")
    first = (await qa.data(LIST, first=3, tag=tag))["questions"]
    assert [e["node"]["title"] for e in first["edges"]] == ["Q4", "Q3", "Q2"]
    assert first["totalCount"] == 5
    info = first["pageInfo"]
    assert info["hasNextPage"] and not info["hasPreviousPage"]
    assert info["startCursor"] == first["edges"][0]["cursor"]
    rest = (await qa.data(LIST, first=3, tag=tag, after=info["endCursor"]))["questions"]
    assert [e["node"]["title"] for e in rest["edges"]] == ["Q1", "Q0"]
    assert rest["pageInfo"]["hasPreviousPage"] and not rest["pageInfo"]["hasNextPage"]


async def test_first_is_capped_and_cursors_are_checked(qa: Qa) -> None:
    over = error_of(await qa.execute(LIST, first=101))
    assert over["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    bad = error_of(await qa.execute(LIST, after="bm90LWEtY3Vyc29y"))
    assert bad["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_a_members_questions_through_the_user_key(qa: Qa) -> None:
    [ada] = qa.members(1)
    for n in range(3):
        await qa.ask(ada, f"Mine {n}")
    page = (await qa.data(MINE, id=ada))["_entities"][0]["questions"]
    assert [e["node"]["title"] for e in page["edges"]] == ["Mine 2", "Mine 1"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    rest = (await qa.data(MINE, id=ada, after=page["pageInfo"]["endCursor"]))["_entities"][0]
    assert [e["node"]["title"] for e in rest["questions"]["edges"]] == ["Mine 0"]

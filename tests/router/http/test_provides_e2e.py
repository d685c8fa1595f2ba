"""``@provides`` end to end: the newsroom subgraphs and our router, each over real HTTP.

``comments`` answers the fields it provides on the paths that provide them,
with its own copies (signatures, headlines), so the values tell which
subgraph answered; the subgraph request log shows who was asked what.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import NEWSROOM_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.newsroom import newsroom_apps


@pytest.fixture(scope="module")
async def newsroom() -> AsyncIterator[Federation]:
    async with federation(newsroom_apps(), NEWSROOM_SUPERGRAPH) as running:
        yield running


async def test_a_provided_field_comes_from_the_providing_subgraph_alone(
    newsroom: Federation,
) -> None:
    answer = await newsroom.ask("{ comments { body author { name } } }")
    assert answer.body == {
        "data": {
            "comments": [
                {"body": "Sharp and clear.", "author": {"name": "Ada Lovelace"}},
                {"body": "Needs a diagram.", "author": {"name": "Grace Murray"}},
            ]
        }
    }
    assert answer.asked.services() == ["comments"]


async def test_the_same_field_off_the_provided_path_comes_from_its_owner(
    newsroom: Federation,
) -> None:
    answer = await newsroom.ask("{ comments { body editor { name } } }")
    assert answer.body == {
        "data": {
            "comments": [
                {"body": "Sharp and clear.", "editor": {"name": "Grace Hopper"}},
                {"body": "Needs a diagram.", "editor": {"name": "Ada King"}},
            ]
        }
    }
    assert answer.asked.services() == ["comments", "people"]
    (people,) = answer.asked.to("people")
    assert people.is_entities and people.fields == {"_entities", "name"}
    assert people.representations == [
        {"__typename": "User", "id": "u2"},
        {"__typename": "User", "id": "u1"},
    ]


async def test_only_what_is_not_provided_is_fetched_from_the_owner(newsroom: Federation) -> None:
    answer = await newsroom.ask("{ comments { author { name handle } editor { name } } }")
    assert answer.body == {
        "data": {
            "comments": [
                {
                    "author": {"name": "Ada Lovelace", "handle": "ada"},
                    "editor": {"name": "Grace Hopper"},
                },
                {
                    "author": {"name": "Grace Murray", "handle": "grace"},
                    "editor": {"name": "Ada King"},
                },
            ]
        }
    }
    assert answer.asked.services() == ["comments", "people", "people"]
    # One request per path, in parallel: authors need only their handle, editors their name.
    asked = sorted(call.fields - {"_entities"} for call in answer.asked.to("people"))
    assert asked == [{"handle"}, {"name"}]


async def test_provides_with_type_conditions_on_an_interface(newsroom: Federation) -> None:
    answer = await newsroom.ask("{ pinned { __typename id title } }")
    assert answer.body == {
        "data": {
            "pinned": [
                {"__typename": "Article", "id": "a1", "title": "Scaling federation"},
                {"__typename": "Video", "id": "v1", "title": "Routers in 5 minutes"},
            ]
        }
    }
    assert answer.asked.services() == ["comments"]


async def test_an_interface_path_fetches_only_the_unprovided_fields(newsroom: Federation) -> None:
    answer = await newsroom.ask(
        "{ pinned { title ... on Article { words } ... on Video { minutes } } }"
    )
    assert answer.body == {
        "data": {
            "pinned": [
                {"title": "Scaling federation", "words": 1200},
                {"title": "Routers in 5 minutes", "minutes": 12},
            ]
        }
    }
    assert answer.asked.services() == ["comments", "articles"]
    (articles,) = answer.asked.to("articles")
    assert articles.fields == {"_entities", "words", "minutes"}


async def test_provides_on_a_union_covers_only_the_member_it_names(newsroom: Federation) -> None:
    answer = await newsroom.ask(
        "{ latest { __typename ... on Article { title words } ... on Video { title } } }"
    )
    # The article's title is the headline comments holds; the video's is the current one.
    assert answer.body == {
        "data": {
            "latest": [
                {"__typename": "Video", "title": "Routers explained"},
                {"__typename": "Article", "title": "Query plans 101", "words": 800},
            ]
        }
    }
    assert answer.asked.services() == ["comments", "articles"]
    (articles,) = answer.asked.to("articles")
    assert articles.representations == [
        {"__typename": "Video", "id": "v1"},
        {"__typename": "Article", "id": "a2"},
    ]
    assert articles.fields == {"_entities", "words", "title"}  # the video's title only
    assert "...onArticle{words}" in articles.query.replace(" ", "")


async def test_an_interface_fragment_inside_a_union_keeps_to_what_is_provided(
    newsroom: Federation,
) -> None:
    answer = await newsroom.ask("{ latest { __typename ... on Story { id title } } }")
    assert answer.body == {
        "data": {
            "latest": [
                {"__typename": "Video", "id": "v1", "title": "Routers explained"},
                {"__typename": "Article", "id": "a2", "title": "Query plans 101"},
            ]
        }
    }
    (articles,) = answer.asked.to("articles")
    assert articles.representations == [{"__typename": "Video", "id": "v1"}]


async def test_the_owner_answers_its_own_root_field(newsroom: Federation) -> None:
    answer = await newsroom.ask("{ articles { id title } people { name } }")
    assert answer.body == {
        "data": {
            "articles": [
                {"id": "a1", "title": "Federation at scale"},
                {"id": "a2", "title": "Planning queries"},
            ],
            "people": [{"name": "Ada King"}, {"name": "Grace Hopper"}],
        }
    }
    assert sorted(answer.asked.services()) == ["articles", "people"]

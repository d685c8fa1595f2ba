"""``@requires`` in an ``@interfaceObject`` subgraph, end to end over real HTTP.

The museum graph (:mod:`tests.router.exhibits`): ``labels`` computes an
exhibit's ``caption`` from its ``name``, which only ``archive`` (the owner of
the ``Exhibit`` interface) answers; representations reach ``labels`` under
the interface's name, whatever the exhibit's type.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.exhibits import exhibit_apps
from tests.router.http.compose import EXHIBITS_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation


@pytest.fixture(scope="module")
async def museum() -> AsyncIterator[Federation]:
    async with federation(exhibit_apps(), EXHIBITS_SUPERGRAPH) as running:
        yield running


async def test_a_requirement_from_the_interface_owner(museum: Federation) -> None:
    answer = await museum.ask("{ highlights { id name caption } }")
    assert answer.body == {
        "data": {
            "highlights": [
                {"id": "e2", "name": "The Kiss", "caption": "The Kiss (e2)"},
                {"id": "e1", "name": "Haystacks", "caption": "Haystacks (e1)"},
            ]
        }
    }
    assert answer.asked.services() == ["labels", "archive", "labels"]
    assert answer.asked.to("labels")[-1].representations == [
        {"__typename": "Exhibit", "id": "e2", "name": "The Kiss"},
        {"__typename": "Exhibit", "id": "e1", "name": "Haystacks"},
    ]


async def test_from_the_interface_owner_s_list(museum: Federation) -> None:
    answer = await museum.ask("{ exhibits { id name caption } }")
    assert answer.body == {
        "data": {
            "exhibits": [
                {"id": "e1", "name": "Haystacks", "caption": "Haystacks (e1)"},
                {"id": "e2", "name": "The Kiss", "caption": "The Kiss (e2)"},
            ]
        }
    }
    assert answer.asked.services() == ["archive", "labels"]
    assert answer.asked.to("labels")[0].representations == [
        {"__typename": "Exhibit", "id": "e1", "name": "Haystacks"},
        {"__typename": "Exhibit", "id": "e2", "name": "The Kiss"},
    ]


async def test_a_type_condition_on_interface_objects(museum: Federation) -> None:
    answer = await museum.ask("{ highlights { ... on Painting { year } } }")
    assert answer.body == {"data": {"highlights": [{}, {"year": 1891}]}}
    assert answer.asked.services() == ["labels", "archive"]


async def test_the_requirement_under_a_type_condition(museum: Federation) -> None:
    answer = await museum.ask("{ highlights { ... on Painting { year id name caption } id name } }")
    assert answer.body == {
        "data": {
            "highlights": [
                {"id": "e2", "name": "The Kiss"},
                {"year": 1891, "id": "e1", "name": "Haystacks", "caption": "Haystacks (e1)"},
            ]
        }
    }
    assert answer.asked.to("labels")[-1].representations == [
        {"__typename": "Exhibit", "id": "e1", "name": "Haystacks"}
    ]


async def test_the_requirement_under_a_type_condition_from_the_owner(museum: Federation) -> None:
    answer = await museum.ask("{ exhibits { ... on Painting { year id name caption } id name } }")
    assert answer.body == {
        "data": {
            "exhibits": [
                {"year": 1891, "id": "e1", "name": "Haystacks", "caption": "Haystacks (e1)"},
                {"id": "e2", "name": "The Kiss"},
            ]
        }
    }
    assert answer.asked.services() == ["archive", "labels"]

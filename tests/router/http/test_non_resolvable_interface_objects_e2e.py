"""@interfaceObject types with keys no subgraph resolves, end to end: the bakery subgraphs.

The federation gateway audit's ``non-resolvable-interface-object`` cases.
``b`` (from ``oven``, which sees ``Node`` as an object) is served as
fetched. ``a`` (from ``counter``) names an interface no type implements, so
its ``__typename`` cannot be answered: a field only ``oven`` has is refused
before anything runs, and ``a { id }`` is null with the subgraph's error. A
type condition on ``product`` sends the router to ``oven`` for the concrete
type ``counter`` cannot give.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.bakery import bakery_apps
from tests.router.http.compose import BAKERY_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation


@pytest.fixture(scope="module")
async def bakery() -> AsyncIterator[Federation]:
    async with federation(bakery_apps(), BAKERY_SUPERGRAPH) as running:
        yield running


async def test_an_interface_object_is_served_as_its_subgraph_answered(bakery: Federation) -> None:
    answer = await bakery.ask("{ b { id field } }")
    assert answer.body == {"data": {"b": {"id": "n1", "field": "foo"}}}
    assert answer.asked.services() == ["oven"]

    answer = await bakery.ask("{ b { id } }")
    assert answer.body == {"data": {"b": {"id": "n1"}}}
    assert answer.asked.services() == ["oven"]


async def test_a_field_no_subgraph_can_reach_from_there_fails_planning(bakery: Federation) -> None:
    answer = await bakery.ask("{ a { field } }")
    assert "data" not in answer.body
    (error,) = answer.body["errors"]
    assert error["extensions"]["code"] == "QUERY_PLANNING_FAILED"
    assert answer.asked.services() == []


async def test_an_interface_no_type_implements_is_null_with_an_error(bakery: Federation) -> None:
    answer = await bakery.ask("{ a { id } }")
    assert answer.body["data"] == {"a": None}
    assert [error["path"] for error in answer.body["errors"]] == [["a"]]
    assert answer.asked.services() == ["counter"]


async def test_a_key_field_is_served_from_the_interface_object(bakery: Federation) -> None:
    answer = await bakery.ask("{ product { id } }")
    assert answer.body == {"data": {"product": {"id": "p1"}}}
    assert answer.asked.services() == ["counter"]


async def test_a_field_of_an_implementation_only_is_invalid_on_the_interface(
    bakery: Federation,
) -> None:
    answer = await bakery.ask("{ product { id name } }")
    assert "data" not in answer.body
    (error,) = answer.body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert answer.asked.services() == []


async def test_a_type_condition_gets_the_concrete_type_from_the_owner(bakery: Federation) -> None:
    answer = await bakery.ask("{ product { ... on Bread { id } } }")
    assert answer.body == {"data": {"product": {"id": "p1"}}}
    assert answer.asked.services() == ["counter", "oven"]

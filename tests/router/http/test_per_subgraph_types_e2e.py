"""Types that differ per subgraph, end to end: the zoo subgraphs and our router, over real HTTP.

Output enums carry the values of every subgraph; input enums and input types
only what all of them know, so a value or field one subgraph lacks is
refused before any subgraph is asked. Interfaces and unions have different
members per subgraph: the request log shows each subgraph is asked only
about the types it has as members.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.router.http.compose import ZOO_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.zoo import zoo_apps


@pytest.fixture(scope="module")
async def zoo() -> AsyncIterator[Federation]:
    async with federation(zoo_apps(), ZOO_SUPERGRAPH) as running:
        yield running


async def test_an_output_enum_carries_the_values_of_every_subgraph(zoo: Federation) -> None:
    answer = await zoo.ask(
        "{ kennel { name ... on Dog { diet } ... on Cat { diet } } aviary { name ... on Parrot { diet } } }"
    )
    assert answer.body == {
        "data": {
            "kennel": [
                {"name": "Rex", "diet": "MEAT"},
                {"name": "Pip", "diet": "KIBBLE"},
                {"name": "Tom", "diet": "MEAT"},
            ],
            "aviary": [{"name": "Polly", "diet": "SEEDS"}, {"name": "Kiwi", "diet": "KIBBLE"}],
        }
    }
    assert sorted(answer.asked.services()) == ["aviary", "kennel"]


@pytest.mark.parametrize(
    ("query", "variables", "data", "sent"),
    [
        (
            "{ kennel(species: DOG) { name } }",
            None,
            {"kennel": [{"name": "Rex"}, {"name": "Pip"}]},
            "DOG",
        ),
        (
            "query($s: Species) { aviary(species: $s) { name } }",
            {"s": "PARROT"},
            {"aviary": [{"name": "Polly"}, {"name": "Kiwi"}]},
            "PARROT",
        ),
        (
            '{ aviary(filter: { nameStartsWith: "K" }) { name } }',
            None,
            {"aviary": [{"name": "Kiwi"}]},
            "nameStartsWith",
        ),
        (
            "query($f: AnimalFilter) { kennel(filter: $f) { name } }",
            {"f": {"nameStartsWith": "T"}},
            {"kennel": [{"name": "Tom"}]},
            "nameStartsWith",
        ),
    ],
    ids=["enum literal", "enum variable", "input literal", "input variable"],
)
async def test_input_values_every_subgraph_knows_reach_the_subgraph(
    zoo: Federation, query: str, variables: Any, data: dict[str, Any], sent: str
) -> None:
    answer = await zoo.ask(query, variables)
    assert answer.body == {"data": data}
    (call,) = answer.asked.calls
    assert sent in call.query + str(call.variables)


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ kennel(species: CAT) { name } }", None),
        ("{ aviary(species: LIZARD) { name } }", None),
        ("query($s: Species) { aviary(species: $s) { name } }", {"s": "LIZARD"}),
        ("{ aviary(filter: { wingspan: 30 }) { name } }", None),
        ("query($f: AnimalFilter) { kennel(filter: $f) { name } }", {"f": {"minAge": 2}}),
    ],
    ids=[
        "kennel-only value",
        "aviary-only value",
        "as variable",
        "aviary-only field",
        "kennel-only field in a variable",
    ],
)
async def test_an_input_value_one_subgraph_lacks_is_refused_before_asking_any(
    zoo: Federation, query: str, variables: Any
) -> None:
    answer = await zoo.ask(query, variables)
    assert answer.status == 400
    assert "data" not in answer.body
    assert answer.asked.services() == []


async def test_an_interface_is_asked_only_about_its_implementations_in_that_subgraph(
    zoo: Federation,
) -> None:
    answer = await zoo.ask("{ aviary { __typename name ... on Dog { breed } } }")
    assert answer.body == {
        "data": {
            "aviary": [
                {"__typename": "Parrot", "name": "Polly"},
                {"__typename": "Parrot", "name": "Kiwi"},
            ]
        }
    }
    (aviary,) = answer.asked.calls
    assert "Dog" not in aviary.query


async def test_a_type_that_is_an_interface_member_in_one_subgraph_only(zoo: Federation) -> None:
    answer = await zoo.ask(
        "{ kennel { __typename name ... on Dog { chasesBirds } ... on Parrot { words } } }"
    )
    assert answer.body == {
        "data": {
            "kennel": [
                {"__typename": "Dog", "name": "Rex", "chasesBirds": True},
                {"__typename": "Dog", "name": "Pip", "chasesBirds": False},
                {"__typename": "Cat", "name": "Tom"},
            ]
        }
    }
    assert answer.asked.services() == ["kennel", "aviary"]
    (kennel,) = answer.asked.to("kennel")
    assert "Parrot" not in kennel.query
    (aviary,) = answer.asked.to("aviary")
    assert aviary.type_conditions == {"Dog"}
    assert aviary.representations == [
        {"__typename": "Dog", "id": "d1"},
        {"__typename": "Dog", "id": "d2"},
    ]


async def test_union_members_are_asked_only_of_the_subgraphs_that_have_them(
    zoo: Federation,
) -> None:
    answer = await zoo.ask(
        """{ visitors { __typename ... on Dog { name chasesBirds } ... on Cat { indoor }
             ... on Parrot { words } } }"""
    )
    assert answer.body == {
        "data": {
            "visitors": [
                {"__typename": "Parrot", "words": 12},
                {"__typename": "Dog", "name": "Rex", "chasesBirds": True},
            ]
        }
    }
    assert answer.asked.services() == ["aviary", "kennel"]
    (aviary,) = answer.asked.to("aviary")
    assert aviary.type_conditions == {"Dog", "Parrot"}
    (kennel,) = answer.asked.to("kennel")
    assert kennel.type_conditions == {"Dog"}
    assert kennel.representations == [{"__typename": "Dog", "id": "d1"}]


async def test_an_interface_fragment_on_a_member_that_is_no_implementation_there(
    zoo: Federation,
) -> None:
    # A visiting Dog is an Animal in the supergraph but not in aviary, which
    # answers "... on Animal" for its parrots only: the dog's name is kennel's.
    answer = await zoo.ask("{ visitors { __typename ... on Animal { id name } } }")
    assert answer.body == {
        "data": {
            "visitors": [
                {"__typename": "Parrot", "id": "p2", "name": "Kiwi"},
                {"__typename": "Dog", "id": "d1", "name": "Rex"},
            ]
        }
    }
    assert answer.asked.services() == ["aviary", "kennel"]
    (kennel,) = answer.asked.to("kennel")
    assert kennel.representations == [{"__typename": "Dog", "id": "d1"}]


async def test_the_other_subgraphs_union_drops_the_members_it_lacks(zoo: Federation) -> None:
    answer = await zoo.ask(
        """{ kennelResidents { __typename ... on Parrot { words } ... on Cat { name indoor }
             ... on Dog { name chasesBirds } } }"""
    )
    assert answer.body == {
        "data": {
            "kennelResidents": [
                {"__typename": "Cat", "name": "Tom", "indoor": True},
                {"__typename": "Dog", "name": "Pip", "chasesBirds": False},
            ]
        }
    }
    assert answer.asked.services() == ["kennel", "aviary"]
    (kennel,) = answer.asked.to("kennel")
    assert kennel.type_conditions == {"Cat", "Dog"}
    (aviary,) = answer.asked.to("aviary")
    assert aviary.representations == [{"__typename": "Dog", "id": "d2"}]


async def test_introspection_shows_the_composed_types(zoo: Federation) -> None:
    answer = await zoo.ask(
        """{
          diet: __type(name: "Diet") { enumValues { name } }
          species: __type(name: "Species") { enumValues { name } }
          filter: __type(name: "AnimalFilter") { inputFields { name } }
          animal: __type(name: "Animal") { possibleTypes { name } }
          resident: __type(name: "Resident") { possibleTypes { name } }
        }"""
    )

    def names(items: list[dict[str, str]]) -> set[str]:
        return {item["name"] for item in items}

    data = answer.body["data"]
    assert names(data["diet"]["enumValues"]) == {"MEAT", "KIBBLE", "SEEDS"}
    assert names(data["species"]["enumValues"]) == {"DOG", "PARROT"}
    assert names(data["filter"]["inputFields"]) == {"nameStartsWith"}
    assert names(data["animal"]["possibleTypes"]) == {"Dog", "Cat", "Parrot"}
    assert names(data["resident"]["possibleTypes"]) == {"Dog", "Cat", "Parrot"}
    assert answer.asked.services() == []

"""``@requires`` on a field another subgraph took over with ``@override``, end to end.

The members graph (:mod:`tests.router.renames`): ``badge`` and ``greeting``
need ``name``, which ``handles`` took over from ``badges``; whichever
subgraph an operation enters by, the name comes from ``handles`` (a name read
anywhere else would show as ``never read``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import RENAMES_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.renames import rename_apps


@pytest.fixture(scope="module")
async def members() -> AsyncIterator[Federation]:
    async with federation(rename_apps(), RENAMES_SUPERGRAPH) as running:
        yield running


async def test_every_entry_point_asks_the_new_owner(members: Federation) -> None:
    fields = "{ id name badge greeting }"
    answer = await members.ask(
        f"{{ memberInBadges {fields} memberInHandles {fields} memberInGreetings {fields} }}"
    )
    assert answer.body == {
        "data": {
            "memberInBadges": {
                "id": "m1",
                "name": "Mia",
                "badge": "[Mia]",
                "greeting": "Hello, Mia",
            },
            "memberInHandles": {
                "id": "m2",
                "name": "Noa",
                "badge": "[Noa]",
                "greeting": "Hello, Noa",
            },
            "memberInGreetings": {
                "id": "m3",
                "name": "Ola",
                "badge": "[Ola]",
                "greeting": "Hello, Ola",
            },
        }
    }
    assert sorted(r["id"] for r in answer.asked.to("badges")[-1].representations) == [
        "m1",
        "m2",
        "m3",
    ]


async def test_a_requirement_from_the_entry_subgraph_s_own_field(members: Federation) -> None:
    answer = await members.ask("{ memberInGreetings { greeting } }")
    assert answer.body == {"data": {"memberInGreetings": {"greeting": "Hello, Ola"}}}
    assert answer.asked.services() == ["greetings", "handles", "greetings"]
    assert answer.asked.to("greetings")[-1].representations == [
        {"__typename": "Member", "id": "m3", "name": "Ola"}
    ]


async def test_a_requirement_for_another_subgraph(members: Federation) -> None:
    answer = await members.ask("{ memberInBadges { greeting } }")
    assert answer.body == {"data": {"memberInBadges": {"greeting": "Hello, Mia"}}}
    assert answer.asked.services() == ["badges", "handles", "greetings"]


async def test_the_overridden_subgraph_s_requirement(members: Federation) -> None:
    answer = await members.ask("{ memberInBadges { badge } }")
    assert answer.body == {"data": {"memberInBadges": {"badge": "[Mia]"}}}
    assert answer.asked.services() == ["badges", "handles", "badges"]

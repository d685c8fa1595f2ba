"""``@requires`` whose selection goes through fragments on nested interfaces, end to end.

The weather graph (:mod:`tests.router.stations`): ``alerts`` needs each
station's reading, with the fields of whichever ``Measured`` type it is, from
``sensors``; ``Temperature`` is inaccessible, so a temperature reading answers
``null`` to the client, with an error at its path, but still reaches
``alerts`` in the representation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.router.http.compose import STATIONS_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.stations import station_apps


@pytest.fixture(scope="module")
async def weather() -> AsyncIterator[Federation]:
    async with federation(station_apps(), STATIONS_SUPERGRAPH) as running:
        yield running


def hidden_temperature(column: int) -> dict[str, Any]:
    """The error beside the first station's reading: a ``Temperature`` the API schema lacks."""
    return {
        "message": "Could not resolve the concrete type of Station.reading "
        "(__typename 'Temperature').",
        "locations": [{"line": 1, "column": column}],
        "path": ["stations", 0, "reading"],
        "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"},
    }


async def test_a_reading_of_an_inaccessible_type_answers_null(weather: Federation) -> None:
    answer = await weather.ask("{ stations { id reading { __typename } } }")
    assert answer.body == {
        "data": {
            "stations": [
                {"id": "s1", "reading": None},
                {"id": "s2", "reading": {"__typename": "Humidity"}},
            ]
        },
        "errors": [hidden_temperature(17)],
    }


async def test_requirement_fetched_with_the_entry_fields(weather: Federation) -> None:
    answer = await weather.ask('{ station(id: "s2") { reading { __typename } summary } }')
    assert answer.body == {
        "data": {"station": {"reading": {"__typename": "Humidity"}, "summary": "cellar % 80"}}
    }
    assert answer.asked.services() == ["sensors", "alerts"]
    assert answer.asked.to("alerts")[0].representations == [
        {
            "__typename": "Station",
            "id": "s2",
            "reading": {"__typename": "Humidity", "label": "cellar", "unit": "%", "percent": 80},
        }
    ]


async def test_requirement_carries_the_inaccessible_type(weather: Federation) -> None:
    answer = await weather.ask("{ stations { reading { __typename } summary } }")
    assert answer.body == {
        "data": {
            "stations": [
                {"reading": None, "summary": "roof C 21"},
                {"reading": {"__typename": "Humidity"}, "summary": "cellar % 80"},
            ]
        },
        "errors": [hidden_temperature(14)],
    }
    assert answer.asked.services() == ["alerts", "sensors", "alerts"]
    assert answer.asked.to("alerts")[-1].representations == [
        {
            "__typename": "Station",
            "id": "s1",
            "reading": {"__typename": "Temperature", "label": "roof", "unit": "C", "celsius": 21},
        },
        {
            "__typename": "Station",
            "id": "s2",
            "reading": {"__typename": "Humidity", "label": "cellar", "unit": "%", "percent": 80},
        },
    ]


async def test_requirement_through_a_fragment_on_the_field_type(weather: Federation) -> None:
    answer = await weather.ask("{ stations { reading { __typename } headline } }")
    assert answer.body == {
        "data": {
            "stations": [
                {"reading": None, "headline": "ROOF"},
                {"reading": {"__typename": "Humidity"}, "headline": "CELLAR"},
            ]
        },
        "errors": [hidden_temperature(14)],
    }
    assert answer.asked.to("alerts")[-1].representations == [
        {
            "__typename": "Station",
            "id": "s1",
            "reading": {"__typename": "Temperature", "label": "roof"},
        },
        {
            "__typename": "Station",
            "id": "s2",
            "reading": {"__typename": "Humidity", "label": "cellar"},
        },
    ]

"""A two-subgraph weather graph for ``@requires`` through fragments on nested interfaces.

``sensors`` owns each ``Station``'s ``reading``, typed by the interface
``Reading``; ``Measured`` is an interface that implements ``Reading``, and the
value types ``Temperature`` and ``Humidity`` implement both. ``alerts`` lists
the stations by key only and computes ``summary`` from the whole reading
(``label``, then ``unit`` and the type's own value through nested fragments)
and ``headline`` from ``... on Reading { label }``. ``alerts`` marks
``Temperature`` ``@inaccessible``: a client never sees a temperature (a
reading that is one answers ``null``) while requirements still carry it.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

# station id → (reading type, label, unit, value)
READINGS = {
    "s1": ("Temperature", "roof", "C", 21),
    "s2": ("Humidity", "cellar", "%", 80),
}
SUMMARY_REQUIREMENT = (
    "reading { label ... on Measured { unit ... on Temperature { celsius }"
    " ... on Humidity { percent } } }"
)


@strawberry.interface
class Reading:
    label: str


@strawberry.interface
class Measured(Reading):
    unit: str


@strawberry.federation.type(shareable=True)
class Temperature(Measured):
    celsius: int


@strawberry.federation.type(shareable=True)
class Humidity(Measured):
    percent: int


def reading_of(station: str) -> Reading:
    kind, label, unit, value = READINGS[station]
    if kind == "Temperature":
        return Temperature(label=label, unit=unit, celsius=value)
    return Humidity(label=label, unit=unit, percent=value)


@strawberry.federation.type(keys=["id"], name="Station")
class SensedStation:
    id: strawberry.ID

    @strawberry.field
    def reading(self) -> Reading | None:
        return reading_of(self.id)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> SensedStation:
        return SensedStation(id=id)


@strawberry.type
class SensorsQuery:
    @strawberry.field
    def station(self, id: strawberry.ID) -> SensedStation:
        return SensedStation(id=id)


@strawberry.interface(name="Reading")
class AlertReading:
    label: str


@strawberry.interface(name="Measured")
class AlertMeasured(AlertReading):
    unit: str


@strawberry.federation.type(name="Temperature", shareable=True, inaccessible=True)
class AlertTemperature(AlertMeasured):
    celsius: int


@strawberry.federation.type(name="Humidity", shareable=True)
class AlertHumidity(AlertMeasured):
    percent: int


@strawberry.federation.type(keys=["id"], name="Station")
class AlertStation:
    id: strawberry.ID
    given: strawberry.Private[dict[str, Any]]

    @strawberry.federation.field(external=True)
    def reading(self) -> AlertReading | None:
        return None

    @strawberry.federation.field(requires=[SUMMARY_REQUIREMENT])
    def summary(self) -> str:
        value = self.given.get("celsius", self.given.get("percent"))
        return f"{self.given['label']} {self.given['unit']} {value}"

    @strawberry.federation.field(requires=["reading { ... on Reading { label } }"])
    def headline(self) -> str:
        return self.given["label"].upper()

    @classmethod
    def resolve_reference(
        cls, id: strawberry.ID, reading: dict[str, Any] | None = None
    ) -> AlertStation:
        return AlertStation(id=id, given=reading or {})


@strawberry.type
class AlertsQuery:
    @strawberry.field
    def stations(self) -> list[AlertStation]:
        return [AlertStation(id=strawberry.ID(id), given={}) for id in READINGS]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "sensors": federated_schema(SensorsQuery, [SensedStation, Temperature, Humidity]),
    "alerts": federated_schema(AlertsQuery, [AlertStation, AlertTemperature, AlertHumidity]),
}


def station_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)

"""Two subgraphs that both define the executable directive ``@tone(pitch:)`` on fields.

Composition keeps an executable directive only when every subgraph defines
it, so the router can pass it on to whichever subgraph resolves the field.
Here the directive changes the answer (``HIGH`` upper-cases a string,
``LOW`` lower-cases it), which shows where it arrived. ``harbor`` declares
``pitch`` without a default, ``lighthouse`` with ``LOW``; the supergraph
keeps ``harbor``'s definition, so clients must give ``pitch``.
``harbor`` lists beacons (keyed by ``id``) with their ``name``;
``lighthouse`` adds their ``signal``.
"""

from __future__ import annotations

import enum
from typing import Any

import strawberry
from strawberry.directive import DirectiveLocation, DirectiveValue

from tests.router.subgraph_apps import asgi_apps, federated_schema

BEACONS = {"b1": ("North Mole", "Long flash"), "b2": ("Pier Head", "Two short")}


@strawberry.enum
class Pitch(enum.Enum):
    HIGH = "HIGH"
    LOW = "LOW"


def _toned(value: str, pitch: Pitch) -> str:
    return value.upper() if pitch == Pitch.HIGH else value.lower()


@strawberry.directive(locations=[DirectiveLocation.FIELD], name="tone")
def harbor_tone(value: DirectiveValue[str], pitch: Pitch) -> str:
    return _toned(value, pitch)


@strawberry.directive(locations=[DirectiveLocation.FIELD], name="tone")
def lighthouse_tone(value: DirectiveValue[str], pitch: Pitch = Pitch.LOW) -> str:
    return _toned(value, pitch)


@strawberry.federation.type(keys=["id"])
class Beacon:
    id: strawberry.ID
    name: str


@strawberry.type
class HarborQuery:
    @strawberry.field
    def beacons(self) -> list[Beacon]:
        return [Beacon(id=strawberry.ID(id), name=row[0]) for id, row in BEACONS.items()]

    @strawberry.field
    def harbor(self) -> str:
        return "Old Harbor"


@strawberry.federation.type(keys=["id"], name="Beacon")
class SignallingBeacon:
    id: strawberry.ID
    signal: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> SignallingBeacon:
        return SignallingBeacon(id=id, signal=BEACONS[id][1])


@strawberry.type
class LighthouseQuery:
    @strawberry.field
    def keeper(self) -> str:
        return "Mara Quill"


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "harbor": federated_schema(HarborQuery, [Beacon, Pitch], [harbor_tone]),
    "lighthouse": federated_schema(LighthouseQuery, [SignallingBeacon, Pitch], [lighthouse_tone]),
}


def beacon_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)

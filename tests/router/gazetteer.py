"""A three-subgraph gazetteer for ``@provides`` two levels deep.

``gazetteer`` lists the ``countries`` and provides their ``regions { id name
subregions { id name } }``: ``Country.regions`` and ``Region.subregions`` are
``@external`` there, owned (``@shareable``) by ``surveys``; ``Region.name``
is gazetteer's own. ``almanac`` (first by name) knows countries by key only.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

REGION_NAMES = {"r1": "Highlands", "r2": "Lowlands", "r3": "Islands"}
SUBREGIONS = {"r1": ["r2"], "r2": ["r3"], "r3": ["r1"]}
COUNTRY_REGIONS = {"k1": ["r1", "r2"], "k2": ["r3", "r2"]}


@strawberry.federation.type(keys=["id"], name="Country")
class AlmanacCountry:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> AlmanacCountry:
        return AlmanacCountry(id=id)


@strawberry.federation.type(keys=["id"], name="Region")
class NamedRegion:
    id: strawberry.ID
    name: str | None
    subregions: list[NamedRegion | None] | None = strawberry.federation.field(external=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> NamedRegion:
        return NamedRegion(id=id, name=REGION_NAMES[id], subregions=None)


@strawberry.federation.type(keys=["id"], name="Country")
class NamedCountry:
    id: strawberry.ID
    regions: list[NamedRegion | None] | None = strawberry.federation.field(external=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> NamedCountry:
        return NamedCountry(id=id, regions=None)


def named_region(region: str, depth: int) -> NamedRegion:
    below = [named_region(sub, depth - 1) for sub in SUBREGIONS[region]] if depth else None
    return NamedRegion(id=strawberry.ID(region), name=REGION_NAMES[region], subregions=below)


@strawberry.type
class GazetteerQuery:
    @strawberry.federation.field(
        shareable=True, provides=["regions { id name subregions { id name } }"]
    )
    def countries(self) -> list[NamedCountry | None] | None:
        return [
            NamedCountry(
                id=strawberry.ID(country),
                regions=[named_region(region, 1) for region in regions],
            )
            for country, regions in COUNTRY_REGIONS.items()
        ]


@strawberry.federation.type(keys=["id"])
class Region:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def subregions(self) -> list[Region | None] | None:
        return [Region(id=strawberry.ID(sub)) for sub in SUBREGIONS[self.id]]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Region:
        return Region(id=id)


@strawberry.federation.type(keys=["id"])
class Country:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def regions(self) -> list[Region | None] | None:
        return [Region(id=strawberry.ID(region)) for region in COUNTRY_REGIONS[self.id]]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Country:
        return Country(id=id)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "almanac": federated_schema(None, [AlmanacCountry]),
    "gazetteer": federated_schema(GazetteerQuery, [NamedCountry, NamedRegion]),
    "surveys": federated_schema(None, [Country, Region]),
}


def gazetteer_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)

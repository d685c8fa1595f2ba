"""A two-subgraph museum graph for ``@requires`` in an ``@interfaceObject`` subgraph.

``archive`` owns the entity interface ``Exhibit @key(id)`` with its ``name``,
and the implementations ``Painting`` (with ``year``) and ``Sculpture``.
``labels`` sees ``Exhibit`` as an ``@interfaceObject`` and computes
``caption`` from the exhibit's ``name`` (``@requires``), which only
``archive`` answers; it lists ``highlights`` without knowing their types.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema


@strawberry.federation.interface(keys=["id"])
class Exhibit:
    id: strawberry.ID
    name: str | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Exhibit:
        return ARCHIVE[id]


@strawberry.federation.type(keys=["id"])
class Painting(Exhibit):
    year: int


@strawberry.federation.type(keys=["id"])
class Sculpture(Exhibit):
    material: str


ARCHIVE: dict[str, Exhibit] = {
    "e1": Painting(id=strawberry.ID("e1"), name="Haystacks", year=1891),
    "e2": Sculpture(id=strawberry.ID("e2"), name="The Kiss", material="marble"),
}
HIGHLIGHTS = ["e2", "e1"]


@strawberry.type
class ArchiveQuery:
    @strawberry.field
    def exhibits(self) -> list[Exhibit]:
        return list(ARCHIVE.values())


@strawberry.federation.interface_object(keys=["id"], name="Exhibit")
class LabelledExhibit:
    id: strawberry.ID
    name: str | None = strawberry.federation.field(external=True, default=None)

    @strawberry.federation.field(requires=["name"])
    def caption(self) -> str | None:
        assert self.name is not None, "name not sent"
        return f"{self.name} ({self.id})"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, name: str | None = None) -> LabelledExhibit:
        return LabelledExhibit(id=id, name=name)


@strawberry.type
class LabelsQuery:
    @strawberry.field
    def highlights(self) -> list[LabelledExhibit]:
        return [LabelledExhibit(id=strawberry.ID(exhibit)) for exhibit in HIGHLIGHTS]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "archive": federated_schema(ArchiveQuery, [Painting, Sculpture]),
    "labels": federated_schema(LabelsQuery, [LabelledExhibit]),
}


def exhibit_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)

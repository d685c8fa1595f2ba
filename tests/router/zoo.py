"""A two-subgraph zoo whose shared types differ per subgraph, written with strawberry.federation.

Both subgraphs declare ``interface Animal``, ``union Resident``, the output
enum ``Diet``, the input enum ``Species`` and the input type ``AnimalFilter``,
each its own way:

- ``kennel``: ``Dog`` and ``Cat`` are ``Animal`` and ``Resident``; ``Diet``
  is ``MEAT | KIBBLE``; ``Species`` is ``DOG | CAT | PARROT``;
  ``AnimalFilter`` has ``nameStartsWith`` and ``minAge``.
- ``aviary``: ``Parrot`` is an ``Animal``; ``Dog`` (keyed like kennel's) is
  a ``Resident`` but not an ``Animal``; ``Diet`` is ``SEEDS | KIBBLE``;
  ``Species`` is ``DOG | PARROT | LIZARD``; ``AnimalFilter`` has
  ``nameStartsWith`` and ``wingspan``.

Composition makes ``Diet`` (output only) the union of the values and
``Species`` and ``AnimalFilter`` (input only) the intersection. The router
must never ask a subgraph about a type it does not know as a member.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

DOGS = {"d1": ("Rex", "collie", "MEAT", True), "d2": ("Pip", "pug", "KIBBLE", False)}
CATS = {"c1": ("Tom", True, "MEAT")}
PARROTS = {"p1": ("Polly", 40, "SEEDS"), "p2": ("Kiwi", 12, "KIBBLE")}
VISITS = ["p2", "d1"]  # the aviary's visitors today, in order


def _matching(animals: dict[str, tuple[Any, ...]], prefix: str | None) -> list[strawberry.ID]:
    """The ids of the animals whose name (first in the row) starts with ``prefix``."""
    return [
        strawberry.ID(key)
        for key, row in animals.items()
        if prefix is None or str(row[0]).startswith(prefix)
    ]


# kennel -----------------------------------------------------------------------


@strawberry.enum(name="Diet")
class KennelDiet(enum.Enum):
    MEAT = "MEAT"
    KIBBLE = "KIBBLE"


@strawberry.enum(name="Species")
class KennelSpecies(enum.Enum):
    DOG = "DOG"
    CAT = "CAT"
    PARROT = "PARROT"


@strawberry.input(name="AnimalFilter")
class KennelFilter:
    name_starts_with: str | None = None
    min_age: int | None = None


@strawberry.interface(name="Animal")
class KennelAnimal:
    id: strawberry.ID
    name: str


@strawberry.federation.type(keys=["id"])
class Dog(KennelAnimal):
    breed: str
    diet: KennelDiet

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Dog:
        name, breed, diet, _ = DOGS[id]
        return Dog(id=id, name=name, breed=breed, diet=KennelDiet(diet))


@strawberry.federation.type(keys=["id"])
class Cat(KennelAnimal):
    indoor: bool
    diet: KennelDiet

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Cat:
        name, indoor, diet = CATS[id]
        return Cat(id=id, name=name, indoor=indoor, diet=KennelDiet(diet))


KennelResident = Annotated[Dog | Cat, strawberry.union("Resident")]


@strawberry.type
class KennelQuery:
    @strawberry.field
    def kennel(
        self, species: KennelSpecies | None = None, filter: KennelFilter | None = None
    ) -> list[KennelAnimal]:
        prefix = filter.name_starts_with if filter else None
        found: list[KennelAnimal] = []
        if species in (None, KennelSpecies.DOG):
            found += [Dog.resolve_reference(i) for i in _matching(DOGS, prefix)]
        if species in (None, KennelSpecies.CAT):
            found += [Cat.resolve_reference(i) for i in _matching(CATS, prefix)]
        return found

    @strawberry.field
    def kennel_residents(self) -> list[KennelResident]:
        return [
            Cat.resolve_reference(strawberry.ID("c1")),
            Dog.resolve_reference(strawberry.ID("d2")),
        ]


# aviary -----------------------------------------------------------------------


@strawberry.enum(name="Diet")
class AviaryDiet(enum.Enum):
    SEEDS = "SEEDS"
    KIBBLE = "KIBBLE"


@strawberry.enum(name="Species")
class AviarySpecies(enum.Enum):
    DOG = "DOG"
    PARROT = "PARROT"
    LIZARD = "LIZARD"


@strawberry.input(name="AnimalFilter")
class AviaryFilter:
    name_starts_with: str | None = None
    wingspan: int | None = None


@strawberry.interface(name="Animal")
class AviaryAnimal:
    id: strawberry.ID
    name: str


@strawberry.federation.type(keys=["id"])
class Parrot(AviaryAnimal):
    words: int
    diet: AviaryDiet

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Parrot:
        name, words, diet = PARROTS[id]
        return Parrot(id=id, name=name, words=words, diet=AviaryDiet(diet))


@strawberry.federation.type(keys=["id"], name="Dog")
class VisitingDog:
    id: strawberry.ID

    @strawberry.field
    def chases_birds(self) -> bool:
        return DOGS[self.id][3]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> VisitingDog:
        return VisitingDog(id=id)


AviaryResident = Annotated[Parrot | VisitingDog, strawberry.union("Resident")]


@strawberry.type
class AviaryQuery:
    @strawberry.field
    def aviary(
        self, species: AviarySpecies | None = None, filter: AviaryFilter | None = None
    ) -> list[AviaryAnimal]:
        if species not in (None, AviarySpecies.PARROT):
            return []
        prefix = filter.name_starts_with if filter else None
        return [Parrot.resolve_reference(i) for i in _matching(PARROTS, prefix)]

    @strawberry.field
    def visitors(self) -> list[AviaryResident]:
        return [
            Parrot.resolve_reference(strawberry.ID(v))
            if v in PARROTS
            else VisitingDog(id=strawberry.ID(v))
            for v in VISITS
        ]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "kennel": federated_schema(KennelQuery, [Dog, Cat]),
    "aviary": federated_schema(AviaryQuery, [Parrot, VisitingDog]),
}


def zoo_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)

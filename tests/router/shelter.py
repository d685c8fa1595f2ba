"""A two-subgraph animal shelter for ``@provides`` through interfaces.

``kennel`` serves the ``pen`` (an ``Enclosure`` interface) and provides its
``pets { id name }``: ``Yard.pets`` and the pets' fields are ``@external``
there, and ``Dog``/``Cat`` are no entities in ``kennel``. ``vet`` owns the
``Yard`` entity, its ``pets``, and each pet's ``age``, which only ``vet``
answers (reached through the yard's key).
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

YARD = "y1"
# pet id → (type, name, age)
PETS = {"d1": ("Dog", "Rex", 4), "c1": ("Cat", "Tom", 6)}


@strawberry.interface(name="Pet")
class ProvidedPet:
    id: strawberry.ID
    name: str | None


@strawberry.federation.type(name="Dog")
class ProvidedDog(ProvidedPet):
    id: strawberry.ID = strawberry.federation.field(external=True)
    name: str | None = strawberry.federation.field(external=True)


@strawberry.federation.type(name="Cat")
class ProvidedCat(ProvidedPet):
    id: strawberry.ID = strawberry.federation.field(external=True)
    name: str | None = strawberry.federation.field(external=True)


@strawberry.interface(name="Enclosure")
class ProvidedEnclosure:
    id: strawberry.ID
    pets: list[ProvidedPet | None] | None


@strawberry.federation.type(name="Yard")
class ProvidedYard(ProvidedEnclosure):
    id: strawberry.ID = strawberry.federation.field(shareable=True)
    pets: list[ProvidedPet | None] | None = strawberry.federation.field(external=True)


def provided_pet(pet: str) -> ProvidedPet:
    kind, name, _ = PETS[pet]
    made = ProvidedDog if kind == "Dog" else ProvidedCat
    return made(id=strawberry.ID(pet), name=name)


@strawberry.type
class KennelQuery:
    @strawberry.federation.field(shareable=True, provides=["pets { id name }"])
    def pen(self) -> ProvidedEnclosure | None:
        return ProvidedYard(id=strawberry.ID(YARD), pets=[provided_pet(pet) for pet in PETS])


@strawberry.interface
class Pet:
    id: strawberry.ID
    name: str | None


@strawberry.federation.type(keys=["id"])
class Dog(Pet):
    name: str | None = strawberry.federation.field(shareable=True)
    age: int | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Dog:
        _, name, age = PETS[id]
        return Dog(id=id, name=name, age=age)


@strawberry.federation.type(keys=["id"])
class Cat(Pet):
    name: str | None = strawberry.federation.field(shareable=True)
    age: int | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Cat:
        _, name, age = PETS[id]
        return Cat(id=id, name=name, age=age)


@strawberry.interface
class Enclosure:
    id: strawberry.ID
    pets: list[Pet | None] | None


@strawberry.federation.type(keys=["id"])
class Yard(Enclosure):
    pets: list[Pet | None] | None = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Yard:
        return Yard(
            id=id,
            pets=[(Dog if PETS[pet][0] == "Dog" else Cat).resolve_reference(pet) for pet in PETS],
        )


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "kennel": federated_schema(KennelQuery, [ProvidedYard, ProvidedDog, ProvidedCat]),
    "vet": federated_schema(None, [Yard, Dog, Cat]),
}


def shelter_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)

"""A three-subgraph graph where an implementation of an entity interface is extended elsewhere.

``reels`` owns the entity interface ``Reel @key(id)`` and its
implementations ``Clip`` and ``Essay``; ``credits`` adds ``Clip.maker``
without knowing ``Reel`` at all; ``programmes`` sees ``Reel`` as an
``@interfaceObject`` (no concrete types). Reaching a clip's ``maker`` from
a programme takes ``reels`` for the concrete type, then ``credits``.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

# id -> (title, length in seconds of a clip or None, words of an essay or None)
REELS = {"7": ("Harbour at dawn", 140, None), "8": ("On tides", None, 2200)}
MAKERS = {"7": "Ines Ray"}


@strawberry.federation.interface(keys=["id"])
class Reel:
    id: strawberry.ID
    title: str | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Reel:
        title, length, words = REELS[id]
        if length is not None:
            return Clip(id=id, title=title, length=length)
        return Essay(id=id, title=title, words=words)


@strawberry.federation.type(keys=["id"])
class Clip(Reel):
    length: int | None


@strawberry.federation.type(keys=["id"])
class Essay(Reel):
    words: int | None


@strawberry.type
class ReelsQuery:
    @strawberry.field
    def reel(self) -> Reel | None:
        return Reel.resolve_reference(strawberry.ID("7"))


@strawberry.federation.type(keys=["id"])
class Director:
    id: strawberry.ID
    name: str | None


@strawberry.federation.type(keys=["id"], name="Clip")
class CreditedClip:
    id: strawberry.ID

    @strawberry.field
    def maker(self) -> str | None:
        return MAKERS.get(self.id)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CreditedClip:
        return CreditedClip(id=id)


@strawberry.type
class CreditsQuery:
    @strawberry.field
    def director(self) -> Director | None:
        return Director(id=strawberry.ID("d1"), name="Ines Ray")


@strawberry.federation.interface_object(keys=["id"], name="Reel")
class ScheduledReel:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class Programme:
    id: strawberry.ID
    name: str | None
    reel: ScheduledReel | None


@strawberry.type
class ProgrammesQuery:
    @strawberry.field
    def programme(self) -> Programme | None:
        return Programme(
            id=strawberry.ID("p1"), name="Morning", reel=ScheduledReel(id=strawberry.ID("7"))
        )


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "reels": federated_schema(ReelsQuery, [Clip, Essay]),
    "credits": federated_schema(CreditsQuery, [Director, CreditedClip]),
    "programmes": federated_schema(ProgrammesQuery, [Programme, ScheduledReel]),
}


def screening_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)

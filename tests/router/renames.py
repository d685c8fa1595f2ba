"""A three-subgraph graph for ``@requires`` on a field another subgraph took over.

``handles`` took ``name`` over from ``badges`` (``@override(from:
"badges")``). ``badges`` and ``greetings`` both mark ``name`` ``@external``
and compute ``badge`` and ``greeting`` from it (``@requires``): the name is
always fetched from ``handles``, whichever subgraph an operation enters by
(``memberInBadges``, ``memberInHandles``, ``memberInGreetings``).
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

NAMES = {"m1": "Mia", "m2": "Noa", "m3": "Ola"}
NEVER = "never read"


@strawberry.federation.type(keys=["id"], name="Member")
class HandleMember:
    id: strawberry.ID

    @strawberry.federation.field(override="badges")
    def name(self) -> str:
        return NAMES[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> HandleMember:
        return HandleMember(id=id)


@strawberry.type
class HandlesQuery:
    @strawberry.field
    def member_in_handles(self) -> HandleMember:
        return HandleMember(id=strawberry.ID("m2"))


@strawberry.federation.type(keys=["id"], name="Member")
class BadgeMember:
    id: strawberry.ID
    name: str = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["name"])
    def badge(self) -> str:
        return f"[{self.name}]"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, name: str = NEVER) -> BadgeMember:
        return BadgeMember(id=id, name=name)


@strawberry.type
class BadgesQuery:
    @strawberry.field
    def member_in_badges(self) -> BadgeMember:
        return BadgeMember(id=strawberry.ID("m1"), name=NEVER)


@strawberry.federation.type(keys=["id"], name="Member")
class GreetedMember:
    id: strawberry.ID
    name: str = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["name"])
    def greeting(self) -> str:
        return f"Hello, {self.name}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, name: str = NEVER) -> GreetedMember:
        return GreetedMember(id=id, name=name)


@strawberry.type
class GreetingsQuery:
    @strawberry.field
    def member_in_greetings(self) -> GreetedMember:
        return GreetedMember(id=strawberry.ID("m3"), name=NEVER)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "handles": federated_schema(HandlesQuery, [HandleMember]),
    "badges": federated_schema(BadgesQuery, [BadgeMember]),
    "greetings": federated_schema(GreetingsQuery, [GreetedMember]),
}


def rename_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)

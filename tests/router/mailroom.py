"""Two subgraphs sharing a root field of an interface whose ``id`` each can give for one member only.

``Query.entry(id:)`` (shareable) returns an ``Entry``: a ``Member`` or a
``Thread``. ``members`` owns members and knows a thread's ``id`` only as
``@external``; ``threads`` owns threads and knows a member's ``id`` only as
``@external`` (each answers the other's id with junk, which no one may ask
for). Composition accepts this, but ``entry { id }`` has no subgraph that
can answer it for every member: the router must refuse it, and route a
type condition to the subgraph that can resolve its fields.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

MEMBERS = {"m1": "ada"}
THREADS = {"t1": ("Welcome", "m1")}
JUNK = strawberry.ID("never-ask-me")


@strawberry.interface(name="Entry")
class MembersEntry:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class Member(MembersEntry):
    handle: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Member | None:
        return Member(id=id, handle=MEMBERS[id]) if id in MEMBERS else None


@strawberry.federation.type(keys=["id"], name="Thread")
class StartedThread(MembersEntry):
    id: strawberry.ID = strawberry.federation.field(external=True)
    starter_id: strawberry.Private[str]

    @strawberry.field
    def starter(self) -> Member:
        return Member.resolve_reference(strawberry.ID(self.starter_id))  # type: ignore[return-value]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> StartedThread:
        return StartedThread(id=id, starter_id=THREADS[id][1])


@strawberry.type
class MembersQuery:
    @strawberry.federation.field(shareable=True)
    def entry(self, id: strawberry.ID) -> MembersEntry | None:
        if id in MEMBERS:
            return Member.resolve_reference(id)
        return StartedThread(id=JUNK, starter_id=THREADS[id][1]) if id in THREADS else None

    @strawberry.field
    def member(self, id: strawberry.ID) -> Member | None:
        return Member.resolve_reference(id)


@strawberry.interface
class Entry:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class Thread(Entry):
    subject: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Thread | None:
        return Thread(id=id, subject=THREADS[id][0]) if id in THREADS else None


@strawberry.federation.type(keys=["id"], name="Member")
class PostingMember(Entry):
    id: strawberry.ID = strawberry.federation.field(external=True)

    @strawberry.field
    def threads(self) -> list[Thread]:
        return [
            Thread(id=strawberry.ID(id), subject=subject)
            for id, (subject, starter) in THREADS.items()
            if starter == self.id
        ]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PostingMember:
        return PostingMember(id=id)


@strawberry.type
class ThreadsQuery:
    @strawberry.federation.field(shareable=True)
    def entry(self, id: strawberry.ID) -> Entry | None:
        if id in THREADS:
            return Thread.resolve_reference(id)
        return PostingMember(id=JUNK) if id in MEMBERS else None

    @strawberry.field
    def thread(self, id: strawberry.ID) -> Thread | None:
        return Thread.resolve_reference(id)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "members": federated_schema(MembersQuery, [Member, StartedThread]),
    "threads": federated_schema(ThreadsQuery, [Thread, PostingMember]),
}


def mailroom_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)

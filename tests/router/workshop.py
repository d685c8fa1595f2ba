"""A four-subgraph graph where one shareable field's subfields come from two subgraphs.

``jobs`` answers ``job(id:)`` with its title. ``Job.phase`` is shareable in
``memos`` and ``phases``: ``memos`` knows ``Phase`` only as a value type with
a ``memo``; ``phases`` knows it as an entity keyed by ``id`` and gives only
that id, which ``names`` turns into the phase's ``name``. A job's phase with
its id, name and memo takes ``memos`` and ``phases`` (then ``names``) in
parallel after ``jobs``.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

JOBS = {"7": ("Sand the bench", "ph-2"), "8": ("Oil the bench", "ph-3")}


@strawberry.federation.type(keys=["id"])
class Job:
    id: strawberry.ID
    title: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Job:
        return Job(id=id, title=JOBS[id][0])


@strawberry.type
class JobsQuery:
    @strawberry.field
    def job(self, id: strawberry.ID) -> Job | None:
        return Job.resolve_reference(id) if id in JOBS else None


@strawberry.type(name="Phase")
class MemoPhase:
    memo: str | None


@strawberry.federation.type(keys=["id"], name="Job")
class MemoJob:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def phase(self) -> MemoPhase | None:
        return MemoPhase(memo=f"Memo for job {self.id}")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> MemoJob:
        return MemoJob(id=id)


@strawberry.federation.type(keys=["id"], name="Phase")
class KeyedPhase:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"], name="Job")
class PhasedJob:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def phase(self) -> KeyedPhase | None:
        return KeyedPhase(id=strawberry.ID(JOBS[self.id][1]))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PhasedJob:
        return PhasedJob(id=id)


@strawberry.federation.type(keys=["id"], name="Phase")
class NamedPhase:
    id: strawberry.ID
    name: str | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> NamedPhase:
        return NamedPhase(id=id, name=f"Phase {id}")


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "jobs": federated_schema(JobsQuery, [Job]),
    "memos": federated_schema(None, [MemoJob]),
    "phases": federated_schema(None, [PhasedJob]),
    "names": federated_schema(None, [NamedPhase]),
}


def workshop_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)

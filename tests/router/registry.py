"""A six-subgraph registry for entity keys, written with strawberry.federation.

``users`` owns ``User`` with two keys, ``id`` and ``email``; ``profiles`` knows
users by ``email`` only and requires their ``name`` for ``summary``; ``cards``,
keyed by ``email`` too, requires ``name`` (from ``users``) and ``bio`` (from
``profiles``) for ``card``; ``audit``
refers to users by ``email`` with ``resolvable: false`` (it cannot answer an
``_entities`` request, though it also carries the user's ``id``, and it sorts
before ``users``). ``projects`` and ``builds`` share ``Project`` under a
compound key (``id org``: the same project id exists in two organisations)
and ``Repository`` under a nested key (``name owner { id }``: the same name
under two owners); both refer to users by ``id`` with ``resolvable: false``.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from tests.router.subgraph_apps import asgi_apps, federated_schema

USERS = {"u1": ("ada@example.com", "Ada"), "u2": ("alan@example.com", "Alan")}
BY_EMAIL = {email: user_id for user_id, (email, _) in USERS.items()}
BIOS = {"ada@example.com": "Writes programs.", "alan@example.com": "Breaks codes."}
AUDIT_LOG = [("signed in", "u2"), ("pushed", "u1")]
PROJECTS = {("web", "acme"): "Acme web", ("web", "globex"): "Globex web"}
BUILDS = {("web", "acme"): "passed", ("web", "globex"): "failed"}
REPOSITORIES = {("site", "u1"): 5, ("site", "u2"): 9}
STATUSES = {("site", "u1"): "green", ("site", "u2"): "red"}


# users ------------------------------------------------------------------------


@strawberry.federation.type(keys=["id", "email"])
class User:
    id: strawberry.ID
    email: str
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID | None = None, email: str | None = None) -> User:
        user_id = id if id is not None else BY_EMAIL[str(email)]
        email, name = USERS[user_id]
        return User(id=strawberry.ID(user_id), email=email, name=name)


@strawberry.type
class UsersQuery:
    @strawberry.field
    def users(self) -> list[User]:
        return [User.resolve_reference(strawberry.ID(i)) for i in USERS]


# profiles ---------------------------------------------------------------------


@strawberry.federation.type(keys=["email"], name="User")
class Profile:
    email: str
    name: str = strawberry.federation.field(external=True, default="")

    @strawberry.field
    def bio(self) -> str:
        return BIOS[self.email]

    @strawberry.federation.field(requires=["name"])
    def summary(self) -> str:
        return f"{self.name}: {BIOS[self.email]}"

    @classmethod
    def resolve_reference(cls, email: str, name: str = "") -> Profile:
        return Profile(email=email, name=name)


@strawberry.type
class ProfilesQuery:
    @strawberry.field
    def profile(self, email: str) -> Profile | None:
        return Profile(email=email) if email in BIOS else None


# audit ------------------------------------------------------------------------


@strawberry.federation.type(keys=[Key(fields=FieldSet("email"), resolvable=False)], name="User")
class AuditedUser:
    email: str
    id: strawberry.ID = strawberry.federation.field(shareable=True)


@strawberry.type
class Entry:
    action: str
    user: AuditedUser


@strawberry.type
class AuditQuery:
    @strawberry.field
    def audit_log(self) -> list[Entry]:
        return [
            Entry(
                action=action,
                user=AuditedUser(email=USERS[user_id][0], id=strawberry.ID(user_id)),
            )
            for action, user_id in AUDIT_LOG
        ]


# cards ------------------------------------------------------------------------


@strawberry.federation.type(keys=["email"], name="User")
class Card:
    email: str
    name: str = strawberry.federation.field(external=True, default="")
    bio: str = strawberry.federation.field(external=True, default="")

    @strawberry.federation.field(requires=["name bio"])
    def card(self) -> str:
        return f"{self.name} | {self.bio}"

    @classmethod
    def resolve_reference(cls, email: str, name: str = "", bio: str = "") -> Card:
        return Card(email=email, name=name, bio=bio)


@strawberry.type
class CardsQuery:
    @strawberry.field
    def card_count(self) -> int:
        return len(USERS)


# projects ---------------------------------------------------------------------


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)], name="User")
class Owner:
    id: strawberry.ID


@strawberry.federation.type(keys=["id org"])
class Project:
    id: strawberry.ID
    org: str

    @strawberry.field
    def name(self) -> str:
        return PROJECTS[(self.id, self.org)]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, org: str) -> Project:
        return Project(id=id, org=org)


@strawberry.federation.type(keys=["name owner { id }"])
class Repository:
    name: str
    owner: Owner

    @strawberry.field
    def stars(self) -> int:
        return REPOSITORIES[(self.name, self.owner.id)]

    @classmethod
    def resolve_reference(cls, name: str, owner: dict[str, Any]) -> Repository:
        return Repository(name=name, owner=Owner(id=strawberry.ID(owner["id"])))


@strawberry.type
class ProjectsQuery:
    @strawberry.field
    def projects(self) -> list[Project]:
        return [Project(id=strawberry.ID(i), org=org) for i, org in PROJECTS]

    @strawberry.field
    def repositories(self) -> list[Repository]:
        return [
            Repository(name=name, owner=Owner(id=strawberry.ID(owner)))
            for name, owner in REPOSITORIES
        ]


# builds -----------------------------------------------------------------------


@strawberry.federation.type(keys=["id org"], name="Project")
class BuiltProject:
    id: strawberry.ID
    org: str

    @strawberry.field
    def last_build(self) -> str:
        return BUILDS[(self.id, self.org)]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, org: str) -> BuiltProject:
        return BuiltProject(id=id, org=org)


@strawberry.federation.type(keys=["name owner { id }"], name="Repository")
class BuiltRepository:
    name: str
    owner: Owner

    @strawberry.field
    def status(self) -> str:
        return STATUSES[(self.name, self.owner.id)]

    @classmethod
    def resolve_reference(cls, name: str, owner: dict[str, Any]) -> BuiltRepository:
        return BuiltRepository(name=name, owner=Owner(id=strawberry.ID(owner["id"])))


@strawberry.type
class BuildsQuery:
    @strawberry.field
    def failing(self) -> list[BuiltProject]:
        return [
            BuiltProject(id=strawberry.ID(i), org=org)
            for (i, org), result in BUILDS.items()
            if result == "failed"
        ]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "users": federated_schema(UsersQuery, [User]),
    "profiles": federated_schema(ProfilesQuery, [Profile]),
    "audit": federated_schema(AuditQuery, [AuditedUser]),
    "cards": federated_schema(CardsQuery, [Card]),
    "projects": federated_schema(ProjectsQuery, [Owner, Project, Repository]),
    "builds": federated_schema(BuildsQuery, [Owner, BuiltProject, BuiltRepository]),
}


def registry_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)

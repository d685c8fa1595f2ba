"""The `User` entity key every subgraph that extends `User` starts from.

Accounts owns `User`; another subgraph declares its own `User` with
``@key(fields: "id")`` and adds its fields::

    @strawberry.federation.type(keys=["id"], description="A member of the community.")
    class User(UserKey):
        @strawberry.field
        async def questions(self, info: Info) -> QuestionConnection: ...

``User.of(user_id)`` builds the stub a resolver returns for an author;
a representation whose id is not an id resolves to ``null``.
"""

from __future__ import annotations

from typing import Self

import strawberry

from shared.graphql.ids import parse_typed
from shared.ids import UserId


@strawberry.type(name="UserKey")
class UserKey:
    id: strawberry.ID
    user_id: strawberry.Private[UserId]

    @classmethod
    def of(cls, user_id: UserId) -> Self:
        return cls(id=strawberry.ID(str(user_id)), user_id=user_id)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Self | None:
        user_id = parse_typed(id, UserId)
        return cls.of(user_id) if user_id is not None else None

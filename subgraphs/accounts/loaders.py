"""Per-request loaders: many ``User`` lookups in one request become one cache/SQL round."""

from __future__ import annotations

from dataclasses import dataclass

from aiodataloader import DataLoader

from shared.db import Database
from shared.ids import UserId
from subgraphs.accounts.service import AccountsService, UserView


class UserLoader(DataLoader[UserId, UserView | None]):
    def __init__(self, service: AccountsService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(self, keys: list[UserId]) -> list[UserView | None]:
        async with self._database.transaction() as session:
            found = await self._service.users_by_id(keys, session=session)
        return [found[key] for key in keys]


@dataclass(frozen=True, slots=True)
class AccountsLoaders:
    users: UserLoader

    @classmethod
    def of(cls, service: AccountsService, database: Database) -> AccountsLoaders:
        return cls(users=UserLoader(service, database))

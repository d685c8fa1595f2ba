"""Per-request loaders: many ``User`` lookups in one request become one cache/SQL round."""

from __future__ import annotations

from dataclasses import dataclass

from aiodataloader import DataLoader

from shared.ids import UserId
from subgraphs.accounts.service import AccountsService, UserView


class UserLoader(DataLoader[UserId, UserView | None]):
    def __init__(self, service: AccountsService) -> None:
        super().__init__()
        self._service = service

    async def batch_load_fn(self, keys: list[UserId]) -> list[UserView | None]:
        found = await self._service.users_by_id(keys)
        return [found[key] for key in keys]


@dataclass(frozen=True, slots=True)
class AccountsLoaders:
    users: UserLoader

    @classmethod
    def of(cls, service: AccountsService) -> AccountsLoaders:
        return cls(users=UserLoader(service))

"""The accounts request context: the service, the database, this request's loaders, the viewer."""

from __future__ import annotations

from dataclasses import dataclass

from shared.graphql.context import Caller, RequestContext
from subgraphs.accounts.loaders import AccountsLoaders
from subgraphs.accounts.runtime import AccountsRuntime
from subgraphs.accounts.service import AccountsService


@dataclass
class AccountsContext(RequestContext[AccountsService, AccountsLoaders]):
    @classmethod
    def of(cls, runtime: AccountsRuntime, caller: Caller) -> AccountsContext:
        return cls(
            caller=caller,
            service=runtime.service,
            database=runtime.database,
            loaders=AccountsLoaders.of(runtime.service, runtime.database),
        )

"""Demo users for ``beyond dev --seed``; seeding twice adds nothing."""

from __future__ import annotations

from shared.db import Database
from subgraphs.accounts.service import AccountsService

DEMO_PASSWORD = "beyond2026"
DEMO_USERS = (
    ("13800000001", "Ada"),
    ("13800000002", "Grace"),
    ("13800000003", "Linus"),
    ("13800000004", "Margaret"),
    ("13800000005", "Ken"),
)


async def seed(service: AccountsService, database: Database) -> int:
    """Create the demo users that do not exist yet; return how many were created."""
    created = 0
    async with database.transaction() as session:
        for mobile, nickname in DEMO_USERS:
            if not await service.has_account(mobile, session=session):
                await service.create_user(mobile, DEMO_PASSWORD, nickname, session=session)
                created += 1
    return created
